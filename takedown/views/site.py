"""Site pages: the start page, who can help, and the health check."""

from flask import Blueprint, render_template

from takedown import services

bp = Blueprint("site", __name__)


@bp.get("/")
def start():
    return render_template("site/start.html")


@bp.get("/help")
def help_page():
    return render_template("site/help.html", services=services.all_services().values())


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}
