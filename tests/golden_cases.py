"""A fixed set of cases, and every letter and plan they give as text: the golden snapshot.

``tests/test_golden.py`` compares a digest of today's output with ``tests/golden.json``.
A refactor leaves every digest the same. After a change meant to alter what letters or
plans say, ``make golden`` rewrites the digests; to read what moved, dump the texts at
both commits and compare them: ``python -m tests.golden_cases --dump DIR``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from takedown import letters
from takedown.case import case_to_dict, parse_case
from takedown.plan import make_plan

DIGESTS = Path(__file__).parent / "golden.json"
TODAY = date(2026, 12, 2)
NOW = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
JURISDICTIONS = ("england", "wales", "scotland", "northern-ireland", "us", "eu", "australia",
                 "canada")


def _report(hours_ago: int, **fields) -> dict:
    return {"channel": "in-app", "at": (NOW - timedelta(hours=hours_ago)).isoformat(),
            "reference": "REF-1", **fields}


PLACES = [
    {"url": "https://www.instagram.com/p/ABC123/", "account": "@sharer_one",
     "description": "A post", "first_seen": "2026-11-20",
     "reports": [_report(72, outcome="refused", outcome_at=(NOW - timedelta(hours=20)).isoformat())]},
    {"url": "https://www.tiktok.com/@someone/video/1", "reports": [_report(60)]},
    {"platform": "snapchat", "account": "snapper", "description": "A story"},
    {"url": "https://x.com/someone/status/1"},
    {"url": "https://www.facebook.com/someone/posts/1"},
    {"platform": "whatsapp", "description": "A group chat"},
    {"url": "https://drive.google.com/file/d/abc/view"},
    {"url": "https://forum.example.org/thread/9", "description": "Forum thread"},
]
REQUESTERS = {
    "parent": {"role": "parent", "name": "Sam Taylor", "email": "sam@example.com",
               "phone": "01632 960 001", "address": "1 High Street, Leeds"},
    "dsl": {"role": "school", "name": "Alex Head", "email": "dsl@school.example",
            "organisation": "Hill School", "is_dsl": True},
    "caseworker": {"role": "caseworker", "name": "Jo Case", "email": "jo@council.example"},
    "young-person": {"role": "young-person", "name": "Zoë Ελένη", "email": "z@example.com"},
}


def cases() -> dict[str, dict]:
    """Each named case: every jurisdiction for each role, urgent or not, under 18 or not."""
    found = {}
    for jurisdiction in JURISDICTIONS:
        for role, requester in REQUESTERS.items():
            found[f"{jurisdiction}-{role}"] = {
                "schema": "takedown-case/2", "reference": "TD-7KQ2-M9XP",
                "jurisdiction": jurisdiction, "requester": requester,
                "person": {"age": 15, "name": "Riley", "school": "Hill School"},
                "concerns": {"shared_at_school": True},
                "locations": PLACES,
                "school": {"name": "Hill School", "email": "office@school.example"},
            }
        found[f"{jurisdiction}-urgent"] = {
            **found[f"{jurisdiction}-parent"],
            "concerns": {"immediate_danger": True, "threats": True, "adult_involved": True,
                         "threat_account": "@blackmailer"},
            "locations": PLACES[:2],
        }
        found[f"{jurisdiction}-adult"] = {
            **found[f"{jurisdiction}-young-person"],
            "person": {"age": 19}, "concerns": {}, "school": None, "locations": PLACES[:5],
        }
    found.update(_what_happened())
    return found


def _what_happened() -> dict[str, dict]:
    """The stories beyond a real image already posted: a threat with nothing posted, and a
    fake image made by pupils."""
    return {
        "england-threat-nothing-posted": {
            "schema": "takedown-case/3", "reference": "TD-7KQ2-M9XP", "jurisdiction": "england",
            "requester": REQUESTERS["parent"],
            "person": {"age": 14, "name": "Riley", "school": "Hill School"},
            "concerns": {"threats": True, "threat_account": "@blackmailer",
                         "threat_platform": "instagram"},
            "locations": [],
            "school": {"name": "Hill School", "email": "office@school.example"},
        },
        "scotland-fake-made-by-pupils": {
            "schema": "takedown-case/3", "reference": "TD-7KQ2-M9XP", "jurisdiction": "scotland",
            "requester": REQUESTERS["dsl"],
            "person": {"age": 13, "name": "Riley", "school": "Hill School"},
            "concerns": {"shared_at_school": True, "image": "fake",
                         "made_by": "Two pupils in S2", "made_with": "A nudify app"},
            "locations": [{"platform": "snapchat", "account": "snapper",
                           "description": "Sent in a group chat"}],
            "school": {"name": "Hill School", "email": "office@school.example"},
        },
    }


def outputs() -> dict[str, str]:
    """File name to text: every case's plan (as JSON) and each letter it can have, as text."""
    made = {}
    for name, data in cases().items():
        case = parse_case(data)
        plan = make_plan(case)
        made[f"{name}.plan.json"] = json.dumps(
            {"case": case_to_dict(case), "plan": _plain(plan)}, indent=1, ensure_ascii=False,
            default=str)
        wanted = [(o.kind, o.platform) for o in letters.available_letters(case)]
        for slug in case.platform_slugs:
            if slug != "other" and any(loc.reports for loc in case.locations_on(slug)):
                wanted += [("follow-up", slug), ("review", slug), ("escalation", slug)]
        if any(loc.reports for loc in case.locations):
            wanted.append(("record", None))
        for kind, slug in wanted:
            try:
                text = letters.make_text(kind, case, slug, TODAY, NOW)
            except letters.LetterUnavailable as unavailable:
                body = "UNAVAILABLE\n" + "\n".join(f"{e.field}: {e.message}"
                                                   for e in unavailable.errors)
            else:
                body = f"{text.title}\n{text.subject}\n{text.email}\n\n{text.text}"
            made[f"{name}.{kind}{'-' + slug if slug else ''}.txt"] = body
    return made


def _plain(value):
    """A plan's dataclasses as plain data, for a readable diff."""
    if hasattr(value, "__dataclass_fields__"):
        return {key: _plain(getattr(value, key)) for key in value.__dataclass_fields__}
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    return value


def digests() -> dict[str, str]:
    """File name to the SHA-256 of its text."""
    return {name: hashlib.sha256(text.encode()).hexdigest()
            for name, text in sorted(outputs().items())}


def dump(folder: Path, names=None) -> None:
    """Write the texts (all, or those named) into ``folder``, to read or compare."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in outputs().items():
        if names is None or name in names:
            (folder / name).write_text(text, encoding="utf-8")


def main(argv: list[str]) -> None:
    """``--dump DIR`` writes the texts; with no arguments, rewrite tests/golden.json."""
    if argv[:1] == ["--dump"] and len(argv) == 2:
        dump(Path(argv[1]))
    elif not argv:
        DIGESTS.write_text(json.dumps(digests(), indent=0) + "\n", encoding="utf-8")
    else:
        sys.exit("usage: python -m tests.golden_cases [--dump DIR]")


if __name__ == "__main__":
    main(sys.argv[1:])
