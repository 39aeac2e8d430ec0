"""Paste-ready blocks for platforms' web forms: on each guide with a form, and on the plan."""

import json

import pytest

from takedown import paste, platforms
from takedown.case import parse_case
from tests.helpers import a_case, page_checks

WITH_FORMS = [p.slug for p in platforms.all_platforms() if p.web_forms and p.slug != "other"]


@pytest.fixture
def client(make_app):
    return make_app(WTF_CSRF_ENABLED=False).test_client()


@pytest.mark.parametrize("slug", WITH_FORMS)
def test_every_guide_with_a_web_form_has_blocks_that_fit(client, slug):
    page = page_checks(client.get(f"/platforms/{slug}"))
    blocks = [box.get_text() for box in page.select("textarea[id^=paste-]")]
    assert len(blocks) == 2
    for block in blocks:
        assert len(block) <= paste.LIMIT
        assert paste.PLACEHOLDER_LINK in block


def test_the_plan_puts_the_block_beside_the_forms_link(client):
    place = {"url": "https://www.reddit.com/r/x/comments/abc/", "platform": "reddit"}
    case = a_case(reference="TD-7KQ2-M9XP", locations=[place])
    page = page_checks(client.post("/case/plan", data={"case": json.dumps(case)}))
    step = page.select_one("#step-platform-reddit")
    block = step.select_one("details.paste-block textarea").get_text()
    assert step.select_one("details.paste-block").find_previous_sibling("ul").select("a[href]")
    assert place["url"] in block.splitlines() and "TD-7KQ2-M9XP" in block
    assert len(block) <= paste.LIMIT


def test_blocks_fit_the_forms_and_carry_only_typed_links():
    many = [{"url": f"https://www.reddit.com/r/x/comments/{'x' * 150}{i}/", "platform": "reddit"}
            for i in range(10)]
    case = parse_case(a_case(reference="TD-7KQ2-M9XP", locations=many))
    block = paste.for_case(case, "reddit")
    assert len(block) <= paste.LIMIT
    assert "more links in our letter" in block
    assert "TD-7KQ2-M9XP" in block and "under 18" in block
    urls = [line for line in block.splitlines() if line.startswith("https://")]
    assert urls and set(urls) <= {place.url for place in case.locations}
    assert "did not consent" in paste.for_guide(False)
