"""Records: typed classes whose instances are validated by pydantic-core.

The spec's models, the configuration and the rules' options are `Record`s. They are checked
by pydantic-core, the Rust validator under pydantic, from a schema built here out of the
classes' annotations: the same checks and the same errors (type, location, message) as
pydantic's `BaseModel`, without importing pydantic. Importing pydantic and building its
models is about 70 ms, some 40 % of a one-file lint's cold start; pydantic-core alone is
about 12 ms (docs/performance.md).

A record class declares its fields as annotations with optional defaults (`field(...)` for
a description, an alias or a default factory), and its checks with markers in `Annotated`:
`Text` (pattern and length), `Range`, `Before`/`After` (a function run before or after the
type's check), `Parse` (a function that is the check, with the JSON Schema of what it takes)
and `Dump` (how the value is written back). A class method `before_validation(data)` sees a
mapping before its fields are checked (shorthands, defaults derived from other keys);
`after_validation(self)` checks the whole after them. Names starting with `_` are no fields.

The subset of pydantic's API the project uses keeps pydantic's names: `model_validate`,
`model_construct`, `model_copy`, `model_dump`, `model_dump_json`, `model_fields`, so code
that reads them reads as it would with pydantic. pydantic itself is imported only for the
JSON Schema (`schema.py`), from a pydantic model made out of each record (`pydantic_model`).
"""

from __future__ import annotations

import enum
import inspect
import json
import sys
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, ClassVar, Literal, TypeVar

if sys.version_info >= (3, 11):
    from typing import dataclass_transform
else:  # pragma: no cover
    from typing_extensions import dataclass_transform

from pydantic_core import SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

__all__ = ["After", "Before", "Dump", "Field", "Parse", "Range", "Record", "Text",
           "ValidationError", "field"]

R = TypeVar("R", bound="Record")
_MISSING: Any = object()


@dataclass(frozen=True)
class Text:
    """Constraints on text: a regular expression it must match, its least and most length."""

    pattern: str | None = None
    min_length: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Range:
    """Bounds of a number, both included."""

    ge: float | None = None
    le: float | None = None


@dataclass(frozen=True)
class Before:
    """A function run on the value as written, before its type is checked; with `info`, it
    is also given pydantic-core's `ValidationInfo` (`info.data`: the fields checked so far)."""

    function: Callable[..., Any]
    info: bool = False


@dataclass(frozen=True)
class After:
    """A function run on the checked value (its return value is kept); `info` as `Before`."""

    function: Callable[..., Any]
    info: bool = False


@dataclass(frozen=True, eq=False)  # hashed by identity: its JSON Schema is a dict
class Parse:
    """The function that reads the value (in place of a type check), and the JSON Schema of
    what it accepts."""

    function: Callable[[Any], Any]
    json_schema: dict[str, Any]


@dataclass(frozen=True)
class Dump:
    """How the value is written back (by `model_dump`)."""

    function: Callable[[Any], Any]


class Field:
    """One field of a record: its attribute name, the key a file writes (`alias`), its
    type, description and default."""

    __slots__ = ("alias", "annotation", "default", "default_factory", "description",
                 "metadata", "name")

    def __init__(self, default: Any = _MISSING, *, default_factory: Callable[[], Any] | None
                 = None, alias: str | None = None, description: str | None = None) -> None:
        self.name = ""
        self.alias = alias
        self.default = default
        self.default_factory = default_factory
        self.description = description
        self.annotation: Any = None  # the type, without the markers of its `Annotated`
        self.metadata: list[Any] = []  # those markers

    def is_required(self) -> bool:
        return self.default is _MISSING and self.default_factory is None

    @property
    def key(self) -> str:
        return self.alias or self.name

    def make_default(self) -> Any:
        return self.default_factory() if self.default_factory is not None else self.default


def field(default: Any = _MISSING, *, default_factory: Callable[[], Any] | None = None,
          alias: str | None = None, description: str | None = None) -> Any:
    """A field's default, alias and description."""
    return Field(default, default_factory=default_factory, alias=alias, description=description)


class _ModelFields:
    """`Class.model_fields` (or on an instance): the fields by attribute name, in order."""

    def __get__(self, obj: Any, owner: type[Record]) -> dict[str, Field]:
        return owner._fields()


@dataclass_transform(kw_only_default=True, frozen_default=True, field_specifiers=(field, Field))
class _RecordType(type):
    """Records' type: it tells type checkers that records are built from their fields."""


class Record(metaclass=_RecordType):
    """A typed record: see the module's docstring."""

    model_fields: ClassVar[dict[str, Field]] = _ModelFields()  # type: ignore[assignment]
    # class settings, given as keywords of the class statement
    model_strict: ClassVar[bool] = True  # `billed: "yes"` is no bool, `3` no text
    model_frozen: ClassVar[bool] = True
    model_title: ClassVar[str | None] = None  # the JSON Schema's title (default: the name)
    model_schema_extra: ClassVar[dict[str, Any] | None] = None  # added to its JSON Schema

    def __init_subclass__(cls, *, strict: bool | None = None, frozen: bool | None = None,
                          title: str | None = None, schema_extra: dict[str, Any] | None = None,
                          **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if strict is not None:
            cls.model_strict = strict
        if frozen is not None:
            cls.model_frozen = frozen
        cls.model_title = title
        if schema_extra is not None:
            cls.model_schema_extra = schema_extra
        # the declared fields, typed on first use (annotations name classes defined later)
        declared: dict[str, Field] = {}
        for base in reversed(cls.__mro__[1:]):
            declared.update(base.__dict__.get("_declared", {}))
        for name, annotation in inspect.get_annotations(cls).items():
            if name.startswith("_") or _is_classvar(annotation):
                continue
            value = cls.__dict__.get(name, _MISSING)
            spec = value if isinstance(value, Field) else Field(value)
            spec.name = name
            declared[name] = spec
            if name in cls.__dict__:
                delattr(cls, name)  # the instance's value, never the class's
        cls._declared = declared
        # a frozen record is a value: hashable, as a frozen dataclass (set here, not in the
        # class body, where mypy would take `type[Record]` for unhashable)
        cls.__hash__ = _record_hash if cls.model_frozen else None  # type: ignore[assignment]
        cls._typed = None
        cls._validator = None

    _declared: ClassVar[dict[str, Field]]
    _typed: ClassVar[dict[str, Field] | None]
    _validator: ClassVar[SchemaValidator | None]

    def __init__(self, **data: Any) -> None:
        built = type(self).model_validate(data)
        object.__setattr__(self, "__dict__", built.__dict__)

    # -- reading ---------------------------------------------------------------------------

    @classmethod
    def _fields(cls) -> dict[str, Field]:
        if cls.__dict__.get("_typed") is None:
            hints = typing.get_type_hints(cls, include_extras=True)
            for name, spec in cls._declared.items():
                spec.annotation, spec.metadata = _unwrap(hints[name])
            cls._typed = cls._declared
        return cls._declared

    @classmethod
    def model_validate(cls: type[R], data: Any) -> R:
        """`data` checked and read as this record; `ValidationError` lists every problem."""
        validator = cls.__dict__.get("_validator")
        if validator is None:
            validator = cls._validator = SchemaValidator(
                _record_schema(cls), cs.CoreConfig(title=cls.__name__, strict=cls.model_strict))
        return typing.cast(R, validator.validate_python(data))

    @classmethod
    def model_construct(cls: type[R], **values: Any) -> R:
        """A record of `values` (by attribute name) and the defaults, unchecked."""
        obj = object.__new__(cls)
        data = {name: values[name] if name in values else spec.make_default()
                for name, spec in cls._fields().items()}
        object.__setattr__(obj, "__dict__", data)
        cls._after_construction(obj)
        return obj

    @classmethod
    def _after_construction(cls, obj: Any) -> None:
        """Set up an instance's own state (its `_` attributes) once it holds its fields."""

    def model_copy(self: R, *, update: dict[str, Any] | None = None) -> R:
        """A shallow copy, with `update`'s values (by attribute name), unchecked."""
        obj = object.__new__(type(self))
        object.__setattr__(obj, "__dict__", {**self.__dict__, **(update or {})})
        return obj

    def model_dump(self, *, mode: Literal["python", "json"] = "python", by_alias: bool = False,
                   exclude_none: bool = False) -> dict[str, Any]:
        """The record as plain data: records as mappings, each value as `Dump` or `Parse`
        writes it; in `json` mode enums as their values."""
        return typing.cast(dict[str, Any], _dump(self, type(self), mode == "json", by_alias,
                                                 exclude_none))

    def model_dump_json(self) -> str:
        return json.dumps(self.model_dump(mode="json"), separators=(",", ":"),
                          ensure_ascii=False)

    def dumped(self, data: dict[str, Any]) -> Any:
        """How the record writes itself, given its fields' data (a subclass may shorten it)."""
        return data

    # -- behaving as a value ---------------------------------------------------------------

    def __setattr__(self, name: str, value: Any) -> None:
        if self.model_frozen and not name.startswith("_"):
            raise AttributeError(f"{type(self).__name__} is frozen: `{name}` cannot be set")
        object.__setattr__(self, name, value)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        names = type(self)._declared
        return all(getattr(self, n) == getattr(other, n) for n in names)

    def __repr__(self) -> str:
        values = ", ".join(f"{n}={getattr(self, n)!r}" for n in type(self)._declared)
        return f"{type(self).__name__}({values})"


def _record_hash(self: Record) -> int:
    return hash((type(self), *(_hashable(getattr(self, n)) for n in type(self)._declared)))


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _is_classvar(annotation: Any) -> bool:
    text = annotation if isinstance(annotation, str) else repr(annotation)
    return text.startswith(("ClassVar", "typing.ClassVar"))


def _unwrap(tp: Any) -> tuple[Any, list[Any]]:
    if typing.get_origin(tp) is Annotated:
        return tp.__origin__, list(tp.__metadata__)
    return tp, []


# -- the pydantic-core schema of a record ----------------------------------------------------


def _record_schema(cls: type[Record]) -> cs.CoreSchema:
    strict = cls.model_strict
    fields = {}
    for name, spec in cls._fields().items():
        checked = _annotated_schema(spec.annotation, spec.metadata, strict, name)
        if not spec.is_required():
            checked = (cs.with_default_schema(checked, default_factory=spec.default_factory)
                       if spec.default_factory is not None
                       else cs.with_default_schema(checked, default=spec.default))
        # the file's key, or the attribute's name (`from` or `from_`), as pydantic's
        # `populate_by_name` reads it
        alias: Any = [[spec.alias], [name]] if spec.alias else None
        fields[name] = cs.model_field(checked, validation_alias=alias)
    schema: cs.CoreSchema = cs.model_fields_schema(
        fields, model_name=cls.__name__, extra_behavior="forbid", strict=strict)
    before = getattr(cls, "before_validation", None)
    after = getattr(cls, "after_validation", None)

    def build(checked: tuple[dict[str, Any], Any, Any]) -> Any:
        obj = object.__new__(cls)
        object.__setattr__(obj, "__dict__", checked[0])
        cls._after_construction(obj)
        if after is not None:
            after(obj)  # raises ValueError: reported at the record, as pydantic does
        return obj

    if before is not None:
        schema = cs.no_info_before_validator_function(before, schema)
    return cs.no_info_after_validator_function(build, schema)


def _annotated_schema(tp: Any, markers: list[Any], strict: bool, name: str) -> cs.CoreSchema:
    parse = next((m for m in markers if isinstance(m, Parse)), None)
    if parse is not None:
        schema: cs.CoreSchema = cs.no_info_plain_validator_function(parse.function)
    else:
        schema = _type_schema(tp, strict, name, [m for m in markers if isinstance(m, (Text,
                                                                                      Range))])
    for marker in markers:
        if isinstance(marker, Before):
            schema = (cs.with_info_before_validator_function(marker.function, schema)
                      if marker.info else
                      cs.no_info_before_validator_function(marker.function, schema))
        elif isinstance(marker, After):
            schema = (cs.with_info_after_validator_function(marker.function, schema)
                      if marker.info else
                      cs.no_info_after_validator_function(marker.function, schema))
    return schema


def _type_schema(tp: Any, strict: bool, name: str, limits: list[Any] = ()  # type: ignore[assignment]
                 ) -> cs.CoreSchema:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is Annotated:
        inner, markers = _unwrap(tp)
        return _annotated_schema(inner, markers, strict, name)
    text = {k: v for m in limits if isinstance(m, Text) for k, v in vars(m).items()
            if v is not None}
    bounds = {k: v for m in limits if isinstance(m, Range) for k, v in vars(m).items()
              if v is not None}
    if tp is str:
        return cs.str_schema(strict=strict, **text)
    if tp is bool:
        return cs.bool_schema(strict=strict)
    if tp is int:
        return cs.int_schema(strict=strict, **bounds)
    if tp is float:
        return cs.float_schema(strict=strict, **bounds)
    if tp is Any:
        return cs.any_schema()
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        inner = (_type_schema(options[0], strict, name) if len(options) == 1 else
                 cs.union_schema([_type_schema(a, strict, name) for a in options]))
        return cs.nullable_schema(inner) if len(options) < len(args) else inner
    if origin is Literal:
        return cs.literal_schema(list(args))
    if origin is list:
        return cs.list_schema(_type_schema(args[0], strict, name), strict=strict)
    if origin is dict:
        return cs.dict_schema(_type_schema(args[0], strict, name),
                              _type_schema(args[1], strict, name), strict=strict)
    if isinstance(tp, type) and issubclass(tp, Record):
        return _record_schema(tp)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        members = list(tp.__members__.values())
        sub_type: Any = "str" if issubclass(tp, str) else None
        return cs.enum_schema(tp, members, sub_type=sub_type, strict=strict)
    raise TypeError(f"field `{name}`: no schema for the type {tp!r}")


# -- writing back ------------------------------------------------------------------------------


def _dump(value: Any, tp: Any, json_mode: bool, by_alias: bool, exclude_none: bool) -> Any:
    """`value` as plain data, guided by its declared type `tp` (whose markers say how)."""
    if value is None:
        return None
    tp, markers = _unwrap(tp)
    for marker in markers:
        if isinstance(marker, Dump):
            return marker.function(value)
        if isinstance(marker, Parse):
            return str(value)  # the text it was read from
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _dump(value, options[0] if len(options) == 1 else Any, json_mode, by_alias,
                     exclude_none)
    if isinstance(value, Record):
        out = {}
        for name, spec in type(value)._fields().items():
            item = getattr(value, name)
            if item is None and exclude_none:
                continue
            out[spec.key if by_alias else name] = _dump(
                item, _annotated(spec.annotation, spec.metadata), json_mode, by_alias,
                exclude_none)
        return value.dumped(out)
    if isinstance(value, list):
        item_type = args[0] if origin is list else Any
        return [_dump(v, item_type, json_mode, by_alias, exclude_none) for v in value]
    if isinstance(value, dict):
        item_type = args[1] if origin is dict else Any
        return {k: _dump(v, item_type, json_mode, by_alias, exclude_none)
                for k, v in value.items()}
    if json_mode and isinstance(value, enum.Enum):
        return value.value
    return value


def _annotated(tp: Any, markers: list[Any]) -> Any:
    """`Annotated[tp, *markers]` (`tp` itself when there are none)."""
    if not markers:
        return tp
    args = (tp, *markers)
    return Annotated[args]


# -- the same record as a pydantic model (for its JSON Schema) ---------------------------------


def pydantic_model(cls: type[Record]) -> Any:
    """A pydantic model with `cls`'s name, docstring, settings and fields, each of the same
    type and markers: what pydantic makes of it (its JSON Schema) is what the record is."""
    import pydantic

    made: dict[type[Record], Any] = {}

    def model(record: type[Record]) -> Any:
        if record not in made:
            fields: dict[str, Any] = {}
            for name, spec in record._fields().items():
                tp = translate(spec.annotation)
                if spec.metadata:
                    tp = _annotated(tp, markers(spec.metadata))
                kw: dict[str, Any] = {"alias": spec.alias, "description": spec.description}
                if spec.default_factory is not None:
                    kw["default_factory"] = spec.default_factory
                elif not spec.is_required():
                    kw["default"] = spec.default
                fields[name] = (tp, pydantic.Field(**kw))
            config = pydantic.ConfigDict(
                extra="forbid", strict=record.model_strict, frozen=record.model_frozen,
                populate_by_name=True, title=record.model_title,
                json_schema_extra=record.model_schema_extra)
            made[record] = pydantic.create_model(
                record.__name__, __config__=config, __doc__=record.__doc__,
                __module__=record.__module__, __validators__=hooks(record), **fields)
        return made[record]

    def hooks(record: type[Record]) -> dict[str, Any]:
        """The record's own steps of reading and writing, as pydantic's decorators."""
        out: dict[str, Any] = {}
        before = getattr(record, "before_validation", None)
        if before is not None:
            def read_before(cls: Any, data: Any) -> Any:  # a class method, by its `cls`
                return before(data)

            out["before"] = pydantic.model_validator(mode="before")(read_before)
        after = getattr(record, "after_validation", None)
        if after is not None:
            out["after"] = pydantic.model_validator(mode="after")(
                lambda self: (after(self), self)[1])
        if record.dumped is not Record.dumped:
            blank = object.__new__(record)  # `dumped` reads only the class's settings
            out["dump"] = pydantic.model_serializer(mode="wrap")(
                lambda self, handler: record.dumped(blank, handler(self)))
        return out

    def translate(tp: Any) -> Any:
        origin, args = typing.get_origin(tp), typing.get_args(tp)
        if origin is Annotated:
            inner, own = _unwrap(tp)
            return _annotated(translate(inner), markers(own))
        if origin in (typing.Union, types.UnionType):
            return typing.Union[tuple(map(translate, args))]  # noqa: UP007 (built at run time)
        if origin is list:
            return list[translate(args[0])]  # type: ignore[misc]
        if origin is dict:
            return dict[translate(args[0]), translate(args[1])]  # type: ignore[misc]
        if isinstance(tp, type) and issubclass(tp, Record):
            return model(tp)
        return tp

    def markers(ours: list[Any]) -> list[Any]:
        out: list[Any] = []
        for m in ours:
            if isinstance(m, Text):
                out.append(pydantic.StringConstraints(**vars(m)))
            elif isinstance(m, Range):
                out.append(pydantic.Field(ge=m.ge, le=m.le))
            elif isinstance(m, Parse):
                out += [pydantic.PlainValidator(m.function),
                        pydantic.PlainSerializer(str, return_type=str),
                        pydantic.WithJsonSchema(m.json_schema)]
            elif isinstance(m, Before):
                out.append(pydantic.BeforeValidator(m.function))
            elif isinstance(m, After):
                out.append(pydantic.AfterValidator(m.function))
            elif isinstance(m, Dump):
                out.append(pydantic.PlainSerializer(m.function))
        return out

    return model(cls)
