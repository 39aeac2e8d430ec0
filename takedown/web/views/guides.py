"""Platform guides: one bookmarkable, printable page per platform."""

from flask import Blueprint, render_template, request

from takedown import platforms

bp = Blueprint("guides", __name__, url_prefix="/platforms")


def _matches(platform: platforms.Platform, query: str) -> bool:
    query = query.casefold()
    haystack = [platform.name, platform.slug, platform.summary, *platform.domains, *platform.hosts]
    return any(query in text.casefold() for text in haystack)


@bp.get("")
def index():
    query = request.args.get("q", "").strip()[:100]
    found = platforms.all_platforms()
    recognised = None
    if query:
        recognised = platforms.identify(query)
        found = [recognised] if recognised else [p for p in found if _matches(p, query)]
    return render_template("guides/index.html", platforms=found, query=query,
                           recognised=recognised)


@bp.get("/<platform:platform>")
def guide(platform):
    return render_template("guides/platform.html", platform=platform)
