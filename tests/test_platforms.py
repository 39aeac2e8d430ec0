import json
import socket
from datetime import date

import pytest

from takedown import platforms
from takedown.platforms import DirectoryError, identify, parse_directory

REQUIRED_SLUGS = [
    "instagram", "threads", "facebook", "messenger", "whatsapp", "snapchat", "tiktok", "x",
    "youtube", "discord", "reddit", "telegram", "twitch", "pinterest", "onlyfans", "pornhub",
    "youporn", "redtube", "xvideos", "xhamster", "roblox",
    "google-search", "bing", "yubo", "bluesky", "tumblr", "kik", "wizz", "kick", "imgur",
    "playstation", "xbox", "google-drive", "google-photos", "dropbox", "mega", "signal", "apple",
    "other",
]


def test_directory_has_every_required_platform_in_order():
    assert list(platforms.directory()) == REQUIRED_SLUGS


# Sites whose own pages were not read: no address of theirs is sourced, so a link to them is
# not recognised (it is "another website"), though they can be chosen from the list.
NO_SOURCED_DOMAINS = {"youporn", "redtube"}


@pytest.mark.parametrize("slug", REQUIRED_SLUGS)
def test_every_fact_has_a_source_and_a_date_not_in_the_future(slug):
    platform = platforms.get(slug)
    assert platform.name and platform.summary
    for source in platform.sources:
        assert source.url.startswith("https://")
        assert date(2025, 1, 1) <= source.last_checked <= date.today()
    if slug != "other":
        recognised = bool(platform.domains or platform.hosts)
        assert recognised != (slug in NO_SOURCED_DOMAINS), "a platform we can't recognise"


# Reporting routes we could not confirm from a trusted source are left out. These
# platforms are the ones still waiting; a test makes sure the gap is said out loud.
UNCONFIRMED_ROUTES = {"onlyfans", "bing", "imgur", "mega", "apple"}


@pytest.mark.parametrize("slug", [s for s in REQUIRED_SLUGS if s != "other"])
def test_platforms_have_a_sourced_route_unless_listed_as_unconfirmed(slug):
    platform = platforms.get(slug)
    has_route = bool(platform.in_app or platform.web_forms)
    assert has_route != (slug in UNCONFIRMED_ROUTES)


def test_the_directory_has_at_least_thirty_platforms():
    assert len(platforms.directory()) >= 30


# Every host the directory lists, with the platform that lists it.
LISTED = [(host, p.slug, host in p.hosts) for p in platforms.all_platforms()
          for host in p.domains + p.hosts]


def test_no_two_platforms_list_the_same_host():
    hosts = [host for host, _, _ in LISTED]
    assert len(hosts) == len(set(hosts))


@pytest.mark.parametrize("host, slug, exact", LISTED)
def test_every_listed_host_is_recognised_as_its_platform(host, slug, exact):
    assert identify(host).slug == slug
    assert identify(f"https://{host}/some/path?x=1").slug == slug
    assert identify(f"{host.upper()}/x").slug == slug
    if not exact:
        assert identify(f"https://www.{host}/x").slug == slug
        assert identify(f"m.{host}").slug == slug


@pytest.mark.parametrize("host, slug, exact", LISTED)
def test_look_alikes_of_a_listed_host_are_not_recognised(host, slug, exact):
    for fake in (f"{host}.evil.example", f"evil-{host}", f"https://{host}.evil.example/x",
                 f"https://evil.example/{host}", f"{host}evil.example", f"@{host}"):
        found = identify(fake)
        assert found is None or found.slug != slug, fake


GOOD = """
[[platform]]
slug = "example"
name = "Example"
kind = "social"
summary = "An example."
domains = ["example.com"]
source = "https://example.com/help"
source_kind = "primary"
last_checked = 2026-11-25

[[platform]]
slug = "other"
name = "Another website"
kind = "other"
summary = "Anything else."
"""


def test_a_good_directory_parses():
    parsed = parse_directory(GOOD)
    assert parsed["example"].domains == ("example.com",)


@pytest.mark.parametrize("broken, message", [
    (GOOD.replace('kind = "social"', 'kind = "blog"'), "platform 'example': field 'kind'"),
    (GOOD.replace('source = "https://example.com/help"', 'source = "http://example.com"'),
     "platform 'example': field 'source'"),
    (GOOD.replace("last_checked = 2026-11-25", 'last_checked = "yesterday"'),
     "platform 'example': field 'last_checked'"),
    (GOOD.replace('domains = ["example.com"]', 'domains = ["https://Example.com/"]'),
     "platform 'example': field 'domains'"),
    (GOOD.replace('name = "Example"\n', ""), "platform 'example': field 'name'"),
    (GOOD.replace('slug = "other"', 'slug = "example"'), "platform 'example': field 'slug' is used twice"),
    (GOOD + '\n[platform.in_app]\ntitle = "x"\nsteps = []\nsource = "https://e.com"\nlast_checked = 2026-11-25\n',
     "platform 'other' > in_app[0]: field 'steps'"),
    (GOOD.replace('slug = "other"', 'slug = "misc"'), "needs a generic 'other' entry"),
    ("[[platform]", "not valid TOML"),
])
def test_a_broken_entry_fails_naming_entry_and_field(broken, message):
    with pytest.raises(DirectoryError) as error:
        parse_directory(broken)
    assert message in str(error.value)


def _with_emails(*emails: tuple[str, str]) -> str:
    """GOOD with [[platform.email]] tables (address, serves) on the example platform."""
    tables = "".join(
        f'\n[[platform.email]]\naddress = "{address}"\npurpose = "abuse"\nserves = "{serves}"\n'
        f'source = "https://example.com/help"\nsource_kind = "primary"\n'
        f'last_checked = 2026-11-25\n' for address, serves in emails)
    first, other = GOOD.split("\n[[platform]]\nslug = \"other\"")
    return first + tables + '\n[[platform]]\nslug = "other"' + other


@pytest.mark.parametrize("serves, offered", [
    ("worldwide", {"england", "scotland", "eu", "us", "australia"}),
    ("uk-eu", {"england", "scotland", "eu"}),
    ("uk", {"england", "scotland"}),
    ("eu", {"eu"}),
    ("us", {"us"}),
])
def test_a_published_address_is_offered_only_where_it_is_meant_for(serves, offered):
    example = parse_directory(_with_emails(("abuse@example.com", serves)))["example"]
    found = {place for place in ("england", "scotland", "eu", "us", "australia")
             if example.email_for(place)}
    assert found == offered
    assert all(example.email_for(place).address == "abuse@example.com" for place in found)


def test_the_nearest_address_wins():
    example = parse_directory(_with_emails(("all@example.com", "worldwide"),
                                           ("uk@example.com", "uk")))["example"]
    assert example.email_for("wales").address == "uk@example.com"
    assert example.email_for("us").address == "all@example.com"


@pytest.mark.parametrize("address", ["abuse@Example.com", "a b@example.com",
                                     "abuse@example.com?body=x", "mailto:abuse@example.com",
                                     "abuse@example"])
def test_an_address_that_is_not_one_plain_address_is_refused(address):
    with pytest.raises(DirectoryError, match="platform 'example' > email\\[0\\]: field 'address'"):
        parse_directory(_with_emails((address, "worldwide")))


def test_one_host_cannot_belong_to_two_platforms():
    copy = GOOD.replace('slug = "example"', 'slug = "copy"').split("[[platform]]")[1]
    with pytest.raises(DirectoryError, match="'copy': host 'example.com' is already listed by 'example'"):
        parse_directory(GOOD + "\n[[platform]]" + copy)


URLS = [
    ("https://www.instagram.com/p/Cxyz123/", "instagram"),
    ("instagram.com/someone", "instagram"),
    ("HTTPS://WWW.INSTAGRAM.COM/REEL/ABC", "instagram"),
    ("  https://instagram.com/stories/someone/123  ", "instagram"),
    ("instagram.com.", "instagram"),
    ("https://www.instagram.com./p/x", "instagram"),
    ("http://m.instagram.com/p/x", "instagram"),
    ("https://instagr.am/p/x", "instagram"),
    ("https://scontent-lhr8-1.cdninstagram.com/v/t51.jpg", "instagram"),
    ("https://www.facebook.com/photo/?fbid=1", "facebook"),
    ("https://m.facebook.com/story.php?id=1", "facebook"),
    ("fb.me/abc", "facebook"),
    ("https://fb.watch/abc/", "facebook"),
    ("https://web.facebook.com/groups/1", "facebook"),
    ("https://www.messenger.com/t/123", "messenger"),
    ("https://m.me/someone", "messenger"),
    ("https://wa.me/447700900123", "whatsapp"),
    ("https://chat.whatsapp.com/AbCdEf", "whatsapp"),
    ("https://web.whatsapp.com/", "whatsapp"),
    ("https://www.snapchat.com/add/someone", "snapchat"),
    ("https://story.snapchat.com/s/abc", "snapchat"),
    ("https://www.tiktok.com/@someone/video/123", "tiktok"),
    ("https://vm.tiktok.com/ZMabc/", "tiktok"),
    ("https://vt.tiktok.com/ZSabc/", "tiktok"),
    ("m.tiktok.com/v/123", "tiktok"),
    ("https://x.com/someone/status/1", "x"),
    ("https://twitter.com/someone/status/1", "x"),
    ("https://mobile.twitter.com/someone", "x"),
    ("https://t.co/AbC123", "x"),
    ("https://pbs.twimg.com/media/abc.jpg", "x"),
    ("https://www.youtube.com/watch?v=abc", "youtube"),
    ("https://youtu.be/abc", "youtube"),
    ("https://m.youtube.com/shorts/abc", "youtube"),
    ("https://i.ytimg.com/vi/abc/hq.jpg", "youtube"),
    ("https://discord.com/channels/1/2/3", "discord"),
    ("https://discordapp.com/channels/1/2/3", "discord"),
    ("https://discord.gg/abc", "discord"),
    ("https://cdn.discordapp.com/attachments/1/2/a.png", "discord"),
    ("https://media.discordapp.net/attachments/1/2/a.png", "discord"),
    ("https://www.reddit.com/r/x/comments/abc/", "reddit"),
    ("https://old.reddit.com/r/x/", "reddit"),
    ("https://redd.it/abc", "reddit"),
    ("https://i.redd.it/abc.jpg", "reddit"),
    ("https://v.redd.it/abc", "reddit"),
    ("https://t.me/somechannel/12", "telegram"),
    ("https://telegram.me/someone", "telegram"),
    ("https://web.telegram.org/k/", "telegram"),
    ("https://www.twitch.tv/someone", "twitch"),
    ("https://clips.twitch.tv/Abc", "twitch"),
    ("https://www.pinterest.com/pin/123/", "pinterest"),
    ("https://uk.pinterest.com/pin/123/", "pinterest"),
    ("https://www.pinterest.co.uk/pin/123/", "pinterest"),
    ("https://pin.it/abc", "pinterest"),
    ("https://i.pinimg.com/originals/a.jpg", "pinterest"),
    ("https://onlyfans.com/someone", "onlyfans"),
    ("https://www.roblox.com/users/1/profile", "roblox"),
    ("https://www.google.com/search?q=x", "google-search"),
    ("https://www.google.co.uk/search?q=x", "google-search"),
    ("https://images.google.com/", "google-search"),
    ("https://www.bing.com/images/search?q=x", "bing"),
    ("https://www.pornhub.com/view_video.php?viewkey=abc123", "pornhub"),
    ("https://de.pornhub.com/view_video.php?viewkey=abc123", "pornhub"),
    ("https://www.xvideos.com/video12345/title", "xvideos"),
    ("https://info.xvideos.net/takedown-amateur", "xvideos"),
    ("https://xhamster.com/videos/title-123", "xhamster"),
    ("https://de.xhamster.com/videos/title-123", "xhamster"),
    ("https://pornhub.com.evil.example/view_video.php", None),
    ("https://pornhub-com.example/view_video.php", None),
    ("https://www.pornhub.co/view_video.php", None),
    ("https://pornhubb.com/", None),
    ("https://xvideos.com.evil.example/", None),
    ("https://xvideos.co/video1", None),
    ("https://xvideos-com.example/", None),
    ("https://xhamster.com.evil.example/", None),
    ("https://xhamster3.com/videos/x", None),
    ("https://xhamster.desi/videos/x", None),
    ("https://www.youporn.com/watch/1/", None),  # its address is not sourced: another website
    ("https://www.redtube.com/1", None),
    ("https://www.xn--nstagram-y5a.com/", None),  # a look-alike IDN, not Instagram
    ("https://ınstagram.com/p/x", None),  # dotless i look-alike
    ("https://instagram.com.evil.example/p/x", None),
    ("https://instagram.com.evil.co.uk/p/x", None),
    ("https://evilinstagram.com/", None),
    ("https://instagram-com.example/", None),
    ("https://evil.example/https://instagram.com/", None),
    ("https://evil.example/?u=instagram.com", None),
    ("https://instagram.com@evil.example/", None),
    ("https://drive.google.com/file/d/abc", "google-drive"),
    ("https://photos.google.com/share/AF1Qabc?key=x", "google-photos"),
    ("https://docs.google.com/document/d/abc", None),
    ("https://www.threads.com/@someone/post/abc", "threads"),
    ("https://www.threads.net/@someone", "threads"),
    ("https://www.yubo.live/", "yubo"),
    ("https://bsky.app/profile/someone.bsky.social/post/abc", "bluesky"),
    ("https://someone.tumblr.com/post/123", "tumblr"),
    ("https://www.tumblr.com/someone/123", "tumblr"),
    ("https://kik.com/", "kik"),
    ("https://wizzapp.com/", "wizz"),
    ("https://kick.com/somechannel", "kick"),
    ("https://i.imgur.com/abc.jpg", "imgur"),
    ("https://imgur.com/gallery/abc", "imgur"),
    ("https://my.playstation.com/profile/someone", "playstation"),
    ("https://www.xbox.com/en-GB/play", "xbox"),
    ("https://www.dropbox.com/s/abc/file.jpg?dl=0", "dropbox"),
    ("https://mega.nz/file/abc#key", "mega"),
    ("https://signal.org/", "signal"),
    ("https://www.icloud.com/photos/#abc", "apple"),
    ("https://mail.google.com/", None),
    ("https://tiktok.com.evil.example/", None),
    ("https://example.com/", None),
    ("javascript:alert(document.domain)//instagram.com", None),
    ("JaVaScRiPt:alert(1)", None),
    ("data:text/html,<a href=instagram.com>", None),
    ("file:///etc/passwd", None),
    ("file://instagram.com/etc/passwd", None),
    ("ftp://instagram.com/x", None),
    ("mailto:someone@instagram.com", None),
    ("@instagram", None),
    ("@someone", None),
    ("instagram", None),
    ("", None),
    ("   ", None),
    ("http://", None),
    ("https://[::1]/", None),
    ("http://127.0.0.1/instagram.com", None),
    ("sent in a Snapchat group", None),
]


@pytest.mark.parametrize("text, slug", URLS)
def test_identify_recognises_real_world_link_shapes(text, slug):
    found = identify(text)
    assert (found.slug if found else None) == slug


def test_identify_has_over_sixty_shapes_across_every_platform():
    assert len(URLS) >= 60
    covered = {slug for _, slug in URLS if slug}
    assert covered == set(REQUIRED_SLUGS) - {"other"} - NO_SOURCED_DOMAINS


def test_identify_returns_a_platform_with_slug_and_name():
    found = identify("https://www.tiktok.com/@a/video/1")
    assert (found.slug, found.name) == ("tiktok", "TikTok")


def test_identify_never_makes_a_network_request(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network used")
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    platforms._host_index.cache_clear()
    assert identify("https://www.instagram.com/p/x").slug == "instagram"
    assert identify("https://ex\u00e4mple.com/") is None


def _with_table(table: str) -> str:
    """GOOD with one more table on the example platform."""
    first, other = GOOD.split("\n[[platform]]\nslug = \"other\"")
    return first + table + '\n[[platform]]\nslug = "other"' + other


_IN_APP = ('\n[platform.in_app]\ntitle = "Report it in the app"\nsteps = ["Tap Report."]\n'
           'source = "https://example.com/help"\nsource_kind = "primary"\n'
           'needs_content_open = false\nlast_checked = 2026-11-25\n')


def test_reporting_the_account_can_reuse_the_in_app_steps():
    example = parse_directory(_with_table(
        _IN_APP + "\n[platform.report_conversation]\nin_app = true\nneeds_content_open = false\n"
    ))["example"]
    assert example.report_conversation.steps == ("Tap Report.",)
    assert example.report_conversation.source == example.in_app.source
    assert example.report_account is None


def test_reporting_the_account_can_be_the_platforms_own_page():
    example = parse_directory(_with_table(
        '\n[platform.report_account]\ntitle = "Example\'s own steps"\n'
        'help_page = "https://example.com/help/report-a-user"\nneeds_content_open = false\n'
        'source = "https://example.com/rules"\nsource_kind = "primary"\nlast_checked = 2026-11-25\n'
    ))["example"]
    assert example.report_account.help_page == "https://example.com/help/report-a-user"
    assert example.report_account.steps == ()
    assert example.report_account.source in example.sources


@pytest.mark.parametrize("table, message", [
    ("\n[platform.report_account]\nin_app = true\nneeds_content_open = false\n",
     "report_account[0]: field 'in_app' is true, but the platform has no"),
    ('\n[platform.report_account]\ntitle = "x"\nneeds_content_open = false\n'
     'source = "https://example.com/help"\nsource_kind = "primary"\nlast_checked = 2026-11-25\n',
     "report_account[0]: field 'steps' are missing"),
    (_IN_APP + "\n[platform.report_conversation]\nin_app = true\n",
     "report_conversation[0]: field 'needs_content_open'"),
])
def test_a_broken_reporting_table_names_its_field(table, message):
    with pytest.raises(DirectoryError) as error:
        parse_directory(_with_table(table))
    assert message in str(error.value)


def test_the_apps_where_threats_usually_come_have_a_sourced_way_to_report_them():
    """Where sextortion usually starts: a sourced way to report the account or the messages."""
    for slug in ("instagram", "snapchat", "tiktok", "facebook", "messenger", "whatsapp", "x",
                 "discord", "telegram"):
        platform = platforms.get(slug)
        assert platform.report_account or platform.report_conversation, slug


# --- who can report from inside the app ---------------------------------------------------------

WHO = {  # the platforms' own words, as the directory holds them (issue 25)
    "instagram": "Anyone in the Instagram community can report an intimate image",
    "discord": "A parent, or someone without a Discord account, can use Discord's report form",
    "youporn": "Anyone visiting the site can use the form",
    "redtube": "Anyone visiting the site can use the form",
    "google-photos": "Someone signed in to a Google Account",
    "roblox": "A player in the game",
    "twitch": "Anyone on Twitch who comes across a broadcaster or user",
    "tumblr": "Anyone who sees it on Tumblr",
    "yubo": "Yubo asks its users, and their families",
    "kik": "Someone in the chat with that person, from their own Kik account",
    "wizz": "Someone in a conversation with that person, from their own Wizz account",
}


@pytest.mark.parametrize("slug", sorted(WHO))
def test_who_can_report_is_said_from_the_platform_s_own_page(slug):
    in_app = platforms.get(slug).in_app
    assert in_app.who.startswith(WHO[slug]) or WHO[slug] in in_app.who
    source = in_app.who_source or in_app.source
    assert source.kind == "primary" and source in platforms.get(slug).sources
    assert source.last_checked <= date(2026, 12, 7)


def test_who_read_on_another_page_carries_that_page_as_its_source():
    example = parse_directory(_with_table(
        _IN_APP + '\n[platform.in_app.who]\ntext = "Anyone using Example."\n'
        'source = "https://example.com/safety"\nsource_kind = "primary"\n'
        'last_checked = 2026-11-25\n'))["example"]
    assert example.in_app.who == "Anyone using Example."
    assert example.in_app.who_source.url == "https://example.com/safety"
    assert example.in_app.who_source in example.sources
    with pytest.raises(DirectoryError) as error:
        parse_directory(_with_table(_IN_APP + '\n[platform.in_app.who]\ntext = "Anyone."\n'))
    assert "in_app[0] > who[0]: field 'last_checked'" in str(error.value)


def test_the_send_page_and_the_guide_say_who_can_report_with_its_own_source(make_app):
    from tests.helpers import a_letter_case
    client = make_app(WTF_CSRF_ENABLED=False).test_client()
    case = a_letter_case(jurisdiction="england", locations=[
        {"platform": "instagram", "account": "@sharer", "description": "A post"}])
    page = client.post("/letters/text", data={"case": json.dumps(case),
                                              "letter": "platform/instagram"},
                       ).get_data(as_text=True)
    guide = client.get("/platforms/instagram").get_data(as_text=True)
    for html in (page, guide):
        assert "Who can report it from inside the app: Anyone in the Instagram community" in html
        assert "about.instagram.com/blog/announcements/protecting-intimate-images" in html


# --- Meta's companies -----------------------------------------------------------------------------


@pytest.mark.parametrize("slug, jurisdiction", [
    ("facebook", "england"), ("messenger", "us"), ("threads", "us"), ("instagram", "scotland")])
def test_letters_to_meta_outside_the_eu_go_to_meta_platforms_inc_at_its_address(slug,
                                                                                jurisdiction):
    entity = platforms.get(slug).entity_for(jurisdiction)
    assert entity.name == "Meta Platforms, Inc."
    assert entity.address == "1 Meta Way, Menlo Park, CA 94025, United States"
    assert entity.source.url != "https://help.instagram.com/1055435822080964"
