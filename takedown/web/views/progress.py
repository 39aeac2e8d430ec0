"""After the first report: the progress page, the form that logs a report, the calendar file.

Like the rest of the case flow, nothing is kept: the case (with its report log) travels in
the hidden field, and saving downloads the case file again. ``now`` is read here, once per
request, and passed to the pure ``takedown.deadlines``.
"""

import re
from datetime import UTC, date, datetime

from flask import Blueprint, make_response, request

from takedown import deadlines, jurisdictions, letterkinds, reminders
from takedown.case import CHANNELS, OUTCOMES, Case, CaseInvalid, case_to_dict, parse_case
from takedown.web.forms import (
    TIMED_OUT,
    CaseForm,
    ReportForm,
    add_error,
    case_json,
    error_list,
    report_data_from_form,
)
from takedown.web.security import no_store
from takedown.web.views.carried import (
    UNREADABLE,
    csrf_ok,
    formdata,
    page,
    questions,
    read_case_field,
    with_carried_case,
)

bp = Blueprint("progress", __name__, url_prefix="/case/progress")

LOGGED = "Your report is logged. Save your case file to keep it: this site keeps nothing."
OPENED = "Your case file is open. This is where each place stands."
NO_PLACE = "Choose a place from your progress page."


def _now() -> datetime:
    return datetime.now(UTC)


def progress_page(case: Case, notice: str | None = None, status: int = 200):
    """The progress page for a case: every place, its state and what is due."""
    steps = deadlines.next_steps(case, _now())
    return page("progress/progress.html", status, case=case, case_json=case_json(case),
                steps=steps, notice=notice, when=deadlines.moment_words(case),
                zone_name=deadlines.zone_label(deadlines.zone_of(case).key), channels=CHANNELS,
                outcomes=OUTCOMES, hash_help=lambda loc: deadlines.hash_help(case, loc),
                place_letters=letterkinds.place_letters,
                case_letters=letterkinds.case_letters(steps))


@bp.post("")
@with_carried_case
def show(case: Case):
    """Where each place stands, from the case in the hidden field."""
    return progress_page(case)


def _index(text, count: int) -> int | None:
    return int(text) if isinstance(text, str) and text.isdigit() and int(text) < count else None


_PICKER_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$")


def _form_page(form: ReportForm, case: Case, place: int, status: int = 200, notice=None):
    zones = jurisdictions.get(case.jurisdiction).time_zones
    form.zone.choices = [(name, deadlines.zone_label(name)) for name in zones]
    if not form.zone.data:
        form.zone.data = zones[0]
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
    place = _index(request.form.get("log"), len(case.locations))
    if place is None:
        return progress_page(case, notice=NO_PLACE, status=400)
    reports = case.locations[place].reports
    edit = _index(request.form.get("edit"), len(reports))
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


@bp.post("/log")
def log():
    """Add the report (or the change) to the case, then show the progress page."""
    form = ReportForm(formdata())
    ok = csrf_ok(form)
    data = read_case_field(form.case.data)
    try:
        case = parse_case(data, today=date.today()) if data is not None else None
    except CaseInvalid:
        case = None
    if case is None:
        return questions(CaseForm(formdata=None), notice=UNREADABLE, status=400)
    place = _index(form.place.data, len(case.locations))
    if place is None:
        return progress_page(case, notice=NO_PLACE, status=400)
    if not ok:
        return _form_page(form, case, place, notice=TIMED_OUT)
    report = report_data_from_form(form, case.jurisdiction)
    whole = case_to_dict(case)
    reports = whole["locations"][place]["reports"]
    edit = _index(form.report.data, len(reports))
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
            field = form[name] if name in _REPORT_FIELDS else form.at
            message = error.message
            if not message[:1].isupper():
                message = f"{field.label.text.removesuffix(' (optional)')} {message}"
            add_error(field, message)
        return _form_page(form, case, place)
    return progress_page(updated, notice=LOGGED)


@bp.post("/calendar")
@with_carried_case
def calendar(case: Case):
    """A calendar file with a reminder for each chase-by time. Made on request, never kept."""
    body = reminders.calendar_file(case, _now())
    response = make_response(body)
    response.mimetype = "text/calendar"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="takedown-{case.reference}-reminders.ics"')
    return no_store(response)
