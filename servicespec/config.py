"""`[tool.servicespec]` in pyproject.toml, or a `servicespec.toml`: validated, never run.

The configuration is data only: nothing in it can name Python code to import, so linting an
untrusted repository runs none of its code.
"""

from __future__ import annotations

import errno
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

from pydantic_core.core_schema import ValidationInfo

from .diagnostics import Severity
from .fsutil import FileTooLarge, NotRegularFile, read_regular
from .loader import LIBYAML_MAX_NESTING, Limits
from .model.base import After, Before, Range, Record, Text, ValidationError, field
from .results import PolicyInfo
from .rules import ALL_RULES, get_rule
from .textutil import shown


class ConfigError(Exception):
    """A configuration problem: the CLI reports it and exits 2."""


# A configuration is a few hundred bytes; a pyproject.toml a few kilobytes. A larger file is
# refused before it is parsed (tomllib is pure Python: a huge file would take long).
MAX_CONFIG_BYTES = 1024 * 1024


def _check_selector(value: str, policies: dict[str, Policy] | None = None) -> str:
    sel = value.strip().upper()
    if sel == "ALL" or any(code.startswith(sel) for code in [*ALL_RULES, *(policies or {})]):
        return sel
    rule = get_rule(value)
    if rule is not None:
        return rule.code
    raise ValueError(f"unknown rule code or prefix '{value}' (see `servicespec rules`)")


def _policies(info: ValidationInfo) -> dict[str, Policy]:
    """The policies validated before the field at hand (`policies` comes first)."""
    return {p.code: p for p in info.data.get("policies") or ()}


_POLICY_CODE = re.compile(r"^[A-Z]{2,10}[0-9]{1,6}$")


def _policy_code(value: str) -> str:
    if not _POLICY_CODE.match(value) or value.startswith("SS"):
        raise ValueError(f"code '{value}' is not a policy code: the team's own letters "
                         "then digits, such as ORG001 (SS is servicespec's)")
    return value


def _severity(value: Any) -> Any:
    return Severity.parse(value) if isinstance(value, str) else value


class Policy(Record, strict=False):
    """An organisation policy: a check of the team's own, declared in CEL (policies.py and
    docs/policies.md)."""

    code: Annotated[str, After(_policy_code)] = field(
        description="The team's own code, `ORG001`: letters then digits, never `SS`.")
    name: Annotated[str, Text(pattern=r"^[a-z][a-z0-9-]*$", max_length=100)] = field(
        description="A kebab-case name, `phone-lines-staffed-24-7`.")
    message: Annotated[str, Text(min_length=1, max_length=1000)] = field(
        description="What a finding says.")
    severity: Annotated[Severity, Before(_severity)] = Severity.WARNING
    select: Literal["channels", "steps", "metrics", "recovery", "facilitating", "roles",
                    "touchpoints", "service"]
    where: str = field("true", description="CEL: which selected elements the policy applies "
                       "to.")
    require: str = field(description="CEL: what each of them must satisfy.")
    description: Annotated[str, Text(max_length=5000)] = field(
        "", description="Why the policy exists (explain, SARIF).")
    url: Annotated[str, Text(max_length=2000)] | None = field(
        None, description="Where the team documents it.")

    def after_validation(self) -> None:
        from .policies import PolicyCompileError, compile_expression

        for key in ("where", "require"):
            text = getattr(self, key)
            try:
                compile_expression(text)
            except PolicyCompileError as exc:
                raise ValueError(f"{self.code} ({self.name}): `{key}` does not compile: "
                                 f"{shown(text, 200)!r}: {exc}") from None

    def info(self) -> PolicyInfo:
        return PolicyInfo(self.code, self.name, self.severity, self.summary, self.description,
                          self.checks, self.url)

    @property
    def checks(self) -> str:
        where = "" if self.where.strip() == "true" else f" where {self.where}"
        return f"each of {self.select}{where}: require {self.require}"

    @property
    def summary(self) -> str:
        return self.description.split("\n\n")[0] if self.description else self.message


def _check_globs(globs: list[str]) -> list[str]:
    if globs:
        from pathspec import GitIgnoreSpec

        for glob in globs:
            try:
                GitIgnoreSpec.from_lines([glob])
            except ValueError:  # pathspec's GitIgnorePatternError
                raise ValueError(f"invalid glob '{glob}'") from None
    return globs


class LimitsConfig(Record, strict=False, frozen=False):
    """The input limits a project may raise, each up to a maximum that still bounds memory
    and time (libyaml stops at 1,000 levels whatever is asked)."""

    max_file_bytes: Annotated[int, Range(ge=1, le=1024 * 1024 * 1024)] = Limits.max_file_bytes
    max_depth: Annotated[int, Range(ge=2, le=LIBYAML_MAX_NESTING)] = Limits.max_depth
    max_nodes: Annotated[int, Range(ge=1, le=100_000_000)] = Limits.max_nodes
    max_alias_nodes: Annotated[int, Range(ge=0, le=100_000_000)] = Limits.max_alias_nodes


def _policy_codes(value: list[Policy]) -> list[Policy]:
    seen: set[str] = set()
    for policy in value:
        if policy.code in seen:
            raise ValueError(f"two policies have the code {policy.code}")
        seen.add(policy.code)
    return value


def _selectors(value: list[str], info: ValidationInfo) -> list[str]:
    return [_check_selector(v, _policies(info)) for v in value]


def _file_selectors(value: dict[str, list[str]], info: ValidationInfo) -> dict[str, list[str]]:
    _check_globs(list(value))
    return {glob: [_check_selector(v, _policies(info)) for v in codes]
            for glob, codes in value.items()}


def _severities(value: Any, info: ValidationInfo) -> Any:
    if not isinstance(value, dict):
        return value
    out = {}
    policies = _policies(info)
    for key, sev in value.items():
        rule = get_rule(key)
        code = rule.code if rule else key.strip().upper() if isinstance(key, str) else key
        if rule is None and code not in policies:
            raise ValueError(f"unknown rule '{key}' in `severity`")
        out[code] = Severity.parse(sev) if isinstance(sev, str) else sev
    return out


def _options(value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out = {}
    for key, opts in value.items():
        rule = get_rule(key)
        if rule is None:
            raise ValueError(f"unknown rule '{key}' in `options`")
        try:
            rule.Options.model_validate(opts)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'options'}: {e['msg']}"
                                 for e in exc.errors())
            raise ValueError(f"options of {rule.code} ({rule.name}): {problems}") from None
        out[rule.code] = opts
    return out


def _all_rules() -> list[str]:
    return ["ALL"]


class Config(Record, strict=False, frozen=False):
    """The settings of one project."""

    # first: the selectors and severities below may name its codes
    policies: Annotated[list[Policy], After(_policy_codes)] = field(default_factory=list)
    select: Annotated[list[str], After(_selectors, info=True)] = field(
        default_factory=_all_rules)
    ignore: Annotated[list[str], After(_selectors, info=True)] = field(default_factory=list)
    severity: Annotated[dict[str, Severity], Before(_severities, info=True)] = field(
        default_factory=dict)
    options: Annotated[dict[str, dict[str, Any]], After(_options)] = field(
        default_factory=dict)
    per_file_ignores: Annotated[dict[str, list[str]], After(_file_selectors, info=True)] = \
        field(default_factory=dict)
    # which files a folder walk takes (see `matches` for the glob semantics)
    include: Annotated[list[str], After(_check_globs)] = field(default_factory=list)
    exclude: Annotated[list[str], After(_check_globs)] = field(default_factory=list)
    fail_on: Severity = Severity.ERROR
    # the folder whose specs and libraries form the catalogue (relative to the configuration
    # file): linting one file resolves its `uses` from it
    catalogue: str | None = None
    limits: LimitsConfig = field(default_factory=LimitsConfig)
    # the configuration's own state, not settings: set by `_after_construction`
    _active: ClassVar[dict[str | None, list[tuple[str, Any, Record]]]]
    # the folder globs are relative to: the configuration file's (None: the working folder)
    _root: ClassVar[str | None]
    _globs: ClassVar[dict[tuple[str, ...], Any]]

    @classmethod
    def _after_construction(cls, obj: Any) -> None:
        vars(obj).update(_active={}, _root=None, _globs={})

    def active_rules(self, file: str | None = None) -> list[tuple[str, Any, Record]]:
        """(code, rule, options) of the rules that run on `file`; computed once per config
        unless per-file ignores make it differ by file."""
        key = file if self.per_file_ignores else None
        cache = self._active
        if key not in cache:
            cache[key] = [(code, rule, self.rule_options(code))
                          for code, rule in ALL_RULES.items()
                          if not rule.file_level and self.enabled(code, file)]
        return cache[key]

    def active_policies(self, file: str | None = None) -> list[tuple[Policy, Severity]]:
        """(policy, severity) of the policies that run on `file`."""
        return [(p, self.severity.get(p.code, p.severity)) for p in self.policies
                if self.enabled(p.code, file)]

    def policy(self, code: str) -> Policy | None:
        return next((p for p in self.policies if p.code == code), None)

    def knows(self, code: str) -> bool:
        """Whether `code` is a rule's or one of this configuration's policies'."""
        return code in ALL_RULES or self.policy(code) is not None

    def rule_name(self, code: str) -> str:
        rule = ALL_RULES.get(code)
        if rule is not None:
            return rule.name
        policy = self.policy(code)
        return policy.name if policy else code

    def limits_value(self) -> Limits:
        return Limits(**self.limits.model_dump())

    def rule_options(self, code: str) -> Record:
        return ALL_RULES[code].Options.model_validate(self.options.get(code, {}))

    def enabled(self, code: str, file: str | None = None) -> bool:
        def matches(selectors: list[str]) -> bool:
            return any(s == "ALL" or code.startswith(s) for s in selectors)

        if not matches(self.select) or matches(self.ignore):
            return False
        if file is not None:
            for glob, codes in self.per_file_ignores.items():
                if matches(codes) and self.matches([glob], file):
                    return False
        return True

    def matches(self, globs: list[str], file: str) -> bool:
        """Whether `file` matches one of `globs`, as a `.gitignore` in the configuration's
        folder would: `*` stays within a folder and `**` crosses folders; a glob with a `/`
        (other than at its end) is relative to that folder, one without matches at any depth;
        `name/` matches everything in a folder `name`; `!glob` takes a file back. A file
        outside the configuration's folder is matched by its name."""
        if not globs:
            return False
        key = tuple(globs)
        spec = self._globs.get(key)
        if spec is None:
            from pathspec import GitIgnoreSpec  # only configurations with globs need it

            spec = self._globs[key] = GitIgnoreSpec.from_lines(globs)
        root = self._root or os.getcwd()
        relative = os.path.relpath(os.path.abspath(file), root)
        if relative == os.pardir or relative.startswith(os.pardir + os.sep):
            relative = os.path.basename(file)
        return bool(spec.match_file(Path(relative).as_posix()))

    def with_root(self, folder: str | os.PathLike[str] | None) -> Config:
        """This configuration with its globs relative to `folder`."""
        vars(self).update(_root=None if folder is None else os.path.abspath(folder), _globs={})
        return self

    def catalogue_folder(self) -> str | None:
        """The configured catalogue's folder, as a path from the working folder."""
        if self.catalogue is None:
            return None
        return os.path.join(self._root or os.getcwd(), self.catalogue)

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.severity.get(code, default)

    def merged(self, **overrides: Any) -> Config:
        """A copy with command-line flags applied over the file's settings."""
        data = self.model_dump()
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return Config.model_validate(data).with_root(self._root)
        except ValidationError as exc:
            raise ConfigError(_describe(exc, "command line")) from None


@dataclass(frozen=True)
class LoadedConfig:
    config: Config
    path: Path | None  # the file it came from; None for the defaults


def _describe(exc: ValidationError, where: str) -> str:
    lines = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown setting"
        lines.append(f"{where}: {loc}: {msg}" if loc else f"{where}: {msg}")
    return "\n".join(lines)


def read_config(path: Path) -> Config:
    """Read one config file (servicespec.toml, or pyproject.toml's [tool.servicespec])."""
    try:
        data = read_regular(path, MAX_CONFIG_BYTES)
    except OSError as exc:
        raise _unreadable(path, exc) from None
    raw = _toml(path, data)
    if path.name == "pyproject.toml":
        raw = raw.get("tool", {}).get("servicespec", {})
    return _validate(path, raw)


def _unreadable(path: str | Path, exc: OSError) -> ConfigError:
    if isinstance(exc, FileTooLarge):
        why = f"{exc.strerror}: a configuration is never this large"
    elif isinstance(exc, NotRegularFile):
        why = f"{exc.strerror}: give a servicespec.toml or pyproject.toml file"
    else:
        why = exc.strerror or str(exc)
    return ConfigError(f"{path}: cannot read the configuration: {why}")


def _toml(path: Path, data: bytes) -> dict[str, Any]:
    # imported here: a run with no configuration file never needs it
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    except RecursionError:  # tomllib recurses into arrays and inline tables
        raise ConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply: a "
                          "configuration needs a few levels") from None
    except ValueError:  # an integer of over 4,300 digits, which Python refuses to convert
        raise ConfigError(f"{path}: invalid TOML: a number too long to be a setting") from None


def _validate(path: Path, raw: dict[str, Any]) -> Config:
    raw = {k.replace("-", "_"): v for k, v in raw.items()}
    try:
        return Config.model_validate(raw).with_root(path.parent)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, str(path))) from None


CONFIG_NAMES = ("servicespec.toml", "pyproject.toml")


class ConfigResolver:
    """Finds the configuration of a folder: the nearest servicespec.toml, or pyproject.toml
    with [tool.servicespec], walking up.

    Every lookup looks at the files as they are now: each candidate on the way up is checked
    again, and one is parsed again only when its bytes differ from the last read (comparing
    bytes, unlike times, cannot miss two saves within one clock tick). So a long-lived
    process (`servicespec serve`, an editor integration) sees a configuration edit at its
    next lookup, with nothing to clear; an unchanged file gives back the same `Config`
    object (whose per-config work, such as `Config.active_rules`, is then reused).
    """

    def __init__(self) -> None:
        self._read: dict[str, tuple[bytes, Config | None]] = {}
        self._defaults = LoadedConfig(Config(), None)

    def find(self, directory: Path) -> LoadedConfig:
        folder = os.path.abspath(directory)  # strings: a lookup runs for every file linted
        while True:
            for name in CONFIG_NAMES:
                candidate = os.path.join(folder, name)
                config = self._config_in(candidate, name)
                if config is not None:
                    return LoadedConfig(config, Path(candidate))
            parent = os.path.dirname(folder)
            if parent == folder:
                return self._defaults
            folder = parent

    def _config_in(self, path: str, name: str) -> Config | None:
        """The configuration `path` holds; None when it is not there, or is a pyproject.toml
        without [tool.servicespec] (or one that is not TOML: it may be another tool's)."""
        pyproject = name == "pyproject.toml"
        try:
            data = read_regular(path, MAX_CONFIG_BYTES)
        except NotRegularFile:  # a FIFO would block the read: as if it were not there
            return None
        except OSError as exc:
            if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ELOOP):  # not there
                self._read.pop(path, None)
                return None
            if pyproject and not isinstance(exc, FileTooLarge):
                return None  # another tool's file, maybe: as if it had no section
            raise _unreadable(path, exc) from None
        known = self._read.get(path)
        if known is not None and known[0] == data:
            return known[1]
        where = Path(path)
        if pyproject:
            try:
                section = _toml(where, data).get("tool", {}).get("servicespec")
            except ConfigError:
                section = None
            config = None if section is None else _validate(where, section)
        else:
            config = _validate(where, _toml(where, data))
        self._read[path] = (data, config)
        return config


# The lookups of this process (the CLI, a worker, the preview server): nothing in it can go
# stale, see ConfigResolver.
_resolver = ConfigResolver()


def find_config(directory: Path) -> LoadedConfig:
    """The nearest servicespec.toml or pyproject.toml with [tool.servicespec], walking up,
    as it is now."""
    return _resolver.find(directory)
