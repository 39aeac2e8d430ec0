"""Takedown: help to get a child's shared sexual image removed, keeping nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app: settings, templates, blueprints, errors, headers, commands."""
    # Flask only here, so the domain modules (takedown.case, .plan, ...) import without it.
    from flask import Flask

    app = Flask(
        __name__,
        template_folder=ROOT / "templates",
        static_folder=ROOT / "static",
    )
    app.config.from_object("takedown.config.DefaultConfig")
    app.config.from_prefixed_env("TAKEDOWN")
    if config:
        app.config.update(config)

    from takedown import cli, converters, filters, limits, pdf, security, views

    security.trust_proxies(app)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    converters.init_app(app)
    filters.init_app(app)
    security.init_app(app)
    views.register_blueprints(app)
    views.register_error_handlers(app)
    limits.init_app(app)
    pdf.init_app(app)
    cli.init_app(app)
    return app
