"""The send page's mailto: link: only where the platform publishes a report address (real directory)."""

import json
from datetime import date
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from takedown import letters, platforms
from takedown.case import parse_case
from tests.helpers import a_letter_case

TYPED = "https://t.me/some_channel/123"


def _case(url: str, jurisdiction: str = "england") -> dict:
    return a_letter_case(jurisdiction=jurisdiction, locations=[
        {"url": url, "account": "@sharer", "description": "A post in a channel"}])


@pytest.fixture
def client(make_app):
    return make_app(WTF_CSRF_ENABLED=False).test_client()


def _send_page(client, case: dict, choice: str) -> BeautifulSoup:
    response = client.post("/letters/text", data={"case": json.dumps(case), "letter": choice})
    assert response.status_code == 200
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


@pytest.mark.parametrize("jurisdiction", ["england", "us", "eu", "australia"])
def test_telegram_s_published_address_is_a_mailto_with_only_the_subject(client, jurisdiction):
    case = _case(TYPED, jurisdiction)
    page = _send_page(client, case, "platform/telegram")
    link = page.select_one("a#mailto")
    text = letters.make_text("platform", parse_case(case), "telegram", date.today())
    assert text.email == platforms.get("telegram").email_for(jurisdiction).address
    assert link["href"] == f"mailto:{text.email}?subject={quote(text.subject)}"
    # Nothing from the case but the subject: no body, no link the user typed, no name.
    assert "body=" not in link["href"] and "t.me" not in link["href"]
    assert "Sam" not in link["href"] and "sharer" not in link["href"]
    assert "paste the letter into the body" in page.get_text(" ")


def test_a_platform_without_a_published_address_has_no_mailto(client):
    page = _send_page(client, _case("https://www.instagram.com/p/ABC123/"), "platform/instagram")
    assert not page.select("a[href^='mailto:']")
    assert page.select_one("textarea#letter-text")


def test_letters_to_others_carry_no_platform_address(client):
    case = _case(TYPED)
    for kind in ("school", "iwf"):
        assert letters.make_text(kind, parse_case(case), today=date.today()).email is None
        assert not _send_page(client, case, f"{kind}/").select("a[href^='mailto:']")


def test_every_published_address_is_sourced_and_checked():
    for platform in platforms.all_platforms():
        for email in platform.emails:
            assert email.source in platform.sources
            assert email.source.last_checked is not None
