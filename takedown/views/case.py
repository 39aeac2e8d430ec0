"""The case flow (being built): questions, check your answers, the plan."""

from flask import Blueprint, redirect, url_for

bp = Blueprint("case", __name__, url_prefix="/case")


@bp.get("/start")
def start():
    return redirect(url_for("guides.index"))
