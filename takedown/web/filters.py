"""Jinja filters and globals shared by the web pages."""

from datetime import date

from flask_wtf.csrf import generate_csrf

from takedown import services


def long_date(value: date | None) -> str:
    """Format a date as '25 November 2026', the GOV.UK style."""
    return f"{value.day} {value:%B %Y}" if value else ""


def init_app(app):
    app.add_template_filter(long_date)
    app.add_template_global(services.get, "service")
    app.add_template_global(generate_csrf, "csrf_token")
