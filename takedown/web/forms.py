"""The web questions: forms shaped like the case, built from its declaration.

Each part of the case (requester, person, concerns, places, school) is a
sub-form whose fields and labels come from ``takedown.case``'s declaration, so
``form.data`` is close to case data. The forms hold only what the user typed,
as text; every rule about what a case may contain lives in the declaration:
``case_from_form`` validates there and puts each problem back on its field.
"""

from __future__ import annotations

import json
import re
from datetime import date
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from takedown import jurisdictions, platforms
from takedown.case import (
    CHANNELS,
    CONCERNS,
    MAX_LOCATIONS,
    OUTCOMES,
    SCHEMA,
    Case,
    CaseInvalid,
    Concerns,
    FieldError,
    Location,
    Person,
    Picked,
    Requester,
    School,
    Slug,
    case_to_dict,
    parse_case,
)
from takedown.declare import Choice, Flag, Text, declared_fields
from takedown.jsontext import Unreadable, read_object, read_value
from takedown.wall_time import asked_as, read_wall_time
from takedown.web.steps import PAGE_ORDER, STEPS, step_of

TIMED_OUT = ("For your security this page timed out. We kept your answers: "
             "check them and send again.")

AGE_GROUPS = {
    "known": "I know their age",
    "under-18": "Under 18, age not known",
    "adult": "18 or over",
}
CONCERN_LABELS = {name: label for name, kind, label in declared_fields(Concerns)
                  if isinstance(kind, Flag)}
# The concerns asked as one of a fixed set (what the image is): left out, their default.
_PICKED = {name: kind.default for name, kind, _ in declared_fields(Concerns)
           if isinstance(kind, Picked)}
# Form entries beyond the case limit are read (so a 21st place is refused with a
# message rather than silently dropped) but never more than this.
_MAX_FORM_PLACES = MAX_LOCATIONS * 2
_AGE = re.compile(r"^[0-9]{1,3}$")
_SELECT = {
    "role": "Select who you are",
    "jurisdiction": "Select where you are",
    "age_group": "Select how old the person in the image is",
    "image": "Select whether the image is real, fake, or you are not sure",
}
# Where a case field is asked under another name on the form.
_ASKED_AS = {"locations": "places", "under_18": "age_group", "reports": "in_app_at"}
_PATH_PART = re.compile(r"(\w+)(?:\[(\d+)\])?")


def _clean(value):
    """Trim typed text; browsers send a textarea's new lines as CR LF, keep them as LF."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


class _CleanMeta:
    """Every text field of every form is cleaned once, here."""

    def bind_field(self, form, unbound_field, options):
        if issubclass(unbound_field.field_class, StringField):
            filters = [*unbound_field.kwargs.get("filters", ()), _clean]
            return unbound_field.bind(form=form, filters=filters, **options)
        return unbound_field.bind(form=form, **options)


class _Part(Form):
    """A part of the case on the form. No CSRF of its own: it lives inside CaseForm."""

    Meta = _CleanMeta


def _choices(items: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in items.items()]


def platform_choices() -> list[SelectChoice]:
    return _choices({"": "Choose the app or website",
                     **{p.slug: p.name for p in platforms.all_platforms()}})


def _field_for(kind, label: str):
    """The form field that asks a declared field's question."""
    if isinstance(kind, Choice):
        return RadioField(label, choices=_choices(kind.options), validate_choice=False)
    if isinstance(kind, Picked):
        return RadioField(label, choices=_choices(kind.options), validate_choice=False,
                          default=kind.default)
    if isinstance(kind, Flag):
        return BooleanField(label)
    if isinstance(kind, Slug):
        return SelectField(label, choices=platform_choices, validate_choice=False)
    if isinstance(kind, Text) and kind.lines:
        return TextAreaField(label)
    return StringField(label)


def part_form(cls, name: str, first: dict | None = None) -> type[Form]:
    """Return a sub-form asking every labelled field of the declared dataclass ``cls``."""
    asked = {field: _field_for(kind, label)
             for field, kind, label in declared_fields(cls) if label}
    return type(name, (_Part,), {**(first or {}), **asked})


RequesterForm = part_form(Requester, "RequesterForm")
PersonForm = part_form(Person, "PersonForm", first={"age_group": RadioField(
    "How old is the person in the image?", choices=_choices(AGE_GROUPS),
    validate_choice=False)})
ConcernsForm = part_form(Concerns, "ConcernsForm")


class PlaceForm(part_form(Location, "_PlaceQuestions")):
    """One place: its questions, the reports already logged (carried, as JSON), and an
    optional report already made in the app."""

    reports = HiddenField()
    in_app_at = StringField("Reported in-app? When (optional)")
    in_app_reference = StringField("Its reference (optional)")


SchoolForm = part_form(School, "SchoolForm")
_PLACE_KEYS = tuple(PlaceForm()._fields)


class CaseForm(FlaskForm):
    """Every question, on one page. Only the first few are needed for a plan."""

    Meta = _CleanMeta
    reference = HiddenField()
    time_zone = HiddenField()  # chosen on the report form; carried through changed answers
    requester = FormField(RequesterForm, separator="_")
    jurisdiction = _field_for(*next((kind, label) for name, kind, label
                                    in declared_fields(Case) if name == "jurisdiction"))
    area = SelectField(next(label for name, _, label in declared_fields(Case) if name == "area"),
                       choices=lambda: area_choices(), validate_choice=False)
    person = FormField(PersonForm, separator="_")
    concerns = FormField(ConcernsForm, separator="_")
    places = FieldList(FormField(PlaceForm), min_entries=1, max_entries=_MAX_FORM_PLACES)
    school = FormField(SchoolForm, separator="_")


def area_choices() -> dict:
    """The members the jurisdictions declare, grouped under each one's name for the question."""
    choices = {"": [("", "Not asked where you are, or rather not say")]}
    for item in jurisdictions.all_jurisdictions().values():
        if item.members:
            choices[f"{item.name}: {item.members_label}"] = [
                (member.code, member.name) for member in item.members]
    return choices


class CarryForm(FlaskForm):
    """The case as JSON in a hidden field: how a case travels between pages."""

    case = HiddenField()


class OpenForm(FlaskForm):
    """Open a case file saved earlier. The file is read in memory and never kept."""

    case_file = FileField("Choose your case file", render_kw={"accept": ".json,application/json"})


# --- case data to the form ----------------------------------------------------------


def _text(value) -> str:
    """Case data from a file or a hidden field, as form text. Anything odd becomes text too."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    return str(value)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _texts(data, form_class) -> dict:
    data = _dict(data)
    return {key: _text(data.get(key)) for key in form_class()._fields}


def _person_data(person: dict) -> dict:
    age, under_18 = person.get("age"), person.get("under_18")
    if isinstance(age, int) and not isinstance(age, bool):
        age_group = "known"
    elif under_18 is True:
        age_group = "under-18"
    elif under_18 is False:
        age_group = "adult"
    else:
        age_group = ""
    return {"age_group": age_group, "age": _text(age) if age_group == "known" else "",
            "name": _text(person.get("name")), "school": _text(person.get("school")),
            "full_name_in_letters": person.get("full_name_in_letters") is True}


def _place_data(item) -> dict:
    place = _texts(item, PlaceForm)
    reports = _dict(item).get("reports")
    place["reports"] = compact_json(reports) if isinstance(reports, list) and reports else ""
    if place["url"] and place["platform"] == _platform_of(place["url"]):
        # Worked out from the link, not chosen: leave the list free to follow a changed link.
        place["platform"] = ""
    return place


def _platform_of(url: str) -> str | None:
    if platforms.host_of(url) is None:
        return None
    found = platforms.identify(url)
    return found.slug if found else "other"


def form_data_from_case(data) -> dict:
    """Return keyword data for CaseForm(data=...) from case data (trusted or not)."""
    data = _dict(data)
    concerns = _dict(data.get("concerns"))
    locations = data.get("locations")
    places = [_place_data(item)
              for item in (locations if isinstance(locations, list) else [])[:_MAX_FORM_PLACES]]
    return {
        "reference": _text(data.get("reference")),
        "time_zone": _text(data.get("time_zone")),
        "jurisdiction": _text(data.get("jurisdiction")),
        "area": _text(data.get("area")),
        "requester": {**_texts(data.get("requester"), RequesterForm),
                      "is_dsl": _dict(data.get("requester")).get("is_dsl") is True},
        "person": _person_data(_dict(data.get("person"))),
        "concerns": {**_texts(concerns, ConcernsForm),
                     **{key: _text(concerns.get(key)) or default
                        for key, default in _PICKED.items()},
                     **{key: concerns.get(key) is True for key in CONCERN_LABELS}},
        "places": places or [{}],
        "school": _texts(data.get("school"), SchoolForm),
    }


def case_form_from_data(data, **kwargs) -> CaseForm:
    """Return a CaseForm filled in from case data, ignoring the request's own form data."""
    return CaseForm(formdata=None, data=form_data_from_case(data), **kwargs)


# --- the form to case data ----------------------------------------------------------


def _place_is_blank(place) -> bool:
    return not any(place[key].data for key in _PLACE_KEYS)


def _age(text: str):
    """A whole number when it looks like one; otherwise the text, for parse_case to refuse."""
    return int(text) if _AGE.match(text) else text


def _person(form: PersonForm) -> dict:
    person: dict = {"name": form.name.data, "school": form.school.data,
                    "full_name_in_letters": form.full_name_in_letters.data}
    group, age_text = form.age_group.data, form.age.data or ""
    if group == "known" or (not group and age_text):
        person["age"] = _age(age_text) if age_text else None
    elif group == "under-18":
        person["under_18"] = True
    elif group == "adult":
        person["under_18"] = False
    elif group:
        person["under_18"] = group  # not a choice we offer: parse_case refuses it
    return person


def place_case_data(place: PlaceForm, jurisdiction: str | None,
                    zone: str | None = None) -> dict:
    """A place's case data from its form: the questions, the carried reports, and a report
    made in the app when its time is given."""
    data = {key: value for key, value in place.data.items()
            if key not in ("reports", "in_app_at", "in_app_reference")}
    try:
        carried = read_value(place.reports.data) if place.reports.data else []
    except Unreadable:
        carried = []
    reports = carried if isinstance(carried, list) else []
    if place.in_app_at.data:
        reports = [*reports, {"channel": "in-app",
                              "at": moment_from_form(place.in_app_at.data, jurisdiction, zone),
                              "reference": place.in_app_reference.data or None}]
    if reports:
        data["reports"] = reports
    return data


def case_data_from_form(form: CaseForm) -> tuple[dict, list[int]]:
    """Return case data for parse_case, and the form entry behind each location."""
    entries = [i for i, entry in enumerate(form.places.entries) if not _place_is_blank(entry.form)]
    data = {
        "schema": SCHEMA,
        "jurisdiction": form.jurisdiction.data or None,
        "area": form.area.data or None,
        "requester": form.requester.form.data,
        "person": _person(form.person.form),
        "concerns": form.concerns.form.data,
        "locations": [place_case_data(form.places.entries[i].form, form.jurisdiction.data,
                                      form.time_zone.data) for i in entries],
        "school": form.school.form.data,
    }
    if form.reference.data:
        data["reference"] = form.reference.data
    declared = jurisdictions.all_jurisdictions().get(form.jurisdiction.data or "")
    if declared and form.time_zone.data in declared.time_zones:
        data["time_zone"] = form.time_zone.data  # a new country starts in its own first zone
    return data, entries


# --- problems back on their fields ----------------------------------------------------


def _label(field) -> str:
    return field.label.text.removesuffix(" (optional)")


def _message(field, message: str, place: int | None = None) -> str:
    """Turn a case rule's message into a sentence about this field."""
    text = message if message[:1].isupper() else f"{_label(field)} {message}"
    return f"Place {place + 1}: {text[:1].lower()}{text[1:]}" if place is not None else text


def _field_at(form: CaseForm, error: FieldError, entries: list[int]):
    """Return the form field a case error belongs to, and the place number if any."""
    node, place = form, None
    for name, index in _PATH_PART.findall(error.field):
        name = _ASKED_AS.get(name, name)
        if not hasattr(node, "_fields") or name not in node._fields:
            return None, place
        field = node[name]
        if field.type == "FieldList":
            if not index or int(index) >= len(entries):
                return field.entries[0].form.url, None
            place = entries[int(index)]
            node = field.entries[place].form
            continue
        if field.type == "FormField":
            node = field.form
            continue
        return field, place
    return (node.url if place is not None else None), place


def index_in(text, count: int) -> int | None:
    """A number sent in a form (ASCII digits only) when it is below ``count``, else None."""
    if isinstance(text, str) and text.isascii() and text.isdigit() and int(text) < count:
        return int(text)
    return None


def add_error(field, message: str) -> None:
    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def case_from_form(form: CaseForm) -> Case | None:
    """Validate the form through parse_case; put any problems on their fields and return None."""
    data, entries = case_data_from_form(form)
    problems = []
    person = form.person.form
    if person.age_group.data == "known" and not person.age.data:
        problems.append((person.age, "Enter their age, or choose “Under 18, age not known”"))
    if len(entries) > MAX_LOCATIONS:
        problems.append((form.places.entries[MAX_LOCATIONS].form.url,
                         f"You can list up to {MAX_LOCATIONS} places. Remove a place to carry "
                         "on: you can save the case file and start a second one for the rest"))
        data["locations"] = data["locations"][:MAX_LOCATIONS]
    case, errors = _parse(data)
    if any(e.field == "reference" for e in errors):
        # Our own hidden field, changed by someone: start again with a fresh reference.
        data.pop("reference", None)
        form.reference.data = ""
        case, errors = _parse(data)
    for error in errors:
        field, place = _field_at(form, error, entries)
        if field is None:  # a rule about something the form does not ask; never expected
            field, place = form.places.entries[0].form.url, None
        message = error.message
        if field.short_name == "in_app_at":  # typed in a way we could not read: say how
            message = unreadable_moment(field, form.jurisdiction.data,
                                        "When did you report it in the app?") or message
        if field.type == "RadioField":  # an empty or unknown choice: ask for one of ours
            message = _SELECT.get(field.short_name, message)
        problems.append((field, _message(field, message, place)))
    if case is not None and not problems:
        form.reference.data = case.reference
        return case
    for field, message in problems:
        if message not in field.errors:
            add_error(field, message)
    return None


def _parse(data) -> tuple[Case | None, list[FieldError]]:
    try:
        return parse_case(data, today=date.today()), []
    except CaseInvalid as invalid:
        return None, invalid.errors


def _page_rank(anchor_id: str) -> int:
    """Where a field comes on the one-page form: who you are first, contact details late."""
    return next((rank for rank, start in enumerate(PAGE_ORDER) if anchor_id.startswith(start)),
                len(PAGE_ORDER))


def error_list(form) -> list[tuple[str, str]]:
    """Return (anchor id, message) for every error on the form, in page order."""
    found: list[tuple[str, str]] = []

    def walk(fields):
        for field in fields:
            if field.type == "CSRFTokenField":
                continue
            if field.type == "FieldList":
                for entry in field.entries:
                    walk(entry.form)
                continue
            if field.type == "FormField":
                walk(field.form)
                continue
            for message in field.errors if isinstance(field.errors, list) else []:
                found.append((anchor(field), message))

    walk(form)
    return sorted(found, key=lambda item: _page_rank(item[0]))


def anchor(field) -> str:
    """The id an error links to: the field, or the first option of a set of radios."""
    return f"{field.id}-0" if field.type == "RadioField" else field.id


# What json.dumps leaves raw in a string but a page must not carry: DEL, C1, U+2028/2029.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u2028\u2029]")


def compact_json(data) -> str:
    """Data as compact JSON for a hidden field: text in any script as it is, every control
    character escaped (json.dumps escapes C0; DEL, C1 and U+2028/2029 here, as \\u0085)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def case_json(case: Case) -> str:
    """The case as compact JSON, for the hidden field that carries it between pages."""
    return compact_json(case_to_dict(case))


# --- a report about a place ----------------------------------------------------------

def date_style(jurisdiction: str | None) -> str:
    """How the jurisdiction writes dates (day first unless it declares month first)."""
    declared = jurisdictions.all_jurisdictions().get(jurisdiction or "")
    return declared.letters.date_style if declared else "day-month-year"


def moment_from_form(text: str, jurisdiction: str | None, zone: str | None = None):
    """A typed date and time (the picker's 2026-11-25T14:30, or as the jurisdiction writes
    dates: 25/11/2026 14:30, 11/25/2026 2:30 PM; a date alone is midnight) as an ISO 8601
    date-time with the offset of ``zone`` (the jurisdiction's own when not given) on that
    day; text that is not a date and time is returned as it is, for parse_case to refuse."""
    declared = jurisdictions.all_jurisdictions().get(jurisdiction or "")
    zones = declared.time_zones if declared else ("UTC",)
    name = zone if zone in zones else zones[0]
    wall = read_wall_time(text, date_style(jurisdiction))
    if wall is None:
        return text
    return wall.replace(tzinfo=ZoneInfo(name)).isoformat()


def unreadable_moment(field, jurisdiction: str | None, question: str | None = None) -> str | None:
    """The message for a date field whose text is not a date and time we can read, naming
    the field (its label, or ``question``) and how to write one there; None when it is empty
    or readable."""
    text = field.data or ""
    if not text.strip() or read_wall_time(text, date_style(jurisdiction)) is not None:
        return None
    return (f"{question or field.label.text.removesuffix(' (optional)')} Enter the date and "
            f"time as {asked_as(date_style(jurisdiction))}")


class ReportForm(FlaskForm):
    """Log a report about one place (or change one logged already): how, when, the reference
    and what happened. The case travels in the hidden field, as on every page."""

    Meta = _CleanMeta
    case = HiddenField()
    place = HiddenField()
    report = HiddenField()
    channel = RadioField("How did you report it?", choices=_choices(CHANNELS),
                         validate_choice=False)
    at = StringField("When did you report it?")
    zone = SelectField("Time zone", validate_choice=False)
    reference = StringField("Their reference number (optional)")
    outcome = RadioField("What has happened so far?", choices=_choices(OUTCOMES),
                         validate_choice=False, default="waiting")
    outcome_at = StringField("When did you hear? (optional)")
    note = StringField("A note for yourself (optional)")


def report_data_from_form(form: ReportForm, jurisdiction: str) -> dict:
    """Case data for one report, from the report form."""
    outcome_at = form.outcome_at.data or None
    return {
        "channel": form.channel.data or None,
        "at": moment_from_form(form.at.data, jurisdiction, form.zone.data) or None,
        "reference": form.reference.data or None,
        "outcome": form.outcome.data or None,
        "outcome_at": (moment_from_form(outcome_at, jurisdiction, form.zone.data)
                       if outcome_at else None),
        "note": form.note.data or None,
    }


# --- the questions in short steps (takedown/web/steps.py) -----------------------------


def answers_urgent(form: CaseForm) -> bool:
    """Whether the answers so far make the case urgent (danger, threats, an adult involved)."""
    concerns = form.concerns.form
    return Concerns(**{name: concerns[name].data is True for name in CONCERNS}).any_urgent


def _leaves(fields):
    for field in fields:
        if field.type == "FieldList":
            for entry in field.entries:
                yield from _leaves(entry.form)
        elif field.type == "FormField":
            yield from _leaves(field.form)
        elif field.type != "CSRFTokenField":
            yield field


def carried_answers(form: CaseForm, step: int) -> str:
    """The answers of every other step, as the JSON object a step page carries in a hidden
    field (field name to text; a ticked box is "y", an unticked one is left out)."""
    carried = {}
    for field in _leaves(form):
        if step_of(field.name) in (None, step):
            continue
        if field.type != "BooleanField":
            carried[field.name] = field.data if isinstance(field.data, str) else ""
        elif field.data:
            carried[field.name] = "y"
    return compact_json(carried)


def read_carried(text, step: int) -> list[tuple[str, str]]:
    """The (name, text) pairs a step page carried for the other steps; none if unreadable."""
    try:
        carried = read_object(text) if isinstance(text, str) and text else {}
    except Unreadable:
        return []
    return [(name, value) for name, value in carried.items()
            if isinstance(value, str) and step_of(name) not in (None, step)]


def keep_errors_of_step(form: CaseForm, step: int) -> bool:
    """Clear every error outside ``step``; return whether that step has any."""
    found = False
    for field in _leaves(form):
        if step_of(field.name) == step:
            found = found or bool(field.errors)
        else:
            field.errors = []
    return found


def steps_with_errors(form: CaseForm) -> set[int]:
    """The steps holding an error (an error on no step's field counts as the last step's)."""
    return {step_of(field.name) or len(STEPS) for field in _leaves(form) if field.errors}
