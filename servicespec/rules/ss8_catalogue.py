"""SS8 — the catalogue: many files, shared libraries.

These rules look beyond one file, so the workspace reports them (`workspace.py`): SS802 and
SS803 when a service is resolved against its libraries, SS801 and SS804 over the whole
catalogue.
"""

from __future__ import annotations

from ..diagnostics import Severity
from .base import Group, Rule

GROUP = Group("SS8", "catalogue", "the catalogue: many files")

E, I = Severity.ERROR, Severity.INFO


class DuplicateServiceId(Rule):
    """Every file of a catalogue has its own `metadata.id`, services and libraries alike:
    `uses`, links between services and the site all name a file by it, so two files with
    one id make every such name ambiguous. Reported at the `metadata.id` of every file after
    the first (by path).

    Bad:
    ```yaml
    metadata: {id: hotel-stay, name: Hotel stay}
    ```
    (in two files of the same catalogue)

    Good:
    ```yaml
    metadata: {id: hotel-stay-city-centre, name: Hotel stay, city centre}
    ```
    """

    code, name, severity, file_level = "SS801", "duplicate-service-id", E, True
    summary = "two files of the catalogue declare the same `metadata.id`"
    impact = ("When two services share a name, the wrong one is changed, linked or reported "
              "on, and a gap in the other goes unseen.")


class UnresolvedLibrary(Rule):
    """A service's `uses` must name a library of the catalogue (a file with `kind: Library`
    and that `metadata.id`): the service refers to its elements by plain id, and none of
    them can be found until it does. The message offers the closest library id, or names
    the library's file when it is there but does not load (fix its errors first). Until the
    library resolves, the other design rules wait (all but duplicate ids): they would blame
    the service for what the library may well hold. The catalogue is the folders given to
    `lint`, or `catalogue =` in the configuration.

    Bad:
    ```yaml
    uses: [contact-centre]
    ```

    Good:
    ```yaml
    uses: []
    ```
    """

    code, name, severity, file_level = "SS802", "unresolved-library", E, True
    summary = "`uses` names no `kind: Library` of the catalogue"
    impact = ("The shared phone line, team or rule the service counts on cannot be found, so "
              "nothing checks that customers actually get it.")


class SharedIdConflict(Rule):
    """A service refers to a used library's elements by plain id, so it may not define an
    id that library defines, and two libraries it uses may not share an id: either way one
    name would mean two things. The service's own element is reported (or the `uses` entry
    of the second library); refer to the shared element instead, or rename one.

    Bad:
    ```yaml
    uses: [contact-centre]
    channels:
      - {id: phone, kind: phone}   # contact-centre defines `phone` too
    ```

    Good:
    ```yaml
    uses: [contact-centre]
    ```
    """

    code, name, severity, file_level = "SS803", "shared-id-conflict", E, True
    summary = "a service defines an id a library it uses defines, or two used libraries share one"
    impact = ("One name for two different things means a customer may be promised one phone "
              "line and reach another.")


class UnusedLibraryElement(Rule):
    """An element of a library that no service of the catalogue refers to is shared by no
    one: a channel nobody answers for, a role no journey needs. Reported only when the
    whole catalogue is linted (one file cannot know what the others use), at the element in
    the library.

    Bad:
    ```yaml
    channels:
      - {id: fax, kind: email}   # in a library no service's steps or channels name
    ```

    Good:
    ```yaml
    channels:
      - {id: phone, kind: phone}   # a service's touchpoint uses it
    ```
    """

    code, name, severity, file_level = "SS804", "unused-library-element", I, True
    summary = "an element of a library that no service of the catalogue uses"
    impact = ("A shared channel or team that no service relies on costs money and misleads "
              "whoever reads the catalogue.")
