"""What every page of the case flow shares: the case carried in the hidden field, the CSRF
check that refills the page, the questions as the page to fall back to, and the template
helpers (registered once, for the whole app, by ``init_app``).

The case and progress views both build on this module; it imports neither.
"""

import functools
from datetime import date

from flask import Flask, current_app, make_response, render_template, request
from werkzeug.datastructures import MultiDict

from takedown import letterkinds, paste, platforms
from takedown.case import IMAGES, MAX_LOCATIONS, ROLES, Case, CaseInvalid, parse_case, read_json
from takedown.jurisdictions import JURISDICTIONS
from takedown.plan import make_plan
from takedown.wall_time import asked_as
from takedown.web.forms import (
    AGE_GROUPS,
    CONCERN_LABELS,
    TIMED_OUT,
    CarryForm,
    CaseForm,
    answers_urgent,
    carried_answers,
    case_form_from_data,
    case_from_form,
    case_json,
    date_style,
    error_list,
    steps_with_errors,
)
from takedown.web.security import no_store
from takedown.web.steps import COUNT_WORDS, STEPS, next_step, previous_step, step_of

UNREADABLE = ("We could not read the answers sent from the last page. Nothing has been kept, "
              "so please fill them in again below, or open your case file.")


def _paste_block(case: Case, slug: str):
    """The block for this case's places on a platform that has a web form, else None."""
    platform = platforms.get(slug)
    if platform is None or not platforms.send_routes(
            platform, case.jurisdiction, case.person.under_18).forms:
        return None
    return paste.for_case(case, slug)


def template_helpers() -> dict:
    """The names every page template may use: the case's words, and the paste blocks."""
    return {
        "roles": ROLES,
        "jurisdictions": JURISDICTIONS,
        "age_groups": AGE_GROUPS,
        "concern_labels": CONCERN_LABELS,
        "images": IMAGES,
        "platform_name": lambda slug: platforms.get(slug).name,
        "max_places": MAX_LOCATIONS,
        "question_steps": STEPS,
        "step_of": lambda anchor_id: step_of(anchor_id.removesuffix("-0")) or 1,
        "letter_kinds": letterkinds.BY_SLUG,
        "paste_block": _paste_block,
        "paste_for_guide": paste.for_guide,
        # How to type a date and time without a picker, in a jurisdiction's style.
        "date_hint": lambda jurisdiction: asked_as(date_style(jurisdiction)),
    }


def init_app(app: Flask) -> None:
    """Give every template the helpers, once, for the whole app."""
    app.context_processor(template_helpers)


def page(template: str, status: int = 200, **context):
    """A page of the case flow: it can hold a case, so it is never stored."""
    return no_store(make_response(render_template(template, **context), status))


def formdata() -> MultiDict:
    """The posted fields, without any a broken multipart body left nameless."""
    return MultiDict([(key, value) for key, value in request.form.items(multi=True)
                      if isinstance(key, str) and isinstance(value, str)])


def csrf_ok(form) -> bool:
    """Check the form's CSRF token, leaving no error on the form itself."""
    form.validate()
    if not form.meta.csrf:
        return True
    ok = not form.csrf_token.errors
    form.csrf_token.errors = []
    return ok


def own_earlier_answers() -> bool:
    """Whether a form whose token was refused can hold this person's own earlier answers (a
    page from before a restart, or left open for hours): only if the browser sent our session
    cookie, which (SameSite=Lax) it never sends with a form posted from another site."""
    return current_app.config["SESSION_COOKIE_NAME"] in request.cookies


def refused_from_elsewhere():
    """The questions, empty, saying the page timed out: for a refused form that cannot be this
    person's own, so nothing another site posted is shown back with a fresh token."""
    return questions(CaseForm(formdata=None), notice=TIMED_OUT, status=400)


def questions(form: CaseForm, notice: str | None = None, extra_errors=(), status: int = 200,
              step: int | None = 1, changing: str = ""):
    """The questions: one step (``step``, from 1), or every question on one page (None)."""
    errors = error_list(form) + list(extra_errors)
    carried = carried_answers(form, step) if step else ""
    urgent = answers_urgent(form)
    return page("case/questions.html", status, form=form, errors=errors,
                extra_errors=dict(extra_errors), form_has_errors=bool(errors), notice=notice,
                step=step, carried=carried, changing=changing, count_words=COUNT_WORDS,
                previous=step and previous_step(step, urgent),
                following=step and next_step(step, urgent))


def questions_at_errors(form: CaseForm, notice: str | None = None, changing: str = "check"):
    """The step with the problems (answers being changed); problems in several steps are
    all shown at once, on one page."""
    steps = steps_with_errors(form)
    if len(steps) > 1:
        return questions(form, notice=notice, step=None)
    return questions(form, notice=notice, step=min(steps, default=1), changing=changing)


def check(case: Case, notice: str | None = None):
    """The answers shown back to check, each with its Change button; for an urgent case, what
    to do now comes first."""
    urgent = make_plan(case).section("urgent") if case.concerns.any_urgent else None
    return page("case/check.html", case=case, case_json=case_json(case), notice=notice,
                urgent=urgent)


def read_case_field(text):
    """Return the case data sent in a hidden field, or None if it cannot be read."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return read_json(text)
    except CaseInvalid:
        return None


def carried_case():
    """Read the hidden case. Return (case, csrf ok, response to send instead)."""
    form = CarryForm(formdata())
    ok = csrf_ok(form)
    if not ok and not own_earlier_answers():
        return None, ok, refused_from_elsewhere()
    data = read_case_field(form.case.data)
    if data is None:
        return None, ok, questions(CaseForm(formdata=None), notice=UNREADABLE, status=400)
    try:
        return parse_case(data, today=date.today()), ok, None
    except CaseInvalid:
        asked = case_form_from_data(data)
        case = case_from_form(asked)
        if case is None:
            return None, ok, questions_at_errors(asked)
        # Only something the form does not ask about was wrong; the form's answers are good.
        return case, ok, None


def with_carried_case(view):
    """Call ``view(case)`` with the hidden case; a stale form goes back to the check page."""

    @functools.wraps(view)
    def wrapper():
        case, ok, instead = carried_case()
        if instead is not None:
            return instead
        if not ok:
            return check(case, notice=TIMED_OUT)
        return view(case)

    return wrapper
