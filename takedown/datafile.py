"""The one reader for the data files: platforms.toml, services.toml and law.toml.

Each file is a list of ``[[kind]]`` tables. Every fact in them carries ``source``
(an https address it was checked against), ``source_kind`` (``primary`` for the
platform's, service's or regulator's own page or the legislation itself,
``secondary`` for anyone else describing it, or a copy kept on another site) and
``last_checked`` (a TOML date, not after the day the file is read: the day it was read).
A fact read in a copy also says which: ``via`` (the copy's https address, when ``source``
is the primary page and that page itself was not read) and ``source_date`` (the copy's
own date: an archive snapshot's, a dated page's). A secondary fact says why no primary
page was read, in ``why_secondary``. Every error names the entry and the field, such
as ``platform 'x' > web_form[0]: field 'url' must be an https:// address``. Values
are exact: a word that is not on a field's list is refused, never guessed at.
No Flask here.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlsplit

SOURCE_KINDS = ("primary", "secondary")


class DataFileError(ValueError):
    """A data file is malformed; the message names the entry and field."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a fact was checked, what kind of page that is, when, and which copy was read."""

    url: str
    last_checked: date
    kind: str
    source_date: date | None = None  # the date of the copy read (an archive's, a dated page's)
    via: str | None = None  # the copy actually read, when the page at ``url`` itself was not
    why_secondary: str | None = None  # for a secondary source: why no primary page was read

    @property
    def read_at(self) -> str:
        """The address of the copy actually read: ``via`` if there is one, else ``url``."""
        return self.via or self.url

    @property
    def secondary(self) -> bool:
        """True when the page is someone else describing the fact, not its own source."""
        return self.kind == "secondary"

    @property
    def domain(self) -> str:
        """The host of the source address, without a leading "www."."""
        host = urlsplit(self.url).hostname or ""
        return host.removeprefix("www.")


class Entry:
    """One table of a data file, naming the entry and field in every error."""

    def __init__(self, table: dict, where: str, today: date):
        if not isinstance(table, dict):
            raise DataFileError(f"{where}: expected a table")
        self.table = table
        self.where = where
        self.today = today

    def fail(self, field: str, problem: str):
        """Raise DataFileError for ``field`` of this entry."""
        raise DataFileError(f"{self.where}: field '{field}' {problem}")

    def slug(self, kind: str) -> str:
        """Read ``slug`` and name the entry by it from now on ("platform 'x'")."""
        slug = self.text("slug")
        self.where = f"{kind} '{slug}'"
        return slug

    def text(self, field: str, required: bool = True) -> str | None:
        """A non-empty string, its runs of white space made single spaces."""
        value = self.table.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "must be a non-empty string")
        return " ".join(value.split())

    def url(self, field: str) -> str:
        """An https:// address."""
        value = self.text(field)
        if urlsplit(value).scheme != "https" or not urlsplit(value).netloc:
            self.fail(field, f"must be an https:// address, not {value!r}")
        return value

    def texts(self, field: str, required: bool = True) -> tuple[str, ...]:
        """A list of non-empty strings; a required one must not be empty."""
        value = self.table.get(field, None if required else [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(field, "must be a list of non-empty strings")
        if required and not value:
            self.fail(field, "must not be empty")
        return tuple(" ".join(v.split()) for v in value)

    def flag(self, field: str, required: bool = True) -> bool | None:
        """true or false."""
        value = self.table.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, bool):
            self.fail(field, "must be true or false")
        return value

    def choice(self, field: str, allowed, required: bool = True) -> str | None:
        """Exactly one of ``allowed``."""
        value = self.text(field, required)
        if value is None and not required:
            return None
        if value not in allowed:
            self.fail(field, f"must be one of {', '.join(allowed)}, not {value!r}")
        return value

    def choices(self, field: str, allowed) -> tuple[str, ...]:
        """A non-empty list of values, each exactly one of ``allowed``."""
        values = self.texts(field)
        for value in values:
            if value not in allowed:
                self.fail(field, f"must list only {', '.join(allowed)}, not {value!r}")
        return values

    def date(self, field: str, required: bool = True) -> date | None:
        """A TOML date such as 2026-11-25 (not a date and time, not a string)."""
        value = self.table.get(field)
        if value is None and not required:
            return None
        if not isinstance(value, date) or isinstance(value, datetime):
            self.fail(field, "must be a date such as 2026-11-25")
        return value

    def source(self) -> Source:
        """``source``, ``source_kind``, ``last_checked`` and the copy read, if it was a copy.

        ``source_date`` (optional) is the copy's own date, never after ``last_checked``;
        ``via`` (optional) an https address; ``why_secondary`` is required for a secondary source.
        """
        checked = self.date("last_checked")
        if checked > self.today:
            self.fail("last_checked", f"is {checked}, after today ({self.today})")
        url = self.url("source")
        if "source_kind" not in self.table:
            self.fail("source_kind", f"is missing: say {' or '.join(SOURCE_KINDS)}")
        kind = self.choice("source_kind", SOURCE_KINDS)
        copied = self.date("source_date", required=False)
        if copied is not None and copied > checked:
            self.fail("source_date", f"is {copied}, after last_checked ({checked}): the copy "
                      "read cannot be newer than the day it was read")
        via = self.url("via") if "via" in self.table else None
        why = self.text("why_secondary", required=False)
        if kind == "secondary" and why is None:
            self.fail("why_secondary", "is missing: say why no primary page was read (for "
                      "example 'the terms page itself was not read; a copy kept by ...')")
        if kind == "primary" and why is not None:
            self.fail("why_secondary", "is only for a secondary source")
        return Source(url, checked, kind, copied, via, why)

    def tables(self, field: str) -> list[Entry]:
        """The sub-tables under ``field`` (one table or a list of them), each named by index."""
        value = self.table.get(field, [])
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            self.fail(field, "must be a table or a list of tables")
        return [Entry(item, f"{self.where} > {field}[{i}]", self.today)
                for i, item in enumerate(value)]

    def optional_table(self, field: str) -> Entry | None:
        """The one sub-table under ``field``, or None."""
        found = self.tables(field)
        if len(found) > 1:
            self.fail(field, "must appear at most once")
        return found[0] if found else None


def entries(text: str, kind: str, label: str, today: date | None = None) -> list[Entry]:
    """Parse TOML text into one Entry per ``[[kind]]`` table; raise DataFileError.

    ``label`` names the file in errors ("the law file"); ``today`` (the day the
    file is read, by default) is the latest ``last_checked`` allowed.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DataFileError(f"{label} is not valid TOML: {error}") from error
    tables = data.get(kind, [])
    if not isinstance(tables, list):
        raise DataFileError(f"{label} needs [[{kind}]] tables")
    today = today or date.today()
    return [Entry(table, f"{kind} #{index + 1}", today) for index, table in enumerate(tables)]


def by_slug(found: list[Entry], kind: str, build) -> dict:
    """Return ``{slug: build(entry, slug)}`` in file order; a slug used twice is an error."""
    built: dict = {}
    for entry in found:
        slug = entry.slug(kind)
        if slug in built:
            entry.fail("slug", "is used twice")
        built[slug] = build(entry, slug)
    return built
