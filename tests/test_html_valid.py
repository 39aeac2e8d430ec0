"""Every page and error state is valid HTML: the W3C Nu HTML Checker (vnu-jar) finds no errors.

vnu-jar comes from npm (package.json, package-lock.json; `make install` runs `npm ci`) and
runs on Java (scripts/system-deps.sh). One checker run reads every page saved here.
"""

import json
import shutil
import subprocess
from pathlib import Path

from takedown import platforms
from takedown.case import ROLES
from tests.helpers import Browser, a_case, answer

VNU = Path(__file__).resolve().parents[1] / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

PAGES = ["/", "/help", "/platforms", "/cover-your-tracks", "/case/start", "/case/start?all=1",
         "/case/open",
         "/no-such-page", *(f"/platforms/{p.slug}" for p in platforms.all_platforms())]


def _states(client) -> dict[str, str]:
    """Every page, and each state of the case flow: errors, refills, check, plans."""
    pages = {}
    for path in PAGES:
        pages[path] = client.get(path).get_data(as_text=True)
    browser = Browser(client)

    def keep(name):
        pages[name] = browser.response.get_data(as_text=True)

    browser.get("/case/start")
    browser.press("#continue", {})
    keep("questions: nothing answered")
    browser.press("#continue", {"requester_role": "parent", "jurisdiction": "england"})
    keep("step 2")
    browser.press("#continue", {"person_age_group": "known", "person_age": "abc"})
    keep("step 2: errors")
    browser.press("#continue", {"person_age": "14"})
    keep("step 3")
    browser.press("#continue", {"concerns_threats": "y"})
    keep("step 4")
    browser.press("#continue", {"places-0-url": "not a link", "requester_email": "nope"})
    keep("step 4: errors")
    browser.press("#back")
    keep("step 3: back")
    browser.press("#continue")
    browser.press("#continue", {"places-0-url": "instagram.com/p/abc", "requester_email": None})
    assert browser.page.select_one("#quick-check"), browser.error_links()
    keep("plan: urgent, straight from the steps")
    browser.press("#quick-change")
    keep("step 1: changing")
    browser.get("/case/start?all=1")
    browser.press("#continue", {})
    keep("questions on one page: nothing answered")
    answer(browser, **{"places-0-url": "not a link", "person_age": "abc",
                       "requester_email": "nope", "places-0-first_seen": "2999-01-01"})
    keep("questions: bad values refilled")
    answer(browser, **{"places-0-url": "https://www.instagram.com/p/abc",
                       "places-0-platform": "snapchat"})
    keep("questions: link and chosen platform disagree")
    answer(browser, **{"places-0-url": "instagram.com/p/abc", "concerns_threats": "y",
                       "concerns_threat_account": "bad.account"})
    keep("check: urgent")
    browser.press("button[formaction='/case/change#requester_role-0']")
    keep("questions: changed, schemeless link refilled")
    answer(browser, **{"places-0-url": None, "concerns_threats": "y",
                       "concerns_threat_account": "bad.account",
                       "concerns_threat_platform": "instagram"})
    keep("check: a threat with nothing posted")
    browser.press("#continue")
    keep("plan: a threat with nothing posted")
    answer(browser, concerns_image="fake", concerns_made_by="Two pupils",
           concerns_made_with="An app")
    keep("check: a fake image")
    browser.press("#continue")
    keep("plan: a fake image")
    answer(browser, concerns_image="photoshopped")
    keep("questions: what the image is, refused")
    for role in ROLES:
        for changes in ({}, {"concerns_threats": "y", "concerns_adult_involved": "y"},
                        {"person_age_group": "adult", "person_age": ""}):
            answer(browser, requester_role=role, **changes)
            browser.press("#continue")
            keep(f"plan: {role} {sorted(changes)}")
    answer(browser, requester_role="parent", requester_is_dsl="y")
    keep("questions: DSL ticked by a parent")
    response = client.post("/case/open", data={}, content_type="multipart/form-data")
    pages["open: no file"] = response.get_data(as_text=True)
    response = client.post("/case/plan", data={"case": "{"})
    pages["plan: unreadable case"] = response.get_data(as_text=True)
    response = client.post("/letters/download", data={
        "case": json.dumps(a_case(requester={"name": None, "email": None})), "kind": "platform",
        "platform": "instagram"})
    pages["letter: details missing"] = response.get_data(as_text=True)
    at = "2026-11-30T10:00:00+00:00"
    logged = a_case(locations=[
        {"url": "https://www.instagram.com/p/abc", "reports": [
            {"channel": "in-app", "at": at, "reference": "IG-1"}]},
        {"url": "https://www.tiktok.com/@x/video/1", "reports": [
            {"channel": "web-form", "at": at, "outcome": "refused", "outcome_at": at}]},
        {"url": "https://www.snapchat.com/add/x", "reports": [
            {"channel": "email", "at": at, "outcome": "removed"}]},
        {"url": "https://forum.example.org/t/1"}])
    refused_x = a_case(requester={"name": "Sam", "email": "sam@example.com"}, locations=[
        {"url": "https://x.com/a/status/1", "reports": [
            {"channel": "web-form", "at": at, "outcome": "refused", "outcome_at": at}]}])
    long_ago = "2026-10-01T10:00:00+00:00"  # removed, and its week to check again long past
    settled = a_case(locations=[{"url": "https://www.instagram.com/p/abc", "reports": [
        {"channel": "in-app", "at": long_ago, "outcome": "removed", "outcome_at": long_ago}]}])
    threat = a_case(locations=[], concerns={"threats": True, "threat_account": "@blackmailer",
                                            "threat_platform": "instagram"})
    fake = a_case(jurisdiction="scotland", requester={
        "role": "school", "is_dsl": True, "name": "Morag Reid", "email": "dsl@school.example"},
        concerns={"image": "fake", "shared_at_school": True, "made_by": "Three pupils in S2",
                  "made_with": "A nudify app"},
        locations=[{"platform": "snapchat", "account": "s2.group.chat"}])
    browser.get("/case/open")
    token = browser.page.select_one("input[name=csrf_token]")["value"]
    for name, path, data in (
            ("progress: every state", "/case/progress", {"case": json.dumps(logged)}),
            ("report form", "/case/progress/record", {"case": json.dumps(logged), "log": "0"}),
            ("send page: with a published address", "/letters/text", {
                "case": json.dumps(a_case(locations=[{"url": "https://t.me/channel/1"}])),
                "letter": "platform/telegram"}),
            ("send page: web forms and the post", "/letters/text", {
                "case": json.dumps(a_case(jurisdiction="eu")), "letter": "platform/instagram"}),
            ("send page: no form or address", "/letters/text", {
                "case": json.dumps(a_case(locations=[{"url": "https://www.youtube.com/x"}])),
                "letter": "platform/youtube"}),
            ("send page: the review letter, with the platform's own route", "/letters/text", {
                "case": json.dumps(refused_x), "letter": "review/x"}),
            ("send page: the next-step letter's services", "/letters/text", {
                "case": json.dumps(logged), "letter": "escalation/tiktok"}),
            ("progress: nothing to remind", "/case/progress", {"case": json.dumps(settled)}),
            ("send page: the letter about a threatening account", "/letters/text", {
                "case": json.dumps(threat), "letter": "platform/instagram"}),
            ("send page: a fake image", "/letters/text", {
                "case": json.dumps(fake), "letter": "platform/snapchat"}),
            ("send page: the safeguarding record for a fake image", "/letters/text", {
                "case": json.dumps(fake), "letter": "school/"}),
            ("report form: a date typed that is not one", "/case/progress/log", {
                "case": json.dumps(logged), "place": "0", "channel": "email",
                "at": "31/11/2026 14:00"}),
            ("report form: errors", "/case/progress/log", {
                "case": json.dumps(logged), "place": "0", "channel": "fax", "at": "soon"})):
        response = client.post(path, data={**data, "csrf_token": token})
        assert b"timed out" not in response.data, name
        pages[name] = response.get_data(as_text=True)
    assert 'href="mailto:abuse@telegram.org?subject=' in pages["send page: with a published address"]
    assert 'id="route-appeal"' in pages["send page: the review letter, with the platform's own route"]
    assert 'id="next-services"' in pages["send page: the next-step letter's services"]
    assert "nothing to remind" in pages["progress: nothing to remind"]
    assert "Request to act on an account" in pages["send page: the letter about a threatening account"]
    assert "pseudo-photograph" in pages["send page: a fake image"]
    assert "Three pupils in S2" in pages["send page: the safeguarding record for a fake image"]
    pages["report form: timed out"] = client.post("/case/progress/log", data={
        "case": json.dumps(logged), "place": "0", "at": "soon"}).get_data(as_text=True)
    return pages


def test_every_page_and_error_state_is_valid_html(client, tmp_path):
    java = shutil.which("java")
    assert java, "java is missing: run `make install` (scripts/system-deps.sh installs it)"
    assert VNU.exists(), f"{VNU} is missing: run `make install` (npm ci installs vnu-jar)"
    pages = _states(client)
    names = {}
    for number, (name, html) in enumerate(pages.items()):
        path = tmp_path / f"page-{number:03}.html"
        path.write_text(html, encoding="utf-8")
        names[f"file:{path}"] = name
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json",
                             "--exit-zero-always", str(tmp_path)],
                            capture_output=True, text=True, timeout=300)
    messages = json.loads(result.stderr or "{}").get("messages", [])
    problems = [f"{names.get(m.get('url'), m.get('url'))}: {m.get('message')} "
                f"[{m.get('extract', '').strip()[:120]}]" for m in messages]
    assert len(pages) > 60
    assert not problems, "\n".join(problems)


BAD_PAGES = ['<p><div></div></p>', '<input type="url" value="x y">']


def test_the_checker_finds_errors(tmp_path):
    """The checker is really checking: each page with a known error fails (one run for all)."""
    for number, bad in enumerate(BAD_PAGES):
        (tmp_path / f"bad-{number}.html").write_text(
            f'<!doctype html><html lang="en"><head><title>t</title></head><body>{bad}'
            '</body></html>', encoding="utf-8")
    result = subprocess.run([shutil.which("java") or "java", "-jar", str(VNU), "--errors-only",
                             "--format", "json", "--exit-zero-always", str(tmp_path)],
                            capture_output=True, text=True, timeout=120)
    failed = {Path(m["url"].removeprefix("file:")).name for m in json.loads(result.stderr)["messages"]}
    for number, bad in enumerate(BAD_PAGES):
        assert f"bad-{number}.html" in failed, bad
