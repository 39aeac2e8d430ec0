"""Site pages: the start page, who can help, and the health check."""

from flask import Blueprint, render_template, request

from takedown import jurisdictions, services, urgent

bp = Blueprint("site", __name__)


@bp.get("/")
def start():
    """The start page: urgent help about threats first, then one Start button."""
    return render_template("site/start.html",
                           threat_advice=urgent.threat_advice("anyone", short=True))


@bp.get("/cover-your-tracks")
def cover_tracks():
    """How to leave less trace of this visit on a shared phone or computer."""
    return render_template("site/cover_tracks.html")


@bp.get("/help")
def help_page():
    """Who can help: the services that work anywhere, and, for the place chosen (``where``),
    that place's own; each place is a link, so every page stays short on a phone."""
    place = request.args.get("where")
    where = jurisdictions.get(place) if place in jurisdictions.JURISDICTIONS else None
    regions = {"worldwide", where.group.slug} if where else {"worldwide"}
    found = [item for item in services.all_services().values() if regions & set(item.regions)]
    return render_template("site/help.html", services=found, place=where.slug if where else None,
                           places=jurisdictions.all_jurisdictions().values())


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
