"""What the letters after a report say: the follow-up, the next-step letter, the report log.

Built from the case's report log and ``now`` by ``takedown.deadlines``; the law they quote is
the ``says`` of the rule that applies, from ``data/law.toml``. Each is a letter kind in
``takedown.letterkinds``, which names the functions here; ``takedown.letters`` renders them
through the one letter pipeline. No Flask here.
"""

from __future__ import annotations

from datetime import datetime

from takedown import deadlines, jurisdictions, lettercontent, platforms
from takedown.case import CHANNELS, OUTCOMES, Case, FieldError
from takedown.lettercontent import Draft, recipient
from takedown.letterwork import MAX_ROWS, capped


def escalation_title(case: Case, slug: str | None = None) -> str:
    """The next-step letter's title, which says where it goes in the case's jurisdiction."""
    return jurisdictions.get(case.jurisdiction).escalation.title


def record_title(case: Case, slug: str | None = None) -> str:
    """The record's title: of every report, or of those about one platform's places."""
    if slug is not None:
        return f"Record of reports to {_name(slug)}, for the police or school"
    return "Record of reports, for the police or school"


def record_problems(case: Case, slug: str | None, now: datetime) -> list[FieldError]:
    """The record is of every report, or of one platform's when it has a report logged."""
    if slug is None or any(loc.reports for loc in case.locations_on(slug)):
        return []
    return [FieldError("platform", "has no report logged in this case")]


def records_by_platform(locations) -> list[str]:
    """The platforms to offer a record of their own reports: each with a report logged, in
    order, when the record of every report would leave some out (none otherwise)."""
    if sum(len(location.reports) for location in locations) <= MAX_ROWS:
        return []
    return list(dict.fromkeys(location.platform for location in locations
                              if location.reports))


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


def escalation_problems(case: Case, slug: str | None, now: datetime) -> list[FieldError]:
    """Why the next-step letter cannot be made: as for any letter quoting a report, and where
    the case's rule after a refusal names none (the IWF's record is for under-18s' images)."""
    problems = report_problems(case, slug, now)
    if problems:
        return problems
    rule = deadlines.rule_for(case, None, "refusal", platform=slug)
    if rule is None or rule.letter != "escalation":
        return [FieldError("platform", "has no next-step letter in this case: ask it to look "
                           "again, and see the next step on your progress page")]
    return []


def refused_problems(case: Case, slug: str | None, now: datetime) -> list[FieldError]:
    """Why the letter asking a platform to look again cannot be made: it answers a refusal."""
    problems = report_problems(case, slug, now)
    if problems:
        return problems
    if not any(step.state == "refused" for step in deadlines.next_steps(case, now)
               if step.location.platform == slug):
        return [FieldError("locations", "Log the platform's refusal first: this letter asks it "
                           "to look again at a report it turned down")]
    return []


def _report_rows(case: Case, now: datetime, when, slug: str | None = None) -> list[dict]:
    """The reports logged, place by place: about one platform's places when slug is given."""
    rows = []
    for step in deadlines.next_steps(case, now):
        if slug is not None and step.location.platform != slug:
            continue
        for report in step.location.reports:
            rows.append({"place": step.index + 1, "where": _name(step.location.platform),
                         "channel": CHANNELS[report.channel], "when": when(report.at),
                         "reference": report.reference, "outcome": OUTCOMES[report.outcome],
                         "outcome_at": when(report.outcome_at) if report.outcome_at else None})
    return rows


def _table(rows: list[dict]) -> dict:
    """At most MAX_ROWS rows, and how many were left out (the letter says so)."""
    shown, left_out = capped(rows)
    return {"rows": shown, "rows_left_out": left_out}


def _name(slug: str) -> str:
    return "Another website" if slug == "other" else platforms.get(slug).name


def log_entries(case: Case, now: datetime, when, slug: str | None = None) -> list[dict]:
    """Every report logged (about one platform's places when slug is given), oldest first,
    for the incident log: date, who, reference, outcome."""
    entries = []
    for location in case.locations if slug is None else case.locations_on(slug):
        for report in location.reports:
            outcome = OUTCOMES[report.outcome]
            if report.outcome_at:
                outcome = f"{outcome} ({when(report.outcome_at)})"
            entries.append({"at": report.at, "date": when(report.at),
                            "who": f"{_name(location.platform)}: {CHANNELS[report.channel]}",
                            "reference": report.reference or "", "outcome": outcome})
    return sorted(entries, key=lambda entry: entry["at"])


def record(draft: Draft) -> dict:
    """The record of reports, for the police or the school: its table is the incident log
    (``takedown.letters`` gathers it, one platform's when the record is)."""
    return {}


def follow_up(draft: Draft) -> dict:
    """The letter chasing a platform's answer, quoting the first report and the time passed."""
    return _after_report(draft, escalating=False)


def escalation(draft: Draft) -> dict:
    """The next-step letter, past the platform, when it refused or did not answer in time."""
    return _after_report(draft, escalating=True)


def _after_report(draft: Draft, escalating: bool) -> dict:
    case, slug, now = draft.case, draft.platform, draft.now
    when = deadlines.moment_words(case)
    where = jurisdictions.for_case(case)
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
        "route": where.escalation.route,
        # Who the next step goes to, the member's own where the case names one: the regulator
        # (a Digital Services Coordinator) and the hotline, with the member's name.
        "regulator": where.escalation.regulator,
        "hotline": where.remove.hotline,
        "member": where.member,
        "online_platform": platforms.get(slug).online_platform,
        "out_of_court": list(platforms.get(slug).out_of_court),
        # A follow-up lists its own platform's reports; the next-step letter, to a hotline or
        # regulator, every report. At most MAX_ROWS of them, saying how many more.
        **_table(_report_rows(case, now, when, None if escalating else slug)),
    }


def review(draft: Draft) -> dict:
    """The letter asking the platform to look again at a report it refused: that report (how,
    when, its reference, the answer), the law again, the time a law sets for it if one does,
    the platform's own complaint route for the family's region, and where the family goes next."""
    case, slug, now = draft.case, draft.platform, draft.now
    when = deadlines.moment_words(case)
    where = jurisdictions.for_case(case)
    platform = platforms.get(slug)
    step = next(s for s in deadlines.next_steps(case, now)
                if s.location.platform == slug and s.state == "refused")
    refused = step.report
    timed = deadlines.rule_for(case, refused, "report", to_platform=True, platform=slug)
    complaint = step.rule if step.rule and step.rule.online_platforms_only else None
    return {
        **lettercontent.platform_letter(draft),
        "restating": True,
        "refused": refused,
        "refused_channel": CHANNELS[refused.channel],
        "refused_at": when(refused.at),
        "refused_when": when(refused.outcome_at) if refused.outcome_at else None,
        "law_time": timed if timed and timed.basis == "law" else None,
        "appeal": platform.appeal_for(case.jurisdiction),
        "complaint": complaint,  # the DSA's Article 20, only where the platform is an online one
        "out_of_court": list(platform.out_of_court) if complaint else [],
        # After the complaint: the coordinator (the member's own where the case names one) and,
        # for an image of someone under 18, the hotline.
        "regulator": where.escalation.regulator,
        "member": where.member,
        "hotline": where.remove.hotline if case.person.under_18 else None,
        "next_routes": [service.name for service in step.routes
                        if not service.only_after or refused.channel in service.only_after],
        **_table(_report_rows(case, now, when, slug)),  # its own platform's reports
    }
