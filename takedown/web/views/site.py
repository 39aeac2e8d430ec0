"""Site pages: the start page, who can help, and the health check."""

from flask import Blueprint, render_template

from takedown import services, urgent

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
    return render_template("site/help.html", services=services.all_services().values())


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
