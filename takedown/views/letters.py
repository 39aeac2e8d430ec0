"""Letter downloads: POST only, so personal data never travels in a URL."""

from datetime import UTC, date, datetime

from flask import Blueprint, Response, render_template, request
from flask_wtf import FlaskForm

from takedown import letters
from takedown.case import CaseInvalid, loads
from takedown.security import no_store

bp = Blueprint("letters", __name__, url_prefix="/letters")


class DownloadForm(FlaskForm):
    """Only the CSRF token: the case itself arrives as JSON in a hidden field."""


def pdf_response(pdf: bytes, filename: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return no_store(response)


@bp.post("/download")
def download():
    raw = request.form.get("case", "")
    kind = request.form.get("kind", "")
    platform = request.form.get("platform") or None
    try:
        case = loads(raw, today=date.today())
    except CaseInvalid:
        problems = ["We could not read your case. Start again, or open your saved case file."]
        page = render_template("letters/problem.html", case_json=None, problems=problems)
        return no_store(Response(page, 400))
    form = DownloadForm()
    if kind not in letters.KINDS:
        problems = ["Choose a letter from your plan."]
    elif not form.validate_on_submit():
        problems = ["For your security this page timed out. We kept your answers: "
                    "choose the letter again to download it."]
    else:
        try:
            made = letters.make(kind, case, platform, today=date.today(), now=datetime.now(UTC))
        except letters.LetterUnavailable as error:
            problems = [e.message for e in error.errors]
        else:
            return pdf_response(made.pdf, made.filename)
    page = render_template("letters/problem.html", case_json=raw, problems=problems)
    return no_store(Response(page, 400 if kind not in letters.KINDS else 200))
