"""Letters and plans say exactly what they said: the golden snapshot (tests/golden_cases.py)."""

import json

from tests import golden_cases

ARTIFACTS = golden_cases.Path(__file__).parent.parent / "test-artifacts" / "golden"


def test_every_letter_and_plan_text_is_byte_identical_to_the_snapshot():
    expected = json.loads(golden_cases.DIGESTS.read_text(encoding="utf-8"))
    found = golden_cases.digests()
    changed = sorted(name for name in expected.keys() | found.keys()
                     if expected.get(name) != found.get(name))
    if changed:
        golden_cases.dump(ARTIFACTS, set(changed))
    assert not changed, (
        f"{len(changed)} texts differ from tests/golden.json (today's written to {ARTIFACTS}); "
        f"if the change is meant, run `make golden`: {changed[:20]}")


def test_the_snapshot_covers_every_jurisdiction_role_and_letter_kind():
    names = json.loads(golden_cases.DIGESTS.read_text(encoding="utf-8"))
    kinds = {name.split(".")[1].split("-")[0] for name in names}
    assert {"plan", "platform", "school", "iwf", "pack", "follow", "escalation",
            "record"} <= kinds
    for jurisdiction in golden_cases.JURISDICTIONS:
        for role in golden_cases.REQUESTERS:
            assert f"{jurisdiction}-{role}.plan.json" in names
