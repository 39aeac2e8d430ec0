"""The case flow: the questions, check your answers, the plan, and the case file.

Nothing is kept between requests. The case travels in the user's own requests
(a hidden field holding the case JSON) and in the case file they can save and
open again. A form sent with an expired or unknown CSRF token (for example
after the server restarted with a new key) comes back filled in, never empty.

The questions come in short steps (declared in ``takedown/web/steps.py``), one form and one
endpoint: a hidden ``step`` says which is shown, and the other steps' answers travel with it
as JSON (``answers``). A post that sends other steps' questions as fields (every question at
once, as the one-page version, scripts and older pages do) is checked whole, as before.
"""

import functools
import json
from datetime import date

from flask import Blueprint, current_app, make_response, request
from werkzeug.datastructures import MultiDict

from takedown.case import (
    MAX_LOCATIONS,
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
from takedown.letters import available_letters
from takedown.plan import make_plan
from takedown.web.forms import (
    TIMED_OUT,
    CarryForm,
    CaseForm,
    OpenForm,
    add_error,
    answers_urgent,
    case_form_from_data,
    case_from_form,
    case_json,
    error_list,
    index_in,
    keep_errors_of_step,
    read_carried,
)
from takedown.web.security import no_store
from takedown.web.steps import STEPS, next_step, previous_step, step_of
from takedown.web.views import progress
from takedown.web.views.carried import (
    UNREADABLE,
    check,
    csrf_ok,
    formdata,
    own_earlier_answers,
    page,
    questions,
    questions_at_errors,
    read_case_field,
    refused_from_elsewhere,
    with_carried_case,
)

bp = Blueprint("case", __name__, url_prefix="/case")

OPENED = "Your case file is open. Check the answers, add anything new, then continue."
PLACES_STEP = step_of("places-")  # the step that asks where it is: add and remove places
NOT_A_CASE_FILE = ("The file is not a Takedown case file, or it was made by a different "
                   f"version. Case files start with \"schema\": \"{SCHEMA}\"")


def _step_asked(value) -> int | None:
    """The step a page says it showed (from 1), or None for every question on one page."""
    return int(value) if value in {str(n) for n in range(1, len(STEPS) + 1)} else None


def _changing(value) -> str:
    """Where a change of answers goes back to: the check page, or the plan (urgent cases)."""
    return value if value in ("check", "plan") else ""


@bp.get("/start")
def start():
    """The questions, empty: the first step, or every question on one page (``?all=1``)."""
    if request.args.get("all"):
        return questions(CaseForm(formdata=None), step=None)
    return questions(CaseForm(formdata=None), step=_step_asked(request.args.get("step")) or 1)


def _answers_sent(step: int | None) -> tuple[MultiDict, int | None]:
    """The answers sent, with those a step page carried; the step shown, or None when
    questions of other steps were sent as fields (every question at once)."""
    sent = formdata()
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
    show = functools.partial(questions, form, changing=changing)
    if not csrf_ok(form):  # every action: adding a place or going back too
        return show(step=step, notice=TIMED_OUT) if own_earlier_answers() else \
            refused_from_elsewhere()
    if action == "add-place":
        if len(form.places.entries) >= MAX_LOCATIONS:
            return show(step=step and PLACES_STEP, extra_errors=[(
                "add-place",
                f"You can list up to {MAX_LOCATIONS} places in one case. Save this case file, "
                "then start a second case for the other places")])
        form.places.append_entry()
        return show(step=step and PLACES_STEP)
    if action.startswith("remove-place-"):
        index = index_in(action.removeprefix("remove-place-"), len(form.places.entries))
        if index is not None and len(form.places) > 1:
            form.places.pop_entry(index)
        return show(step=step and PLACES_STEP)
    if step and action == "back":
        return show(step=previous_step(step, answers_urgent(form)) or step)
    case = case_from_form(form)
    if step is None:
        return check(case) if case is not None else show(step=None)
    if case is None and keep_errors_of_step(form, step):
        return show(step=step)
    following = next_step(step, answers_urgent(form))
    if following and (not changing or action == "next"):
        return show(step=following)
    if case is None:  # this step is right, another is not: show that one
        form = CaseForm(data)
        case_from_form(form)
        return questions_at_errors(form, changing=changing)
    if changing == "check" or not case.concerns.any_urgent:
        return check(case)
    return _plan_page(case, quick_check=True)


@bp.post("/change")
def change():
    """Back to the questions filled in from the hidden case: at the step asked (the site's
    Change buttons ask for one), or every question on one page; a stale form says so."""
    carried = CarryForm(formdata())
    ok = csrf_ok(carried)
    if not ok and not own_earlier_answers():
        return refused_from_elsewhere()
    data = read_case_field(carried.case.data)
    if data is None:
        return questions(CaseForm(formdata=None), notice=UNREADABLE, status=400)
    changing = _changing(request.form.get("changing"))
    return questions(case_form_from_data(data), notice=None if ok else TIMED_OUT,
                     step=_step_asked(request.form.get("step")) or (1 if changing else None),
                     changing=changing or "check")


@bp.post("/plan")
@with_carried_case
def plan(case: Case):
    """The action plan for the case in the hidden field."""
    return _plan_page(case)


def _plan_page(case: Case, quick_check: bool = False):
    """The plan; ``quick_check``: a short "check your answers" at its top, for an urgent case
    that came straight from the questions."""
    return page("case/plan.html", case=case, case_json=case_json(case), plan=make_plan(case),
                letters=available_letters(case), missing=missing_for_letters(case),
                quick_check=quick_check)


@bp.post("/save")
@with_carried_case
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
    return page("case/open.html", form=OpenForm(formdata=None))


def _open_error(form: OpenForm, message: str):
    add_error(form.case_file, message)
    return page("case/open.html", 400, form=form, errors=error_list(form), form_has_errors=True)


@bp.post("/open")
def open_post():
    """Read a case file in memory and carry on at the questions, filled in."""
    form = OpenForm(formdata())
    ok = csrf_ok(form)
    if not ok and not own_earlier_answers():
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
    asked = case_form_from_data(data)
    try:
        opened = parse_case(data, today=date.today())
    except CaseInvalid:
        case_from_form(asked)  # shows each problem at its field
    else:
        if ok:  # a good case file lands on its progress page
            return progress.progress_page(opened, notice=progress.OPENED)
    return questions_at_errors(asked, notice=OPENED if ok else TIMED_OUT)
