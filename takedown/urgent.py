"""What to do at once when someone threatens to share an image or asks for money.

One list, said to whoever is reading: the start page (before any question) and the
plan (when threats are ticked) both use it. Sources, read 2026-12-02: the National
Crime Agency's advice to parents and carers on financially motivated sexual extortion
("Don't pay, do stop contact and block"; "Avoid deleting anything"; to call the police;
"use the CEOP Safety Centre"), as republished by Cornwall and the Isles of Scilly
Safeguarding Children Partnership (https://ciossafeguarding.org.uk/scp/p/parents-and-carers/online-safety-1);
Norfolk Constabulary's sextortion advice (https://www.norfolk.police.uk/advice/assault-abuse-threats/sextortion:
"Don't pay", "Don't keep communicating", to contact them on their non-emergency number);
Police Scotland's advice
to take screenshots of the communication (https://www.centralfm.co.uk/local/police-scotland-online-extortion).
A sexual image of an under-18 must never be screenshotted in the UK, so the screenshots are
of the messages and the account only. Read 2026-12-07: the same NCA alert, as republished there,
on a payment already made ("If you have paid, don't panic but don't pay anything more") and on
the image ("This could be a real photo taken by the victim, or a fake image created of them by
the offender"), each again word for word in a second copy read 2026-12-07 (the payment in the
alert as carried by youthworkunit.com, the image in the NCA's press release of 29 April 2024 as
carried by wired-gov.net); Lancashire Constabulary's own sextortion page, on images "faked using
AI generators or other image altering technology"
(https://lancashire.police.uk/help-advice/online-safety/financially-motivated-sexual-extortion-sextortion/).
Neither point is the FBI's: its list has neither, so neither is attributed to anyone here.
"""

from __future__ import annotations

SOURCES = (
    "https://ciossafeguarding.org.uk/scp/p/parents-and-carers/online-safety-1",
    "https://www.norfolk.police.uk/advice/assault-abuse-threats/sextortion",
    "https://lancashire.police.uk/help-advice/online-safety/financially-motivated-sexual-extortion-sextortion/",
)

# Who is reading: "you" (the person in the image), "parent", "staff", or "anyone".
_NOT_TO_BLAME = {
    "you": "This is not your fault. The person threatening you is the one doing wrong.",
    "parent": "It is not your child's fault. The person making the threats is the one doing "
              "wrong: tell your child you are not angry and that you will sort this out together.",
    "staff": "It is not their fault. The person making the threats is the one doing wrong.",
    "anyone": "It is not their fault, or yours. The person making the threats is the one doing "
              "wrong.",
}

# The image they threaten to share may not be real: the same help works either way.
_MAYBE_FAKE = ("The picture they have may not even be real: some blackmailers make fake images, "
               "with AI or by editing a photo. Real or fake, the help here is the same.")


_SHORT = (
    "Do not pay, and do not send anything more. If you have already paid, do not pay any more.",
    "Stop replying and block them, but do not delete the messages or the account.",
    "Screenshot the messages and their profile, never the image.",
    "It is not their fault, or yours.",
)


def threat_advice(reader: str, short: bool = False) -> tuple[str, ...]:
    """The list of what to do now about threats, in the reader's voice (``short``: the start
    page's first screen, said to anyone)."""
    if short:
        return _SHORT
    you = reader == "you"
    return (
        "Do not pay, and do not send anything more. Paying rarely stops the threats and often "
        "leads to more demands. If you have already paid, do not pay any more.",
        ("Stop replying and block them, but do not delete the messages or your account: "
         if you else
         "Stop replying and block them, but do not delete the messages or the account: ")
        + "they are evidence.",
        "Screenshot the messages and the account's profile page, with no image in shot. Never "
        "screenshot, save or send the image itself.",
        _MAYBE_FAKE,
        _NOT_TO_BLAME[reader],
    )
