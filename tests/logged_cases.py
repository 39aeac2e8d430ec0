"""Cases with many reports logged, up to the largest a client can send: for the tests of what a
letter costs (tests/test_letter_cost.py) and for `make load`'s attacks (bench/attacks.py).

The domain and the standard library only, so `make load` can import it from the app's own
virtualenv.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from takedown.case import MAX_LOCATIONS, MAX_REFERENCE, MAX_REPORTS

SLUGS = ("instagram", "tiktok", "snapchat", "facebook", "youtube", "reddit", "discord",
         "telegram", "x", "whatsapp")


def logged_case(places: int, reports: int, hours_ago: float = 200, slugs=SLUGS,
                reference: int = 12, long_places: bool = False, note: int = 0) -> dict:
    """A valid case of ``places`` places (on ``slugs`` in turn), each with ``reports`` reports
    logged, the first ``hours_ago`` hours ago, each reference ``reference`` characters long
    and, when ``note`` is given, a note that long on each report."""
    first = datetime.now(UTC) - timedelta(hours=hours_ago)
    locations = []
    for i in range(places):
        logged = [{"channel": "in-app", "at": (first + timedelta(minutes=i * 40 + j)).isoformat(
            timespec="seconds"), "reference": f"R{i}-{j}-".ljust(reference, "x")}
            for j in range(reports)]
        if note:
            for report in logged:
                report["note"] = "n" * note
        place = {"platform": slugs[i % len(slugs)], "account": f"@account{i}", "reports": logged}
        if long_places:
            place["description"] = "d " * 150
        locations.append(place)
    return {"schema": "takedown-case/2", "reference": "TD-7KQ2-M9XP", "jurisdiction": "england",
            "requester": {"role": "parent", "name": "Sam Carter", "email": "sam@example.com",
                          "address": "1 Road\nTown"},
            "person": {"under_18": True, "age": 14, "name": "Alex", "school": "Hill School"},
            "concerns": {"threats": True}, "locations": locations}


def largest_case(note: int = 0) -> dict:
    """The largest valid case: 20 places, 30 reports each, every reference at its limit,
    every place described (and a note of ``note`` characters on each report), under the body
    limit."""
    return logged_case(MAX_LOCATIONS, MAX_REPORTS, reference=MAX_REFERENCE, long_places=True,
                       note=note)
