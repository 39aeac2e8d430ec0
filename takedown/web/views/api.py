"""The JSON API, version 1: the directory, link recognition, the plan and letters.

JSON in, JSON out (letters come back as PDF). No CSRF: nothing here uses a cookie
or changes anything, and every request carries the whole case. Nothing a client
sends is stored or logged, and every response is marked ``Cache-Control: no-store``.
Errors never become a 500: bad bodies are 400/413/415, bad cases 422 with the
field each problem belongs to. Every JSON body is a shape declared once in
``takedown/web/serialize.py``; ``takedown/web/openapi.py`` describes the operations.
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime

from flask import Blueprint, Response, current_app, g, jsonify, request
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    NotFound,
    RequestEntityTooLarge,
    UnsupportedMediaType,
)

from takedown import case as case_model
from takedown import deadlines, letters, platforms, reminders
from takedown.case import MAX_URL, FieldError
from takedown.jsontext import EMPTY, NOT_AN_OBJECT, Unreadable, read_object
from takedown.plan import make_plan
from takedown.web import openapi, serialize
from takedown.web.security import no_store

bp = Blueprint("api", __name__, url_prefix="/api/v1")

UTF8 = ("utf-8", "utf8")
# No automatic OPTIONS (it would be an undocumented 200) and no redirect for a doubled
# slash (it would be an HTML 308): either is a JSON 405 or 404 instead.
ROUTE = {"provide_automatic_options": False, "merge_slashes": False}


class Unprocessable(Exception):
    """The body is well-formed JSON but its content is wrong: a 422 listing each field."""

    def __init__(self, errors: list[FieldError]):
        super().__init__(f"{len(errors)} problem(s)")
        self.errors = errors


@bp.errorhandler(Unprocessable)
def _unprocessable(error: Unprocessable):
    return jsonify(serialize.field_errors(error.errors)), 422


@bp.after_app_request
def _api_headers(response):
    """Never cache an API response (they can hold a case), and say what a 405 allows."""
    if not request.path.startswith("/api/"):
        return response
    if response.status_code == 405 and "Allow" not in response.headers:
        allowed = getattr(request.routing_exception, "valid_methods", None)
        if allowed:
            response.headers["Allow"] = ", ".join(sorted(allowed))
    return no_store(response)


# --- reading a request -------------------------------------------------------------


def is_json_type(mimetype: str) -> bool:
    """application/json, or a structured +json type such as application/merge-patch+json."""
    if mimetype == "application/json":
        return True
    subtype = mimetype.removeprefix("application/")
    return subtype != mimetype and subtype.endswith("+json") and len(subtype) > len("+json")


def _body() -> bytes:
    """Return the request body as bytes, or raise 415 or 413. Read once per request (the
    letter limit reads a letter's case before the view does)."""
    if "api_body" not in g:
        try:
            g.api_body = _read_body()
        except HTTPException as error:
            g.api_body = error
    if isinstance(g.api_body, HTTPException):
        raise g.api_body
    return g.api_body


def _read_body() -> bytes:
    if not is_json_type(request.mimetype):
        raise UnsupportedMediaType("Send the body as JSON, with Content-Type: application/json.")
    charset = request.mimetype_params.get("charset")
    if charset is not None and charset.strip().lower() not in UTF8:
        raise UnsupportedMediaType("Send JSON encoded as UTF-8.")
    raw = request.get_data(cache=False)  # raises 413 above MAX_CONTENT_LENGTH...
    limit = request.max_content_length
    if limit is not None and request.content_length is None and len(raw) >= limit:
        # ...but a chunked body is cut off at the limit without a word: look for more.
        if request.environ["wsgi.input"].read(1):
            raise RequestEntityTooLarge()
    return raw


def _bad_body(reason: str, too_large: bool = False):
    if too_large:
        return RequestEntityTooLarge()
    if reason == EMPTY:
        return BadRequest("The body is empty: send a JSON object.")
    if reason == NOT_AN_OBJECT:
        return BadRequest("The body must be a JSON object, like {\"url\": \"...\"}.")
    return BadRequest(f"The body {reason}.")


def json_object() -> dict:
    """Return the request body as a JSON object, or raise 415, 413 or 400."""
    try:
        return read_object(_body(), max_bytes=sys.maxsize)
    except Unreadable as unreadable:
        raise _bad_body(unreadable.reason, unreadable.too_large) from None


def _named(errors: list[FieldError], whole: str) -> list[FieldError]:
    """Give every error a field name, even one about a key that is the empty string."""
    named = []
    for error in errors:
        field = error.field
        if not field or field.endswith("."):
            field = f"{field}(empty name)" if field else f"{whole}.(empty name)"
        named.append(FieldError(field, error.message))
    return named


def read_case():
    """Return the Case in the request body, or raise 400/413/415/422."""
    try:
        return case_model.loads(_body(), today=date.today())
    except case_model.CaseUnreadable as unreadable:
        raise _bad_body(unreadable.reason, unreadable.too_large) from None
    except case_model.CaseInvalid as invalid:
        raise Unprocessable(_named(invalid.errors, "case")) from None


# --- the endpoints ------------------------------------------------------------------


@bp.get("/platforms", **ROUTE)
def platform_list():
    return jsonify(serialize.platform_list(platforms.all_platforms()))


@bp.get("/platforms/<slug>", **ROUTE)
def platform_detail(slug: str):
    platform = platforms.get(slug)
    if platform is None:
        raise NotFound("There is no platform with that slug. GET /api/v1/platforms lists them.")
    return jsonify(serialize.platform_to_dict(platform))


@bp.post("/identify", **ROUTE)
def identify():
    data = json_object()
    errors = [FieldError(key, "is not a field we know") for key in data if key != "url"]
    url = data.get("url")
    if url is None:
        errors.append(FieldError("url", "is required"))
    elif not isinstance(url, str):
        errors.append(FieldError("url", "must be text"))
    elif len(url) > MAX_URL:
        errors.append(FieldError("url", f"must be {MAX_URL:,} characters or fewer"))
    if errors:
        raise Unprocessable(_named(errors, "body"))
    return jsonify(serialize.identified(platforms.identify(url)))


@bp.post("/plan", **ROUTE)
def plan():
    case = read_case()
    return jsonify(serialize.plan_result(case, make_plan(case), letters.available_letters(case)))


@bp.post("/progress", **ROUTE)
def progress():
    case = read_case()
    now = datetime.now(UTC)
    return jsonify(serialize.progress_result(case, now, deadlines.next_steps(case, now)))


@bp.post("/calendar", **ROUTE)
def calendar():
    case = read_case()
    return Response(reminders.calendar_file(case, datetime.now(UTC)), mimetype="text/calendar",
                    headers={"Content-Disposition":
                             f'attachment; filename="takedown-{case.reference}-reminders.ics"'})


@bp.post("/letters/<kind>", **ROUTE)
def letter(kind: str):
    if kind not in letters.KINDS:
        raise NotFound(f"There is no letter of that kind. Kinds: {', '.join(letters.KINDS)}.")
    prepared = prepared_letter()
    if isinstance(prepared, letters.LetterUnavailable):
        raise Unprocessable(_named(prepared.errors, "case"))
    if isinstance(prepared, Exception):
        raise prepared
    if _as_text():
        today, now = _now()
        try:
            text = letters.make_text(kind, read_case(), platform=_platform(), today=today,
                                     now=now)
        except letters.LetterUnavailable as unavailable:
            raise Unprocessable(_named(unavailable.errors, "case")) from None
        return Response(text.text.encode("utf-8"), content_type="text/plain; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="{text.filename}"'})
    made = letters.render(prepared)
    return Response(made.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{made.filename}"',
    })


def _as_text() -> bool:
    return request.accept_mimetypes.best_match(
        ["application/pdf", "text/plain"], default="application/pdf") == "text/plain"


def _platform() -> str | None:
    return request.args.get("platform") or None


def _now() -> tuple[date, datetime]:
    """Today and now, read once per request: the letter is laid out and made at one moment."""
    if "letter_now" not in g:
        g.letter_now = (date.today(), datetime.now(UTC))
    return g.letter_now


def prepared_letter():
    """The letter this request asks for, laid out once: its letters.Prepared (the letter limit
    counts its work, then the view renders it), or the error to answer with instead."""
    if "prepared_letter" not in g:
        today, now = _now()
        try:
            g.prepared_letter = letters.prepare(
                request.view_args.get("kind", ""), read_case(), _platform(), today=today,
                now=now, letterhead=request.args.get("letterhead") == "true")
        except (HTTPException, Unprocessable, letters.LetterUnavailable) as error:
            g.prepared_letter = error
    return g.prepared_letter


def work_asked() -> int:
    """What the letter limit counts for this request: the letter's work (about a page a
    unit), or one if it cannot be made."""
    prepared = prepared_letter()
    return prepared.work if isinstance(prepared, letters.Prepared) else 1


@bp.get("/openapi.json", **ROUTE)
def openapi_document():
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    return jsonify(openapi.document(rate_limited=rate_limited(), max_content_length=limit))


def rate_limited() -> bool:
    """True when Flask-Limiter is attached and on, so the API can answer 429."""
    return bool(current_app.extensions.get("limiter")) and bool(
        current_app.config.get("RATELIMIT_ENABLED", True))
