"""Browser tests: the app served by a real server on loopback, driven in Debian's Chromium.

Chromium's headless shell (Debian's chromium-headless-shell: the same Blink, V8 and network
stack as the browser, without the browser's window machinery; what Playwright itself runs
for headless tests). A page load costs it a third of the CPU the full browser spends headless.
One server (conftest's ``serve``, as for the Schemathesis tests) and one browser in each test
process; a fresh browser context (no cookies, no cache, no storage) for every test. Every request the page makes is recorded, and a test
fails if any of them goes anywhere but the app's own origin.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/lib/chromium/chromium-headless-shell"
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"

# No network, no background services, no first-run or sync: the browser talks only to us.
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-features=Translate,OptimizationHints,MediaRouter,InterestFeedContentSuggestions",
    "--no-default-browser-check",
    "--no-first-run",
    "--disable-sync",
    "--metrics-recording-only",
    "--no-pings",
    "--mute-audio",
]


class NeutralSite:
    """Stands in for EXIT_URL's busy, neutral site (BBC Weather in production).

    It records the Referer of each visit: leaving must not tell it where the visitor came from.
    """

    BODY = (b'<!doctype html><html lang="en"><head><title>Weather</title></head>'
            b"<body><h1>Weather forecast</h1></body></html>")

    def __init__(self):
        self.referers = []

    def __call__(self, environ, start_response):
        if environ["PATH_INFO"] == "/weather":
            self.referers.append(environ.get("HTTP_REFERER"))
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                  ("Content-Length", str(len(self.BODY)))])
        return [self.BODY]


@pytest.fixture(scope="session")
def neutral_site(serve):
    site = NeutralSite()
    server = serve(site, quiet=True)
    server.site = site
    return server


@pytest.fixture(scope="session")
def live_server(serve, make_app, neutral_site):
    # Not TESTING: the app as it runs. No rate limits: the journeys download more PDFs a minute
    # than a person would.
    app = make_app(TESTING=False, SECRET_KEY="browser-test-secret",
                   EXIT_URL=f"{neutral_site.url}/weather")
    return serve(app, quiet=True)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium headless shell, installed by scripts/system-deps.sh; never a browser
    download."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make install` "
                    "(scripts/system-deps.sh installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        # Playwright's launch() gives the browser a fresh, empty, temporary user-data-dir,
        # deleted when it closes: no profile, history or cache survives between runs.
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        yield browser
        browser.close()


class Recorder:
    """Every request a context makes, so a test can prove none left the app's origin."""

    def __init__(self, origin: str):
        self.allowed = {origin}
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)

    def third_party(self):
        return [r.url for r in self.requests
                if not r.url.startswith(("data:", "blob:", "about:"))
                and _origin(r.url) not in self.allowed]


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _new_context(chromium, live_server, **options):
    options.setdefault("viewport", {"width": 1280, "height": 900})
    options.setdefault("locale", "en-GB")
    context = chromium.new_context(base_url=live_server.url, accept_downloads=True,
                                   service_workers="block", **options)
    context.javascript = options.get("java_script_enabled", True)  # axe needs it (kit.py)
    # Generous: on a loaded machine a letter's render can pass 15 s; these check what a person
    # sees, not speed, and a hang still fails.
    context.set_default_timeout(45_000)
    recorder = Recorder(live_server.url)
    context.on("request", recorder)
    context.recorder = recorder
    # Anything the Content Security Policy blocks, and any script error, fails the test.
    context.problems = []
    context.on("console", lambda message: context.problems.append(message.text)
               if message.type == "error" and "Content Security Policy" in message.text else None)
    context.on("weberror", lambda error: context.problems.append(str(error.error)))
    return context


@pytest.fixture
def new_context(chromium, live_server):
    """Make fresh contexts (own cookies and cache) with options; all checked for third parties."""
    made = []

    def make(**options):
        context = _new_context(chromium, live_server, **options)
        made.append(context)
        return context

    yield make
    for context in made:
        strays = context.recorder.third_party()
        problems = context.problems
        context.close()
        assert not strays, f"requests left the app's origin: {strays}"
        assert not problems, f"blocked by the CSP, or a script error: {problems}"


@pytest.fixture
def page(new_context):
    return new_context().new_page()


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
