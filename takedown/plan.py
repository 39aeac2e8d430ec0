"""The action plan: an ordered, de-duplicated list of steps made from a case.

``make_plan`` is a pure function of the case and the data files: no Flask, no
clock, no network. Urgent steps come first when the case flags danger, threats
or an adult's involvement; "what not to do" is always there.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from takedown import jurisdictions, law, platforms, services, urgent
from takedown.case import Case, Location
from takedown.jurisdictions import Jurisdiction, Route


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



def _service_step(step_id: str, title: str, *body: str,
                  service: services.Service | None) -> Step:
    """A step that points to a service, with its link and phone only where confirmed."""
    if service is None:
        return Step(step_id, title, body)
    links = () if service.phone_only or not service.url else (Link(service.name, service.url),)
    return Step(step_id, title, body, links, phone=service.phone)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


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
    where = jurisdictions.for_case(case)
    support = ("Support for you" if reader(case) == "you" or not case.person.under_18
               else f"Support for you and {the_person(case)}")
    sections = [
        Section("urgent", "Do this now", tuple(_urgent_steps(case, where))),
        Section("first", _first_title(case),
                tuple(_first_steps(case, where) + _fake_steps(case, where))),
        Section("not-to-do", "What not to do", tuple(_not_to_do(case, where))),
        Section("report", "Report it where it appears",
                tuple(_report_first(case, where) + _platform_steps(case, where)
                      + _member_steps(case, where))),
        Section("stop-sharing", f"Stop it being shared{_again(case)}",
                tuple(_hash_steps(case, where))),
        Section("school", "The school", tuple(_school_steps(case, where))),
        Section("support", support, tuple(_support_steps(case, where))),
    ]
    # A step can be called for twice (a helpline to stop sharing and for support, say): keep
    # it where it first comes, and leave out sections left empty.
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


def _urgent_steps(case: Case, where: Jurisdiction) -> list[Step]:
    steps: list[Step] = []
    concerns = case.concerns
    if concerns.immediate_danger:
        number = where.emergency.phone
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
    # A line to talk to first for the young person; for an adult reader, the report first.
    crisis = _crisis_steps(case, where) if concerns.threats else []
    if reader(case) == "you":
        steps.extend(crisis)
    if concerns.threats or concerns.adult_involved or concerns.asked_online:
        steps.extend(_report_abuse_steps(case, where))
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


def _crisis_steps(case: Case, where: Jurisdiction) -> list[Step]:
    """Threats carry a risk of self-harm: a line to talk to now, for the child and the adult."""
    steps = []
    young, crisis = where.support.young_person, where.support.crisis
    number = where.emergency.phone
    if case.person.under_18 and young is not None:
        if reader(case) == "you":
            steps.append(_service_step(
                f"talk-{young.slug}", f"Talk to {young.called}",
                f"{_capital(young.offer)}. If you feel you cannot cope or might hurt yourself, "
                f"contact them now, or call {number} if you are in danger.", service=young))
        else:
            steps.append(_service_step(
                f"talk-{young.slug}", f"{_capital(young.called)}, for {the_person(case)}",
                "Being threatened like this is frightening, and some young people feel they "
                f"cannot cope. {_capital(young.called)} is {young.offer}. If you think they "
                f"might hurt themselves, call {number}.", service=young))
    if crisis is not None and (reader(case) != "you" or not case.person.under_18
                               or young is None):
        steps.append(_crisis_line(crisis))
    return steps


def _crisis_line(crisis: services.Service) -> Step:
    return _service_step(f"talk-{crisis.slug}", f"{_capital(crisis.called)}, if you are "
                         "struggling", f"{_capital(crisis.offer)}.", service=crisis)


def _first_title(case: Case) -> str:
    return {"you": "You are not in trouble", "parent": "Before anything else"}.get(
        reader(case), "Your procedures")


def _first_steps(case: Case, where: Jurisdiction) -> list[Step]:
    """What the reader needs to hear before the steps: said to them, in their role."""
    if reader(case) == "you":
        steps = [Step("not-your-fault", "This is not your fault", (
            "Whatever happened before it was shared, you do not deserve this, and you are not "
            "in trouble for asking for help. It can be sorted out, and you do not have to do "
            "it alone.",
            f"Tell an adult you trust if you can: a {where.letters.parent}, a teacher, or "
            "another adult you feel safe with. They can help you with every step here."))]
        young = where.support.young_person
        if case.person.under_18 and young is not None:
            steps.append(_service_step(
                f"talk-{young.slug}", f"Talk to {young.called}",
                f"{_capital(young.offer)}. You can talk to them about any of this.",
                service=young))
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
    school = where.school
    if case.requester.role == "school" and case.requester.is_dsl:
        body = [f"As the {school.lead}, follow your school's child protection procedures "
                "today."]
    elif case.requester.role == "school":
        body = [f"Tell the {school.lead_named} today, and follow your school's child "
                "protection procedures."]
    else:
        body = ["Follow your organisation's child protection procedures today, and tell "
                "whoever leads on safeguarding there."]
    if case.concerns.adult_involved and school.adult_involved:
        body.append(school.adult_involved)
    if case.requester.role == "caseworker":
        body.append(f"If the young person is at school, the {school.lead_named} there "
                    "needs to know so the school can support them and deal with any sharing "
                    f"among {school.learners}.")
    return [_service_step("your-procedures", "Follow your safeguarding procedures today", *body,
                          service=school.guidance if case.concerns.adult_involved
                          and school.adult_involved else None)]


def _fake_steps(case: Case, where: Jurisdiction) -> list[Step]:
    """A fake image is dealt with as a real one: said plainly, with no more law than the
    family's own place has (its fake-image law, from the law file)."""
    if not case.concerns.fake:
        return []
    you = reader(case) == "you"
    under_18 = case.person.under_18
    covering = [item.citation for item in law.laws_for(case.jurisdiction, under_18, fake=True)
                if item.topic == "fake-image"]
    like = "you" if you else ("someone under 18" if under_18 else "someone")
    if covering and under_18:
        law_says = (f" Sharing a sexual image made to look like {like} is against the law where "
                    f"you are, as it is for a real one. The law that says so: {covering[0]}.")
    elif covering:
        law_says = (f" Sharing a sexual image made to look like {like} without their consent can "
                    "be a crime where you are, as it can for a real one. The law that says so: "
                    f"{covering[0]}.")
    else:
        law_says = ""
    body = [f"It does not matter that it is fake.{law_says} It can be reported and removed in "
            "the same ways as a real one, and nobody needs to prove whether it is real."]
    if you:
        body.append("You have done nothing wrong.")
    # Childline, Ask Sam, "What do I do if there's someone faking nudes of me?" (read
    # 2026-12-07): Report Remove helps "whether real or faked".
    tool = where.remove.young_person_tool
    if under_18 and tool is not None and tool.slug == "report-remove":
        body.append(f"{_capital(tool.called)} helps with images whether they are real or faked.")
    return [Step("fake-like-real", "A fake image is dealt with like a real one", tuple(body))]


def _route_step(case: Case, route: Route, where: Jurisdiction, why: str | None = None) -> Step:
    """A place to report, in the declaration's words where it gives them, else the service's."""
    service = route.service
    if route.police:
        service, title, said = where.police.service, where.police.title, where.police.body
    else:
        title, said = route.title, None
    body = [why] if why else []
    if service is not None:
        title = title or f"Report it to {service.called}"
        said_by_service = service.offer or service.what
        body.append(_capital(said_by_service) + ("" if said_by_service.endswith(".") else "."))
        if service.anonymous is False:
            body.append("You cannot report anonymously: they will ask who you are and contact "
                         "you.")
    for text in (said, route.body):
        if text:
            body.append(text)
    step_id = f"report-{service.slug}" if service else "report-police"
    return _service_step(step_id, title, *body, service=service)


def _report_abuse_steps(case: Case, where: Jurisdiction) -> list[Step]:
    concerns = case.concerns
    said = [said for flag, said in (
        (concerns.adult_involved, "an adult is involved"),
        (concerns.asked_online, "someone they met online asked for the image"),
        (concerns.threats, "someone is making threats")) if flag]
    who = ", ".join(said[:-1]) + (" and " if len(said) > 1 else "") + said[-1]
    why = f"{_capital(who)}, so this needs specialist help as well as removal."
    routes = [route for route in where.urgent if route.fits(case.person.under_18, reader(case))]
    return [_route_step(case, route, where, why if index == 0 else None)
            for index, route in enumerate(routes)]


def _report_first(case: Case, where: Jurisdiction) -> list[Step]:
    """Routes stronger than the platforms' own come first: the young person's own tool for
    them, and any the declaration puts first for everyone (eSafety in Australia)."""
    steps = []
    tool = where.remove.young_person_tool
    if reader(case) == "you" and case.person.under_18 and tool is not None:
        steps.append(_young_person_tool(case, tool))
    steps += [_route_step(case, route, where) for route in where.report_first
              if route.fits(case.person.under_18, reader(case))]
    return steps


def _young_person_tool(case: Case, tool: services.Service) -> Step:
    if reader(case) == "you":
        return _service_step(
            f"use-{tool.slug}", f"Use {tool.called}: it is made for you",
            _capital(tool.offer),
            f"Everywhere else this page says never send the image to anyone. {tool.called} is "
            f"the one exception, and it is safe. {tool.promise}",
            service=tool)
    person = the_person(case)
    return _service_step(
        f"use-{tool.slug}", f"Use {tool.called} ({person} makes the report, with your "
        "support)", _capital(tool.offer),
        f"{_capital(person)} makes the report themselves, with an adult they trust beside "
        "them if they want. It is the one safe way to send the image. You should not look "
        "at it.", service=tool)


def _not_to_do(case: Case, where: Jurisdiction) -> list[Step]:
    young = reader(case) == "you"
    child = case.person.under_18
    tool = where.remove.young_person_tool
    if young:
        copy = ("Do not send it to anyone, and ask anyone who has it to delete it rather than "
                "send it on: every copy is another one that could spread. You never need the "
                "image to get it removed: the link and the account name are enough."
                + (f" The one exception is {tool.called}, below." if child and tool else ""))
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
                f"it is a {where.school.learner}" if case.requester.role == "school"
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


def _platform_steps(case: Case, where: Jurisdiction) -> list[Step]:
    steps = []
    for slug in case.platform_slugs:
        platform = platforms.get(slug)
        places = tuple(case.locations_on(slug))
        if slug == "other":
            steps.append(_unknown_site_step(case, where, places))
            continue
        routes = platforms.send_routes(platform, case.jurisdiction, case.person.under_18)
        links = tuple(Link(form.title, form.target) for form in routes.forms)
        in_app = routes.in_app
        body = _find_first(case, places) + _vanishing(places) + _law_notes(case) + (
            _route_notes(routes) if in_app or links else (
                "Look for a 'Report' option next to the post, message or profile, and report "
                "the link to the organisations below too.",))
        title = f"{'Report it' if platform.takes_reports else 'What you can do'} on {platform.name}"
        steps.append(Step(f"platform-{slug}", title, body, links,
                          items=in_app.steps if in_app else (),
                          items_title=in_app.heading if in_app else None,
                          places=places, platform=slug))
    return steps


def _route_notes(routes: platforms.SendRoutes) -> tuple[str, ...]:
    """Where a report goes without opening anything, first; who can report in the app; or,
    plainly, that there is no form or address."""
    name = routes.platform.name
    notes = []
    if routes.forms:
        forms = "Its web form below needs" if len(routes.forms) == 1 else (
            "Its web forms below need")
        notes.append(f"{forms} only the link or the account name: nothing has to be opened.")
    if routes.email:
        notes.append(f"{name} publishes an address for reports: {routes.email.target}. Send the "
                     "links, never the image.")
    if not routes.forms and not routes.email and routes.in_app:
        notes.append(f"{name} has no web form or email address for this that we could confirm: "
                     "report it in the app or on the site (the steps below), and keep the letter "
                     "from this site as your record.")
    if routes.in_app and routes.in_app.who:
        notes.append(f"Who can report it from inside the app: {routes.in_app.who[:1].lower()}"
                     f"{routes.in_app.who[1:]}")
    return tuple(notes)


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


def _unknown_site_step(case: Case, where: Jurisdiction, places: tuple[Location, ...]) -> Step:
    hotline, helpline = where.remove.hotline, where.support.adult_image
    if case.person.under_18 and hotline is not None:
        return _with_places(_service_step(
            "platform-other", f"Report other websites to {hotline.called}",
            *_hotline_words(hotline, where), service=hotline), places)
    if not case.person.under_18 and helpline is not None:
        return _with_places(_service_step(
            "platform-other", f"Ask {helpline.called} to help with other websites",
            f"{_capital(helpline.offer)}.", service=helpline), places)
    return Step("platform-other", "Report it to the website",
                ("Look for a 'Report', 'Contact us' or 'Abuse' link on the site, and send them "
                 "the link to the page.",), places=places, platform="other")


def _hotline_words(hotline: services.Service, where: Jurisdiction) -> tuple[str, ...]:
    """What the hotline does, and, where the family's member state has none confirmed, so."""
    member = where.member
    missing = (member.hotline_none,) if member and member.hotline_none else ()
    return (hotline.offer or hotline.what, *missing)


def _with_places(step: Step, places: tuple[Location, ...]) -> Step:
    return replace(step, places=places, platform="other")


def _member_steps(case: Case, where: Jurisdiction) -> list[Step]:
    """What the member the family named has of its own (a province's route), or plainly that
    none is confirmed there."""
    member = where.member
    if member is None or (member.route is None and member.route_none is None):
        return []
    if member.route is None:
        return [Step("member-route", f"In {member.name}", (member.route_none,))]
    route = member.route
    links = (Link(route.name, route.url),) if route.url else ()
    return [Step("member-route", f"In {member.name}: {route.name}",
                 (route.says,) if route.says else (), links, phone=route.phone)]


def _hash_steps(case: Case, where: Jurisdiction) -> list[Step]:
    steps: list[Step] = []
    remove = where.remove
    if case.person.under_18:
        if remove.young_person_tool is not None:
            steps.append(_young_person_tool(case, remove.young_person_tool))
        hotline = remove.hotline
        if hotline is not None and case.locations and "other" not in case.platform_slugs:
            steps.append(_service_step(
                f"report-{hotline.slug}", f"Report each link to {hotline.called}",
                *_hotline_words(hotline, where), service=hotline))
        tool = remove.hash_child
    else:
        tool = remove.hash_adult
    if tool is not None:
        steps.append(_service_step(
            f"hash-{tool.slug}", f"Use {tool.called} to stop it being shared{_again(case)}",
            tool.offer or tool.what, *_hash_only_if(case), service=tool))
    helpline = where.support.adult_image
    if not case.person.under_18 and helpline is not None:
        steps.append(_adult_image_line(helpline))
    return steps


def _again(case: Case) -> str:
    """The word " again" after "shared", unless nothing has been posted yet."""
    return "" if case.nothing_posted else " again"


def _hash_only_if(case: Case) -> tuple[str, ...]:
    """A hash tool needs the file on your own device (NCMEC's Take It Down FAQ): a fake made by
    others, or an image only threatened, is often not there, and must never be fetched."""
    if case.concerns.fake or case.nothing_posted:
        return ("Only use it if the image is already on your own device"
                + ("" if reader(case) == "you" else f" or {the_person(case)}'s")
                + ". Never download, save or ask for a copy to use it: if you do not have it, "
                "leave this step out.",)
    return ()


def _adult_image_line(helpline: services.Service) -> Step:
    return _service_step(f"talk-{helpline.slug}", f"Contact {helpline.called}",
                         f"{_capital(helpline.offer)}.", service=helpline)


def _school_steps(case: Case, where: Jurisdiction) -> list[Step]:
    if not case.person.under_18 or not case.at_school:
        return []
    school = where.school
    spread = case.concerns.shared_at_school
    if case.requester.role == "school":
        if case.requester.is_dsl:
            first = (f"You are the {school.lead}: record what happened, the decisions you make "
                     "and why, and any referrals, in your safeguarding record.")
        else:
            first = f"Pass this to the {school.lead_named} today, if that is not you."
        guide = (school.no_guidance,) if school.guidance is None else (
            (school.no_nudes_advice,) if school.no_nudes_advice else ())
        # What schools do is said to other staff; the lead is the one who does it.
        does = () if case.requester.is_dsl else (school.does,)
        return [_service_step("school-lead", "Follow your safeguarding procedures", first,
                              *does, *guide, service=school.guidance)]
    if reader(case) == "you":
        return [_service_step(
            "tell-school", "Telling your school",
            f"The {school.lead_named} at your school is there to help with this, and can stop "
            "it spreading at school. " + ("It has spread at school, so telling them now will "
                                       "help." if spread else ""),
            "If you tell the school, they will listen and should not blame you. "
            f"{school.tells_parents} You can ask them what they are going to do before they "
            "do it.", service=school.guidance)]
    return [_service_step(
        "tell-school", "Tell the school",
        school.ask + (" It has spread at school, so the school needs to act now." if spread
                      else "") + " The letter for the school from this site sets out what to "
        "ask for.", school.does, service=school.guidance)]


def _support_steps(case: Case, where: Jurisdiction) -> list[Step]:
    steps: list[Step] = []
    support = where.support
    young = support.young_person
    if case.person.under_18 and young is not None:
        steps.append(_service_step(
            f"talk-{young.slug}", f"{_capital(young.called)}, for you" if reader(case) == "you"
            else f"{_capital(young.called)}, for {the_person(case)}",
            f"{_capital(young.offer)}.", service=young))
    if case.person.under_18 and reader(case) != "you" and support.parent is not None:
        steps.append(_service_step(
            f"talk-{support.parent.slug}", f"{_capital(support.parent.called)}, for you",
            f"{_capital(support.parent.offer)}.", service=support.parent))
    if (case.person.under_18 and case.requester.role in PROFESSIONAL_ROLES
            and support.professional is not None):
        steps.append(_service_step(
            f"talk-{support.professional.slug}",
            f"{_capital(support.professional.called)}, for you",
            f"{_capital(support.professional.offer)}.", service=support.professional))
    if not case.person.under_18 and support.adult_image is not None:
        steps.append(_adult_image_line(support.adult_image))
    if support.crisis is not None and (reader(case) != "you" or young is None
                                       or not case.person.under_18):
        steps.append(_crisis_line(support.crisis))
    if reader(case) == "parent" and case.person.under_18:
        steps.append(_police_step(where))
    return steps


def _police_step(where: Jurisdiction) -> Step:
    """The police when nobody is in danger, for a parent who wants to report it as a crime."""
    police = where.police
    title = "The police, if you want to report it as a crime"
    if police.service is None:  # the same id as the urgent step, so it is said once
        return Step("report-police", title, (police.body,))
    return _service_step(f"report-{police.service.slug}", title, police.service.what,
                         service=police.service)


# Requester roles that work with children: a professionals' helpline is theirs, not the young
# person's.
PROFESSIONAL_ROLES = ("school", "caseworker")
