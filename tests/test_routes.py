"""The URL map against tests/routes.json: no URL or method may disappear unnoticed.

A link in a letter, a bookmark or an API client may use any of these. A new route must be
added to the snapshot on purpose: UPDATE_ROUTES=1 python -m pytest tests/test_routes.py
"""

import json
import os
from pathlib import Path

SNAPSHOT = Path(__file__).resolve().parent / "routes.json"
HOW = "if that is intended, run: UPDATE_ROUTES=1 python -m pytest tests/test_routes.py"


def routes(app) -> list[dict]:
    """Every URL rule with its methods, sorted."""
    return sorted(({"rule": rule.rule, "methods": sorted(rule.methods)}
                   for rule in app.url_map.iter_rules()),
                  key=lambda route: (route["rule"], route["methods"]))


def pairs(items: list[dict]) -> set[tuple[str, str]]:
    return {(item["rule"], method) for item in items for method in item["methods"]}


def test_no_route_or_method_disappears_and_new_ones_are_in_the_snapshot(app):
    current = routes(app)
    if os.environ.get("UPDATE_ROUTES") == "1":
        SNAPSHOT.write_text(json.dumps(current, indent=2) + "\n", encoding="utf-8")
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    gone = sorted(pairs(recorded) - pairs(current))
    assert not gone, f"routes or methods disappeared: {gone}; {HOW}"
    new = sorted(pairs(current) - pairs(recorded))
    assert not new, f"routes or methods not in {SNAPSHOT.name}: {new}; {HOW}"
    assert recorded == current, f"{SNAPSHOT.name} is not sorted as routes() writes it; {HOW}"


def test_the_snapshot_is_not_empty():
    recorded = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert {"rule": "/", "methods": ["GET", "HEAD", "OPTIONS"]} in recorded
    assert len(recorded) >= 20
