"""The action plan: an ordered, de-duplicated list of steps made from a case.

``make_plan`` is a pure function of the case and the data files: no Flask, no
clock, no network. Urgent steps come first when the case flags danger, threats
or an adult's involvement; "what not to do" is always there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from takedown import jurisdictions, law, platforms, services, urgent
from takedown.case import Case, Location


@dataclass(frozen=True, slots=True)
class Link:
    label: str
    url: str


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    body: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    items: tuple[str, ...] = ()
    places: tuple[Location, ...] = ()
    platform: str | None = None
    phone: str | None = None
    items_title: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    id: str
    title: str
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class Plan:
    reference: str
    urgent: bool
    sections: tuple[Section, ...]

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)



def _service_step(step_id: str, title: str, *body: str, service: str | None) -> Step:
    """A step that points to a service, with its link and phone only when confirmed."""
    service = services.get(service) if service else None
    if service is None:
        return Step(step_id, title, body)
    links = () if service.phone_only else (Link(service.name, service.url),)
    return Step(step_id, title, body, links, phone=service.phone)


def _region(case: Case) -> str:
    return "uk" if case.in_uk else case.jurisdiction


def reader(case: Case) -> str:
    """Who the plan speaks to: "you" (the person in the image), "parent" or "staff"."""
    role = case.requester.role
    return {"young-person": "you", "parent": "parent"}.get(role, "staff")


def the_person(case: Case) -> str:
    """How the plan names the person in the image: never "young person" for an adult."""
    if reader(case) == "you":
        return "you"
    if not case.person.under_18:
        return "the person in the image"
    return "your child" if reader(case) == "parent" else "the young person"


def make_plan(case: Case) -> Plan:
    """Return the action plan for a case, in the voice of whoever is reading it."""
    support = ("Support for you" if reader(case) == "you" or not case.person.under_18
               else f"Support for you and {the_person(case)}")
    sections = [
        Section("urgent", "Do this now", tuple(_urgent_steps(case))),
        Section("first", _first_title(case), tuple(_first_steps(case) + _fake_steps(case))),
        Section("not-to-do", "What not to do", tuple(_not_to_do(case))),
        Section("report", "Report it where it appears",
                tuple(_report_remove_first(case) + _platform_steps(case))),
        Section("stop-sharing", f"Stop it being shared{_again(case)}",
                tuple(_hash_steps(case))),
        Section("school", "The school", tuple(_school_steps(case))),
        Section("support", support, tuple(_support_steps(case))),
    ]
    # A step can be called for twice (the Revenge Porn Helpline to stop sharing and for
    # support, say): keep it where it first comes, and leave out sections left empty.
    seen: set[str] = set()
    kept = []
    for section in sections:
        fresh = []
        for step in section.steps:
            if step.id not in seen:
                seen.add(step.id)
                fresh.append(step)
        if fresh:
            kept.append(replace(section, steps=tuple(fresh)))
    return Plan(case.reference, case.concerns.any_urgent, tuple(kept))


def _urgent_steps(case: Case) -> list[Step]:
    steps: list[Step] = []
    region = _region(case)
    concerns = case.concerns
    if concerns.immediate_danger:
        number = jurisdictions.get(case.jurisdiction).emergency.phone
        steps.append(Step(
            "call-emergency", f"Call {number} now",
            (f"If anyone is in immediate danger, call the police on {number}. "
             "You can come back to the rest of this plan afterwards.",),
            phone=number,
        ))
    if concerns.threats:
        advice = urgent.threat_advice(reader(case))
        # "Not your fault" first for the person in the image; then what to do.
        body = (advice[-1], *advice[:-1]) if reader(case) == "you" else advice
        account_steps = _threat_account_steps(case)
        if concerns.threat_account and not account_steps:
            body += (f"The account making the threats: {concerns.threat_account}. Report this "
                     "account in the app too.",)
        steps.append(Step("sextortion-dont-pay", "Do not pay, even if you have paid before, "
                          "and do not send anything more", body))
        steps.extend(account_steps)
    # Childline first for the young person; for an adult reader, the report first.
    crisis = _crisis_steps(case) if concerns.threats else []
    if reader(case) == "you":
        steps.extend(crisis)
    if concerns.threats or concerns.adult_involved:
        steps.extend(step for step in _report_abuse_steps(case, region) if step)
    if reader(case) != "you":
        steps.extend(crisis)
    return steps


def _threat_account_steps(case: Case) -> list[Step]:
    """Report the account making the threats, and its messages, on the platform it uses: the
    directory's steps for accounts and conversations (never a post's)."""
    slug = case.concerns.threat_platform
    platform = platforms.get(slug) if slug and slug != "other" else None
    account = case.concerns.threat_account
    first = "Take your screenshots first, then report and block."
    named = (f"The account: {account}.",) if account else ()
    if platform is None:
        if not case.nothing_posted:
            return []
        return [Step("report-threat-account", "Report the account in the app it messaged from", (
            *named, "Open its profile or the chat, look for Report, and say it is threatening to "
            "share a sexual image. Then block it.", first))]
    steps = []
    for part, what, reporting in (("account", "the account", platform.report_account),
                                  ("messages", "the messages", platform.report_conversation)):
        if reporting is None:
            continue
        body = (*(named if part == "account" else ()),
                *((first,) if not steps else ()),
                *((reporting.content_note,) if reporting.content_note else ()))
        steps.append(Step(
            f"report-threat-{part}", f"Report {what} on {platform.name}", body,
            links=(Link(reporting.title, reporting.help_page),) if reporting.help_page else (),
            items=reporting.steps, items_title=reporting.title if reporting.steps else None))
    if not steps:
        steps.append(Step("report-threat-account", f"Report the account on {platform.name}", (
            *named, f"Look for a Report option on its profile or in the chat on {platform.name}, "
            "and say it is threatening to share a sexual image. Then block it.", first)))
    return steps


def _crisis_steps(case: Case) -> list[Step]:
    """Threats carry a risk of self-harm: a line to talk to now, for the child and the adult."""
    if not case.in_uk:
        return []
    steps = []
    if case.person.under_18:
        steps.append(_service_step(
            "childline",
            "Talk to Childline, any time" if reader(case) == "you" else
            f"Childline, for {the_person(case)}",
            ("Free and confidential, by phone or online chat, day or night. If you feel you "
             "cannot cope or might hurt yourself, call them now, or 999 if you are in danger."
             if reader(case) == "you" else
             "Being threatened like this is frightening, and some young people feel they "
             "cannot cope. Childline is free and confidential, by phone or online chat, day or "
             "night. If you think they might hurt themselves, call 999."),
            service="childline"))
    if reader(case) != "you" or not case.person.under_18:
        steps.append(_service_step(
            "samaritans", "Samaritans, if you are struggling",
            "Free and confidential, by phone at any time of the day or night, for anyone who "
            "is finding it hard to cope.", service="samaritans"))
    return steps


def _first_title(case: Case) -> str:
    return {"you": "You are not in trouble", "parent": "Before anything else"}.get(
        reader(case), "Your procedures")


def _first_steps(case: Case) -> list[Step]:
    """What the reader needs to hear before the steps: said to them, in their role."""
    if reader(case) == "you":
        steps = [Step("not-your-fault", "This is not your fault", (
            "Whatever happened before it was shared, you do not deserve this, and you are not "
            "in trouble for asking for help. It can be sorted out, and you do not have to do "
            "it alone.",
            "Tell an adult you trust if you can: a parent or carer, a teacher, or another "
            "adult you feel safe with. They can help you with every step here."))]
        if case.in_uk and case.person.under_18:
            steps.append(_service_step(
                "childline", "Talk to Childline, any time",
                "Free and confidential, by phone or online chat, day or night, for anyone "
                "under 19. You can talk to them about any of this.", service="childline"))
        return steps
    if reader(case) == "parent":
        child = "your child" if case.person.under_18 else "them"
        return [Step("talk-to-your-child", "Stay calm, talk, and make a plan together", (
            "Stay calm. It can help to talk to someone who will listen and support you first, "
            "such as a partner, a close friend or a family member.",
            f"When you feel calm enough, talk to {child}. Try to understand it from their point "
            "of view, and make sure they know you are not angry and do not blame them: they "
            "are probably feeling very anxious.",
            "Then make a plan together, using this page. Let them choose what they can, such "
            "as who else is told."))]
    if not case.person.under_18:
        return []
    body = ["Follow your organisation's child protection procedures, and tell your designated "
            "safeguarding lead or nominated child protection lead today."]
    if case.concerns.adult_involved and case.in_uk:
        body.append("An adult is involved: the schools' guidance on sharing nudes says this "
                    "is child sexual abuse and must be referred to the police as a matter of "
                    "urgency, not handled by the school alone.")
    if case.requester.role == "caseworker":
        body.append("If the young person is at school, their school's designated safeguarding "
                    "lead needs to know so the school can support them and deal with any "
                    "sharing among pupils.")
    return [_service_step("your-procedures", "Follow your safeguarding procedures today", *body,
                          service=_school_guidance(case) if case.concerns.adult_involved
                          else None)]


def _fake_steps(case: Case) -> list[Step]:
    """A fake image is dealt with as a real one: said plainly, with no more law than the
    family's own place has (its fake-image law, from the law file)."""
    if not case.concerns.fake:
        return []
    you = reader(case) == "you"
    under_18 = case.person.under_18
    covered = any(item.topic == "fake-image"
                  for item in law.laws_for(case.jurisdiction, under_18, fake=True))
    like = "you" if you else ("someone under 18" if under_18 else "someone")
    if covered and under_18:
        law_says = (f" Sharing a sexual image made to look like {like} is against the law where "
                    "you are, as it is for a real one.")
    elif covered:
        law_says = (f" Sharing a sexual image made to look like {like} without their consent can "
                    "be a crime where you are, as it can for a real one.")
    else:
        law_says = ""
    body = [f"It does not matter that it is fake.{law_says} It can be reported and removed in "
            "the same ways as a real one, and nobody needs to prove whether it is real."]
    if you:
        body.append("You have done nothing wrong.")
    # Childline, Ask Sam, "What do I do if there's someone faking nudes of me?" (read
    # 2026-12-07): Report Remove helps "whether real or faked".
    if under_18 and case.in_uk:
        body.append("Report Remove, from Childline and the IWF, helps with images whether they "
                    "are real or faked.")
    return [Step("fake-like-real", "A fake image is dealt with like a real one", tuple(body))]


def _report_remove_first(case: Case) -> list[Step]:
    """For a young person in the UK, Report Remove comes first: the tool made for them."""
    if reader(case) != "you" or not (case.in_uk and case.person.under_18):
        return []
    return [_report_remove(case)]


def _report_remove(case: Case) -> Step:
    if reader(case) == "you":
        return _service_step(
            "report-remove", "Use Report Remove: it is made for you",
            "Childline and the Internet Watch Foundation (IWF) run Report Remove for under-18s "
            "who want a nude image of themselves taken down.",
            "Everywhere else this page says never send the image to anyone. Report Remove is "
            "the one exception, and it is safe: the image goes only to the IWF, whose trained "
            "analysts are allowed by law to look at it so they can get it removed. It is not "
            "sent to the police, your school or your parents, and you will not get in trouble.",
            "You make a Childline account (you do not need to use your real name), and "
            "Childline tells you through it what happened.",
            service="report-remove")
    return _service_step(
        "report-remove", f"Use Report Remove ({the_person(case)} makes the report, with your "
        "support)",
        "Childline and the IWF run Report Remove for under-18s who want a nude image of "
        f"themselves taken down. {the_person(case)[:1].upper()}{the_person(case)[1:]} makes "
        "the report themselves, with an adult they trust beside them if they want, and "
        "Childline tells them what happened. It is the one safe way to send the image: it "
        "goes only to the IWF's analysts. You should not look at it.",
        service="report-remove")


def _report_abuse_steps(case: Case, region: str) -> list[Step]:
    who = {(True, True): "An adult is involved and someone is making threats",
           (True, False): "An adult is involved",
           (False, True): "Someone is making threats"}[
        (case.concerns.adult_involved, case.concerns.threats)]
    why = f"{who}, so this needs specialist help as well as removal."
    if region == "uk":
        if not case.person.under_18:
            return [_service_step(
                "report-police-uk", "Report it to the police",
                "Call 101, or 999 in an emergency. Sharing or threatening to share intimate "
                "images without consent is a crime.", service="police-101")]
        # The NCA's advice (urgent.py's sources): "call 101 or 999" and the CEOP Safety Centre.
        return [_service_step(
            "report-ceop", "Report it to CEOP, the National Crime Agency's child protection team",
            why, "CEOP cannot take anonymous reports: a child protection adviser will contact "
            "you. If you would rather talk first, call the NSPCC helpline.", service="ceop"),
            _service_step("report-police-uk", "Report it to the police on 101",
                          "Call 101 to tell the police, or 999 in an emergency.",
                          service="police-101")]
    if region == "us":
        return [
            _service_step("report-cybertipline", "Report it to the NCMEC CyberTipline", why,
                          service="ncmec-cybertipline"),
            _service_step("report-fbi", "Report it to the FBI",
                          "The FBI investigates sextortion and online exploitation of children.",
                          service="fbi"),
        ]
    if region == "australia":
        return [
            _service_step("report-accce", "Report it to the ACCCE",
                          why + " The Australian Centre to Counter Child Exploitation takes "
                          "reports of online child sexual exploitation, including sextortion.",
                          service="accce")
            if case.person.under_18 else None,
            _service_step("report-esafety", "Report it to eSafety",
                          "The eSafety Commissioner can help get images removed and can order "
                          "platforms to take them down.", service="esafety"),
        ]
    return [Step("report-police-local", "Report it to the police where you live",
                 (why + " Use the police's non-emergency number or online reporting.",))]


def _not_to_do(case: Case) -> list[Step]:
    young = reader(case) == "you"
    child = case.person.under_18
    if young:
        copy = ("Do not send it to anyone, and ask anyone who has it to delete it rather than "
                "send it on: every copy is another one that could spread. You never need the "
                "image to get it removed: the link and the account name are enough."
                + (" The one exception is Report Remove, above." if child and case.in_uk
                   else ""))
    elif child:
        copy = ("Copying or sending on a sexual image of someone under 18 can itself be a crime, "
                "even when you are trying to help, and every copy is another one that could "
                "spread. You never need the image to get it removed: the link and the account "
                "name are enough. Screenshots of threatening messages or of an account's "
                "profile, with no image in shot, are fine and useful.")
    else:
        copy = ("Every copy is another one that could spread. You do not need the image to "
                "report it: the link and the account name are enough.")
    steps = [Step("dont-copy", "Do not screenshot, download, forward or ask to see the image",
                  (copy,))]
    if not young:
        steps.append(Step(
            "dont-blame", f"Do not confront or blame {the_person(case)}",
            ("They are probably feeling frightened and ashamed. Stay calm, listen, and tell them "
             "you are not angry and that you will help sort this out together.",),
        ))
    leave_to = ("the platform or the police, following your procedures if the person who shared "
                "it is a pupil" if case.requester.role == "school"
                else "the platform, the school or the police")
    if not case.nothing_posted:  # nothing shared yet: "stop replying" says it, above
        steps.append(Step(
            "dont-confront-sharer", "Do not contact the person who shared it",
            ("Confronting them can lead them to share it more widely or delete evidence. "
             f"Leave that to {leave_to}.",),
        ))
    steps.append(Step(
        "keep-notes", "Keep notes instead",
        ("Write down each link, the account names, the dates you saw it and every report you make, "
         "with any reference number. The case file and letters from this site do this for you.",),
    ))
    return steps


def _platform_steps(case: Case) -> list[Step]:
    steps = []
    for slug in case.platform_slugs:
        platform = platforms.get(slug)
        places = tuple(case.locations_on(slug))
        if slug == "other":
            steps.append(_unknown_site_step(case, places))
            continue
        forms = [f for f in platform.web_forms
                 if ("under-18" if case.person.under_18 else "adult") in f.audiences]
        links = tuple(Link(f.title, f.url) for f in forms)
        in_app = platform.in_app
        body = _find_first(case, places) + _vanishing(places) + _law_notes(case) + (
            () if in_app or links else (
                "Look for a 'Report' option next to the post, message or profile, and report "
                "the link to the organisations below too.",))
        title = f"{'Report it' if platform.takes_reports else 'What you can do'} on {platform.name}"
        steps.append(Step(f"platform-{slug}", title, body, links,
                          items=in_app.steps if in_app else (),
                          items_title=in_app.title if in_app else None,
                          places=places, platform=slug))
    return steps


def _find_first(case: Case, places: tuple[Location, ...]) -> tuple[str, ...]:
    """A place with no link, account or other detail: what to find first, without the image."""
    if any(place.url or place.account or place.description for place in places):
        return ()
    who = ("Report it from your own phone, in the app, where you saw it"
           if reader(case) == "you" else
           f"{the_person(case)[:1].upper()}{the_person(case)[1:]} can report it from their own "
           "phone, in the app, where they saw it" if case.person.under_18 else
           "The person in the image can report it from their own phone, in the app")
    return (f"First find the account name or the link: a letter cannot work without one. Do "
            f"not open the image to find it. {who}; the name of the account that posted it is "
            "enough for a letter.",)


def _vanishing(places: tuple[Location, ...]) -> tuple[str, ...]:
    """Stories and snaps are made to disappear: the in-app report matters first."""
    words = ("story", "stories", "snap")
    if not any(word in (place.description or "").lower() for place in places for word in words):
        return ()
    return ("Stories and snaps are made to disappear, so report it in the app now, while it is "
            "still there.",)


def _law_notes(case: Case) -> tuple[str, ...]:
    """The law file's advice on filing with a platform first, for the family's own jurisdiction."""
    return tuple(item.plan_note for item in law.laws_for(case.jurisdiction, case.person.under_18)
                 if item.plan_note)


# Where a child's image on an unknown website is reported outside the UK: (service, title, body).
_CHILD_SITE_ROUTES = {
    "australia": ("esafety-illegal-content", "Report other websites to eSafety",
                  "The eSafety Commissioner takes reports of child sexual exploitation material "
                  "on websites, anonymously if you wish, and can direct that it is removed."),
    "eu": ("inhope", "Report other websites to your country's hotline (INHOPE)",
           "INHOPE's reporting map lists the national hotline for each country. Report the link "
           "to your country's hotline with its own form: INHOPE itself cannot act on reports."),
}
_NCMEC_ROUTE = ("ncmec-cybertipline", "Report other websites to the NCMEC CyberTipline",
                "The US National Center for Missing & Exploited Children takes reports of child "
                "sexual abuse images from anywhere and passes them to the right authorities.")


def _unknown_site_step(case: Case, places: tuple[Location, ...]) -> Step:
    if case.person.under_18 and case.in_uk:
        return _with_places(_service_step(
            "platform-other", "Report other websites to the Internet Watch Foundation (IWF)",
            "The IWF can get sexual images of under-18s removed from websites, including sites "
            "with no report button. All they need is the link.",
            service="iwf",
        ), places)
    if case.person.under_18:
        service, title, body = _CHILD_SITE_ROUTES.get(case.jurisdiction, _NCMEC_ROUTE)
        return _with_places(_service_step("platform-other", title, body, service=service), places)
    if case.in_uk:
        return _with_places(_service_step(
            "platform-other", "Ask the Revenge Porn Helpline to help with other websites",
            "The helpline can report intimate images shared without consent to websites for you.",
            service="revenge-porn-helpline",
        ), places)
    return Step("platform-other", "Report it to the website",
                ("Look for a 'Report', 'Contact us' or 'Abuse' link on the site, and send them "
                 "the link to the page.",), places=places, platform="other")


def _with_places(step: Step, places: tuple[Location, ...]) -> Step:
    return replace(step, places=places, platform="other")


def _hash_steps(case: Case) -> list[Step]:
    steps: list[Step] = []
    if case.person.under_18:
        if case.in_uk:
            steps.append(_report_remove(case))
        if case.in_uk and case.locations:
            steps.append(_service_step(
                "iwf-report", "Report each link to the IWF",
                "Anyone can report a link to the Internet Watch Foundation, anonymously. They "
                "check it and work to get it removed and blocked.",
                service="iwf",
            ))
        steps.append(_service_step(
            "take-it-down", f"Use Take It Down to stop it being shared{_again(case)}",
            "NCMEC's Take It Down turns the image into a digital fingerprint (a hash) on the "
            "device where it already is. Only the fingerprint is sent, never the image, and "
            "taking-part platforms use it to find and remove copies. Do not copy the image to "
            "another device to do this.", *_take_it_down_if(case),
            service="take-it-down",
        ))
    else:
        steps.append(_service_step(
            "stopncii", f"Use StopNCII to stop it being shared{_again(case)}",
            "StopNCII.org makes a digital fingerprint (a hash) of the image on your own device; "
            "only the fingerprint is shared with taking-part platforms, never the image.",
            service="stopncii",
        ))
        if case.in_uk:
            steps.append(_service_step(
                "revenge-porn-helpline", "Contact the Revenge Porn Helpline",
                "The helpline supports adults whose intimate images have been shared without "
                "consent, and can report them to platforms for you.",
                service="revenge-porn-helpline",
            ))
    return steps


def _again(case: Case) -> str:
    """The word " again" after "shared", unless nothing has been posted yet."""
    return "" if case.nothing_posted else " again"


def _take_it_down_if(case: Case) -> tuple[str, ...]:
    """Take It Down needs the file on your own device (NCMEC's FAQ): a fake made by others, or
    an image only threatened, is often not there, and must never be fetched to use it."""
    if case.concerns.fake or case.nothing_posted:
        return ("Only use it if the image is already on your own device"
                + ("" if reader(case) == "you" else f" or {the_person(case)}'s")
                + ". Never download, save or ask for a copy to use it: if you do not have it, "
                "leave this step out.",)
    return ()


def _at_school(case: Case) -> bool:
    return bool(case.person.school or case.concerns.shared_at_school or
                (case.school and case.school.name) or case.requester.role == "school")


def _school_guidance(case: Case) -> str | None:
    """The guidance schools follow where the family lives (its declaration), or None where none
    is confirmed: another nation's is never offered."""
    return jurisdictions.get(case.jurisdiction).school.guidance


def _school_steps(case: Case) -> list[Step]:
    if not case.person.under_18 or not _at_school(case):
        return []
    what_school_does = (
        "Schools follow guidance on sharing nudes: staff must not view, copy or share the image; "
        "the designated safeguarding lead (DSL) supports the young person, deals with any sharing "
        "among pupils, records what happened and decides whether police or children's social care "
        "need to be involved.",
    )
    if case.jurisdiction in ("scotland", "northern-ireland"):
        what_school_does = (
            "Schools have their own child protection procedures for this. We have not yet "
            "confirmed the guidance for schools where you are, so ask the school which they "
            "follow.",)
    if case.requester.role == "school":
        return [_service_step(
            "school-dsl", "Follow your safeguarding procedures",
            "You are the designated safeguarding lead: record what happened, the decisions you "
            "make and why, and any referrals, in your safeguarding record."
            if case.requester.is_dsl else
            "Pass this to your designated safeguarding lead (DSL) today if you are not the DSL.",
            *what_school_does, service=_school_guidance(case),
        )]
    if reader(case) == "you":
        return [_service_step(
            "tell-school", "Telling your school",
            "Your school's designated safeguarding lead (DSL) is there to help with this, and "
            "can stop it spreading at school. "
            + ("It has spread at school, so telling them now will help. "
               if case.concerns.shared_at_school else ""),
            "If you tell the school, they will listen and should not blame you. They will "
            "usually tell your parents or carers, unless that would put you at risk, and they "
            "may have to involve the police or children's social care to keep you safe. You "
            "can ask them what they are going to do before they do it.",
            service=_school_guidance(case),
        )]
    return [_service_step(
        "tell-school", "Tell the school's designated safeguarding lead",
        "Ask to speak to the designated safeguarding lead (DSL) — every school has one. "
        + ("It has spread at school, so the school needs to act now. "
           if case.concerns.shared_at_school else "")
        + "The letter for the school from this site sets out what to ask for.",
        *what_school_does, service=_school_guidance(case),
    )]


def _support_steps(case: Case) -> list[Step]:
    steps: list[Step] = []
    if case.in_uk and case.person.under_18:
        steps.append(_service_step(
            "childline", "Childline, for you" if reader(case) == "you" else
            f"Childline, for {the_person(case)}",
            "Free and confidential, by phone or online, for anyone under 19.",
            service="childline",
        ))
        if case.requester.role != "young-person":
            steps.append(_service_step(
                "nspcc", "The NSPCC helpline, for you",
                "Advice for adults worried about a child, including what to say and what to do "
                "next.",
                service="nspcc",
            ))
    steps.extend(_professionals_helpline(case))
    if case.in_uk and not case.person.under_18:
        steps.append(_service_step(
            "revenge-porn-helpline", "The Revenge Porn Helpline",
            "Support and advice for adults whose intimate images have been shared without consent.",
            service="revenge-porn-helpline",
        ))
    if case.jurisdiction == "australia":
        steps.append(_service_step("report-esafety", "eSafety Commissioner",
                                "Advice and help with removal for people in Australia.",
                                service="esafety"))
    return steps


# Requester roles that work with children: POSH is their helpline, not the young person's.
PROFESSIONAL_ROLES = ("school", "caseworker")


def _professionals_helpline(case: Case) -> list[Step]:
    """POSH, the UK helpline for people who work with children, for school staff and caseworkers."""
    if not (case.in_uk and case.person.under_18 and case.requester.role in PROFESSIONAL_ROLES):
        return []
    return [_service_step(
        "posh", "The Professionals Online Safety Helpline (POSH), for you",
        "Advice for people who work with children, such as school staff and caseworkers, on "
        "responding to nudes being shared. It can also take a report to a platform when the "
        "platform's own reporting has not worked.",
        service="posh",
    )]
