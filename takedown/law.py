"""The laws a letter may cite, read from ``data/law.toml``.

A letter cites only what this file holds, so every citation carries the
address it was checked against. Entries are chosen by the case's
jurisdiction, the age of the person in the image and where the platform is
based. A few laws shape the wording of a letter (a 48-hour deadline, a
report to NCMEC); they are recognised by ``topic``. No Flask here.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "law.toml"

UK = ("england", "wales", "scotland", "northern-ireland")
# Spellings a researcher may use for a group of jurisdictions.
_JURISDICTION_GROUPS = {
    "uk": UK,
    "gb": ("england", "wales", "scotland"),
    "england-and-wales": ("england", "wales"),
    "england-wales": ("england", "wales"),
    "e&w": ("england", "wales"),
}
# applies_to words, read loosely: a word we do not know means "anyone".
_CHILD_WORDS = {"under-18", "under_18", "child", "children", "minor", "minors", "csam", "csea"}
_ADULT_WORDS = {"adult", "adults", "18+", "18-plus", "over-18", "ncii"}

# Laws whose presence changes what a letter says, recognised by slug or, if a
# slug changes, by citation. The first match wins; a law matching none is cited
# in the annex only. Order matters: "10(3A)" before "10(3)", "52A" before "52".
_TOPICS = (
    ("child-possession", r"^(cja-1988-s160|cgsa-1982-s52a|cjeni-1988-art15)$",
     r"Criminal Justice Act 1988, section 160|Civic Government \(Scotland\) Act 1982, section 52A"
     r"|Criminal Justice \(Evidence, Etc\.\) \(Northern Ireland\) Order 1988, Article 15\b"),
    ("child-offence", r"^(pca-1978|cgsa-1982-s52|pcnio-1978)",
     r"Protection of Children|Civic Government \(Scotland\) Act 1982, section 52"),
    ("intimate-offence", r"^(soa-2003-s66b|absh-2016|jani-2016-s51)",
     r"Sexual Offences Act 2003, section 66B|Abusive Behaviour and Sexual Harm"
     r"|Justice Act \(Northern Ireland\) 2016, section 51"),
    ("minor-defined", r"^usc-18-2256$", r"18 U\.S\.C\. § ?2256\b"),
    ("take-it-down", r"take-it-down", r"TAKE IT DOWN"),
    ("ncmec-report", r"2258a", r"2258A"),
    ("dsa-art-16", r"^dsa-art-16$", r"Digital Services Act\)?, Article 16\b"),
    ("uk-48-hours", r"^osa-2023-s10-3a$", r"Online Safety Act 2023, sections? 10\(3A\)"),
    ("uk-nca-report", r"^osa-2023-s66$", r"Online Safety Act 2023, section 66\b"),
    ("uk-take-down", r"^osa-2023-s10$", r"Online Safety Act 2023, section 10\(3\)"),
    ("uk-reporting", r"^osa-2023-s2[01]$", r"Online Safety Act 2023, section 2[01]\b"),
    ("uk-priority", r"^osa-2023-sch[67]", r"Online Safety Act 2023, Schedule [67]\b"),
    ("au-removal-notice", r"^au-osa-2021-s(77|78|109)$",
     r"Online Safety Act 2021 \(Cth\), section (77|78|109)\b"),
    ("au-objection", r"^au-osa-2021-s3[23]$", r"Online Safety Act 2021 \(Cth\), section 3[23]\b"),
)
# Laws on what providers must do: cited to a platform based in that country
# even when the family lives elsewhere.
PROVIDER_TOPICS = {"us": ("take-it-down", "ncmec-report")}
# Where in a platform letter an element of a notice can be found: the `where` of
# each element in law.toml is one of these keys (letters.py names the sections).
ELEMENT_PLACES = ("who", "location", "reasons", "good-faith", "sender", "signature")


class LawFileError(ValueError):
    """The law file is malformed; the message names the entry and field."""


@dataclass(frozen=True, slots=True)
class Element:
    """One element a valid notice must contain, word for word, and where a letter meets it."""

    text: str
    where: str


@dataclass(frozen=True, slots=True)
class Law:
    """One law, with where it was checked."""

    slug: str
    jurisdictions: tuple[str, ...]
    audiences: frozenset[str]
    citation: str
    summary: str
    source: str
    last_checked: date
    elements: tuple[Element, ...] = ()
    in_force: date | None = None
    plan_note: str | None = None

    @property
    def topic(self) -> str | None:
        """The wording this law triggers in a letter, or None for a plain citation."""
        for topic, slug_pattern, citation_pattern in _TOPICS:
            if (re.search(slug_pattern, self.slug, re.I)
                    or re.search(citation_pattern, self.citation, re.I)):
                return topic
        return None

    def applies(self, jurisdiction: str, under_18: bool) -> bool:
        return jurisdiction in self.jurisdictions and (
            "child" if under_18 else "adult") in self.audiences


def _jurisdictions(value, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise LawFileError(f"{where}: field 'jurisdictions' must be a list of names")
    found: list[str] = []
    for name in value:
        name = name.strip().lower().replace(" ", "-")
        found.extend(_JURISDICTION_GROUPS.get(name, (name,)))
    return tuple(dict.fromkeys(found))


def _audiences(value) -> frozenset[str]:
    words = {value} if isinstance(value, str) else set(value or ())
    words = {str(w).strip().lower() for w in words}
    found = set()
    if words & _CHILD_WORDS:
        found.add("child")
    if words & _ADULT_WORDS:
        found.add("adult")
    return frozenset(found or {"child", "adult"})


def _text(table: dict, field: str, where: str) -> str:
    value = table.get(field)
    if not isinstance(value, str) or not value.strip():
        raise LawFileError(f"{where}: field '{field}' must be a non-empty string")
    return " ".join(value.split())


def _elements(value, where: str) -> tuple[Element, ...]:
    if not isinstance(value, list):
        raise LawFileError(f"{where}: field 'elements' must be a list of tables")
    found = []
    for number, item in enumerate(value, start=1):
        at = f"{where}, element {number}"
        if not isinstance(item, dict):
            raise LawFileError(f'{at}: write it as {{text = "...", where = "..."}}')
        place = item.get("where")
        if place not in ELEMENT_PLACES:
            raise LawFileError(f"{at}: field 'where' must be one of {', '.join(ELEMENT_PLACES)}")
        found.append(Element(_text(item, "text", at), place))
    return tuple(found)


def parse_laws(text: str) -> tuple[Law, ...]:
    """Parse law TOML; raise LawFileError naming what is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LawFileError(f"the law file is not valid TOML: {error}") from error
    entries = data.get("law", [])
    if not isinstance(entries, list):
        raise LawFileError("the law file needs [[law]] tables")
    laws = []
    for index, table in enumerate(entries):
        where = f"law #{index + 1}"
        if not isinstance(table, dict):
            raise LawFileError(f"{where}: expected a table")
        slug = _text(table, "slug", where)
        where = f"law '{slug}'"
        checked = table.get("last_checked")
        if not isinstance(checked, date):
            raise LawFileError(f"{where}: field 'last_checked' must be a date such as 2026-11-25")
        source = _text(table, "source", where)
        if not source.startswith("https://") and not source.startswith("http://"):
            raise LawFileError(f"{where}: field 'source' must be a web address")
        in_force = table.get("in_force")
        if in_force is not None and not isinstance(in_force, date):
            raise LawFileError(f"{where}: field 'in_force' must be a date such as 2026-11-25")
        plan_note = table.get("plan_note")
        if plan_note is not None:
            plan_note = _text(table, "plan_note", where)
        laws.append(Law(
            slug=slug,
            jurisdictions=_jurisdictions(table.get("jurisdictions"), where),
            audiences=_audiences(table.get("applies_to")),
            citation=_text(table, "citation", where),
            summary=_text(table, "summary", where),
            source=source,
            last_checked=checked,
            elements=_elements(table.get("elements", []), where),
            in_force=in_force,
            plan_note=plan_note,
        ))
    return tuple(laws)


@cache
def all_laws() -> tuple[Law, ...]:
    """Return every law in the file, in file order; none if the file is absent."""
    if not DATA_FILE.exists():
        return ()
    return parse_laws(DATA_FILE.read_text(encoding="utf-8"))


def laws_for(jurisdiction: str, under_18: bool, provider_country: str | None = None,
             on: date | None = None) -> list[Law]:
    """Return the laws a letter may cite, in file order.

    Those of the case's jurisdiction for the person's age, plus, when the
    platform is based in a country with duties on providers (the US), those
    duties, wherever the family lives. A law not yet in force on ``on`` is left out.
    """
    extra = PROVIDER_TOPICS.get(provider_country or "", ())
    chosen = []
    for item in all_laws():
        if on and item.in_force and item.in_force > on:
            continue
        if item.applies(jurisdiction, under_18) or (
                item.topic in extra and item.applies(provider_country, under_18)):
            chosen.append(item)
    return chosen
