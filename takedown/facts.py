"""Every sourced fact in the data files, with its age: ``make facts`` prints them oldest first.

A fact is any table in platforms.toml, services.toml, law.toml or jurisdictions.toml
that has a ``source``. The files are read as plain TOML, so a fact the loader would refuse
(no ``source_kind``, say) is still listed. No Flask here.
"""

from __future__ import annotations

import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

DATA = Path(__file__).parent / "data"
FILES = {"platforms.toml": "platform", "services.toml": "service", "law.toml": "law",
         "jurisdictions.toml": "jurisdiction"}
WARN_DAYS = 180  # older than this: printed with a warning, due to be checked again
MAX_DAYS = 365   # older than this: the test suite fails


@dataclass(frozen=True, slots=True)
class Fact:
    """One sourced fact: where it is, where it comes from, and when that was checked."""

    file: str
    entry: str
    field: str
    source: str
    kind: str | None
    last_checked: date | None

    def age(self, today: date) -> int | None:
        """Days since it was last checked, or None when it has no date."""
        return None if self.last_checked is None else (today - self.last_checked).days


def _walk(table: dict, path: str):
    """Yield (field path, table) for ``table`` and every sub-table that has a source."""
    if "source" in table:
        yield path, table
    for key, value in table.items():
        items = [value] if isinstance(value, dict) else value if isinstance(value, list) else []
        for index, item in enumerate(items):
            if isinstance(item, dict):
                label = key if isinstance(value, dict) else f"{key}[{index}]"
                yield from _walk(item, f"{path} > {label}" if path else label)


def facts_in(text: str, file: str, kind: str) -> list[Fact]:
    """The facts of one data file's TOML text, in file order."""
    found = []
    for index, entry in enumerate(tomllib.loads(text).get(kind, [])):
        name = f"{kind} '{entry.get('slug', f'#{index + 1}')}'"
        for path, table in _walk(entry, ""):
            checked = table.get("last_checked")
            default = "domains" if kind == "platform" else "(the entry)"
            found.append(Fact(file, name, path or default, str(table["source"]),
                              table.get("source_kind"),
                              checked if isinstance(checked, date) else None))
    return found


def all_facts(data: Path = DATA) -> list[Fact]:
    """Every fact in the data files."""
    found = []
    for file, kind in FILES.items():
        path = data / file
        if path.exists():
            found.extend(facts_in(path.read_text(encoding="utf-8"), file, kind))
    law = data / "law.toml"
    if law.exists():  # the deadlines after a report share the law file
        found.extend(facts_in(law.read_text(encoding="utf-8"), "law.toml", "deadline"))
    return found


def oldest_first(found: list[Fact]) -> list[Fact]:
    """Facts sorted by last_checked, oldest (or undated) first, then by file and entry."""
    return sorted(found, key=lambda f: (f.last_checked or date.min, f.file, f.entry, f.field))


def report(found: list[Fact], today: date) -> list[str]:
    """The lines ``make facts`` prints: one per fact, then a summary and any warning."""
    lines = ["age  last_checked  kind       file            entry > field  source"]
    stale = 0
    for fact in oldest_first(found):
        age = fact.age(today)
        old = age is None or age > WARN_DAYS
        stale += old
        warning = f"  <- older than {WARN_DAYS} days" if old else ""
        lines.append(f"{'-' if age is None else age:>4} {str(fact.last_checked or '-'):<13} "
                     f"{fact.kind or 'MISSING':<10} {fact.file:<15} {fact.entry} > "
                     f"{fact.field}  {fact.source}{warning}")
    secondary = sum(f.kind == "secondary" for f in found)
    lines.append(f"{len(found)} facts, {secondary} from a secondary source.")
    if stale:
        lines.append(f"WARNING: {stale} facts were last checked more than {WARN_DAYS} days ago "
                     "(or have no date): check them again against their source.")
    return lines


def main() -> int:
    """Print every fact, oldest first."""
    print("\n".join(report(all_facts(), date.today())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
