"""Every sourced fact in the data files, with its kind and dates: ``make facts`` lists them.

A fact is any table in a data file that has a ``source``; a convention is a table marked
``convention = true`` (a product choice such as a letter's sign-off: nothing was read for
it). The files are read as plain TOML, so a fact the loader would refuse (no
``source_kind``, say) is still listed. Each fact is printed with the day it was read
(``last_checked``), the date of the copy read where it was an archived or dated copy
(``source_date``), the copy itself (``via``) and, for a secondary source, why no primary
page was read. ``make facts`` exits non-zero when any fact was read more than a year ago,
or has no date or no kind. No Flask here.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DATA = Path(__file__).parent / "data"
# Each data file and its kind of [[table]]; law.toml also holds the [[deadline]] rules.
FILES = {"platforms.toml": ("platform",), "services.toml": ("service",),
         "law.toml": ("law", "deadline"), "jurisdictions.toml": ("jurisdiction",)}
WARN_DAYS = 180  # older than this: printed with a warning, due to be checked again
MAX_DAYS = 365   # older than this: make facts fails
OLD_COPY_DAYS = 365  # a copy dated this long before it was read is named as an old copy


@dataclass(frozen=True, slots=True)
class Fact:
    """One sourced fact: where it is, where it comes from, which copy was read and when."""

    file: str
    entry: str
    field: str
    source: str
    kind: str | None
    last_checked: date | None
    source_date: date | None = None
    via: str | None = None
    why_secondary: str | None = None

    def age(self, today: date) -> int | None:
        """Days since it was last checked, or None when it has no date."""
        return None if self.last_checked is None else (today - self.last_checked).days

    @property
    def old_copy(self) -> bool:
        """True when the copy read is dated more than a year before the day it was read."""
        return bool(self.source_date and self.last_checked
                    and (self.last_checked - self.source_date).days > OLD_COPY_DAYS)


@dataclass(frozen=True, slots=True)
class Convention:
    """A product choice recorded in a data file (``convention = true``): no source is read."""

    file: str
    entry: str
    field: str


def _walk(table: dict, path: str):
    """Yield (field path, table) for ``table`` and every sub-table, in file order."""
    yield path, table
    for key, value in table.items():
        items = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                label = key if isinstance(value, dict) else f"{key}[{index}]"
                yield from _walk(item, f"{path} > {label}" if path else label)


def _date(value) -> date | None:
    return value if isinstance(value, date) else None


def _entries(text: str, kind: str):
    for index, entry in enumerate(tomllib.loads(text).get(kind, [])):
        yield f"{kind} '{entry.get('slug', f'#{index + 1}')}'", entry


def facts_in(text: str, file: str, kind: str) -> list[Fact]:
    """The facts of one kind of table in a data file's TOML text, in file order."""
    found = []
    for name, entry in _entries(text, kind):
        for path, table in _walk(entry, ""):
            if "source" not in table:
                continue
            default = "domains" if kind == "platform" else "(the entry)"
            found.append(Fact(file, name, path or default, str(table["source"]),
                              table.get("source_kind"), _date(table.get("last_checked")),
                              _date(table.get("source_date")), table.get("via"),
                              table.get("why_secondary")))
    return found


def conventions_in(text: str, file: str, kind: str) -> list[Convention]:
    """The tables marked ``convention = true`` in a data file's TOML text, in file order."""
    return [Convention(file, name, path or "(the entry)")
            for name, entry in _entries(text, kind)
            for path, table in _walk(entry, "") if table.get("convention") is True]


def _read(data: Path):
    for file, kinds in FILES.items():
        path = data / file
        if path.exists():
            text = path.read_text(encoding="utf-8")
            for kind in kinds:
                yield file, kind, text


def all_facts(data: Path = DATA) -> list[Fact]:
    """Every fact in the data files."""
    return [fact for file, kind, text in _read(data) for fact in facts_in(text, file, kind)]


def all_conventions(data: Path = DATA) -> list[Convention]:
    """Every convention in the data files."""
    return [item for file, kind, text in _read(data)
            for item in conventions_in(text, file, kind)]


def oldest_first(found: list[Fact]) -> list[Fact]:
    """Facts sorted by last_checked, oldest (or undated) first, then by file and entry."""
    return sorted(found, key=lambda f: (f.last_checked or date.min, f.file, f.entry, f.field))


def over_the_limit(found: list[Fact], today: date) -> list[Fact]:
    """Facts that fail ``make facts``: read more than a year ago, or with no date or kind."""
    return [f for f in found if f.kind not in ("primary", "secondary")
            or f.age(today) is None or f.age(today) > MAX_DAYS]


def _line(fact: Fact, today: date) -> list[str]:
    age = fact.age(today)
    warning = ""
    if age is None or age > MAX_DAYS:
        warning = f"  <- OVER A YEAR: read it again (limit {MAX_DAYS} days)"
    elif age > WARN_DAYS:
        warning = f"  <- older than {WARN_DAYS} days"
    copy = str(fact.source_date) if fact.source_date else "-"
    lines = [f"{'-' if age is None else age:>4} {str(fact.last_checked or '-'):<12} "
             f"{copy:<12} {fact.kind or 'MISSING':<10} {fact.file:<18} {fact.entry} > "
             f"{fact.field}  {fact.source}{warning}"]
    if fact.via:
        lines.append(f"{'':>18}read in a copy: {fact.via}")
    if fact.old_copy:
        lines.append(f"{'':>18}old copy: dated {fact.source_date}, "
                     f"{(fact.last_checked - fact.source_date).days} days before it was read")
    if fact.kind == "secondary":
        lines.append(f"{'':>18}secondary: {fact.why_secondary or 'NO REASON GIVEN'}")
    return lines


def report(found: list[Fact], today: date, conventions: list[Convention] = ()) -> list[str]:
    """The lines ``make facts`` prints: each fact, then the conventions, a summary, warnings."""
    lines = ["age  read         copy dated   kind       file               entry > field  source"]
    for fact in oldest_first(found):
        lines.extend(_line(fact, today))
    if conventions:
        lines.append("Conventions (product choices: nothing is read for them):")
        lines.extend(f"     {c.file:<18} {c.entry} > {c.field}" for c in conventions)
    secondary = [f for f in found if f.kind == "secondary"]
    lines.append(f"{len(found)} facts, {len(secondary)} from a secondary source, "
                 f"{sum(f.old_copy for f in found)} read in a copy dated more than a year "
                 f"before it was read; {len(conventions)} conventions.")
    stale = [f for f in found if f.age(today) is None or f.age(today) > WARN_DAYS]
    if stale:
        lines.append(f"WARNING: {len(stale)} facts were last checked more than {WARN_DAYS} days "
                     "ago (or have no date): check them again against their source.")
    unexplained = [f for f in secondary if not f.why_secondary]
    if unexplained:
        lines.append(f"WARNING: {len(unexplained)} secondary facts do not say why "
                     "(why_secondary).")
    failing = over_the_limit(found, today)
    if failing:
        lines.append(f"FAILED: {len(failing)} facts were read more than {MAX_DAYS} days ago, "
                     "or have no date or kind.")
    return lines


def main(today: date | None = None) -> int:
    """Print every fact and convention; return 1 when any fact is past the limit."""
    today = today or date.today()
    found = all_facts()
    print("\n".join(report(found, today, all_conventions())))
    return 1 if over_the_limit(found, today) else 0


if __name__ == "__main__":
    sys.exit(main())
