"""Where a letter goes: the send page and the plan read one function (platforms.send_routes), for
every platform and every jurisdiction, and show only the directory's own links."""

import json

import pytest
from bs4 import BeautifulSoup

from takedown import jurisdictions, platforms
from takedown.case import parse_case
from takedown.plan import make_plan
from tests.helpers import a_letter_case

PLATFORMS = [p.slug for p in platforms.all_platforms() if p.slug != "other"]
PLACES = list(jurisdictions.names())


@pytest.fixture(scope="module")
def client(request):
    from tests.helpers import new_app
    return new_app(WTF_CSRF_ENABLED=False).test_client()


def _case(slug: str, jurisdiction: str, age: int = 15) -> dict:
    return a_letter_case(jurisdiction=jurisdiction, person={"age": age, "under_18": age < 18},
                         locations=[{"platform": slug, "account": "@sharer",
                                     "description": "A post seen by a friend"}])


def _where_it_goes(client, case: dict, slug: str) -> tuple[BeautifulSoup, list]:
    response = client.post("/letters/text", data={"case": json.dumps(case),
                                                  "letter": f"platform/{slug}"})
    assert response.status_code == 200
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    heading = page.find(id="where-it-goes")
    assert heading is not None, "the send page says where the letter goes"
    part = []
    for node in heading.find_all_next():
        if node.get("id") in ("letter-subject", "the-letter"):
            break
        part.append(node)
    return page, part


def _directory_links(platform: platforms.Platform) -> set[str]:
    links = {f.url for f in platform.web_forms}
    links |= {s.url for s in platform.sources} | {s.via for s in platform.sources if s.via}
    return links


@pytest.mark.parametrize("jurisdiction", PLACES)
@pytest.mark.parametrize("slug", PLATFORMS)
def test_the_send_page_names_a_sourced_route_or_says_there_is_none(client, slug, jurisdiction):
    platform = platforms.get(slug)
    case = _case(slug, jurisdiction)
    page, part = _where_it_goes(client, case, slug)
    routes = platforms.send_routes(platform, jurisdiction, under_18=True)
    ids = {node.get("id") for node in part}
    shown = {"form": "route-forms", "email": "route-email", "post": "route-post"}
    for route in routes.routes:
        assert shown[route.kind] in ids
    assert ("no-route" in ids) == routes.none
    if routes.none:
        said = page.find(id="no-route").get_text(" ")
        assert f"{platform.name} has no form or address for this" in said
        assert "keep this letter as your record" in said
    # Every link is the directory's: a form, a source, or a mailto: with the subject only.
    allowed = _directory_links(platform)
    for link in (node for node in part if node.name == "a"):
        href = link["href"]
        if href.startswith("mailto:"):
            address, _, query = href.removeprefix("mailto:").partition("?")
            assert address == routes.email.target and query.startswith("subject=")
            assert "&" not in query and "body" not in query
        else:
            assert href in allowed, href
    # Every route shown carries its source line.
    sources = [node for node in part if "source" in (node.get("class") or [])]
    assert len(sources) >= len(routes.routes) + (1 if routes.in_app else 0)


@pytest.mark.parametrize("jurisdiction", PLACES)
@pytest.mark.parametrize("slug", PLATFORMS)
def test_the_plan_links_the_same_forms_as_the_send_page(slug, jurisdiction):
    case = parse_case(_case(slug, jurisdiction))
    step = next(s for section in make_plan(case).sections for s in section.steps
                if s.id == f"platform-{slug}")
    routes = platforms.send_routes(platforms.get(slug), jurisdiction, under_18=True)
    assert [link.url for link in step.links] == [form.target for form in routes.forms]


def test_forms_that_need_no_account_come_first_and_in_app_steps_that_open_it_are_marked():
    for platform in platforms.all_platforms():
        for place in PLACES:
            routes = platforms.send_routes(platform, place, under_18=True)
            accounts = [form.account_needed is not False for form in routes.forms]
            assert accounts == sorted(accounts)
            kinds = [route.kind for route in routes.routes]
            assert kinds == sorted(kinds, key=["form", "email", "post"].index)
            if routes.in_app and routes.in_app.needs_content_open:
                assert "only for someone who already has it in front of them" in (
                    routes.in_app.heading)


def test_a_form_meant_for_one_region_is_not_offered_elsewhere():
    x = platforms.get("x")
    tida = x.take_it_down_form
    assert tida in [f for f in x.web_forms if f.meant_for("us")]
    assert tida.url not in [r.target for r in platforms.send_routes(x, "england", True).routes]
    assert tida.url in [r.target for r in platforms.send_routes(x, "us", True).routes]


def test_tiktok_is_no_longer_sourced_from_a_help_page_in_another_language():
    tiktok = platforms.get("tiktok")
    assert "/vi/" not in tiktok.in_app.source.url
    assert not any(step.startswith("Go to the video") for step in tiktok.in_app.steps)
    assert all("/vi/" not in source.url and "/lt/" not in source.url for source in tiktok.sources)


def test_the_adult_sites_have_their_own_removal_forms_that_need_only_the_links():
    for slug, form in (("pornhub", "https://www.pornhub.com/content-removal"),
                       ("xvideos", "https://info.xvideos.net/takedown-amateur")):
        routes = platforms.send_routes(platforms.get(slug), "england", under_18=True)
        assert routes.forms[0].target == form
        assert routes.forms[0].account_needed is False


def test_no_adult_site_borrows_another_s_company():
    for slug in ("youporn", "redtube", "xvideos", "xhamster"):
        assert platforms.get(slug).entities == ()
