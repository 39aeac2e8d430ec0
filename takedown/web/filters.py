"""Jinja filters and globals shared by the web pages."""

from datetime import date

from flask_wtf.csrf import generate_csrf

from takedown import jurisdictions, services


def long_date(value: date | None) -> str:
    """Format a date as '25 November 2026', the GOV.UK style."""
    return f"{value.day} {value:%B %Y}" if value else ""


def where_of(case=None, slug=None):
    """The declaration for the page's case, or for the jurisdiction chosen so far; None when
    the family has not said where they are."""
    if getattr(case, "jurisdiction", None) in jurisdictions.JURISDICTIONS:
        return jurisdictions.for_case(case)
    return jurisdictions.get(slug) if slug in jurisdictions.JURISDICTIONS else None


def emergency_line() -> str:
    """Every emergency number the site serves, each with the places it serves, in one line."""
    return " · ".join(f"{number} {' and '.join(group.name for group in groups)}"
                      for number, groups in jurisdictions.emergency_numbers())


def by_group() -> list:
    """Each group with the first jurisdiction in it, in the question's order: the routes a
    page shows before the family says where they are."""
    firsts = {}
    for item in jurisdictions.all_jurisdictions().values():
        firsts.setdefault(item.group.slug, item)
    return list(firsts.values())


def region_name(region: str) -> str:
    """A service's or a company's region as people say it: "the UK", "anywhere"."""
    found = next((group for group in jurisdictions.all_groups() if group.slug == region), None)
    return found.the_name if found else "anywhere"


def serves_label(serves) -> str:
    """Whom a company's terms are for, as people say it: "UK and EU users", "all other users"."""
    adjectives = {group.slug: group.adjective for group in jurisdictions.all_groups()}
    said = []
    for value in serves:
        parts = value.split("-")
        if all(part in adjectives for part in parts):
            said.append(" and ".join(adjectives[part] for part in parts))
        else:
            said.append({"rest-of-world": "other", "worldwide": "all other"}.get(value, value))
    return f"{', '.join(said)} users"


def init_app(app):
    app.add_template_filter(long_date)
    app.add_template_global(services.get, "service")
    app.add_template_global(generate_csrf, "csrf_token")
    for helper in (where_of, emergency_line, by_group, region_name, serves_label):
        app.add_template_global(helper)
    app.add_template_filter(region_name)
    app.add_template_global(jurisdictions.emergency_numbers)
