"""Letter downloads and their text versions: POST only, so personal data never travels in a URL."""

from datetime import UTC, date, datetime

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from takedown import deadlines, letterkinds, letters, paste, platforms
from takedown.case import CaseInvalid, loads
from takedown.web.security import no_store
from takedown.web.views.carried import own_earlier_answers

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


def _now() -> tuple[date, datetime]:
    """Today and now, read once per request: the letter is laid out and made at one moment."""
    if "letter_now" not in g:
        g.letter_now = (date.today(), datetime.now(UTC))
    return g.letter_now


def prepared_letter():
    """The letter this request asks for, laid out once: its letters.Prepared (the letter limit
    counts its work, then the view renders it), the LetterUnavailable saying why it cannot be
    made, or None when the case cannot be read."""
    if "prepared_letter" not in g:
        kind, platform = _choice()
        today, now = _now()
        try:
            case = loads(request.form.get("case", ""), today=today)
            g.prepared_letter = letters.prepare(
                kind, case, platform, today=today, now=now,
                letterhead=request.form.get("letterhead") == "true")
        except letters.LetterUnavailable as unavailable:
            g.prepared_letter = unavailable
        except CaseInvalid:
            g.prepared_letter = None
    return g.prepared_letter


def work_asked() -> int:
    """What the letter limit counts for this request: the letter's work (about a page a
    unit), one if it cannot be made, none if it is sent on to the other address."""
    if wants_pack() != (request.endpoint in PACK_ENDPOINTS):
        return 0
    prepared = prepared_letter()
    return prepared.work if isinstance(prepared, letters.Prepared) else 1


def _make(make):
    """Read the posted case and letter choice, then return make(kind, case, platform) or a page."""
    raw = request.form.get("case", "")
    kind, platform = _choice()
    try:
        case = loads(raw, today=_now()[0])
    except CaseInvalid:
        return None, _problem(
            None, ["We could not read your case. Start again, or open your saved case file."], 400)
    form = DownloadForm()
    if kind not in letters.KINDS:
        return None, _problem(raw, ["Choose a letter from your plan."], 400)
    if not form.validate_on_submit():
        if not own_earlier_answers():  # posted from another site: show nothing it sent
            return None, _problem(None, ["For your security this page timed out. Start again, "
                                         "or open your saved case file."], 400)
        return None, _problem(raw, ["For your security this page timed out. We kept your "
                                    "answers: choose the letter again to download it."], 200)
    try:
        return (raw, case, make(kind, case, platform)), None
    except letters.TooLong as error:
        return None, _problem(raw, [e.message for e in error.errors], 422)
    except letters.LetterUnavailable as error:
        return None, _problem(raw, [e.message for e in error.errors], 200)


def _rendered(kind, case, platform) -> letters.Letter:
    """The letter laid out for this request, rendered; raise LetterUnavailable if it cannot."""
    prepared = prepared_letter()
    if isinstance(prepared, letters.LetterUnavailable):
        raise prepared
    return letters.render(prepared)


def wants_pack() -> bool:
    """Whether the letter posted is the pack."""
    return _choice()[0] == "pack"


def _elsewhere(endpoint: str) -> Response | None:
    """A pack at a one-letter address, or a letter at the pack's: sent on with a 307, which
    keeps the POST and its form. The server gives packs (seconds of rendering) a pool of their
    own, so a one-page letter never waits behind one, and a pack is made nowhere else."""
    if wants_pack() == (request.endpoint in PACK_ENDPOINTS):
        return None
    return redirect(url_for(endpoint), code=307)


PACK_ENDPOINTS = ("letters.pack", "letters.pack_text")


@bp.post("/download")
def download():
    """The chosen letter as a PDF, or a calm page saying what is missing."""
    return _elsewhere("letters.pack") or _pdf()


@bp.post("/pack")
def pack():
    """The pack, as /download makes a letter, at an address of its own."""
    return _elsewhere("letters.download") or _pdf()


def _pdf():
    made, problem = _make(_rendered)
    return problem or pdf_response(made[2].pdf, made[2].filename)


@bp.post("/text")
def text():
    """The letter as text to copy, with its subject; or, with download=txt, as a .txt file."""
    return _elsewhere("letters.pack_text") or _text()


@bp.post("/pack/text")
def pack_text():
    """The pack as text, at the pack's own address."""
    return _elsewhere("letters.text") or _text()


def _text():
    made, problem = _make(lambda kind, case, platform: letters.make_text(
        kind, case, platform, today=_now()[0], now=_now()[1]))
    if problem:
        return problem
    raw, case, letter = made
    if request.form.get("download") == "txt":
        return text_response(letter.text, letter.filename)
    kind, platform = _choice()
    entry = platforms.get(platform) if platform else None
    kind_entry = letterkinds.get(kind)
    routes = (platforms.send_routes(entry, case.jurisdiction, case.person.under_18)
              if entry and entry.slug != "other" and kind_entry and kind_entry.emailed else None)
    next_services = (deadlines.routes_for(deadlines.rule_for(case, None, "refusal",
                                                             platform=entry.slug), case)
                     if entry and kind_entry and kind_entry.to_next_step else ())
    page = render_template("letters/text.html", letter=letter, case_json=raw, case=case,
                           choice=f"{kind}/{platform or ''}", routes=routes,
                           paste_text=paste.for_case(case, entry.slug) if routes else None,
                           reported_to=entry.name if entry else "",
                           appeal=(entry.appeal_for(case.jurisdiction)
                                   if routes and kind_entry.appeal_route else None),
                           next_services=next_services,
                           links_text=paste.for_case(case, entry.slug) if next_services else None)
    return no_store(Response(page))
