"""The platform directory and the link recogniser.

The directory lives in ``data/platforms.toml``. Every fact in it carries the
address it was checked against and the date it was last checked; a fact that
could not be confirmed is simply absent. This module never imports Flask and
never touches the network.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import ada_url
import tldextract

from takedown import datafile, jurisdictions
from takedown.datafile import Entry, Source

# The directory's errors are the data files' errors (the name is kept for callers).
DirectoryError = datafile.DataFileError

DATA_FILE = Path(__file__).parent / "data" / "platforms.toml"

FORM_LAWS = ("take-it-down-act",)  # laws a web form can be a platform's own process for
HASH_LISTS = {"take-it-down": "NCMEC Take It Down", "stopncii": "StopNCII"}
AUDIENCES = ("under-18", "adult")
KINDS = ("social", "messaging", "video", "gaming", "search", "other")
EMAIL_PURPOSES = ("abuse", "legal", "dsa")
# A published address as the directory writes it: a plain local part, a lower-case domain.
_EMAIL = re.compile(r"[A-Za-z0-9._+-]+@[a-z0-9-]+(\.[a-z0-9-]+)+")
# What a browser reads as a URL's scheme, after it drops leading controls and spaces
# and every tab and newline.
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+\-.]*:")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")


def meant_for(jurisdiction: str) -> tuple[str, ...]:
    """The ``serves`` values meant for a family in this jurisdiction, the nearest first
    (data/jurisdictions.toml). A company or an address for another region is never used: there
    is no fallback to another region's company."""
    return jurisdictions.get(jurisdiction).platform_serves


def region_of(jurisdiction: str) -> str:
    """The group whose law a letter to this family cites first (one for the four UK nations)."""
    return jurisdictions.get(jurisdiction).group.slug


@dataclass(frozen=True, slots=True)
class Steps:
    """An ordered list of things to do, with its source."""

    title: str
    steps: tuple[str, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Reporting:
    """How to report the account, or the messages, of someone threatening to share an image:
    steps in the app, or the platform's own page that gives them, with its source."""

    title: str
    steps: tuple[str, ...]
    help_page: str | None
    needs_content_open: bool
    source: Source
    content_note: str | None = None


@dataclass(frozen=True, slots=True)
class InApp:
    """Reporting from inside the app: its steps, who can do it there, and whether the steps put
    the content on screen (then they are only for someone who already has it in front of them)."""

    title: str
    steps: tuple[str, ...]
    source: Source
    needs_content_open: bool
    who: str | None = None  # who can report from inside the app, as the source says
    who_source: Source | None = None  # where ``who`` was read, when not on the steps' own page

    @property
    def heading(self) -> str:
        """The steps' heading, saying so when they put the content on screen."""
        if not self.needs_content_open:
            return self.title
        return (f"{self.title} (these steps put it on screen: only for someone who already has "
                "it in front of them)")


@dataclass(frozen=True, slots=True)
class WebForm:
    """A web page where a report can be made."""

    title: str
    url: str
    account_needed: bool | None
    audiences: tuple[str, ...]
    source: Source
    law: str | None = None  # the law the form is the platform's own process for, if one
    serves: tuple[str, ...] = ()  # the regions it is for; empty: everyone

    def meant_for(self, jurisdiction: str) -> bool:
        """True when the form is for everyone, or for a region meant for this jurisdiction."""
        return not self.serves or bool(set(self.serves) & set(meant_for(jurisdiction)))


@dataclass(frozen=True, slots=True)
class Entity:
    """A company that runs the service for some users, as named in its terms."""

    name: str
    address: str | None
    serves: tuple[str, ...]
    source: Source
    based_in: str | None = None  # the country of the address the terms give (ISO code), if one

    def meant_for(self, jurisdiction: str) -> bool:
        """True when the terms name this company for a family in this jurisdiction."""
        return bool(set(self.serves) & set(meant_for(jurisdiction)))


@dataclass(frozen=True, slots=True)
class Dsa:
    """What the EU Digital Services Act makes of the service, as a source says.

    ``online_platform``: "yes", "no", or "in part" (only some of it, such as WhatsApp's
    channels: a private chat on it is not an online platform).
    """

    online_platform: str
    source: Source


@dataclass(frozen=True, slots=True)
class OutOfCourt:
    """A body certified under DSA Article 21 that takes disputes about this platform's decisions."""

    name: str
    url: str
    source: Source


@dataclass(frozen=True, slots=True)
class Email:
    """An address the platform publishes for reports (abuse, legal or DSA notices)."""

    address: str
    purpose: str
    serves: tuple[str, ...]
    source: Source


@dataclass(frozen=True, slots=True)
class Appeal:
    """The platform's own route to ask it to look again at a decision, for some regions.

    ``for_reporters``: the source says someone whose report was refused may use it (not only
    the person whose post or account was acted on).
    """

    title: str
    how: str
    serves: tuple[str, ...]
    for_reporters: bool
    source: Source
    url: str | None = None
    email: str | None = None

    def meant_for(self, jurisdiction: str) -> bool:
        """True when the route is for a region meant for this jurisdiction."""
        return bool(set(self.serves) & set(meant_for(jurisdiction)))


@dataclass(frozen=True, slots=True)
class HashList:
    """Whether the platform takes part in a hash-matching list."""

    name: str
    participates: bool
    source: Source

    @property
    def title(self) -> str:
        return HASH_LISTS[self.name]


@dataclass(frozen=True, slots=True)
class Note:
    """A sourced sentence a reader needs, such as a warning about the report flow."""

    text: str
    source: Source


@dataclass(frozen=True, slots=True)
class Platform:
    """One entry of the directory."""

    slug: str
    name: str
    kind: str
    summary: str
    domains: tuple[str, ...]
    hosts: tuple[str, ...]
    domains_source: Source | None
    in_app: InApp | None
    web_forms: tuple[WebForm, ...]
    after_report: Steps | None
    entities: tuple[Entity, ...]
    hash_lists: tuple[HashList, ...]
    notes: tuple[Note, ...]
    emails: tuple[Email, ...] = ()
    dsa: Dsa | None = None
    out_of_court: tuple[OutOfCourt, ...] = ()
    appeals: tuple[Appeal, ...] = ()
    report_account: Reporting | None = None
    report_conversation: Reporting | None = None

    def entity_for(self, jurisdiction: str) -> Entity | None:
        """The company the terms name for a family in this jurisdiction, the nearest first.

        Never another region's company: None when the terms read name none for them.
        """
        for serves in meant_for(jurisdiction):
            found = next((e for e in self.entities if serves in e.serves), None)
            if found is not None:
                return found
        return None

    @property
    def provider_home(self):
        """The jurisdiction whose laws on providers reach this platform, or None: one that
        declares such laws (``provider_law_topics``) where the company the terms name for its
        families serves it by name, or serves everyone from an address there (a US company)."""
        for where in jurisdictions.all_jurisdictions().values():
            region = where.platform_serves[0]
            entity = self.entity_for(where.slug) if where.provider_law_topics else None
            if entity is not None and (region in entity.serves or entity.based_in == region):
                return where
        return None

    @property
    def online_platform(self) -> bool:
        """True only where a source says the service is an online platform under the DSA."""
        return bool(self.dsa and self.dsa.online_platform == "yes")

    @property
    def dsa_notice(self) -> str:
        """How an EU letter treats the DSA: a notice (an online platform), a notice if it is a
        hosting service (unknown, or an online platform only in part), or none (a private
        messaging service or a search engine)."""
        if self.online_platform:
            return "notice"
        if self.dsa and self.dsa.online_platform == "in part":
            return "if-hosting"
        return "none" if self.kind in ("messaging", "search") else "if-hosting"

    @property
    def take_it_down_form(self) -> WebForm | None:
        """The platform's own form for requests under the US TAKE IT DOWN Act, if known."""
        return next((f for f in self.web_forms if f.law == "take-it-down-act"), None)

    @property
    def takes_reports(self) -> bool:
        """False where nothing sent on it can be reported to it (Signal): its steps only block."""
        return bool(self.web_forms) or self.in_app is None or self.in_app.title.startswith(
            "Report")

    def email_for(self, jurisdiction: str) -> Email | None:
        """The published report address for someone in this jurisdiction, if there is one.

        Only an address meant for them: one for the US is not offered to a family in Wales.
        """
        for serves in meant_for(jurisdiction):
            found = next((e for e in self.emails if serves in e.serves), None)
            if found is not None:
                return found
        return None

    @property
    def no_account_form(self) -> WebForm | None:
        return next((f for f in self.web_forms if f.account_needed is False), None)

    def appeal_for(self, jurisdiction: str) -> Appeal | None:
        """The platform's own route to look again for this family's region, one open to people
        whose report was refused first."""
        found = [a for a in self.appeals if a.meant_for(jurisdiction)]
        return next((a for a in found if a.for_reporters), found[0] if found else None)

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source behind this entry, without repeats, in page order."""
        found: list[Source] = []
        parts = [self.domains_source, self.in_app,
                 self.in_app.who_source if self.in_app else None, self.report_account,
                 self.report_conversation, *self.web_forms, self.after_report,
                 *self.entities, *self.hash_lists, *self.notes, *self.emails, self.dsa,
                 *self.out_of_court, *self.appeals]
        for part in parts:
            source = part if isinstance(part, Source) else getattr(part, "source", None)
            if source and source not in found:
                found.append(source)
        return tuple(found)

    @property
    def last_checked(self) -> date | None:
        return max((s.last_checked for s in self.sources), default=None)


@dataclass(frozen=True, slots=True)
class Route:
    """One way a letter reaches the platform: a web form (its link), a published report address
    (``mailto:`` with the subject only) or the company's postal address."""

    kind: str  # "form", "email" or "post"
    title: str
    target: str  # the form's link, the email address or the postal address
    source: Source
    account_needed: bool | None = None
    law: str | None = None


@dataclass(frozen=True, slots=True)
class SendRoutes:
    """Where a report or letter to a platform goes, for one family's region and the person's age:
    the routes that need only a link or an account name first (web forms, the ones without an
    account first; then a published address; then the post), and the in-app steps, which may put
    the content on screen, last. The plan and the send page both read this."""

    platform: Platform
    routes: tuple[Route, ...]
    in_app: InApp | None

    @property
    def forms(self) -> tuple[Route, ...]:
        return tuple(r for r in self.routes if r.kind == "form")

    @property
    def email(self) -> Route | None:
        return next((r for r in self.routes if r.kind == "email"), None)

    @property
    def post(self) -> Route | None:
        return next((r for r in self.routes if r.kind == "post"), None)

    @property
    def none(self) -> bool:
        """True when the directory has no form, address or postal address for them."""
        return not self.routes

    @property
    def sources(self) -> tuple[Source, ...]:
        """Every source behind the routes shown, without repeats."""
        found = [r.source for r in self.routes] + ([self.in_app.source] if self.in_app else [])
        return tuple(dict.fromkeys(found))


def send_routes(platform: Platform, jurisdiction: str, under_18: bool) -> SendRoutes:
    """The routes to this platform for a family in this jurisdiction, in the order to try them."""
    audience = "under-18" if under_18 else "adult"
    forms = [f for f in platform.web_forms if audience in f.audiences and f.meant_for(jurisdiction)]
    forms.sort(key=lambda f: f.account_needed is not False)  # no account needed first
    routes = [Route("form", f.title, f.url, f.source, f.account_needed, f.law) for f in forms]
    email = platform.email_for(jurisdiction)
    if email is not None:
        routes.append(Route("email", email.address, email.address, email.source))
    entity = platform.entity_for(jurisdiction)
    if entity is not None and entity.address:
        routes.append(Route("post", entity.name, entity.address, entity.source))
    return SendRoutes(platform, tuple(routes), platform.in_app)


def _steps(reader: Entry | None) -> Steps | None:
    if reader is None:
        return None
    return Steps(reader.text("title"), reader.texts("steps"), reader.source())


def _reporting(reader: Entry | None, in_app: InApp | None) -> Reporting | None:
    """A report_account or report_conversation table: its own steps or help page, or
    ``in_app = true`` for the platform's in-app steps (one fact in one place)."""
    if reader is None:
        return None
    needs_open = reader.flag("needs_content_open")
    if reader.flag("in_app", required=False):
        if in_app is None:
            reader.fail("in_app", "is true, but the platform has no [platform.in_app] steps")
        return Reporting(in_app.title, in_app.steps, None, needs_open, in_app.source)
    steps = reader.texts("steps", required=False)
    help_page = reader.url("help_page") if "help_page" in reader.table else None
    if not steps and help_page is None:
        reader.fail("steps", "are missing: give the steps, a help_page, or in_app = true")
    return Reporting(reader.text("title"), steps, help_page, needs_open, reader.source(),
                     reader.text("content_note", required=False))


def _in_app(reader: Entry | None) -> InApp | None:
    """The in-app steps; ``who`` is words read on the steps' own page, or a table (text and
    its own source) where they were read on another of the platform's pages."""
    if reader is None:
        return None
    who = reader.optional_table("who") if isinstance(reader.table.get("who"), dict) else None
    return InApp(reader.text("title"), reader.texts("steps"), reader.source(),
                 reader.flag("needs_content_open"),
                 who.text("text") if who else reader.text("who", required=False),
                 who.source() if who else None)


def _host(value: str, reader: Entry, field: str) -> str:
    host = value.lower().rstrip(".")
    if host != value or "/" in host or ":" in host or " " in host or "." not in host:
        reader.fail(field, f"has {value!r}; write bare lower-case host names like 'example.com'")
    return host


def _email(value: str, reader: Entry, field: str = "address") -> str:
    if not _EMAIL.fullmatch(value):
        reader.fail(field, f"has {value!r}; write one address like 'abuse@example.com'")
    return value


def _serves(reader: Entry, allowed: tuple[str, ...]) -> tuple[str, ...]:
    """``serves``: one value or a list of them, each one the directory's ``serves`` allows."""
    if isinstance(reader.table.get("serves"), list):
        return reader.choices("serves", allowed)
    return (reader.choice("serves", allowed),)


def _entity(reader: Entry, allowed: tuple[str, ...], countries: tuple[str, ...]) -> Entity:
    based_in = reader.choice("based_in", countries) if "based_in" in reader.table else None
    return Entity(reader.text("name"), reader.text("address", required=False),
                  _serves(reader, allowed), reader.source(), based_in)


def _dsa(reader: Entry | None) -> Dsa | None:
    if reader is None:
        return None
    value = reader.table.get("online_platform")
    if value != "in part":
        value = "yes" if reader.flag("online_platform") else "no"
    return Dsa(value, reader.source())


def _platform(reader: Entry, slug: str, allowed: tuple[str, ...],
              countries: tuple[str, ...]) -> Platform:
    domains = tuple(_host(d, reader, "domains") for d in reader.texts("domains", required=False))
    hosts = tuple(_host(h, reader, "hosts") for h in reader.texts("hosts", required=False))
    domains_source = reader.source() if (domains or hosts) else None
    entities = tuple(_entity(r, allowed, countries) for r in reader.tables("entity"))
    emails = tuple(
        Email(_email(r.text("address"), r), r.choice("purpose", EMAIL_PURPOSES),
              _serves(r, allowed), r.source())
        for r in reader.tables("email")
    )
    out_of_court = tuple(OutOfCourt(r.text("name"), r.url("url"), r.source())
                         for r in reader.tables("out_of_court"))
    forms = tuple(
        WebForm(r.text("title"), r.url("url"), r.flag("account_needed", required=False),
                r.choices("audiences", AUDIENCES), r.source(),
                r.choice("law", FORM_LAWS) if "law" in r.table else None,
                _serves(r, allowed) if "serves" in r.table else ())
        for r in reader.tables("web_form")
    )
    appeals = tuple(
        Appeal(r.text("title"), r.text("how"), _serves(r, allowed), r.flag("for_reporters"),
               r.source(), r.url("url") if "url" in r.table else None,
               _email(r.text("email"), r, "email") if "email" in r.table else None)
        for r in reader.tables("appeal")
    )
    hash_lists = tuple(
        HashList(r.choice("name", tuple(HASH_LISTS)), r.flag("participates"), r.source())
        for r in reader.tables("hash_list")
    )
    notes = tuple(Note(r.text("text"), r.source()) for r in reader.tables("note"))
    in_app = _in_app(reader.optional_table("in_app"))
    return Platform(
        slug=slug,
        name=reader.text("name"),
        kind=reader.choice("kind", KINDS),
        summary=reader.text("summary"),
        domains=domains,
        hosts=hosts,
        domains_source=domains_source,
        in_app=in_app,
        web_forms=forms,
        after_report=_steps(reader.optional_table("after_report")),
        entities=entities,
        hash_lists=hash_lists,
        notes=notes,
        emails=emails,
        dsa=_dsa(reader.optional_table("dsa")),
        out_of_court=out_of_court,
        appeals=appeals,
        report_account=_reporting(reader.optional_table("report_account"), in_app),
        report_conversation=_reporting(reader.optional_table("report_conversation"), in_app),
    )


def serves_values(text: str) -> tuple[str, ...]:
    """The ``serves`` values the directory allows: its own top-level ``serves`` list, or else
    every value a jurisdiction's platform_serves names, "rest-of-world" and "worldwide"."""
    values = tomllib.loads(text).get("serves")
    if values is None:
        declared = [v for j in jurisdictions.all_jurisdictions().values()
                    for v in j.platform_serves]
        return tuple(dict.fromkeys([*declared, "rest-of-world", "worldwide"]))
    if not isinstance(values, list) or not values or not all(
            isinstance(v, str) and v for v in values):
        raise DirectoryError("the directory's serves must be a list of the values a company "
                             "or an address can be meant for")
    return tuple(values)


def countries_values(text: str) -> tuple[str, ...]:
    """The countries a company's address may be in, as ``based_in`` writes them: the
    directory's own top-level ``countries`` list (ISO 3166 codes, lower case); none if absent."""
    values = tomllib.loads(text).get("countries", [])
    if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
        raise DirectoryError("the directory's countries must be a list of the ISO 3166 codes "
                             "a company's address may be in")
    return tuple(values)


def parse_directory(text: str, today: date | None = None) -> dict[str, Platform]:
    """Parse and validate directory TOML; raise DirectoryError naming what is wrong."""
    found = datafile.entries(text, "platform", "the directory", today)
    if not found:
        raise DirectoryError("the directory has no [[platform]] entries")
    allowed, countries = serves_values(text), countries_values(text)
    platforms = datafile.by_slug(found, "platform",
                                 lambda reader, slug: _platform(reader, slug, allowed, countries))
    owners: dict[str, str] = {}
    for platform in platforms.values():
        for host in platform.domains + platform.hosts:
            if host in owners:
                raise DirectoryError(f"platform '{platform.slug}': host '{host}' "
                                     f"is already listed by '{owners[host]}'")
            owners[host] = platform.slug
    if "other" not in platforms:
        raise DirectoryError("the directory needs a generic 'other' entry")
    return platforms


@cache
def directory() -> dict[str, Platform]:
    """Return the validated directory, keyed by slug, in file order."""
    return parse_directory(DATA_FILE.read_text(encoding="utf-8"))


def get(slug: str) -> Platform | None:
    """Return the platform with this slug, or None."""
    return directory().get(slug)


def all_platforms() -> list[Platform]:
    """Return every platform, in directory order."""
    return list(directory().values())


# An empty suffix_list_urls and no cache directory make tldextract use the Public
# Suffix List snapshot bundled in the package: it never fetches anything.
_psl = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def host_of(text: str) -> str | None:
    """Return the lower-case host a browser would open for a pasted web address, or None.

    ada (the WHATWG URL parser Node uses) reads the host, so a backslash ends it and
    an invalid port or host is no address at all. Accepts addresses without a scheme
    ("instagram.com/x"), a trailing dot, a port and internationalised names. Rejects
    other schemes and a bare "@handle".
    """
    text = _scalar_values((text or "").strip())
    if not text or text.startswith("@"):
        return None
    if not _has_scheme(text) or _looks_like_host_port(text):
        text = "http://" + text
    try:
        url = ada_url.URL(text)
    except ValueError:
        return None
    if url.protocol not in ("http:", "https:"):
        return None
    host = url.hostname.rstrip(".")
    if "." not in host or ".." in host:
        return None
    return host


def _scalar_values(text: str) -> str:
    """Replace lone surrogates with U+FFFD, as browsers do before parsing."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _has_scheme(text: str) -> bool:
    """True if a browser would read a scheme ("https:", "javascript:") at the start of text."""
    return bool(_SCHEME.match(text.lstrip(_C0_OR_SPACE).translate(_TAB_OR_NEWLINE)))


def _looks_like_host_port(text: str) -> bool:
    head = text.split("/", 1)[0]
    name, _, port = head.rpartition(":")
    return bool(name) and "." in name and port.isdigit()


@cache
def _host_index() -> tuple[dict[str, Platform], dict[str, Platform]]:
    exact: dict[str, Platform] = {}
    suffix: dict[str, Platform] = {}
    for platform in directory().values():
        exact.update({h: platform for h in platform.hosts})
        suffix.update({d: platform for d in platform.domains})
    return exact, suffix


def identify(text: str) -> Platform | None:
    """Return the platform a pasted link belongs to, or None.

    A host matches a directory domain only at or below its registrable domain
    (per the Public Suffix List), so "instagram.com.evil.example" is not Instagram.
    """
    host = host_of(text)
    if host is None:
        return None
    parts = _psl.extract_str(host)
    if not parts.suffix or not parts.domain:
        return None
    registrable = f"{parts.domain}.{parts.suffix}"
    exact, suffix = _host_index()
    if host in exact:
        return exact[host]
    labels = host.split(".")
    for start in range(len(labels)):
        candidate = ".".join(labels[start:])
        if candidate in suffix:
            return suffix[candidate]
        if candidate == registrable:
            break
    return None
