"""Spec -> YAML text that loads back to the same Spec (for tools that write specs)."""

from __future__ import annotations

from typing import Any

import yaml

from ..loader import looks_like_number, resolve_plain
from .spec import Spec


class _Dumper(yaml.SafeDumper):
    """PyYAML writes YAML 1.1; quote every string that YAML 1.2 would read as something
    else (`0o17`, `.NaN`), as well as those 1.1 would (`no`, `1_000`)."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    node = dumper.represent_scalar("tag:yaml.org,2002:str", value)
    # line breaks such as NEL and U+2028 are only safe as escapes in a double-quoted scalar
    if resolve_plain(value) != value or not isinstance(resolve_plain(value), str) or \
            looks_like_number(value) or not value.replace("\n", "").isprintable():
        node.style = '"'
    return node


_Dumper.add_representer(str, _represent_str)


def spec_data(spec: Spec) -> dict[str, Any]:
    """Plain data of a spec, as a file would hold it (derived defaults written out)."""
    return spec.model_dump(mode="json", by_alias=True, exclude_none=True)


def dump_spec(spec: Spec) -> str:
    return yaml.dump(spec_data(spec), Dumper=_Dumper, sort_keys=False, allow_unicode=True,
                     width=100)
