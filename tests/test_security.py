import logging

import pytest

from takedown.security import CONTENT_SECURITY_POLICY


def all_get_paths(app):
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.arguments == {"platform"}:
            paths.append(rule.rule.replace("<platform:platform>", "instagram"))
        elif not rule.arguments:
            paths.append(rule.rule)
    return paths + ["/no-such-page", "/static/css/site.css", "/static/js/exit.js"]


def test_every_get_route_is_covered(app):
    assert {"/", "/help", "/platforms", "/platforms/instagram", "/healthz"} <= set(all_get_paths(app))


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
    from takedown.security import DropQueryStrings
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1,
                               '127.0.0.1 - - "%s %s %s" 200 -',
                               ("GET", "/platforms?q=my+daughter+jane", "HTTP/1.1"), None)
    DropQueryStrings().filter(record)
    assert "jane" not in record.getMessage()
    assert "/platforms?…" in record.getMessage()


def test_config_can_be_overridden_from_the_environment(monkeypatch):
    from takedown import create_app
    monkeypatch.setenv("TAKEDOWN_EXIT_URL", "https://example.org/")
    monkeypatch.setenv("TAKEDOWN_MAX_CONTENT_LENGTH", "1234")
    app = create_app()
    assert app.config["EXIT_URL"] == "https://example.org/"
    assert app.config["MAX_CONTENT_LENGTH"] == 1234
    assert not app.testing


def test_secret_key_is_generated_not_hard_coded():
    from takedown.config import DefaultConfig
    assert len(DefaultConfig.SECRET_KEY) == 64
