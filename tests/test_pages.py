import pytest

from takedown import jurisdictions, platforms
from tests.helpers import normalize_spaces, page_checks

PAGES = [
    ("/", 200, "Get a child's nude or sexual image taken down"),
    ("/platforms", 200, "How to report on each platform"),
    ("/help", 200, "Who can help"),
    ("/platforms/not-a-platform", 404, "Page not found"),
    ("/no-such-page", 404, "Page not found"),
    ("/platforms/Instagram", 404, "Page not found"),
]


@pytest.mark.parametrize("path, status, heading", PAGES)
def test_page_renders(client, path, status, heading):
    response = client.get(path)
    assert response.status_code == status
    html = page_checks(response)
    assert normalize_spaces(html.h1.text) == heading


@pytest.mark.parametrize("slug", list(platforms.directory()))
def test_every_platform_guide_renders_with_sources(client, slug):
    platform = platforms.get(slug)
    html = page_checks(client.get(f"/platforms/{slug}"))
    assert platform.name in html.h1.text or slug == "other"
    text = normalize_spaces(html.text)
    assert "Do not screenshot, download, forward or ask to see it" in text
    assert "If you do not have an account" in text
    assert "When to go to a hotline or the police" in text
    for source in platform.sources:
        assert html.select_one(f'.sources a[href="{source.url}"]')
    if not platform.in_app and not platform.web_forms and slug != "other":
        assert html.select_one("#no-confirmed-route")
    if platform.in_app:
        steps = [normalize_spaces(li.text) for li in html.select("ol.steps")[0].select("li")]
        assert steps == list(platform.in_app.steps)


NO_ROUTE = [p.slug for p in platforms.all_platforms()
            if not p.in_app and not p.web_forms and p.slug != "other"]


@pytest.mark.parametrize("slug", NO_ROUTE)
def test_a_guide_with_no_confirmed_route_says_so_and_points_to_the_hotlines(client, slug):
    html = page_checks(client.get(f"/platforms/{slug}"))
    assert "We have not been able to confirm" in normalize_spaces(html.select_one(
        "#no-confirmed-route").text)
    links = {normalize_spaces(a.text): a["href"] for a in html.select("#no-route-fallback a")}
    hotlines = {where.group.the_name: where.remove.hotline
                for where in jurisdictions.all_jurisdictions().values() if where.remove.hotline}
    assert links == {hotline.called: hotline.url for hotline in hotlines.values()}
    assert len(links) == len(jurisdictions.all_groups())


def test_no_route_list_covers_the_platforms_still_waiting():
    assert {"onlyfans", "bing", "imgur", "mega", "apple"} <= set(NO_ROUTE)


@pytest.mark.parametrize("slug", list(platforms.directory()))
def test_a_secondary_source_is_marked_as_such_and_a_primary_one_is_not(client, slug):
    html = page_checks(client.get(f"/platforms/{slug}"))
    lines = html.select("p.source")
    marked = [normalize_spaces(line.select_one(".source-kind").text)
              for line in lines if line.select_one(".source-kind")]
    platform = platforms.get(slug)
    facts = [platform.in_app, *platform.web_forms, platform.after_report, *platform.entities,
             *platform.hash_lists, *platform.notes]
    expected = [f"(source: secondary — {fact.source.domain})" for fact in facts
                if fact and fact.source.secondary]
    assert sorted(marked) == sorted(expected)
    listed = normalize_spaces(html.select_one(".sources").text)
    assert listed.count("source: secondary") == sum(s.secondary for s in platform.sources)


def test_telegram_steps_show_their_secondary_source():
    assert platforms.get("telegram").in_app.source.secondary


def test_signal_guide_says_no_report_of_content_is_possible_and_what_to_do(client):
    text = normalize_spaces(page_checks(client.get("/platforms/signal")).text)
    assert "there is no report to Signal that can get it removed" in text
    assert "The IWF cannot remove images sent over encrypted apps" in text
    assert "Report Remove" in text and "CEOP" in text and "CyberTipline" in text


def test_start_page_says_what_to_do_in_an_emergency_and_links_to_start(client):
    html = page_checks(client.get("/"))
    banner = normalize_spaces(html.select_one("#emergency").text)
    for number, groups in jurisdictions.emergency_numbers():
        assert f"{number} {' and '.join(group.name for group in groups)}" in banner
    assert html.select_one("a#start")["href"]


def test_platform_list_shows_every_platform(client):
    html = page_checks(client.get("/platforms"))
    names = [normalize_spaces(a.text) for a in html.select(".platform-list a")]
    assert names == [p.name for p in platforms.all_platforms()]


@pytest.mark.parametrize("query, expected", [
    ("https://vm.tiktok.com/ZMabc/", ["TikTok"]),
    ("insta", ["Instagram"]),
    ("YOUTU.BE/x", ["YouTube"]),
])
def test_platform_search_works_without_javascript(client, query, expected):
    html = page_checks(client.get("/platforms", query_string={"q": query}))
    assert [normalize_spaces(a.text) for a in html.select(".platform-list a")] == expected


def test_platform_search_with_no_match_points_to_the_general_guide(client):
    html = page_checks(client.get("/platforms", query_string={"q": "<script>alert(1)</script>"}))
    assert not html.select(".platform-list a")
    assert html.select_one('a[href="/platforms/other"]')
    assert "<script>alert(1)</script>" not in client.get(
        "/platforms", query_string={"q": "<script>alert(1)</script>"}).get_data(as_text=True)


def test_help_page_lists_each_service_where_it_works_with_source(client):
    from takedown import services
    shown = set()
    for where in [None, *jurisdictions.JURISDICTIONS]:
        html = page_checks(client.get("/help", query_string={"where": where} if where else {}))
        regions = {"worldwide"} | ({jurisdictions.get(where).group.slug} if where else set())
        for service in services.all_services().values():
            block = html.select_one(f"#{service.slug}")
            listed = service.audience != "schools"  # guidance the schools' letters name
            assert (block is not None) == bool(listed and regions & set(service.regions)), (
                where, service)
            if block is None:
                continue
            shown.add(service.slug)
            if service.phone_only:
                assert service.phone and block.select_one(
                    f'a[href="tel:{service.phone.replace(" ", "")}"]')
            else:
                assert block.select_one(f'a[href="{service.url}"]')
            if service.phone:
                assert service.phone in block.text
    assert shown == {slug for slug, service in services.all_services().items()
                     if service.audience != "schools"}


def test_help_for_a_place_gives_its_emergency_number_in_the_banner(client):
    for slug in jurisdictions.JURISDICTIONS:
        html = page_checks(client.get("/help", query_string={"where": slug}))
        number = jurisdictions.get(slug).emergency.phone
        assert normalize_spaces(html.select_one("#emergency").text) == (
            f"If anyone is in immediate danger, call {number}.")


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_server_error_page_is_friendly_and_has_no_trace(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret detail" not in body and "Traceback" not in body
    html = page_checks(response)
    assert "Sorry, something went wrong" in html.h1.text


def test_guide_urls_cannot_be_built_for_unknown_platforms(app):
    from flask import url_for
    from werkzeug.routing import BuildError
    with app.test_request_context():
        assert url_for("guides.guide", platform="instagram") == "/platforms/instagram"
        with pytest.raises(BuildError):
            url_for("guides.guide", platform="zzz")


def test_print_stylesheet_is_linked_for_print(client):
    html = page_checks(client.get("/platforms/instagram"))
    assert html.select_one('link[media="print"][href$="print.css"]')
    with client.get("/static/css/print.css") as response:
        assert "size: A4" in response.get_data(as_text=True)


def test_cover_your_tracks_speaks_to_phones_as_well_as_computers(client):
    text = normalize_spaces(client.get("/cover-your-tracks").get_data(as_text=True))
    for words in ("On a phone", "synced", "parental-control", "takedown-",
                  "reply to the email address", "pressing Back afterwards can bring this site back"):
        assert words in text, words
