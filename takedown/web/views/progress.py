"""After the first report: the progress page, the form that logs a report, the calendar file.

Like the rest of the case flow, nothing is kept: the case (with its report log) travels in
the hidden field, and saving downloads the case file again. ``now`` is read here, once per
request, and passed to the pure ``takedown.deadlines``.
"""

import re
from datetime import UTC, date, datetime

from flask import Blueprint, make_response, request

from takedown import deadlines, jurisdictions, letterkinds, letterwork, reminders
from takedown.case import CHANNELS, OUTCOMES, Case, CaseInvalid, case_to_dict, parse_case
from takedown.web.forms import (
    TIMED_OUT,
    CaseForm,
    ReportForm,
    add_error,
    case_json,
    error_list,
    index_in,
    report_data_from_form,
    unreadable_moment,
)
from takedown.web.security import no_store
from takedown.web.views.carried import (
    UNREADABLE,
    csrf_ok,
    formdata,
    own_earlier_answers,
    page,
    questions,
    read_case_field,
    refused_from_elsewhere,
    with_carried_case,
)

bp = Blueprint("progress", __name__, url_prefix="/case/progress")

SAVE = "Save your case file to keep it: this site keeps nothing."
OPENED = "Your case file is open. This is where each place stands."
NO_PLACE = "Choose a place from your progress page."


def _now() -> datetime:
    return datetime.now(UTC)


def progress_page(case: Case, notice: str | None = None, status: int = 200):
    """The progress page for a case: every place, its state and what is due."""
    now = _now()
    steps = deadlines.next_steps(case, now)
    return page("progress/progress.html", status, case=case, case_json=case_json(case),
                steps=steps, notice=notice, when=deadlines.moment_words(case),
                coming=reminders.reminders(case, now),
                zone_name=deadlines.zone_label(deadlines.zone_of(case).key), channels=CHANNELS,
                outcomes=OUTCOMES, hash_help=lambda loc: deadlines.hash_help(case, loc),
                place_letters=letterkinds.place_letters,
                case_letters=letterkinds.case_letters(steps), max_rows=letterwork.MAX_ROWS)


@bp.post("")
@with_carried_case
def show(case: Case):
    """Where each place stands, from the case in the hidden field."""
    return progress_page(case)


_PICKER_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def _form_page(form: ReportForm, case: Case, place: int, status: int = 200, notice=None):
    zones = jurisdictions.for_case(case).time_zones
    form.zone.choices = [(name, deadlines.zone_label(name)) for name in zones]
    if not form.zone.data:
        form.zone.data = case.zone_name
    # A date-time picker only for a value it can show; anything else is plain text to correct.
    pickers = {name: not form[name].errors and (not form[name].data or bool(
        _PICKER_VALUE.match(form[name].data))) for name in ("at", "outcome_at")}
    return page("progress/record.html", status, form=form, case=case, place=place,
                 pickers=pickers,
                 location=case.locations[place], errors=error_list(form), notice=notice,
                 form_has_errors=bool(error_list(form)))


@bp.post("/record")
@with_carried_case
def record(case: Case):
    """The form to log a report about one place, or change a report logged already."""
    # "Update this report" says "place/report"; "Log a report" the place alone.
    log, _, edit = request.form.get("update", "").partition("/")
    if "update" not in request.form:
        log, edit = request.form.get("log"), request.form.get("edit")
    place = index_in(log, len(case.locations))
    if place is None:
        return progress_page(case, notice=NO_PLACE, status=400)
    reports = case.locations[place].reports
    edit = index_in(edit, len(reports))
    form = ReportForm(formdata=None, case=case_json(case), place=str(place),
                      report="" if edit is None else str(edit))
    zone = deadlines.zone_of(case)
    if edit is None:
        form.at.data = _now().astimezone(zone).strftime("%Y-%m-%dT%H:%M")
    else:
        report = reports[edit]
        form.channel.data = report.channel
        form.at.data = report.at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
        form.reference.data = report.reference or ""
        form.outcome.data = report.outcome
        form.outcome_at.data = (report.outcome_at.astimezone(zone).strftime("%Y-%m-%dT%H:%M")
                                if report.outcome_at else "")
        form.note.data = report.note or ""
    return _form_page(form, case, place)


_REPORT_FIELDS = ("channel", "at", "reference", "outcome", "outcome_at", "note")
_TYPED_TIMES = ("at", "outcome_at")


def logged_notice(case: Case, report) -> str:
    """That the report is logged, with the time we understood (in words), and to save."""
    when = deadlines.moment_words(case)
    heard = f"; the answer {when(report.outcome_at)}" if report.outcome_at else ""
    return f"Your report is logged: reported {when(report.at)}{heard}. {SAVE}"


@bp.post("/log")
def log():
    """Add the report (or the change) to the case, then show the progress page."""
    form = ReportForm(formdata())
    ok = csrf_ok(form)
    if not ok and not own_earlier_answers():
        return refused_from_elsewhere()
    data = read_case_field(form.case.data)
    try:
        case = parse_case(data, today=date.today()) if data is not None else None
    except CaseInvalid:
        case = None
    if case is None:
        return questions(CaseForm(formdata=None), notice=UNREADABLE, status=400)
    place = index_in(form.place.data, len(case.locations))
    if place is None:
        return progress_page(case, notice=NO_PLACE, status=400)
    if not ok:
        return _form_page(form, case, place, notice=TIMED_OUT)
    report = report_data_from_form(form, case.jurisdiction)
    unread = {name: unreadable_moment(form[name], case.jurisdiction) for name in _TYPED_TIMES}
    for name, message in unread.items():
        if message:
            add_error(form[name], message)
    whole = case_to_dict(case)
    if form.zone.data in jurisdictions.get(case.jurisdiction).time_zones:
        whole["time_zone"] = form.zone.data  # the family's choice, for every date from now on
    reports = whole["locations"][place]["reports"]
    edit = index_in(form.report.data, len(reports))
    if edit is None:
        reports.append(report)
        edit = len(reports) - 1
    else:
        reports[edit] = report
    try:
        updated = parse_case(whole, today=date.today())
    except CaseInvalid as invalid:
        prefix = f"locations[{place}].reports[{edit}]."
        for error in invalid.errors:
            name = error.field.removeprefix(prefix)
            if unread.get(name):
                continue  # already said, in words about what to type
            field = form[name] if name in _REPORT_FIELDS else form.at
            message = error.message
            if not message[:1].isupper():
                message = f"{field.label.text.removesuffix(' (optional)')} {message}"
            add_error(field, message)
        return _form_page(form, case, place)
    if any(unread.values()):
        return _form_page(form, case, place)
    logged = updated.locations[place].reports[edit]
    return progress_page(updated, notice=logged_notice(updated, logged))


@bp.post("/calendar")
@with_carried_case
def calendar(case: Case):
    """A calendar file: the next morning for what is due now, and each chase-by time. Never kept."""
    body = reminders.calendar_file(case, _now())
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="takedown-{case.reference}-reminders.ics"')
    return no_store(response)
