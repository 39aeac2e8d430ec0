"""Letter downloads and their text versions: POST only, so personal data never travels in a URL."""

from datetime import UTC, date, datetime

from flask import Blueprint, Response, render_template, request
from flask_wtf import FlaskForm

from takedown import letters, platforms
from takedown.case import CaseInvalid, loads
from takedown.web.security import no_store

bp = Blueprint("letters", __name__, url_prefix="/letters")


class DownloadForm(FlaskForm):
    """Only the CSRF token: the case itself arrives as JSON in a hidden field."""


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)


def text_response(text: str, filename: str) -> Response:
    response = Response(text.encode("utf-8"), mimetype="text/plain")
    response.headers["Content-Type"] = "text/plain; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)


def _problem(raw: str | None, problems: list[str], status: int) -> Response:
    page = render_template("letters/problem.html", case_json=raw, problems=problems)
    return no_store(Response(page, status))


def _choice() -> tuple[str, str | None]:
    """The letter asked for: "kind/platform" from a plan button, or the older kind and platform."""
    if "letter" in request.form:  # the plan's one form: the pressed button says "kind/platform"
        kind, _, platform = request.form["letter"].partition("/")
        return kind, platform or None
    return request.form.get("kind", ""), request.form.get("platform") or None


def _make(make):
    """Read the posted case and letter choice, then return make(kind, case, platform) or a page."""
    raw = request.form.get("case", "")
    kind, platform = _choice()
    try:
        case = loads(raw, today=date.today())
    except CaseInvalid:
        return None, _problem(
            None, ["We could not read your case. Start again, or open your saved case file."], 400)
    form = DownloadForm()
    if kind not in letters.KINDS:
        return None, _problem(raw, ["Choose a letter from your plan."], 400)
    if not form.validate_on_submit():
        return None, _problem(raw, ["For your security this page timed out. We kept your "
                                    "answers: choose the letter again to download it."], 200)
    try:
        return (raw, case, make(kind, case, platform)), None
    except letters.LetterUnavailable as error:
        return None, _problem(raw, [e.message for e in error.errors], 200)


@bp.post("/download")
def download():
    """The chosen letter as a PDF, or a calm page saying what is missing."""
    letterhead = request.form.get("letterhead") == "true"
    made, problem = _make(lambda kind, case, platform: letters.make(
        kind, case, platform, today=date.today(), now=datetime.now(UTC),
        letterhead=letterhead))
    return problem or pdf_response(made[2].pdf, made[2].filename)


@bp.post("/pack")
def pack():
    """The pack, as /download makes it, at an address of its own: the server gives packs
    (seconds of rendering) their own pool, so a one-page letter never waits behind one."""
    return download()


@bp.post("/text")
def text():
    """The letter as text to copy, with its subject; or, with download=txt, as a .txt file."""
    made, problem = _make(lambda kind, case, platform: letters.make_text(
        kind, case, platform, today=date.today(), now=datetime.now(UTC)))
    if problem:
        return problem
    raw, case, letter = made
    if request.form.get("download") == "txt":
        return text_response(letter.text, letter.filename)
    kind, platform = _choice()
    entry = platforms.get(platform) if platform else None
    page = render_template("letters/text.html", letter=letter, case_json=raw,
                           choice=f"{kind}/{platform or ''}",
                           reported_to=entry.name if entry else "")
    return no_store(Response(page))
