"""Short blocks to paste into a platform's web form: what it is, who, the links, the reference.

Many report forms cap their free-text box near 1,000 characters, so a block is at
most ``LIMIT`` characters; links that do not fit are counted, not cut. Only links
the user typed go in, one per line.
"""

from __future__ import annotations

from takedown.case import Case

LIMIT = 1000
PLACEHOLDER_LINK = "[paste the link here]"
PLACEHOLDER_REFERENCE = "[your case reference, if you have one]"


def _block(under_18: bool, links: list[str], reference: str) -> str:
    head = [
        ("Report of a sexual image of a person under 18." if under_18 else
         "Report of an intimate image shared without consent."),
        ("The person shown is under 18: a child in law." if under_18 else
         "The person shown did not consent to it being shared."),
        "The image is not attached: please use the links to find it, and do not ask for a copy.",
        "Where it is:",
    ]
    tail = [f"Our reference: {reference}"]
    lines, left_out = [], 0
    for link in links:
        candidate = "\n".join(head + lines + [link] + tail)
        if len(candidate) + len(f"\n(and {LIMIT} more links in our letter)") > LIMIT:
            left_out += 1
        else:
            lines.append(link)
    if left_out:
        lines.append(f"(and {left_out} more {'link' if left_out == 1 else 'links'} in our letter)")
    return "\n".join(head + lines + tail)[:LIMIT]


def for_case(case: Case, slug: str) -> str:
    """Return the block for this case's places on one platform."""
    links = [place.url for place in case.locations_on(slug) if place.url]
    return _block(case.person.under_18, links or [PLACEHOLDER_LINK], case.reference)


def for_guide(under_18: bool) -> str:
    """Return the block with placeholders, for a platform guide (no case there)."""
    return _block(under_18, [PLACEHOLDER_LINK], PLACEHOLDER_REFERENCE)
