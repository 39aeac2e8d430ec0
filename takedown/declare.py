"""Declare a dataclass's rules once, on its fields; read, write and describe it from them.

A field carries its rule in its metadata (``field(**rule(Text(254), "Your email"))``). From the
rules come three things that must never disagree: ``Reader.read`` (untrusted JSON-like
data to the dataclass, every problem named by its field path in plain words),
``to_data`` (the dataclass back to JSON-ready data) and ``json_schema`` (JSON Schema
2020-12, for the OpenAPI document). A dataclass may add rules across its fields with a
``settle(reader, raw, values, where)`` classmethod. Shapes that are only written (the API's
responses) use ``Value`` and ``Written``, which need no reading rule. No Flask here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import MISSING, dataclass, fields, is_dataclass
from datetime import date

# Control characters other than tab and newline (C0, DEL and C1), the Unicode line and
# paragraph separators, and Unicode noncharacters never belong in a name, an address or a link
# (the last two code points of every plane are noncharacters, U+1FFFE to U+10FFFF too).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufdd0-\ufdef\ufffe\uffff"
                      + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}"
                                for plane in range(1, 17)) + "]")
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"


@dataclass(frozen=True, slots=True)
class FieldError:
    """One problem with one field, in words a person can act on."""

    field: str
    message: str


class FieldProblems(ValueError):
    """An error that carries a list of FieldError, each naming its field."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def rule(kind, label: str | None = None, **field_options) -> dict:
    """Return keyword arguments for ``dataclasses.field`` attaching ``kind`` as the rule.

    ``label``: the question a web form asks for this field (none: the form does not ask it).
    """
    return {"metadata": {"rule": kind, "label": label}, **field_options}


def declared_fields(cls) -> list[tuple[str, object, str | None]]:
    """Return (name, rule, label) for each declared field of ``cls``, in order."""
    return [(f.name, f.metadata["rule"], f.metadata["label"])
            for f in fields(cls) if "rule" in f.metadata]


def _path(where: str, name: str) -> str:
    return f"{where}.{name}" if where else name


def nullable(schema: dict) -> dict:
    """A JSON Schema that also allows null."""
    return {"anyOf": [schema, {"type": "null"}]}


def _described(schema: dict, description: str | None) -> dict:
    return {**schema, "description": description} if description else schema


# --- rules ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Trimmed text of at most ``limit`` characters; empty counts as left out."""

    limit: int
    pattern: re.Pattern | None = None
    what: str = ""
    description: str | None = None
    publish_pattern: bool = False
    always: bool = False
    lines: bool = False  # several lines, such as a postal address

    def read(self, reader: Reader, value, where: str):
        if value is None:
            return None
        if not isinstance(value, str):
            return reader.error(where, "must be text")
        value = value.strip()
        if not value:
            return None
        if len(value) > self.limit:
            return reader.error(where, f"must be {self.limit:,} characters or fewer")
        if _CONTROL.search(value):
            return reader.error(where, "contains characters that cannot be used")
        if self.pattern and not self.pattern.match(value):
            return reader.error(where, f"must be {self.what}")
        return value

    def dump(self, value):
        return value

    def schema(self) -> dict:
        schema = {"type": "string", "maxLength": self.limit}
        if self.publish_pattern and self.pattern:
            schema["pattern"] = self.pattern.pattern
        return nullable(_described(schema, self.description))


@dataclass(frozen=True, slots=True)
class Const:
    """Exactly one value, such as a file's schema name."""

    value: str
    required = True
    always = True

    def read(self, reader: Reader, value, where: str):
        if value != self.value:
            return reader.error(where, f'must be "{self.value}"')
        return value

    def dump(self, value):
        return value

    def schema(self) -> dict:
        return {"const": self.value}


@dataclass(frozen=True, slots=True)
class Choice:
    """One of a fixed set of values; ``ask`` completes "Select ..." when it is missing."""

    options: Mapping[str, str]
    ask: str
    required = True
    always = True

    def read(self, reader: Reader, value, where: str):
        if value is None or value == "":
            return reader.error(where, f"Select {self.ask}")
        if not isinstance(value, str) or value not in self.options:
            return reader.error(where, f"must be one of: {', '.join(self.options)}")
        return value

    def dump(self, value):
        return value

    def schema(self) -> dict:
        return {"type": "string", "enum": list(self.options)}


@dataclass(frozen=True, slots=True)
class Flag:
    """True or false; ``default`` when left out (None: left out is for ``settle`` to decide)."""

    default: bool | None = False
    always = True

    def read(self, reader: Reader, value, where: str):
        if value is None:
            return self.default
        if not isinstance(value, bool):
            reader.error(where, "must be true or false")
            return self.default
        return value

    def dump(self, value):
        return value

    def schema(self) -> dict:
        if self.default is None:
            return nullable({"type": "boolean"})
        return {"type": "boolean", "default": self.default}


@dataclass(frozen=True, slots=True)
class Whole:
    """A whole number from ``minimum`` to ``maximum``."""

    minimum: int
    maximum: int
    always: bool = False

    def read(self, reader: Reader, value, where: str):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not (
                self.minimum <= value <= self.maximum):
            return reader.error(where, f"must be a whole number from {self.minimum} "
                                f"to {self.maximum}")
        return value

    def dump(self, value):
        return value

    def schema(self) -> dict:
        return nullable({"type": "integer", "minimum": self.minimum, "maximum": self.maximum})


@dataclass(frozen=True, slots=True)
class Day:
    """A date written YYYY-MM-DD, from ``earliest_year`` up to the reader's ``today``."""

    earliest_year: int
    description: str | None = None
    always = False

    def read(self, reader: Reader, value, where: str):
        if value in (None, ""):
            return None
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            parsed = date.fromisoformat(value)
        except ValueError:
            return reader.error(where, "must be a real date, like 2026-11-25")
        if reader.latest is not None and parsed > reader.latest:
            return reader.error(where, "must be today or in the past")
        if parsed.year < self.earliest_year:
            return reader.error(where, f"must be after {self.earliest_year}")
        return parsed

    def dump(self, value):
        return value.isoformat()

    def schema(self) -> dict:
        day = {"type": "string", "format": "date", "pattern": DATE_PATTERN}
        return nullable(_described({"anyOf": [day, {"const": ""}]}, self.description))


@dataclass(frozen=True, slots=True)
class Nested:
    """Another declared dataclass, as a JSON object."""

    of: type
    required: bool = True
    always: bool = False

    def read(self, reader: Reader, value, where: str):
        return reader.read(self.of, value, where, required=self.required)

    def dump(self, value):
        return to_data(value)

    def schema(self) -> dict:
        ref = {"$ref": f"#/components/schemas/{self.of.__name__}"}
        return ref if self.required else nullable(ref)


@dataclass(frozen=True, slots=True)
class Many:
    """A list of one declared dataclass, from ``fewest`` to ``most`` items."""

    of: type
    most: int
    fewest: int = 0
    empty: str = "must not be empty"
    too_many: str = "has too many items"
    required: bool = True
    always = True

    def read(self, reader: Reader, value, where: str):
        if not isinstance(value, list):
            if value is None and not self.required:
                return ()
            return reader.error(where, self.empty if value is None else "must be a list")
        if len(value) < self.fewest:
            reader.error(where, self.empty)
        if len(value) > self.most:
            return reader.error(where, self.too_many)
        items = (reader.read(self.of, item, f"{where}[{index}]")
                 for index, item in enumerate(value))
        return tuple(item for item in items if item is not None)

    def dump(self, value):
        return [to_data(item) for item in value]

    def schema(self) -> dict:
        return {"type": "array", "minItems": self.fewest, "maxItems": self.most,
                "items": {"$ref": f"#/components/schemas/{self.of.__name__}"}}


# --- rules for shapes that are only written, such as the API's responses ----------------


@dataclass(frozen=True, slots=True)
class Value:
    """Text, a number, true or false, or a list of these, written as it is and described by
    ``described``: a JSON Schema, or a function giving one when the document is made (for a
    list read from a data file). Always present; null allowed when ``nullable``."""

    described: dict | Callable[[], dict]
    nullable: bool = False
    required = True
    always = True

    def dump(self, value):
        return list(value) if isinstance(value, tuple) else value

    def schema(self) -> dict:
        schema = self.described() if callable(self.described) else self.described
        return nullable(schema) if self.nullable else schema


@dataclass(frozen=True, slots=True)
class Written:
    """Another declared dataclass, or a list of them (``many``), written with every key (null
    when not given). Described as the component ``name`` (by default the class's name), or
    in place (``inline``)."""

    of: type
    many: bool = False
    nullable: bool = False
    fewest: int = 0
    inline: bool = False
    name: str | None = None
    description: str | None = None
    required = True
    always = True

    @property
    def component(self) -> str:
        return self.name or self.of.__name__

    def dump(self, value):
        if self.many:
            return [to_data(item, every_key=True) for item in value]
        return to_data(value, every_key=True)

    def schema(self) -> dict:
        schema = (json_schema(self.of, every_key=True) if self.inline
                  else {"$ref": f"#/components/schemas/{self.component}"})
        if self.many:
            schema = {"type": "array", "items": schema}
            if self.fewest:
                schema["minItems"] = self.fewest
        elif self.nullable:
            schema = nullable(schema)
        return _described(schema, self.description)


# --- reading, writing and describing -----------------------------------------------


def _rules(cls) -> list[tuple[str, object]]:
    return [(name, kind) for name, kind, _ in declared_fields(cls)]


def _has_default(cls, name: str) -> bool:
    found = next(f for f in fields(cls) if f.name == name)
    return found.default is not MISSING or found.default_factory is not MISSING


class Reader:
    """Collect field errors while reading untrusted data into declared dataclasses."""

    def __init__(self, latest: date | None = None):
        self.errors: list[FieldError] = []
        self.latest = latest  # the latest date a Day may be; None: not checked

    def error(self, where: str, message: str) -> None:
        """Record a problem with the field at ``where``; returns None, the value to use."""
        self.errors.append(FieldError(where, message))

    def errors_since(self, count: int) -> list[FieldError]:
        """The problems recorded after the first ``count``."""
        return self.errors[count:]

    def table(self, data, where: str, known, required: bool = True) -> dict | None:
        """Return ``data`` if it is an object, naming every key not in ``known``."""
        if data is None and not required:
            return None
        if not isinstance(data, dict):
            self.error(where, "must be an object" if data is not None else "is required")
            return None
        for key in data:
            if key not in known:
                self.error(_path(where, str(key)), "is not a field we know")
        return data

    def read(self, cls, data, where: str = "", required: bool = True):
        """Return ``cls`` read from ``data``, or None when anything in it was wrong."""
        rules = _rules(cls)
        table = self.table(data, where, {name for name, _ in rules}, required)
        if table is None:
            return None
        before = len(self.errors)
        values = {name: kind.read(self, table.get(name), _path(where, name))
                  for name, kind in rules}
        settle: Callable | None = getattr(cls, "settle", None)
        if settle is not None:
            values = settle(self, table, values, where, before)
        if values is None or len(self.errors) > before:
            return None
        return cls(**{name: value for name, value in values.items()
                      if value is not None or not _has_default(cls, name)})


def to_data(obj, every_key: bool = False) -> dict:
    """Return a declared dataclass as JSON-ready data, leaving out what was not given.

    ``every_key``: give what was not given as null instead, so every object has the same keys.
    """
    data = {}
    for name, kind in _rules(type(obj)):
        value = getattr(obj, name)
        if value is None:
            if kind.always or every_key:
                data[name] = None
            continue
        data[name] = kind.dump(value)
    return data


def json_schema(cls, every_key: bool = False) -> dict:
    """Return the JSON Schema (2020-12) of a declared dataclass: a closed object.

    ``every_key``: as ``to_data(..., every_key=True)`` writes it, every key required.
    """
    rules = _rules(cls)
    schema = {
        "type": "object",
        "properties": {name: kind.schema() for name, kind in rules},
        "required": [name for name, kind in rules
                     if every_key or getattr(kind, "required", False)],
        "additionalProperties": False,
    }
    doc = (cls.__doc__ or "").strip()
    if doc:
        schema["description"] = " ".join(doc.split())
    return schema


def components(*roots: type) -> dict[str, dict]:
    """The JSON Schema of each declared dataclass ``roots`` hold (and of the roots), by the
    name other schemas refer to it by; a shape described in place has none of its own."""
    found: dict[str, dict] = {}
    seen: set[tuple[type, str, bool]] = set()
    pending = [(root, root.__name__, False, False) for root in roots]
    while pending:
        cls, name, every_key, inline = pending.pop(0)
        if (cls, name, inline) in seen:
            continue
        seen.add((cls, name, inline))
        if not inline:
            found.setdefault(name, json_schema(cls, every_key))
        for _, kind in _rules(cls):
            if isinstance(kind, Written):
                pending.append((kind.of, kind.component, True, kind.inline))
            elif is_dataclass(getattr(kind, "of", None)):
                pending.append((kind.of, kind.of.__name__, False, False))
    return found
