"""The web layer: the Flask app, its views, forms, security, limits and the JSON API.

``create_app`` is the table of contents. Everything Flask is in this package; the
domain modules beside it import without it (ruff's banned-api rule enforces that).
"""

from flask import Flask

from takedown import ROOT, pdf
from takedown.web import cli, converters, filters, limits, security, views


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, templates, blueprints, errors, headers, commands."""
    app = Flask("takedown", template_folder=ROOT / "templates", static_folder=ROOT / "static")
    app.config.from_object("takedown.web.config.DefaultConfig")
    app.config.from_prefixed_env("TAKEDOWN")
    if config:
        app.config.update(config)
    security.trust_proxies(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    converters.init_app(app)
    filters.init_app(app)
    security.init_app(app)
    views.register_blueprints(app)
    views.register_error_handlers(app)
    limits.init_app(app)
    pdf.limit_renders(app.config["RENDER_QUEUE_LIMIT"])
    cli.init_app(app)
    return app
