"""Every kind of letter, each declared once: its title, who may have it, where it is offered.

Adding a kind is one entry in ``KINDS`` plus its templates: ``letters/<slug>.html`` (the
letter on its own) and ``letters/_letters/<slug>.html`` (its body, which the pack includes
too), with the function that gathers what they need (in ``takedown.lettercontent``, or
``takedown.followups`` for letters made from the report log). ``takedown.letters``, the
command line, the API's document, the plan and the progress page all read this list, in
its order. No Flask here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from takedown import deadlines, followups, jurisdictions, lettercontent, platforms
from takedown.case import Case, FieldError, missing_for_letters
from takedown.lettercontent import Draft


@dataclass(frozen=True, slots=True)
class Who:
    """Who may have a letter: a test on the case, and the field and words when it fails."""

    allows: Callable[[Case], bool]
    field: str = ""
    words: str = ""


ANYONE = Who(lambda case: True)
UNDER_18 = Who(lambda case: case.person.under_18, "person.under_18",
               "only for a person under 18")


@dataclass(frozen=True, slots=True)
class LetterKind:
    """One kind of letter. Where a callable takes ``slug``, it is the letter's platform.

    ``title(case, slug)``: its title. ``content(draft)``: what its template needs (None for
    the pack, which holds the others). ``signed``: it needs the sender's name and a way to
    reply; ``needs(case)``: what an unsigned letter still asks of the sender.
    ``problems(case, slug, now)``: why it cannot be made for this platform (not given: a
    letter that takes no platform refuses one). ``platforms(case)``: given for a letter that
    takes a platform, the platforms this case has it for. ``who``: who may have it.
    ``file_part``: its file is ``takedown-<reference>-[<platform>-]<file_part>.pdf`` (None:
    the platform's slug alone). ``on_plan(case)``: the plan offers it. ``on_progress(place)``:
    the progress page offers it beside that place (a letter without a platform: once, when
    any place does), under ``button``. ``by_platform(locations)``: for a letter about the
    whole case, the platforms it is offered for one at a time too, each button naming one.
    ``in_pack(case, now)``: the platforms (``[None]`` for a letter without one) of the
    copies the pack holds.
    """

    slug: str
    title: Callable[[Case, str | None], str]
    content: Callable[[Draft], dict] | None
    signed: bool = True
    needs: Callable[[Case], list[FieldError]] | None = None
    problems: Callable[[Case, str | None, datetime], list[FieldError]] | None = None
    platforms: Callable[[Case], list[str]] | None = None
    who: Who = ANYONE
    from_log: bool = False
    file_part: str | None = None
    emailed: bool = False  # a platform's published report address can take it
    appeal_route: bool = False  # its send page shows the platform's own complaint route first
    to_next_step: bool = False  # its send page lists the services of the next step after a refusal
    on_plan: Callable[[Case], bool] | None = None
    on_progress: Callable[[deadlines.Progress], bool] | None = None
    button: str = ""
    by_platform: Callable[[list], list[str]] | None = None
    in_pack: Callable[[Case, datetime], list[str | None]] | None = None
    log_rows: int | None = None  # blank rows for the incident log it prints, if it prints one
    pack: bool = False  # the pack: the plan, every letter it holds, then the log

    @property
    def takes_platform(self) -> bool:
        return self.platforms is not None

    @property
    def template(self) -> str:
        return f"{self.slug}.html"


# --- who gets which letter -------------------------------------------------------------


def platform_letter_slugs(case: Case) -> list[str]:
    """Platforms a letter can work for: a place there has a link, an account or other detail;
    and the platform of an account threatening to share the image, named in the case (a
    letter about the account).

    Places on unknown websites ("other") go in the IWF record when the person is under 18,
    because an unknown site may be run by the people sharing the image; for an adult there is
    no IWF route, so they get a letter to the website's owner or host.
    """
    slugs = [slug for slug in case.platform_slugs
             if (slug != "other" or not case.person.under_18)
             and any(place.url or place.account or place.description
                     for place in case.locations_on(slug))]
    threat = lettercontent.threat_platform(case)
    return slugs + [threat] if threat and threat not in slugs else slugs


def iwf_can_assess(case: Case) -> bool:
    """The IWF record is for a family whose hotline it is (the declaration's record letter),
    and the IWF assesses links to public pages: not places with no link, nor private chats."""
    return hotline_record(case) and any(
        place.url and place.platform_entry.kind != "messaging" for place in case.locations)


def hotline_record(case: Case) -> bool:
    """True where the family's declaration gives its hotline the IWF's record letter."""
    return jurisdictions.for_case(case).remove.record == "iwf"


def _reported_platforms(case: Case) -> list[str]:
    """Platforms in the case with a report logged (a letter quoting it may be due)."""
    return [slug for slug in case.platform_slugs
            if slug != "other" and any(loc.reports for loc in case.locations_on(slug))]


def _refused_platforms(case: Case) -> list[str]:
    """Platforms in the case with a report logged whose latest answer may be a refusal."""
    return [slug for slug in _reported_platforms(case)
            if any(loc.reports and max(loc.reports, key=lambda r: r.at).outcome == "refused"
                   for loc in case.locations_on(slug))]


def _platform_problems(case: Case, slug: str | None, now: datetime) -> list[FieldError]:
    if slug is None:
        return [FieldError("platform", "Choose which platform the letter is for")]
    if platforms.get(slug) is None:
        return [FieldError("platform", "is not a platform we list")]
    if slug in platform_letter_slugs(case):
        return []
    if slug not in case.platform_slugs and slug == case.concerns.threat_platform:
        message = ("needs the name of the account making the threats first, so the platform "
                   "can find it")
    elif slug not in case.platform_slugs:
        message = "is not one of the places in this case"
    elif slug == "other" and case.person.under_18:
        hotline = jurisdictions.for_case(case).remove.hotline
        message = ("Places on other websites go in the record for the Internet Watch "
                   "Foundation" if hotline_record(case) else
                   f"Report places on other websites to {hotline.called}: your plan says how"
                   if hotline else
                   "Report places on other websites to the website: your plan says how")
    else:
        message = ("needs a link, an account name or a description of the place first, "
                   "so the platform can find it")
    return [FieldError("platform", message)]


def _iwf_problems(case: Case, slug: str | None, now: datetime) -> list[FieldError]:
    """The IWF record takes no platform, and is offered only where the IWF is the family's
    hotline (its declaration's record letter)."""
    errors = []
    if slug is not None:
        errors.append(FieldError("platform", "is only for platform letters, not a iwf letter"))
    if case.person.under_18 and not hotline_record(case):
        errors.append(FieldError("kind", "The record for the Internet Watch Foundation is not "
                                 "offered where you are: your plan names the hotline there"))
    return errors


def _due_follow_ups(case: Case, now: datetime) -> list[str]:
    return [slug for slug in deadlines.due_follow_ups(case, now)
            if not followups.report_problems(case, slug, now)]


# --- what the sender must give ---------------------------------------------------------

# Letters to platforms and the pack are signed and need a way to reply. The school letter is
# often handed over in person, so it needs only the sender's name. The IWF takes anonymous
# reports, so its record needs nothing.


def needs(kind: LetterKind, case: Case) -> list[FieldError]:
    """What the case lacks for this kind of letter (empty when the sender has given it)."""
    if kind.signed:
        return missing_for_letters(case)
    return kind.needs(case) if kind.needs else []


def _named(case: Case) -> list[FieldError]:
    if case.requester.name:
        return []
    return [FieldError("requester.name", "Enter your name: the school needs to know who wrote")]


# --- titles ----------------------------------------------------------------------------


def _platform_title(case: Case, slug: str | None) -> str:
    if slug == "other":
        return "Letter to the owner of another website"
    return f"Letter to {platforms.get(slug).name}"


def _school_title(case: Case, slug: str | None) -> str:
    if case.requester.role == "school":
        return "Record for the school's safeguarding file"
    return "Letter to the school"


def _school_offered(case: Case) -> bool:
    """A young person is offered the school letter only once a school is in the case, where
    the plan also tells them what the school will do (usually tell their parents)."""
    return case.requester.role != "young-person" or case.at_school


def _always(case: Case) -> bool:
    return True


def _once(case: Case, now: datetime) -> list[None]:
    return [None]


# --- the kinds, in the order they are listed, offered and packed -------------------------

KINDS: tuple[LetterKind, ...] = (
    LetterKind(
        slug="platform",
        title=_platform_title,
        content=lettercontent.platform_letter,
        problems=_platform_problems,
        platforms=platform_letter_slugs,
        emailed=True,
        on_plan=_always,
        in_pack=lambda case, now: platform_letter_slugs(case),
    ),
    LetterKind(
        slug="school",
        title=_school_title,
        content=lettercontent.school_letter,
        signed=False,
        needs=_named,
        who=UNDER_18,
        file_part="school",
        on_plan=_school_offered,
        in_pack=lambda case, now: [None] if _school_offered(case) else [],
    ),
    LetterKind(
        slug="iwf",
        title=lambda case, slug: "Record for the Internet Watch Foundation",
        content=lettercontent.iwf_record,
        signed=False,
        problems=_iwf_problems,
        who=UNDER_18,
        file_part="iwf",
        on_plan=iwf_can_assess,
        in_pack=lambda case, now: [None] if hotline_record(case) and case.locations else [],
    ),
    LetterKind(
        slug="pack",
        title=lambda case, slug: "Takedown pack",
        content=None,
        file_part="pack",
        on_plan=_always,
        log_rows=12,
        pack=True,
    ),
    LetterKind(
        slug="follow-up",
        title=lambda case, slug: f"Follow-up letter to {platforms.get(slug).name}",
        content=followups.follow_up,
        problems=followups.report_problems,
        platforms=_reported_platforms,
        from_log=True,
        file_part="follow-up",
        emailed=True,
        on_progress=lambda place: (place.letter == "follow-up" and place.first is not None
                                   and place.location.platform != "other"),
        button="Download the follow-up letter to {platform}",
        in_pack=_due_follow_ups,
    ),
    LetterKind(
        slug="review",
        title=lambda case, slug: f"Letter asking {platforms.get(slug).name} to look again",
        content=followups.review,
        problems=followups.refused_problems,
        platforms=_refused_platforms,
        from_log=True,
        file_part="review",
        emailed=True,
        appeal_route=True,
        on_progress=lambda place: (place.state == "refused"
                                   and place.location.platform != "other"),
        button="Download the letter asking {platform} to look again",
    ),
    LetterKind(
        slug="escalation",
        title=followups.escalation_title,
        content=followups.escalation,
        problems=followups.escalation_problems,
        to_next_step=True,
        platforms=_reported_platforms,
        from_log=True,
        file_part="escalation",
        on_progress=lambda place: (place.letter == "escalation"
                                   and place.location.platform != "other"),
        button="Download the next-step letter",
    ),
    LetterKind(
        slug="record",
        title=followups.record_title,
        content=followups.record,
        signed=False,
        problems=followups.record_problems,
        from_log=True,
        file_part="record",
        on_progress=lambda place: place.report is not None,
        button="Download the record of reports",
        # Of one platform's reports too, when the whole record would leave some out.
        by_platform=followups.records_by_platform,
        log_rows=8,
    ),
)
BY_SLUG = {kind.slug: kind for kind in KINDS}
SLUGS = tuple(BY_SLUG)


def get(slug: str) -> LetterKind | None:
    """The kind of letter with this slug, or None."""
    return BY_SLUG.get(slug)


def file_name(kind: LetterKind, reference: str, slug: str | None) -> str:
    """takedown-<reference>-[<platform>-]<part>.pdf: the one name a letter has everywhere."""
    platform = slug if kind.takes_platform or kind.by_platform else None
    part = "-".join(word for word in (platform, kind.file_part) if word) or kind.slug
    return f"takedown-{reference}-{part}.pdf"


# --- where the site offers them ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Offer:
    """A letter the progress page offers: its kind, its platform (if any), its button."""

    kind: str
    platform: str | None
    label: str


def place_letters(place: deadlines.Progress) -> list[Offer]:
    """The letters the progress page offers beside one place."""
    slug = place.location.platform
    return [Offer(kind.slug, slug, kind.button.format(platform=platforms.get(slug).name))
            for kind in KINDS
            if kind.takes_platform and kind.on_progress and kind.on_progress(place)]


def case_letters(places: tuple[deadlines.Progress, ...]) -> list[Offer]:
    """The letters about the whole case the progress page offers (once any place allows),
    each followed by its copies for one platform at a time, if it has them."""
    offers = []
    for kind in KINDS:
        if kind.takes_platform or not kind.on_progress or not any(
                kind.on_progress(place) for place in places):
            continue
        offers.append(Offer(kind.slug, None, kind.button))
        if kind.by_platform:
            offers += [Offer(kind.slug, slug, f"{kind.button} to {platforms.get(slug).name}")
                       for slug in kind.by_platform([place.location for place in places])]
    return offers


def deadline_letters() -> tuple[str, ...]:
    """The letters a deadline rule in law.toml may name as the next step for a place."""
    return tuple(kind.slug for kind in KINDS if kind.takes_platform and kind.on_progress)
