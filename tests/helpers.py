"""What the tests share: apps, case data, PDFs, pages, a browser without JavaScript, servers.

Helpers only, no tests: no test module imports another test module. Fixtures built on these
are in conftest.py.
"""

from __future__ import annotations

import copy
import io
import json
import re
import socket
import threading
from datetime import date
from urllib.parse import quote, urlsplit

import jsonschema
from bs4 import BeautifulSoup
from hypothesis import strategies as st
from jinja2 import BytecodeCache
from pypdf import PdfReader
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.datastructures import MultiDict
from werkzeug.serving import WSGIRequestHandler, make_server

from takedown import letters, platforms
from takedown.case import _REFERENCE, CONCERNS, IMAGES, JURISDICTIONS, ROLES
from takedown.web import create_app
from takedown.web.security import CONTENT_SECURITY_POLICY

TEST_SETTINGS = {"TESTING": True, "SECRET_KEY": "test-secret", "RATELIMIT_ENABLED": False}
API = "/api/v1"
DOC_URI = "urn:takedown:openapi"


class _TemplateCode(BytecodeCache):
    """Compiled templates shared by every app a test makes: each app has a Jinja environment
    of its own, and compiling the templates again took ~40 ms of an app's first pages. A
    template whose source changes has a new checksum, so it is compiled again."""

    def __init__(self):
        self.code = {}

    def load_bytecode(self, bucket):
        checksum, code = self.code.get(bucket.key, (None, None))
        if checksum == bucket.checksum:
            bucket.code = code

    def dump_bytecode(self, bucket):
        self.code[bucket.key] = (bucket.checksum, bucket.code)


_TEMPLATE_CODE = _TemplateCode()


def new_app(**config):
    """The app with test settings (testing, a fixed key, no rate limits), changed by config."""
    app = create_app({**TEST_SETTINGS, **config})
    app.jinja_env.bytecode_cache = _TEMPLATE_CODE
    return app


# --- Case data ---------------------------------------------------------------------------------

ABSENT = object()  # in a_case(...): leave this key out altogether

CASE = {
    "schema": "takedown-case/1",
    "jurisdiction": "england",
    "requester": {"role": "parent", "name": "Pat Doe", "email": "pat@example.com"},
    "person": {"under_18": True, "age": 14},
    "locations": [{"url": "https://www.instagram.com/p/abc/"}],
}


def merged(base: dict, changes: dict) -> dict:
    """base with changes applied: dicts merge key by key, ABSENT removes, anything else replaces."""
    result = copy.deepcopy(base)
    for key, value in changes.items():
        if value is ABSENT:
            result.pop(key, None)
        elif isinstance(value, dict) and isinstance(result.get(key), dict):
            result[key] = merged(result[key], value)
        else:
            result[key] = copy.deepcopy(value)
    return result


def a_case(**changes) -> dict:
    """Valid case data (takedown-case/1): a parent in England, a 14-year-old, one Instagram post.

    Nested dicts merge: a_case(person={"age": 16}) keeps under_18; ABSENT drops a key.
    """
    return merged(CASE, changes)


LETTER_DATE = date(2026, 11, 25)  # the date the letter tests print

# What the letters need on top of a_case(): a reference, full contact details, and places on a
# platform (with every detail), again on it, and on a site the directory does not know.
LETTER_CASE = {
    "reference": "TD-7KQ2-M9XP",
    "requester": {"name": "Sam Taylor", "email": "sam@example.com", "phone": "01632 960 001",
                  "address": "1 High Street, Leeds"},
    "person": {"under_18": True, "age": 15},
    "concerns": {},
    "locations": [
        {"url": "https://www.instagram.com/p/ABC123/", "platform": "instagram",
         "account": "@sharer_account", "description": "A post in a group chat",
         "first_seen": "2026-11-20"},
        {"url": "https://www.instagram.com/p/DEF456/", "platform": "instagram"},
        {"url": "https://forum.example.org/thread/9", "description": "Forum thread"},
    ],
}


def a_letter_case(**changes) -> dict:
    """a_case() with LETTER_CASE, then changes (nested dicts merge); for the small directory."""
    return merged(a_case(**LETTER_CASE), changes)


# --- PDFs --------------------------------------------------------------------------------------


def pdf_pages(pdf: bytes) -> list[str]:
    """Return each page's text with runs of white space made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    # A line broken after a hyphen ("semi-" / "nudes") is joined back up.
    return [re.sub(r"\s+", " ", re.sub(r"-\n", "-", page.extract_text())) for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    """All the text of a PDF, pages joined, white space made single spaces."""
    return " ".join(pdf_pages(pdf))


# --- Pages -------------------------------------------------------------------------------------



def normalize_spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


NEUTRAL_TITLES = ("Get help – Takedown",)


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def page_checks(response) -> BeautifulSoup:
    """Parse a page and apply the checks every page must pass, in one walk over its tags."""
    html = soup(response)
    tags = html.find_all(True)
    h1s = [tag for tag in tags if tag.name == "h1"]
    assert len(h1s) == 1, f"expected one h1, found {len(h1s)}"
    title = normalize_spaces(html.title.text)
    heading = normalize_spaces(h1s[0].text)
    # The tab names the page by its heading, except where the heading would give away the visit
    # on a shared device: then a neutral title.
    assert (title.removeprefix("Error: ").startswith(heading)
            or title in NEUTRAL_TITLES), (title, heading)
    ids = [tag["id"] for tag in tags if tag.has_attr("id")]
    assert len(ids) == len(set(ids)), "duplicate ids"
    assert html.html.get("lang") == "en-GB"
    assert any(tag.name == "main" and tag.get("id") == "main" for tag in tags)
    assert any(tag.name == "a" and tag.has_attr("data-exit-this-page") for tag in tags)
    for tag in tags:
        if tag.has_attr("src"):
            assert tag["src"].startswith("/"), f"third-party src {tag['src']}"
        if tag.name == "link" and tag.has_attr("href"):
            assert tag["href"].startswith("/"), f"third-party stylesheet {tag['href']}"
        if tag.name == "form":
            assert tag.get("action"), "a form without an action"
        if tag.name == "input" and tag.get("type", "").lower() == "file":
            assert tag.get("accept") == ".json,application/json", (
                "a file field that could take an image")
    return html


def assert_security_headers(response) -> None:
    headers = response.headers
    where = f"{response.status_code} {response.mimetype}"
    assert headers.get("Content-Security-Policy") == CONTENT_SECURITY_POLICY, where
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "no-referrer", where
    assert headers.get("X-Frame-Options") == "DENY", where
    policy = headers.get("Permissions-Policy", "")
    for feature in ("camera", "microphone", "geolocation", "interest-cohort"):
        assert f"{feature}=()" in policy, (where, feature)


# --- A browser without JavaScript --------------------------------------------------------------


def form_values(form) -> list[tuple[str, str]]:
    """What a browser would send for this form, before a button is added."""
    values = []
    for tag in form.select("input, select, textarea"):
        name = tag.get("name")
        if not name or tag.has_attr("disabled"):
            continue
        kind = tag.get("type", "text") if tag.name == "input" else tag.name
        if kind in ("submit", "button", "image", "reset", "file"):
            continue
        if kind in ("radio", "checkbox"):
            if tag.has_attr("checked"):
                values.append((name, tag.get("value", "on")))
        elif kind == "select":
            chosen = tag.select_one("option[selected]") or tag.select_one("option")
            values.append((name, chosen.get("value", chosen.text) if chosen else ""))
        elif kind == "textarea":
            text = tag.text
            values.append((name, text[1:] if text.startswith("\n") else text))
        else:
            values.append((name, tag.get("value", "")))
    return values


class Browser:
    """Fill in and send the forms on a page, as a browser with JavaScript off would."""

    def __init__(self, client):
        self.client = client
        self.response = None
        self.page = None

    def _load(self, response):
        self.response = response
        assert response.status_code != 500
        self.page = page_checks(response) if response.mimetype == "text/html" else None
        return self

    def get(self, url):
        return self._load(self.client.get(url))

    def press(self, button: str = "#continue", fill: dict | None = None, files: dict | None = None):
        """Press a button (a CSS selector), after filling in fields by name.

        A value of None clears a field (or unticks a box); a radio or checkbox takes its value.
        """
        element = self.page.select_one(button)
        assert element is not None, f"no button {button}"
        # A button may belong to a form elsewhere on the page (its form attribute).
        form = (self.page.select_one(f'form[id="{element["form"]}"]') if element.get("form")
                else element.find_parent("form"))
        data = MultiDict(form_values(form))
        for name, value in (fill or {}).items():
            data.poplist(name)
            if value is not None:
                data.add(name, value)
        if element.get("name"):
            data.add(element["name"], element.get("value", ""))
        action = element.get("formaction") or form["action"]
        path = urlsplit(action).path
        if files:
            for name, (content, filename) in files.items():
                data.add(name, (io.BytesIO(content), filename))
            return self._load(self.client.post(path, data=data,
                                               content_type="multipart/form-data"))
        return self._load(self.client.post(path, data=data))

    @property
    def heading(self) -> str:
        return normalize_spaces(self.page.h1.text)

    @property
    def text(self) -> str:
        return normalize_spaces(self.page.text)

    @property
    def case(self) -> dict:
        return json.loads(self.page.select_one("input[name=case]")["value"])

    def value(self, name: str):
        tag = self.page.select_one(f'[name="{name}"]')
        if tag.name == "textarea":
            return tag.text.removeprefix("\n")
        return tag.get("value")

    def checked(self, name: str):
        tag = self.page.select_one(f'input[name="{name}"][checked]')
        return tag["value"] if tag else None

    def error_links(self) -> list[tuple[str, str]]:
        return [(a["href"], normalize_spaces(a.text)) for a in self.page.select(".error-summary a")]


ANSWERS = {"requester_role": "parent", "jurisdiction": "england", "person_age_group": "known", "person_age": "14",
           "places-0-url": "https://www.instagram.com/p/Cabc123/"}


def answer(browser, **changes):
    """Start a case, answer the questions and continue to the check page."""
    browser.get("/case/start")
    fill = {**ANSWERS, **{k.replace("__", "-"): v for k, v in changes.items()}}
    return browser.press("#continue", fill)


# --- The JSON API ------------------------------------------------------------------------------


class ApiChecker:
    """Make requests and check each response against the served OpenAPI document."""

    def __init__(self, client):
        self.client = client
        self.doc = client.get(f"{API}/openapi.json").get_json()
        self.registry = Registry().with_resource(
            DOC_URI, Resource.from_contents(self.doc, default_specification=DRAFT202012))
        self.templates = [
            (re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"), path)
            for path in self.doc["paths"]
        ]
        self.observed: set[tuple[str, str, int]] = set()

    def template(self, path: str) -> str | None:
        return next((t for pattern, t in self.templates if pattern.match(path)), None)

    def validate(self, instance, schema: dict) -> None:
        validator = jsonschema.Draft202012Validator(
            {"$ref": f"{DOC_URI}#/components/schemas/{schema['$ref'].rsplit('/', 1)[1]}"}
            if "$ref" in schema else schema,
            registry=self.registry, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
        validator.validate(instance)

    def response_spec(self, spec: dict) -> dict:
        while "$ref" in spec:
            spec = self.doc["components"]["responses"][spec["$ref"].rsplit("/", 1)[1]]
        return spec

    def check(self, method: str, path: str, response) -> None:
        path = path.split("?", 1)[0]
        assert response.status_code != 500
        assert response.headers.get("Cache-Control") == "no-store", (method, path)
        template = self.template(path)
        methods = self.doc["paths"].get(template, {}) if template else {}
        if response.status_code == 405:
            assert template is not None and method.lower() not in methods
            assert response.headers.get("Allow")
            self.validate(response.get_json(), {"$ref": "#/components/schemas/Error"})
            return
        if template is None:
            assert response.status_code == 404
            self.validate(response.get_json(), {"$ref": "#/components/schemas/Error"})
            return
        operation = methods[method.lower()]
        status = str(response.status_code)
        assert status in operation["responses"], f"{method} {template} {status} is not declared"
        self.observed.add((template, method.lower(), response.status_code))
        spec = self.response_spec(operation["responses"][status])
        content = spec.get("content", {})
        assert response.mimetype in content, (response.mimetype, list(content))
        schema = content[response.mimetype].get("schema")
        if response.mimetype == "application/json":
            self.validate(response.get_json(), schema)
        for name, header in spec.get("headers", {}).items():
            if "$ref" in header:
                header = self.doc["components"]["headers"][header["$ref"].rsplit("/", 1)[1]]
            assert name in response.headers, name
            self.validate(response.headers[name], header["schema"])

    def call(self, method: str, path: str, **kwargs):
        response = self.client.open(path, method=method, **kwargs)
        self.check(method, path, response)
        return response

    def get(self, path, **kwargs):
        return self.call("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self.call("POST", path, **kwargs)


# --- Hypothesis strategies for case data ---------------------------------------------------------

SLUGS = [p.slug for p in platforms.all_platforms()]
DOMAINS = [d for p in platforms.all_platforms() for d in p.domains + p.hosts]

# Printable text without control characters or lone surrogates, as people type it.
plain_text = st.text(st.characters(exclude_categories=("Cc", "Cs")), max_size=40)
optional_text = st.one_of(st.none(), plain_text)
emails = st.from_regex(r"[a-z0-9._+-]{1,12}@[a-z0-9-]{1,12}\.[a-z]{2,6}", fullmatch=True)
phones = st.from_regex(r"\+?[0-9][0-9 ()\-.]{4,20}[0-9]", fullmatch=True)
references = st.from_regex(_REFERENCE, fullmatch=True)
paths = st.text("abcdefghijklmnopqrstuvwxyz0123456789-_/?=&%.", max_size=30)
urls = st.one_of(
    st.builds(lambda scheme, sub, domain, path: f"{scheme}{sub}{domain}/{path}",
              st.sampled_from(["https://", "http://", "", "HTTPS://"]),
              st.sampled_from(["", "www.", "m."]), st.sampled_from(DOMAINS or ["example.org"]),
              paths),
    st.builds(lambda host, path: f"https://{host}.example/{path}",
              st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True), paths),
)
first_seen = st.dates(min_value=date(1990, 1, 1), max_value=date.today()).map(date.isoformat)


def _drop_none(values: dict) -> dict:
    return {k: v for k, v in values.items() if v is not None}


@st.composite
def locations(draw):
    url = draw(st.one_of(st.none(), urls))
    # A link we recognise decides the platform: a different one chosen with it is an error.
    found = platforms.identify(url) if url else None
    slug = draw(st.sampled_from(SLUGS)) if url is None else draw(st.one_of(
        st.none(), st.just(""), st.just(found.slug) if found else st.sampled_from(SLUGS)))
    return _drop_none({
        "url": url, "platform": slug,
        "description": draw(optional_text), "account": draw(optional_text),
        "first_seen": draw(st.one_of(st.none(), st.just(""), first_seen)),
    })


@st.composite
def people(draw):
    age = draw(st.one_of(st.none(), st.integers(0, 120)))
    if age is None:
        under_18 = draw(st.booleans())
    else:
        under_18 = draw(st.sampled_from([None, age < 18, "absent"]))
    person = {"age": age, "name": draw(optional_text), "school": draw(optional_text)}
    if under_18 != "absent":
        person["under_18"] = under_18
    return person


@st.composite
def cases(draw):
    case = {
        "schema": "takedown-case/1",
        "jurisdiction": draw(st.sampled_from(list(JURISDICTIONS))),
        "requester": _drop_none({
            "role": draw(st.sampled_from(list(ROLES))),
            "name": draw(optional_text),
            "email": draw(st.one_of(st.none(), emails)),
            "phone": draw(st.one_of(st.none(), phones)),
            "organisation": draw(optional_text),
            "address": draw(optional_text),
        }),
        "person": draw(people()),
        "locations": draw(st.lists(locations(), min_size=1, max_size=4)),
    }
    if draw(st.booleans()):
        case["concerns"] = draw(st.fixed_dictionaries(
            {}, optional={key: st.booleans() for key in CONCERNS}
            | {"image": st.sampled_from(list(IMAGES))}))
        # Someone threatening to share it, nothing posted yet: a case with no places.
        if case["concerns"].get("threats") and draw(st.booleans()):
            case["locations"] = []
    if draw(st.booleans()):
        case["school"] = _drop_none({"name": draw(optional_text),
                                     "contact_name": draw(optional_text),
                                     "address": draw(optional_text),
                                     "email": draw(st.one_of(st.none(), emails))})
    if draw(st.booleans()):
        case["reference"] = draw(references)
    return case


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (st.lists(children, max_size=4)
                      | st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=20,
)


# The API's POST endpoints, known and made up: any letter kind, any platform query.
api_posts = st.one_of(
    st.just(f"{API}/identify"),
    st.just(f"{API}/plan"),
    st.builds(lambda kind, query: f"{API}/letters/{quote(kind, safe='')}{query}",
              st.one_of(st.sampled_from(letters.KINDS), st.text(min_size=1, max_size=10)),
              st.one_of(st.just(""), st.builds(
                  lambda slug: f"?platform={quote(slug, safe='')}",
                  st.one_of(st.sampled_from(SLUGS), st.text(max_size=10))))),
)
# Content types a form or a JSON client sends, mangled ones, and any printable ASCII at all.
content_types = st.one_of(
    st.sampled_from([
        "application/x-www-form-urlencoded", "multipart/form-data",
        "multipart/form-data; boundary=x", "multipart/form-data; boundary=",
        'multipart/form-data; boundary="a b"', "application/x-www-form-urlencoded; charset=latin-1",
        "application/json", "application/json; charset=utf-8", "application/ld+json",
        "application/json; charset=latin-1", "application/json; charset", "application/json;;;",
        'application/json; charset="utf-8"', "text/plain", "", "application/octet-stream",
    ]),
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=40),
)


def assert_api_answer_sane(response) -> None:
    """An API answer to anything at all: never a 500; an error says what, and names each field."""
    assert response.status_code != 500
    assert response.status_code in (200, 400, 404, 413, 415, 422), response.status_code
    if response.status_code == 200:
        return
    data = response.get_json()
    if response.status_code == 422:
        assert data["errors"]
        for error in data["errors"]:
            assert isinstance(error["field"], str) and error["field"]
            assert isinstance(error["message"], str) and error["message"].strip()
    else:
        assert set(data) == {"error", "message"}


# --- Servers on loopback -----------------------------------------------------------------------


class Listener:
    """A loopback TCP server that records every connection made to it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self.running = False
        self.thread.join()
        self.sock.close()


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):  # keep the test output clean
        pass


class LiveServer:
    """A WSGI app served by werkzeug in a thread on 127.0.0.1 and a free port."""

    def __init__(self, app, quiet: bool = False):
        self.app = app
        handler = _QuietHandler if quiet else WSGIRequestHandler
        self.server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=handler)
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.running = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        """Stop serving and wait for the thread; closing twice is harmless."""
        if self.running:
            self.running = False
            self.server.shutdown()
            self.server.server_close()
            self.thread.join(10)
