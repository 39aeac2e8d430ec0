"""Who can help: the support and reporting services the plan and /help point to.

Loaded from ``data/services.toml``; each entry carries its source and the date it
was last checked. A service missing from the file is simply not offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from takedown import datafile, jurisdictions
from takedown.datafile import Entry, Source

DATA_FILE = Path(__file__).parent / "data" / "services.toml"
# "schools": guidance written for schools, which their letters name; not a service to contact,
# so "Who can help" leaves it out.
AUDIENCES = ("under-18", "adult", "everyone", "schools")
WORLDWIDE = "worldwide"


@dataclass(frozen=True, slots=True)
class Service:
    slug: str
    name: str
    audience: str
    regions: tuple[str, ...]
    what: str
    url: str
    phone: str | None
    phone_note: str | None
    anonymous: bool | None
    source: Source
    phone_only: bool = False
    # For a published document (schools' guidance): its own title and who publishes it.
    title: str | None = None
    publisher: str | None = None
    # How the plan names it in a sentence ("the NSPCC helpline"), what it offers in one phrase
    # ("free and confidential, by phone ..."), and what happens to what you send it.
    short_name: str | None = None
    offer: str | None = None
    promise: str | None = None
    # Only for a place reported through one of these channels (the FTC: after a TAKE IT DOWN
    # Act request made through the platform's own process); empty: after any report.
    only_after: tuple[str, ...] = ()

    @property
    def called(self) -> str:
        """The service's name in a sentence: its short name, else its full name."""
        return self.short_name or self.name


def _service(reader: Entry, slug: str) -> Service:
    return Service(
        slug=slug,
        name=reader.text("name"),
        audience=reader.choice("audience", AUDIENCES),
        regions=reader.choices("regions", regions()),
        what=reader.text("what"),
        url=reader.url("url"),
        phone=reader.text("phone", required=False),
        phone_note=reader.text("phone_note", required=False),
        anonymous=reader.flag("anonymous", required=False),
        source=reader.source(),
        phone_only=bool(reader.flag("phone_only", required=False)),
        title=reader.text("title", required=False),
        publisher=reader.text("publisher", required=False),
        short_name=reader.text("short_name", required=False),
        offer=reader.text("offer", required=False),
        promise=reader.text("promise", required=False),
        only_after=reader.texts("only_after", required=False),
    )


def regions() -> tuple[str, ...]:
    """Where a service can work: each group of jurisdictions (data/jurisdictions.toml), or
    anywhere."""
    return (*jurisdictions.groups(), WORLDWIDE)


def parse_services(text: str, today: date | None = None) -> dict[str, Service]:
    """Parse and validate services TOML; raise DataFileError naming what is wrong."""
    return datafile.by_slug(datafile.entries(text, "service", "services.toml", today),
                            "service", _service)


@cache
def all_services() -> dict[str, Service]:
    """Return every service, keyed by slug, in file order."""
    if not DATA_FILE.exists():
        return {}
    return parse_services(DATA_FILE.read_text(encoding="utf-8"))


def get(slug: str) -> Service | None:
    """Return the service with this slug, or None when it is not (yet) confirmed."""
    return all_services().get(slug)
