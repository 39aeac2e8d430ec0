"""What the letters after a report say: the follow-up, the next-step letter, the report log.

Built from the case's report log and ``now`` by ``takedown.deadlines``; the law they quote is
the ``says`` of the rule that applies, from ``data/law.toml``. Each is a letter kind in
``takedown.letterkinds``, which names the functions here; ``takedown.letters`` renders them
through the one letter pipeline. No Flask here.
"""

from __future__ import annotations

from datetime import datetime

from takedown import deadlines, jurisdictions, platforms
from takedown.case import CHANNELS, OUTCOMES, Case, FieldError
from takedown.lettercontent import Draft, recipient


def escalation_title(case: Case, slug: str | None = None) -> str:
    """The next-step letter's title, which says where it goes in the case's jurisdiction
    (and, where that differs, whether the provider is an online platform)."""
    escalation = jurisdictions.get(case.jurisdiction).escalation
    if escalation.title_not_an_online_platform and not (
            slug and platforms.get(slug).online_platform):
        return escalation.title_not_an_online_platform
    return escalation.title


def record_problems(case: Case, slug: str | None, now: datetime) -> list[FieldError]:
    """The record of reports is about the whole case, never one platform."""
    return ([FieldError("platform", "is only for platform letters, not a record")]
            if slug is not None else [])


def report_problems(case: Case, slug: str | None, now: datetime) -> list[FieldError]:
    """Why a letter quoting the report to this platform cannot be made (empty when it can)."""
    if slug is None:
        return [FieldError("platform", "Choose which platform the letter is for")]
    if platforms.get(slug) is None:
        return [FieldError("platform", "is not a platform we list")]
    if slug == "other" or slug not in case.platform_slugs:
        return [FieldError("platform", "is not one of the places in this case")]
    steps = [step for step in deadlines.next_steps(case, now) if step.location.platform == slug]
    if not any(step.first for step in steps):
        return [FieldError("locations", "Log the report you made to the platform first: "
                           "the letter quotes it")]
    return []


def _report_rows(case: Case, now: datetime, when) -> list[dict]:
    rows = []
    for step in deadlines.next_steps(case, now):
        for report in step.location.reports:
            rows.append({"place": step.index + 1, "where": _name(step.location.platform),
                         "channel": CHANNELS[report.channel], "when": when(report.at),
                         "reference": report.reference, "outcome": OUTCOMES[report.outcome],
                         "outcome_at": when(report.outcome_at) if report.outcome_at else None})
    return rows


def _name(slug: str) -> str:
    return "Another website" if slug == "other" else platforms.get(slug).name


def log_entries(case: Case, now: datetime, when) -> list[dict]:
    """Every report logged, oldest first, for the incident log: date, who, reference, outcome."""
    entries = []
    for location in case.locations:
        for report in location.reports:
            outcome = OUTCOMES[report.outcome]
            if report.outcome_at:
                outcome = f"{outcome} ({when(report.outcome_at)})"
            entries.append({"at": report.at, "date": when(report.at),
                            "who": f"{_name(location.platform)}: {CHANNELS[report.channel]}",
                            "reference": report.reference or "", "outcome": outcome})
    return sorted(entries, key=lambda entry: entry["at"])


def record(draft: Draft) -> dict:
    """The record of every report logged, for the police or the school."""
    when = deadlines.moment_words(draft.case)
    return {"rows": _report_rows(draft.case, draft.now, when)}


def follow_up(draft: Draft) -> dict:
    """The letter chasing a platform's answer, quoting the first report and the time passed."""
    return _after_report(draft, escalating=False)


def escalation(draft: Draft) -> dict:
    """The next-step letter, past the platform, when it refused or did not answer in time."""
    return _after_report(draft, escalating=True)


def _after_report(draft: Draft, escalating: bool) -> dict:
    case, slug, now = draft.case, draft.platform, draft.now
    when = deadlines.moment_words(case)
    steps = [step for step in deadlines.next_steps(case, now) if step.location.platform == slug]
    step = next((s for s in steps if s.first), steps[0])
    first = step.first
    refused = [s for s in steps if s.state == "refused"]
    if escalating:
        rule = refused[0].rule if refused else deadlines.rule_for(case, step.report, "refusal",
                                                                     platform=slug)
    else:
        rule = deadlines.rule_for(case, first, "report", to_platform=True,
                                   platform=slug)
    return {
        "platform": platforms.get(slug),
        "recipient": recipient(case, platforms.get(slug)),
        "platform_name": platforms.get(slug).name,
        "places": [s.location for s in steps],
        "first": first,
        "first_channel": CHANNELS[first.channel],
        "first_when": when(first.at),
        "hours_passed": deadlines.hours_between(first.at, now),
        "latest": step.report,
        "latest_outcome": OUTCOMES[step.report.outcome],
        "latest_when": when(step.report.outcome_at) if step.report.outcome_at else None,
        "rule": rule,
        "due_when": when(step.due_at) if step.due_at else None,
        "routes": list(step.routes) or list(deadlines.routes_for(rule, case)),
        "route": jurisdictions.get(case.jurisdiction).escalation.route,
        "online_platform": platforms.get(slug).online_platform,
        "out_of_court": list(platforms.get(slug).out_of_court),
        "rows": _report_rows(case, now, when),
    }
