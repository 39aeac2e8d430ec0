import logging
import os
import subprocess
import sys

import pytest
from werkzeug.exceptions import HTTPException

from takedown import ROOT
from takedown.web.security import CONTENT_SECURITY_POLICY

# An example value for each URL variable; a rule with any other variable gets no path.
EXAMPLES = {"<platform:platform>": "instagram", "<slug>": "instagram"}


def all_get_paths(app):
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = rule.rule
        for variable, value in EXAMPLES.items():
            path = path.replace(variable, value)
        if "<" not in path:
            paths.append(path)
    return paths + ["/no-such-page", "/static/css/site.css", "/static/js/exit.js"]


def test_every_get_route_is_covered(app):
    """Every GET rule in the app's URL map is reached by a path from all_get_paths."""
    adapter = app.url_map.bind("localhost")
    reached = set()
    for path in all_get_paths(app):
        try:
            endpoint, _ = adapter.match(path, method="GET")
        except HTTPException:  # /no-such-page
            continue
        reached.add(endpoint)
    routes = {rule.endpoint: rule.rule for rule in app.url_map.iter_rules()
              if "GET" in rule.methods}
    missed = {endpoint: rule for endpoint, rule in routes.items() if endpoint not in reached}
    assert not missed, f"GET routes no test path reaches (add an example to EXAMPLES): {missed}"
    paths = set(all_get_paths(app))
    assert {"/", "/help", "/platforms", "/platforms/instagram", "/healthz"} <= paths


def test_security_headers_on_every_route(app, client):
    for path in all_get_paths(app):
        response = client.get(path)
        response.close()
        assert response.status_code < 500, path
        headers = response.headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert headers["Referrer-Policy"] == "no-referrer", path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert "camera=()" in headers["Permissions-Policy"], path


def test_csp_allows_only_our_own_origin_and_no_inline_code():
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/", "/platforms/instagram", "/help", "/platforms"])
def test_pages_have_no_inline_script_or_style(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "<style" not in html
    assert " style=" not in html
    assert "<script>" not in html and " onclick=" not in html


def test_exit_this_page_works_without_javascript(client, app):
    html = client.get("/").get_data(as_text=True)
    assert f'href="{app.config["EXIT_URL"]}"' in html
    assert 'data-exit-this-page' in html


def test_access_log_drops_query_strings():
    from takedown.web.security import DropQueryStrings
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '127.0.0.1 - - "%s %s %s" 200 -',
                               ("GET", "/platforms?q=my+daughter+jane", "HTTP/1.1"), None)
    DropQueryStrings().filter(record)
    assert "jane" not in record.getMessage()
    assert "/platforms?…" in record.getMessage()


def test_config_can_be_overridden_from_the_environment(monkeypatch):
    from takedown.web import create_app
    monkeypatch.setenv("TAKEDOWN_EXIT_URL", "https://example.org/")
    monkeypatch.setenv("TAKEDOWN_MAX_CONTENT_LENGTH", "1234")
    app = create_app()
    assert app.config["EXIT_URL"] == "https://example.org/"
    assert app.config["MAX_CONTENT_LENGTH"] == 1234
    assert not app.testing


def _secret_key_of_a_fresh_start() -> str:
    """The key of an app created in a new process, with no key configured."""
    env = {name: value for name, value in os.environ.items() if name != "TAKEDOWN_SECRET_KEY"}
    code = "from takedown.web import create_app; print(create_app().secret_key)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT, env=env, timeout=60)
    return result.stdout.strip()


def test_secret_key_is_generated_not_hard_coded():
    """Two starts without a configured key get two different keys of 32 random bytes or more."""
    from takedown.web.config import DefaultConfig

    first, second = _secret_key_of_a_fresh_start(), _secret_key_of_a_fresh_start()
    assert first != second, "the same key on two starts: it is hard-coded"
    for key in (first, second):
        assert len(bytes.fromhex(key)) >= 32, key
    assert len(DefaultConfig.SECRET_KEY) == 64
