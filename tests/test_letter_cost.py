"""Every letter's cost is bounded (issue 26): a follow-up lists only its own platform's reports,
a record and a pack cap what they print and say what was left out and how to get it, a letter
past the bound is refused before it starts, and the letter limit counts work, not requests."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime

import pytest

from takedown import letters, letterwork, platforms
from takedown.case import MAX_LOCATIONS, parse_case
from tests.helpers import new_app, normalize_spaces, page_checks, pdf_text
from tests.logged_cases import largest_case, logged_case

LIMIT = 256 * 1024  # the body limit: the largest case a client can send
CPU_BOUND_S = 5.0


@pytest.fixture
def client(make_app):
    return make_app(WTF_CSRF_ENABLED=False).test_client()


def letter_text(client, case: dict, kind: str, platform: str = "") -> str:
    path = "/letters/pack/text" if kind == "pack" else "/letters/text"
    response = client.post(path, data={"case": json.dumps(case), "letter": f"{kind}/{platform}",
                                       "download": "txt"})
    assert response.status_code == 200, response.data[:2000]
    return normalize_spaces(response.get_data(as_text=True))


# --- what a letter lists ------------------------------------------------------------------


def test_a_follow_up_lists_only_its_own_platform_s_reports(client):
    text = letter_text(client, logged_case(2, 2, slugs=("instagram", "tiktok")), "follow-up",
                       "instagram")
    assert "R0-0-" in text and "R0-1-" in text
    assert "R1-" not in text and "TikTok" not in text


def test_a_record_of_many_reports_lists_the_first_and_says_what_was_left_out(client):
    case = logged_case(4, 20)  # 80 reports
    text = letter_text(client, case, "record")
    listed = [f"R{i}-{j}-" for i in range(4) for j in range(20) if f"R{i}-{j}-" in text]
    assert len(listed) == letterwork.MAX_ROWS
    assert listed[-1] == "R2-19-"  # oldest first
    assert ("20 later reports are not listed here, to keep this short. Every report is in the "
            "case file and on the progress page at the Takedown site; from the progress page "
            "you can also download a record of one platform's reports at a time.") in text


def test_a_record_of_one_platform_s_reports_lists_only_those(client):
    case = logged_case(4, 20, slugs=("instagram", "tiktok"))
    text = letter_text(client, case, "record", "tiktok")
    assert "Record of reports to TikTok, for the police or school" in text
    assert "R1-0-" in text and "R3-19-" in text
    assert "R0-" not in text and "R2-" not in text
    assert "not listed here" not in text


def test_a_record_for_a_platform_with_no_report_says_so(client):
    case = logged_case(1, 1, slugs=("instagram",))
    response = client.post("/letters/text", data={"case": json.dumps(case),
                                                  "letter": "record/tiktok"})
    assert "has no report logged in this case" in normalize_spaces(page_checks(response).text)


def test_the_progress_page_offers_a_record_per_platform_when_the_whole_is_cut(client):
    few = page_checks(client.post("/case/progress", data={"case": json.dumps(logged_case(2, 2))}))
    assert [b["value"] for b in few.select("button[value^='record/']")] == ["record/"]
    many = page_checks(client.post("/case/progress",
                                   data={"case": json.dumps(logged_case(4, 20))}))
    values = [b["value"] for b in many.select("button[value^='record/']")]
    assert values == ["record/", "record/instagram", "record/tiktok", "record/snapchat",
                      "record/facebook"]


# --- the pack -------------------------------------------------------------------------------


def test_a_pack_past_the_bound_names_each_letter_left_out_and_how_to_get_it(client):
    case = logged_case(MAX_LOCATIONS, 5, hours_ago=100)  # every follow-up due
    parsed = parse_case(case)
    now = datetime.now(UTC)
    prepared = letters.prepare("pack", parsed, today=now.date(), now=now)
    assert prepared.work <= letterwork.MAX_WORK
    response = client.post("/letters/pack", data={"case": json.dumps(case), "letter": "pack/"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = normalize_spaces(pdf_text(response.data))
    assert "To keep this pack quick to make, it does not hold these letters: " in text
    assert ("Download each one on its own from your plan at the Takedown site, or from your "
            "progress page.") in text
    held = {title for _, title in prepared.parts}
    every = [option.title for option in letters.available_letters(parsed)
             if option.kind != "pack"]
    every += [f"Follow-up letter to {platforms.get(slug).name}" for slug in parsed.platform_slugs]
    left_out = [title for title in every if f"{title} – TD-7KQ2-M9XP" not in held]
    assert left_out and all(title in text for title in left_out)


def test_a_small_pack_holds_every_letter_and_says_nothing_of_leaving_out(client):
    text = letter_text(client, logged_case(2, 1), "pack")
    assert "does not hold" not in text and "not listed here" not in text


# --- refused before it starts -----------------------------------------------------------------


@pytest.fixture
def tiny_bound(monkeypatch):
    """A bound of two units, and no PDF may start: a refusal must come before the render."""
    from takedown import pdf

    def no_render(*args, **kwargs):
        raise AssertionError("a render started past the bound")

    monkeypatch.setattr(letterwork, "MAX_WORK", 2)
    monkeypatch.setattr(pdf, "html_to_pdf", no_render)
    monkeypatch.setattr(pdf, "render_parts", no_render)


def test_a_letter_past_the_bound_is_a_422_page_saying_why(client, tiny_bound):
    case = json.dumps(logged_case(3, 3))
    for path in ("/letters/download", "/letters/text"):
        response = client.post(path, data={"case": case, "letter": "platform/instagram"})
        assert response.status_code == 422, path
        html = page_checks(response)
        assert "too long to make at once" in normalize_spaces(html.text)
        assert html.select_one("input[name=case]")["value"] == case  # the case is kept


def test_a_letter_past_the_bound_is_a_422_from_the_api(client, tiny_bound):
    for accept in ("application/pdf", "text/plain"):
        response = client.post("/api/v1/letters/platform?platform=instagram",
                               json=logged_case(3, 3), headers={"Accept": accept})
        assert response.status_code == 422, accept
        [error] = response.get_json()["errors"]
        assert error["field"] == "case" and "too long to make at once" in error["message"]


# --- the letter limit counts work ---------------------------------------------------------------


def test_the_letter_limit_counts_work_not_requests_across_the_web_and_the_api():
    case = logged_case(3, 2, hours_ago=100)
    now = datetime.now(UTC)
    pack_work = letters.prepare("pack", parse_case(case), today=now.date(), now=now).work
    record_work = letters.prepare("record", parse_case(case), today=now.date(), now=now).work
    assert pack_work > 5 * record_work
    client = new_app(WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=True,
                     RATELIMIT_PDF=f"{pack_work + record_work + 1} per minute",
                     RATELIMIT_API="100 per minute").test_client()
    data = {"case": json.dumps(case)}
    assert client.post("/letters/pack", data=data | {"letter": "pack/"}).status_code == 200
    assert client.post("/letters/download", data=data | {"letter": "record/"}).status_code == 200
    refused = client.post("/api/v1/letters/record", json=case)
    assert refused.status_code == 429
    assert client.post("/letters/text", data=data | {"letter": "record/"}).status_code == 429


# --- the largest case, measured ---------------------------------------------------------------


LARGEST_LETTERS = [("record", None), ("record", "instagram"), ("follow-up", "instagram"),
                   ("escalation", "instagram"), ("platform", "instagram"), ("school", None),
                   ("iwf", None), ("pack", None)]


@pytest.fixture(scope="module")
def largest():
    data = largest_case()
    assert len(json.dumps(data)) < LIMIT
    letters.warm_up()
    return parse_case(data)


@pytest.mark.parametrize("kind, platform", LARGEST_LETTERS)
def test_no_letter_of_the_largest_case_passes_the_bound(largest, kind, platform):
    """In this process, in CPU time: every kind of letter for 20 places x 30 reports."""
    now = datetime.now(UTC)
    started = time.process_time()
    prepared = letters.prepare(kind, largest, platform, today=now.date(), now=now)
    made = letters.render(prepared)
    spent = time.process_time() - started
    assert made.pdf.startswith(b"%PDF")
    assert prepared.work <= letterwork.MAX_WORK
    assert spent < CPU_BOUND_S, f"{kind} {platform}: {spent:.1f} CPU-seconds"


def test_the_largest_pack_s_text_is_within_the_bound(largest):
    now = datetime.now(UTC)
    started = time.process_time()
    made = letters.make_text("pack", largest, today=now.date(), now=now)
    assert time.process_time() - started < CPU_BOUND_S
    assert "not listed here" in normalize_spaces(made.text)
