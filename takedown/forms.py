"""The web questions, and the mapping between them and a case.

The forms hold only what the user typed, as text. Every rule about what a
case may contain lives in ``takedown.case.parse_case``: ``case_from_form``
maps the form to case data, validates it there, and puts each problem back on
the field it belongs to, so the web pages and the JSON API share one set of rules.
"""

from __future__ import annotations

import json
import re

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

from takedown import platforms
from takedown.case import (
    CONCERNS,
    MAX_LOCATIONS,
    ROLES,
    SCHEMA,
    Case,
    CaseInvalid,
    FieldError,
    parse_case,
)
from takedown.jurisdictions import JURISDICTIONS

TIMED_OUT = ("For your security this page timed out. We kept your answers: "
             "check them and send again.")

AGE_GROUPS = {
    "known": "I know their age",
    "under-18": "Under 18, age not known",
    "adult": "18 or over",
}
CONCERN_LABELS = {
    "immediate_danger": "Someone is in immediate danger",
    "threats": "Someone is threatening or blackmailing them, or demanding money or more images",
    "adult_involved": "An adult is involved, or someone they met online asked for the image",
    "shared_at_school": "It has spread around a school",
}
# Form entries beyond the case limit are read (so a 21st place is refused with a
# message rather than silently dropped) but never more than this.
_MAX_FORM_PLACES = MAX_LOCATIONS * 2
_AGE = re.compile(r"^\d{1,3}$")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lines(value):
    """Browsers send a textarea's new lines as CR LF; keep them as LF."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return value


def _choices(items: dict) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in items.items()]


def platform_choices() -> list[SelectChoice]:
    return _choices({"": "Choose the app or website",
                     **{p.slug: p.name for p in platforms.all_platforms()}})


class PlaceForm(Form):
    """One place where the image appears. No CSRF of its own: it lives inside CaseForm."""

    url = StringField("Link", filters=[_strip])
    platform = SelectField("App or website", choices=platform_choices, validate_choice=False)
    description = StringField("What you know about where it is (optional)", filters=[_strip])
    account = StringField("Account or group name (optional)", filters=[_strip])
    first_seen = StringField("Date first seen (optional)", filters=[_strip])


class CaseForm(FlaskForm):
    """Every question, on one page. Only the first few are needed for a plan."""

    reference = HiddenField()
    role = RadioField("Who are you?", choices=_choices(ROLES), validate_choice=False)
    jurisdiction = RadioField("Where are you?", choices=_choices(JURISDICTIONS),
                              validate_choice=False)
    age_group = RadioField("How old is the person in the image?", choices=_choices(AGE_GROUPS),
                           validate_choice=False)
    age = StringField("Their age", filters=[_strip])
    person_name = StringField("Their name (optional)", filters=[_strip])
    person_school = StringField("Their school or college (optional)", filters=[_strip])
    immediate_danger = BooleanField(CONCERN_LABELS["immediate_danger"])
    threats = BooleanField(CONCERN_LABELS["threats"])
    adult_involved = BooleanField(CONCERN_LABELS["adult_involved"])
    shared_at_school = BooleanField(CONCERN_LABELS["shared_at_school"])
    places = FieldList(FormField(PlaceForm), min_entries=1, max_entries=_MAX_FORM_PLACES)
    requester_name = StringField("Your name", filters=[_strip])
    requester_email = StringField("Your email address", filters=[_strip])
    requester_phone = StringField("Your phone number", filters=[_strip])
    requester_organisation = StringField("Your organisation (optional)", filters=[_strip])
    requester_address = TextAreaField("Your postal address", filters=[_lines])
    school_name = StringField("School name", filters=[_strip])
    school_contact_name = StringField("Name of the designated safeguarding lead or contact",
                                      filters=[_strip])
    school_address = TextAreaField("School address", filters=[_lines])
    school_email = StringField("School email address", filters=[_strip])


class CarryForm(FlaskForm):
    """The case as JSON in a hidden field: how a case travels between pages."""

    case = HiddenField()


class OpenForm(FlaskForm):
    """Open a case file saved earlier. The file is read in memory and never kept."""

    case_file = FileField("Choose your case file", render_kw={"accept": ".json,application/json"})


# Case field name -> form field name. Places are handled separately.
_FIELDS = {
    "jurisdiction": "jurisdiction",
    "requester.role": "role",
    "requester.name": "requester_name",
    "requester.email": "requester_email",
    "requester.phone": "requester_phone",
    "requester.organisation": "requester_organisation",
    "requester.address": "requester_address",
    "person.age": "age",
    "person.under_18": "age_group",
    "person.name": "person_name",
    "person.school": "person_school",
    "school.name": "school_name",
    "school.contact_name": "school_contact_name",
    "school.address": "school_address",
    "school.email": "school_email",
    **{f"concerns.{key}": key for key in CONCERNS},
}
_SELECT = {
    "role": "Select who you are",
    "jurisdiction": "Select where you are",
    "age_group": "Select how old the person in the image is",
}
_PLACE_ERROR = re.compile(r"^locations\[(\d+)\]\.(\w+)$")


def _text(value) -> str:
    """Case data from a file or a hidden field, as form text. Anything odd becomes text too."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return ""
    if isinstance(value, (str, int, float)):
        return str(value)
    return ""


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def form_data_from_case(data) -> dict:
    """Return keyword data for CaseForm(data=...) from case data (trusted or not)."""
    data = _dict(data)
    requester = _dict(data.get("requester"))
    person = _dict(data.get("person"))
    concerns = _dict(data.get("concerns"))
    school = _dict(data.get("school"))
    age = person.get("age")
    under_18 = person.get("under_18")
    if isinstance(age, int) and not isinstance(age, bool):
        age_group = "known"
    elif under_18 is True:
        age_group = "under-18"
    elif under_18 is False:
        age_group = "adult"
    else:
        age_group = ""
    locations = data.get("locations")
    places = [_place_data(_dict(item))
              for item in (locations if isinstance(locations, list) else [])[:_MAX_FORM_PLACES]]
    return {
        "reference": _text(data.get("reference")),
        "role": _text(requester.get("role")),
        "jurisdiction": _text(data.get("jurisdiction")),
        "age_group": age_group,
        "age": _text(age) if age_group == "known" else "",
        "person_name": _text(person.get("name")),
        "person_school": _text(person.get("school")),
        **{key: concerns.get(key) is True for key in CONCERNS},
        "places": places or [{}],
        **{f"requester_{key}": _text(requester.get(key))
           for key in ("name", "email", "phone", "organisation", "address")},
        **{f"school_{key}": _text(school.get(key))
           for key in ("name", "contact_name", "address", "email")},
    }


def _place_data(item: dict) -> dict:
    place = {key: _text(item.get(key))
             for key in ("url", "platform", "description", "account", "first_seen")}
    if place["url"] and place["platform"] == _platform_of(place["url"]):
        # Worked out from the link, not chosen: leave the list free to follow a changed link.
        place["platform"] = ""
    return place


def _platform_of(url: str) -> str | None:
    if platforms.host_of(url) is None:
        return None
    found = platforms.identify(url)
    return found.slug if found else "other"


def case_form_from_data(data, **kwargs) -> CaseForm:
    """Return a CaseForm filled in from case data, ignoring the request's own form data."""
    return CaseForm(formdata=None, data=form_data_from_case(data), **kwargs)


def _place_is_blank(place: PlaceForm) -> bool:
    return not any(place[key].data for key in ("url", "platform", "description", "account",
                                               "first_seen"))


def _age(text: str):
    """A whole number when it looks like one; otherwise the text, for parse_case to refuse."""
    return int(text) if _AGE.match(text) else text


def case_data_from_form(form: CaseForm) -> tuple[dict, list[int]]:
    """Return case data for parse_case, and the form entry behind each location."""
    entries = [i for i, entry in enumerate(form.places.entries) if not _place_is_blank(entry.form)]
    person: dict = {"name": form.person_name.data, "school": form.person_school.data}
    age_text = form.age.data or ""
    if form.age_group.data == "known" or (not form.age_group.data and age_text):
        person["age"] = _age(age_text) if age_text else None
    elif form.age_group.data == "under-18":
        person["under_18"] = True
    elif form.age_group.data == "adult":
        person["under_18"] = False
    elif form.age_group.data:
        person["under_18"] = form.age_group.data  # not a choice we offer: parse_case refuses it
    data = {
        "schema": SCHEMA,
        "jurisdiction": form.jurisdiction.data or None,
        "requester": {"role": form.role.data or None,
                      **{key: form[f"requester_{key}"].data
                         for key in ("name", "email", "phone", "organisation", "address")}},
        "person": person,
        "concerns": {key: bool(form[key].data) for key in CONCERNS},
        "locations": [
            {key: form.places.entries[i].form[key].data
             for key in ("url", "platform", "description", "account", "first_seen")}
            for i in entries
        ],
        "school": {key: form[f"school_{key}"].data
                   for key in ("name", "contact_name", "address", "email")},
    }
    if form.reference.data:
        data["reference"] = form.reference.data
    return data, entries


def _label(field) -> str:
    return field.label.text.removesuffix(" (optional)")


def _message(field, message: str, place: int | None = None) -> str:
    """Turn a case rule's message into a sentence about this field."""
    if message[:1].isupper():
        text = message
    else:
        text = f"{_label(field)} {message}"
    return f"Place {place + 1}: {text[:1].lower()}{text[1:]}" if place is not None else text


def _field_for(form: CaseForm, error: FieldError, entries: list[int]):
    """Return the form field a case error belongs to, and the place number if any."""
    if error.field in _FIELDS:
        return form[_FIELDS[error.field]], None
    found = _PLACE_ERROR.match(error.field)
    if found and int(found.group(1)) < len(entries):
        index = entries[int(found.group(1))]
        place = form.places.entries[index].form
        key = found.group(2)
        return place[key] if key in place._fields else place.url, index
    if error.field == "locations" or error.field.startswith("locations"):
        return form.places.entries[0].form.url, None
    return None, None


def add_error(field, message: str) -> None:
    field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def case_from_form(form: CaseForm) -> Case | None:
    """Validate the form through parse_case; put any problems on their fields and return None."""
    data, entries = case_data_from_form(form)
    problems = []
    if form.age_group.data == "known" and not form.age.data:
        problems.append((form.age, "Enter their age, or choose “Under 18, age not known”"))
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
        field, place = _field_for(form, error, entries)
        if field is None:  # a rule about something the form does not ask; never expected
            field, place = form.places.entries[0].form.url, None
        message = error.message
        if field.type == "RadioField":  # an empty or unknown choice: ask for one of ours
            message = _SELECT[field.short_name]
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
        return parse_case(data), []
    except CaseInvalid as invalid:
        return None, invalid.errors


def error_list(form) -> list[tuple[str, str]]:
    """Return (anchor id, message) for every error on the form, in page order."""
    found = []

    def walk(fields):
        for field in fields:
            if field.type == "CSRFTokenField":
                continue
            if field.type == "FieldList":
                for entry in field.entries:
                    walk(entry.form)
                continue
            for message in field.errors if isinstance(field.errors, list) else []:
                found.append((anchor(field), message))

    walk(form)
    return found


def anchor(field) -> str:
    """The id an error links to: the field, or the first option of a set of radios."""
    return f"{field.id}-0" if field.type == "RadioField" else field.id


def case_json(case: Case) -> str:
    from takedown.case import case_to_dict

    return json.dumps(case_to_dict(case), ensure_ascii=False, separators=(",", ":"))


def places_count(form: CaseForm) -> int:
    return len(form.places.entries)
