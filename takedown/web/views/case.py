"""The case flow: the questions, check your answers, the plan, and the case file.

Nothing is kept between requests. The case travels in the user's own requests
(a hidden field holding the case JSON) and in the case file they can save and
open again. A form sent with an expired or unknown CSRF token (for example
after the server restarted with a new key) comes back filled in, never empty.

The questions come in four short steps, one form and one endpoint: a hidden ``step`` says
which is shown, and the other steps' answers travel with it as JSON (``answers``). A post
that sends other steps' questions as fields (every question at once, as the one-page
version, scripts and older pages do) is checked whole, as before.
"""

import functools
import json
from datetime import date

from flask import Blueprint, current_app, make_response, render_template, request
from werkzeug.datastructures import MultiDict

from takedown import platforms
from takedown.case import (
    MAX_LOCATIONS,
    ROLES,
    SCHEMA,
    SCHEMAS,
    Case,
    CaseInvalid,
    CaseUnreadable,
    case_to_dict,
    missing_for_letters,
    parse_case,
    read_json,
)
from takedown.jsontext import NOT_AN_OBJECT
from takedown.jurisdictions import JURISDICTIONS
from takedown.letters import available_letters
from takedown.plan import make_plan
from takedown.web.forms import (
    AGE_GROUPS,
    CONCERN_LABELS,
    STEPS,
    TIMED_OUT,
    CarryForm,
    CaseForm,
    OpenForm,
    add_error,
    carried_answers,
    case_form_from_data,
    case_from_form,
    case_json,
    error_list,
    index_in,
    keep_errors_of_step,
    read_carried,
    step_of,
    steps_with_errors,
)
from takedown.web.security import no_store

bp = Blueprint("case", __name__, url_prefix="/case")

OPENED = "Your case file is open. Check the answers, add anything new, then continue."
NOT_A_CASE_FILE = ("The file is not a Takedown case file, or it was made by a different "
                   f"version. Case files start with \"schema\": \"{SCHEMA}\"")
UNREADABLE = ("We could not read the answers sent from the last page. Nothing has been kept, "
              "so please fill them in again below, or open your case file.")


@bp.context_processor
def _template_helpers():
    return {
        "roles": ROLES,
        "jurisdictions": JURISDICTIONS,
        "age_groups": AGE_GROUPS,
        "concern_labels": CONCERN_LABELS,
        "platform_name": lambda slug: platforms.get(slug).name,
        "max_places": MAX_LOCATIONS,
        "step_of": lambda anchor_id: step_of(anchor_id.removesuffix("-0")) or 1,
    }


def _page(template: str, status: int = 200, **context):
    return no_store(make_response(render_template(template, **context), status))


def _formdata() -> MultiDict:
    """The posted fields, without any a broken multipart body left nameless."""
    return MultiDict([(key, value) for key, value in request.form.items(multi=True)
                      if isinstance(key, str) and isinstance(value, str)])


def _csrf_ok(form) -> bool:
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
    return _questions(CaseForm(formdata=None), notice=TIMED_OUT, status=400)


def _questions(form: CaseForm, notice: str | None = None, extra_errors=(), status: int = 200,
               step: int | None = 1, changing: str = ""):
    """The questions: one step of four (``step``), or every question on one page (None)."""
    errors = error_list(form) + list(extra_errors)
    carried = carried_answers(form, step) if step else ""
    return _page("case/questions.html", status, form=form, errors=errors,
                 extra_errors=dict(extra_errors), form_has_errors=bool(errors), notice=notice,
                 step=step, steps=STEPS, carried=carried, changing=changing)


def _questions_at_errors(form: CaseForm, notice: str | None = None, changing: str = "check"):
    """The step with the problems (answers being changed); problems in several steps are
    all shown at once, on one page."""
    steps = steps_with_errors(form)
    if len(steps) > 1:
        return _questions(form, notice=notice, step=None)
    return _questions(form, notice=notice, step=min(steps, default=1), changing=changing)


def _check(case: Case, notice: str | None = None):
    return _page("case/check.html", case=case, case_json=case_json(case), notice=notice)


def _read_case_field(text):
    """Return the case data sent in a hidden field, or None if it cannot be read."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return read_json(text)
    except CaseInvalid:
        return None


def _carried_case():
    """Read the hidden case. Return (case, csrf ok, response to send instead)."""
    form = CarryForm(_formdata())
    csrf_ok = _csrf_ok(form)
    if not csrf_ok and not own_earlier_answers():
        return None, csrf_ok, refused_from_elsewhere()
    data = _read_case_field(form.case.data)
    if data is None:
        return None, csrf_ok, _questions(CaseForm(formdata=None), notice=UNREADABLE, status=400)
    try:
        return parse_case(data, today=date.today()), csrf_ok, None
    except CaseInvalid:
        questions = case_form_from_data(data)
        case = case_from_form(questions)
        if case is None:
            return None, csrf_ok, _questions_at_errors(questions)
        # Only something the form does not ask about was wrong; the form's answers are good.
        return case, csrf_ok, None


def _step_asked(value) -> int | None:
    """The step a page says it showed: 1 to 4, or None for every question on one page."""
    return int(value) if value in {str(n) for n in range(1, len(STEPS) + 1)} else None


def _changing(value) -> str:
    """Where a change of answers goes back to: the check page, or the plan (urgent cases)."""
    return value if value in ("check", "plan") else ""


@bp.get("/start")
def start():
    """The questions, empty: step 1 of 4, or every question on one page (``?all=1``)."""
    if request.args.get("all"):
        return _questions(CaseForm(formdata=None), step=None)
    return _questions(CaseForm(formdata=None), step=_step_asked(request.args.get("step")) or 1)


def _answers_sent(step: int | None) -> tuple[MultiDict, int | None]:
    """The answers sent, with those a step page carried; the step shown, or None when
    questions of other steps were sent as fields (every question at once)."""
    sent = _formdata()
    if step is None or any(step_of(name) not in (None, step) for name in sent):
        return sent, None
    merged = MultiDict(read_carried(sent.get("answers"), step))
    for name, value in sent.items(multi=True):
        if name != "answers":
            merged.add(name, value)
    return merged, step


@bp.post("/start")
def answer():
    """One step's answers (continue, back, next, add or remove a place), or every answer at
    once. At the end, show them back to check, or go straight to the plan when urgent."""
    data, step = _answers_sent(_step_asked(request.form.get("step")))
    changing = _changing(request.form.get("changing"))
    form = CaseForm(data)
    action = request.form.get("action") or "continue"
    show = functools.partial(_questions, form, changing=changing)
    if not _csrf_ok(form):  # every action: adding a place or going back too
        return show(step=step, notice=TIMED_OUT) if own_earlier_answers() else \
            refused_from_elsewhere()
    if action == "add-place":
        if len(form.places.entries) >= MAX_LOCATIONS:
            return show(step=step and len(STEPS), extra_errors=[(
                "add-place",
                f"You can list up to {MAX_LOCATIONS} places in one case. Save this case file, "
                "then start a second case for the other places")])
        form.places.append_entry()
        return show(step=step and len(STEPS))
    if action.startswith("remove-place-"):
        index = index_in(action.removeprefix("remove-place-"), len(form.places.entries))
        if index is not None and len(form.places) > 1:
            form.places.pop_entry(index)
        return show(step=step and len(STEPS))
    if step and action == "back":
        return show(step=max(step - 1, 1))
    case = case_from_form(form)
    if step is None:
        return _check(case) if case is not None else show(step=None)
    if case is None and keep_errors_of_step(form, step):
        return show(step=step)
    if step < len(STEPS) and (not changing or action == "next"):
        return show(step=step + 1)
    if case is None:  # this step is right, another is not: show that one
        form = CaseForm(data)
        case_from_form(form)
        return _questions_at_errors(form, changing=changing)
    if changing == "check" or not case.concerns.any_urgent:
        return _check(case)
    return _plan_page(case, quick_check=True)


@bp.post("/change")
def change():
    """Back to the questions filled in from the hidden case: at the step asked (the site's
    Change buttons ask for one), or every question on one page; a stale form says so."""
    carried = CarryForm(_formdata())
    csrf_ok = _csrf_ok(carried)
    if not csrf_ok and not own_earlier_answers():
        return refused_from_elsewhere()
    data = _read_case_field(carried.case.data)
    if data is None:
        return _questions(CaseForm(formdata=None), notice=UNREADABLE, status=400)
    changing = _changing(request.form.get("changing"))
    return _questions(case_form_from_data(data), notice=None if csrf_ok else TIMED_OUT,
                      step=_step_asked(request.form.get("step")) or (1 if changing else None),
                      changing=changing or "check")


def _with_carried_case(view):
    """Call ``view(case)`` with the hidden case; a stale form goes back to the check page."""

    @functools.wraps(view)
    def wrapper():
        case, csrf_ok, instead = _carried_case()
        if instead is not None:
            return instead
        if not csrf_ok:
            return _check(case, notice=TIMED_OUT)
        return view(case)

    return wrapper


@bp.post("/plan")
@_with_carried_case
def plan(case: Case):
    """The action plan for the case in the hidden field."""
    return _plan_page(case)


def _plan_page(case: Case, quick_check: bool = False):
    """The plan; ``quick_check``: a short "check your answers" at its top, for an urgent case
    that came straight from the questions."""
    return _page("case/plan.html", case=case, case_json=case_json(case), plan=make_plan(case),
                 letters=available_letters(case), missing=missing_for_letters(case),
                 quick_check=quick_check)


@bp.post("/save")
@_with_carried_case
def save(case: Case):
    """The case as a JSON file to keep on the user's own device."""
    body = json.dumps(case_to_dict(case), indent=2, ensure_ascii=False) + "\n"
    response = make_response(body)
    response.mimetype = "application/json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="takedown-case-{case.reference}.json"')
    return no_store(response)


@bp.get("/open")
def open_file():
    """Ask for a case file saved earlier."""
    return _page("case/open.html", form=OpenForm(formdata=None))


def _open_error(form: OpenForm, message: str):
    add_error(form.case_file, message)
    return _page("case/open.html", 400, form=form, errors=error_list(form), form_has_errors=True)


@bp.post("/open")
def open_post():
    """Read a case file in memory and carry on at the questions, filled in."""
    form = OpenForm(_formdata())
    csrf_ok = _csrf_ok(form)
    if not csrf_ok and not own_earlier_answers():
        return refused_from_elsewhere()
    form.case_file.errors = []
    upload = request.files.get("case_file")
    if upload is None or not upload.filename:
        return _open_error(form, "Select your case file")
    limit = current_app.config["MAX_CASE_FILE_BYTES"]
    raw = upload.stream.read(limit + 1)
    if len(raw) > limit:
        return _open_error(form, f"The file is bigger than {limit // 1024} KB, so it is not a "
                           "case file from this site. Choose the .json file you saved")
    try:
        data = read_json(raw, from_file=True)
    except CaseUnreadable as unreadable:
        if unreadable.reason == NOT_AN_OBJECT:
            return _open_error(form, NOT_A_CASE_FILE)
        return _open_error(form, "The file is not a case file from this site. Choose the .json "
                           "file you saved, named like takedown-case-TD-7KQ2-M9XP.json")
    if data.get("schema") not in SCHEMAS:
        return _open_error(form, NOT_A_CASE_FILE)
    questions = case_form_from_data(data)
    try:
        opened = parse_case(data, today=date.today())
    except CaseInvalid:
        case_from_form(questions)  # shows each problem at its field
    else:
        if csrf_ok:  # a good case file lands on its progress page
            # Imported here: the progress views build on this module's helpers.
            from takedown.web.views.progress import OPENED as AT_PROGRESS
            from takedown.web.views.progress import progress_page
            return progress_page(opened, notice=AT_PROGRESS)
    return _questions_at_errors(questions, notice=OPENED if csrf_ok else TIMED_OUT)
