"""Turn the directory and plan dataclasses into JSON-ready data. No Flask here.

Every sourced fact carries its evidence inline, as ``"source"`` (the address it
was checked against), ``"source_kind"`` (``primary`` or ``secondary``),
``"last_checked"`` (``YYYY-MM-DD``, the day it was read), and the copy read where it was
one: ``"read_in_copy"`` (its address), ``"source_date"`` (its own date) and, for a secondary
source, ``"why_secondary"``. Optional values are
present as ``null`` rather than missing, so each object always has the same keys.
"""

from __future__ import annotations

from takedown.case import Location
from takedown.declare import to_data
from takedown.letters import LetterOption
from takedown.plan import Link, Plan, Section, Step
from takedown.platforms import Entity, HashList, Note, Platform, Source, Steps, WebForm


def source_to_dict(source: Source) -> dict:
    return {"source": source.url, "source_kind": source.kind,
            "last_checked": source.last_checked.isoformat(), "read_in_copy": source.via,
            "source_date": source.source_date.isoformat() if source.source_date else None,
            "why_secondary": source.why_secondary}


def _steps(steps: Steps | None) -> dict | None:
    if steps is None:
        return None
    return {"title": steps.title, "steps": list(steps.steps), **source_to_dict(steps.source)}


def _web_form(form: WebForm) -> dict:
    return {"title": form.title, "url": form.url, "account_needed": form.account_needed,
            "audiences": list(form.audiences), **source_to_dict(form.source)}


def _entity(entity: Entity) -> dict:
    return {"name": entity.name, "address": entity.address, "serves": list(entity.serves),
            **source_to_dict(entity.source)}


def _hash_list(item: HashList) -> dict:
    return {"name": item.name, "title": item.title, "participates": item.participates,
            **source_to_dict(item.source)}


def _note(note: Note) -> dict:
    return {"text": note.text, **source_to_dict(note.source)}


def platform_summary(platform: Platform) -> dict:
    """The short form used in the list of platforms."""
    checked = platform.last_checked
    return {
        "slug": platform.slug,
        "name": platform.name,
        "kind": platform.kind,
        "summary": platform.summary,
        "last_checked": checked.isoformat() if checked else None,
    }


def platform_to_dict(platform: Platform) -> dict:
    """The whole directory entry, every fact with its source and date."""
    domains = None
    if platform.domains_source is not None:
        domains = {"domains": list(platform.domains), "hosts": list(platform.hosts),
                   **source_to_dict(platform.domains_source)}
    return {
        **platform_summary(platform),
        "domains": domains,
        "in_app": _steps(platform.in_app),
        "web_forms": [_web_form(f) for f in platform.web_forms],
        "after_report": _steps(platform.after_report),
        "entities": [_entity(e) for e in platform.entities],
        "hash_lists": [_hash_list(h) for h in platform.hash_lists],
        "notes": [_note(n) for n in platform.notes],
    }


def location_to_dict(location: Location) -> dict:
    """A place where the image is, as in the case file, with null for what was not given."""
    return to_data(location, every_key=True)


def _link(link: Link) -> dict:
    return {"label": link.label, "url": link.url}


def step_to_dict(step: Step) -> dict:
    return {
        "id": step.id,
        "title": step.title,
        "body": list(step.body),
        "items_title": step.items_title,
        "items": list(step.items),
        "links": [_link(link) for link in step.links],
        "places": [location_to_dict(place) for place in step.places],
        "platform": step.platform,
        "phone": step.phone,
    }


def section_to_dict(section: Section) -> dict:
    return {"id": section.id, "title": section.title,
            "steps": [step_to_dict(step) for step in section.steps]}


def letter_option_to_dict(option: LetterOption) -> dict:
    return {"kind": option.kind, "platform": option.platform, "title": option.title}


def plan_to_dict(plan: Plan, letters: list[LetterOption]) -> dict:
    """The action plan: sections and steps in the order to do them, and its letters."""
    return {
        "reference": plan.reference,
        "urgent": plan.urgent,
        "sections": [section_to_dict(section) for section in plan.sections],
        "letters": [letter_option_to_dict(option) for option in letters],
    }


def progress_to_dict(step) -> dict:
    """One place's progress (takedown.deadlines.Progress) as JSON-ready data, times ISO 8601."""
    rule = step.rule
    return {
        "place": step.index,
        "platform": step.location.platform,
        "state": step.state,
        "due_at": step.due_at.isoformat() if step.due_at else None,
        "hours_passed": step.hours_passed,
        "hours_left": step.hours_left,
        "next_step": step.next_step,
        "rule": None if rule is None else {
            "slug": rule.slug, "basis": rule.basis, "says": rule.says,
            "source": rule.source.url, "last_checked": rule.source.last_checked.isoformat()},
        "letter": step.letter,
        "routes": [{"slug": s.slug, "name": s.name, "url": s.url} for s in step.routes],
    }
