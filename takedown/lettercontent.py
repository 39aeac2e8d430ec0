"""What goes in each letter: the context its template is rendered with, from the case alone.

Each letter kind (``takedown.letterkinds``) names the function here (or in
``takedown.followups``, for the letters made from the report log) that gathers what its
template needs, from a ``Draft``: the case, the platform the letter is for, and when it is
written. Legal citations come only from ``data/law.toml`` (see ``takedown.law``). No Flask here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from takedown import ROOT, jurisdictions, law, platforms, services
from takedown.case import ROLES, Case


@dataclass(frozen=True, slots=True)
class Draft:
    """What one letter is written from: the case, its platform (if it takes one), and when."""

    case: Case
    platform: str | None
    today: date
    now: datetime


# The section of a platform letter that meets each element a law asks for, by the
# `where` key law.toml gives the element (see law.ELEMENT_PLACES).
ELEMENT_SECTIONS = {
    "who": "Section 1, who is writing",
    "location": "Section 2, where the image is",
    "reasons": "Sections 1 and 3: what the image is and the law",
    "good-faith": "Section 6, the statement of good faith",
    "sender": "Section 6, the sender's details",
    "signature": "The signature at the end of this letter",
}


@dataclass(frozen=True, slots=True)
class _Laws:
    """The laws one letter cites, grouped by the wording they trigger."""

    all: tuple[law.Law, ...]
    jurisdiction: str = ""

    def topic(self, *topics: str) -> list[law.Law]:
        return [item for item in self.all if item.topic in topics]

    def cites(self, *topics: str) -> str:
        """Return the citations of these topics as one phrase ("A, B and C")."""
        return and_list(_merge_sections([_cite(item.citation) for item in self.topic(*topics)]))

    def has(self, *topics: str) -> bool:
        return bool(self.topic(*topics))

    def said(self, topic: str) -> bool:
        """True when another law's own sentence already says what ``topic``'s would."""
        return any(item.in_place_of == topic for item in self.all if item.letter_says)

    def own(self, *topics: str) -> bool:
        """True when a law of these topics is the family's own jurisdiction's, not only one
        that reaches the platform where it is based."""
        return any(self.jurisdiction in item.jurisdictions for item in self.topic(*topics))

    def cites_after(self, topic: str, before: str) -> str:
        """Cite ``topic`` where the laws of ``before`` were just cited: "section 109" when both
        are sections of one Act, else the full citation."""
        said = {_SECTION.match(_cite(item.citation))["act"] for item in self.topic(before)
                if _SECTION.match(_cite(item.citation))}
        phrases = []
        for item in self.topic(topic):
            match = _SECTION.match(_cite(item.citation))
            phrases.append(f"section {match['number']}" if match and match["act"] in said
                           else _cite(item.citation))
        return and_list(phrases)

    def with_elements(self) -> list[dict]:
        return [
            {"law": item,
             "rows": [(element.text, ELEMENT_SECTIONS[element.where]) for element in item.elements]}
            for item in self.all if item.elements
        ]


def _cite(citation: str) -> str:
    """Return a citation ready for "under ...": "the TAKE IT DOWN Act", "18 U.S.C. § 2258A"."""
    first = citation.split()[0]
    return f"the {citation}" if len(first) > 1 and first.isupper() and first.isalpha() else citation


_SECTION = re.compile(r"^(?P<act>.+), section (?P<number>[^,()]+)$")


def _merge_sections(citations: list[str]) -> list[str]:
    """Cite each Act once: "OSA 2023, section 20" and "section 21" -> "sections 20 and 21".

    A citation without a section number is kept as it is.
    """
    groups: dict[str, list[str]] = {}  # citation or Act -> its section numbers, in first-seen order
    for citation in citations:
        match = _SECTION.match(citation)
        if match:
            groups.setdefault(match["act"], []).append(match["number"])
        else:
            groups.setdefault(citation, [])
    return [
        head if not numbers else f"{head}, section {numbers[0]}" if len(numbers) == 1
        else f"{head}, sections {and_list(numbers)}"
        for head, numbers in groups.items()
    ]


def and_list(items: list[str]) -> str:
    """"A", "A and B", "A, B and C"."""
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def recipient(case: Case, platform: platforms.Platform) -> dict:
    """Who a platform letter is addressed to: the company its terms name for the family's region.

    Never another region's company: where none is named for them, the trust and safety team,
    with no company name (the letter's note says so).
    """
    if platform.slug == "other":
        return {"name": "The owner or host of the website", "address": None, "known": True}
    entity = platform.entity_for(case.jurisdiction)
    if entity is None:
        return {"name": f"{platform.name} — trust and safety team", "address": None,
                "known": False}
    return {"name": entity.name, "address": entity.address, "known": True}


def base_context(case: Case, today: date) -> dict:
    """What every letter's template has: the case, the sender, the date and the paper."""
    where = jurisdictions.for_case(case)
    style = where.letters
    role_label = ROLES[case.requester.role]
    if case.requester.role == "parent":
        role_label = style.parent.capitalize()
    return {
        "case": case,
        "reference": case.reference,
        "today": style.long_date(today),
        "paper": style.paper,
        "lang": style.lang,
        "words": style,
        "school_words": where.school,
        "under_18": case.person.under_18,
        "jurisdiction_name": where.name,
        "the_place": where.the_name,
        "role": case.requester.role,
        "role_label": role_label,
        "sender": case.requester,
        "long_date": lambda value: style.long_date(value) if value else None,
    }


def _legal_order(case: Case) -> list[str]:
    """The blocks of law a platform letter holds (letters/_legal/<group>.html, one for each
    jurisdictions' group that has one): the family's own first, then the others, which cite
    only laws on providers, as additions."""
    own = jurisdictions.get(case.jurisdiction).group.slug
    blocks = [group for group in jurisdictions.groups()
              if (ROOT / "letters" / "_legal" / f"{group}.html").exists()]
    first = [own] if own in blocks else []
    return first + [group for group in blocks if group != own]


def threat_platform(case: Case) -> str | None:
    """The platform of the account threatening to share the image, when a letter about that
    account can be written to it: threats ticked, the account named, a platform we list."""
    slug = case.concerns.threat_platform
    if case.concerns.threats and case.concerns.threat_account and slug and slug != "other":
        return slug
    return None


def fake_laws(case: Case) -> list[law.Law]:
    """The family's own law on images made or altered to look real: only for a fake image."""
    if not case.concerns.fake:
        return []
    return [item for item in law.laws_for(case.jurisdiction, case.person.under_18, fake=True)
            if item.topic == "fake-image"]


def platform_letter(draft: Draft) -> dict:
    """A letter to one platform: where the image is there, and the law it breaks."""
    case, slug = draft.case, draft.platform
    platform = platforms.get(slug)
    home = platform.provider_home
    chosen = law.laws_for(case.jurisdiction, case.person.under_18, home.slug if home else None,
                          draft.today, to_provider=True, fake=case.concerns.fake)
    chosen = [item for item in chosen if item.topic not in law.AFTER_A_REFUSAL]
    places = case.locations_on(slug)
    # No place there, only the account making threats: a letter about the account, which
    # cites no law on removing an image it does not say is there.
    about_account = not places and slug == threat_platform(case)
    if about_account:
        chosen = []
    if platform.dsa_notice == "none":  # a private messaging service or a search engine
        chosen = [item for item in chosen if item.topic != "dsa-art-16"]
    return {
        "platform": platform,
        "platform_name": "the website" if slug == "other" else platform.name,
        "recipient": recipient(case, platform),
        "places": places,
        "about_account": about_account,
        "laws": _Laws(tuple(chosen), case.jurisdiction),
        "provider_home": home is not None,
        "legal_order": _legal_order(case),
        "dsa_notice": platform.dsa_notice,
        "restating": False,  # the letter asking it to look again says the law without a notice
    }


def iwf_record(draft: Draft) -> dict:
    """The record for the Internet Watch Foundation: every place, and the platforms tried."""
    case = draft.case
    iwf = services.get("iwf")
    tried = [{"name": platforms.get(slug).name, "slug": slug}
             for slug in case.platform_slugs if slug != "other"]
    return {"places": list(case.locations),
            "tried": tried, "iwf_url": iwf.url if iwf else None,
            "iwf_anonymous": bool(iwf and iwf.anonymous)}


def _school_guidance(case: Case) -> dict:
    """The guidance a school letter asks the school to follow: the one schools follow where
    the family lives (its declaration), never another nation's."""
    guidance = jurisdictions.for_case(case).school.guidance
    if guidance is None:
        return {"name": None, "publisher": None}
    return {"name": guidance.title, "publisher": guidance.publisher}


def school_letter(draft: Draft) -> dict:
    """The letter to the school, or the safeguarding lead's record when school staff write."""
    case = draft.case
    names = [platforms.get(slug).name if slug != "other" else "other websites"
             for slug in case.platform_slugs]
    school = case.school
    route = jurisdictions.for_case(case).child_route
    return {"school": school,
            "school_name": (school.name if school and school.name else case.person.school),
            "places": list(case.locations), "platform_names": and_list(names),
            "guidance": _school_guidance(case),
            "fake_guidance": (jurisdictions.for_case(case).school.fake_guidance
                              if case.concerns.fake else ()),
            "child_route": route.name if route else None}
