"""Who can help: the support and reporting services the plan and /help point to.

Loaded from ``data/services.toml``; each entry carries its source and the date it
was last checked. A service missing from the file is simply not offered.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from takedown.platforms import DirectoryError, Source, _Reader

DATA_FILE = Path(__file__).parent / "data" / "services.toml"
AUDIENCES = ("under-18", "adult", "everyone")
REGIONS = ("uk", "us", "eu", "australia", "worldwide")


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


def parse_services(text: str) -> dict[str, Service]:
    """Parse and validate services TOML; raise DirectoryError naming what is wrong."""
    try:
        entries = tomllib.loads(text).get("service", [])
    except tomllib.TOMLDecodeError as error:
        raise DirectoryError(f"services.toml is not valid TOML: {error}") from error
    services: dict[str, Service] = {}
    for index, table in enumerate(entries):
        reader = _Reader(table, f"service #{index + 1}")
        slug = reader.text("slug")
        reader.where = f"service '{slug}'"
        regions = reader.texts("regions")
        for region in regions:
            if region not in REGIONS:
                reader.fail("regions", f"must list only {', '.join(REGIONS)}, not {region!r}")
        if slug in services:
            reader.fail("slug", "is used twice")
        services[slug] = Service(
            slug=slug,
            name=reader.text("name"),
            audience=reader.choice("audience", AUDIENCES),
            regions=regions,
            what=reader.text("what"),
            url=reader.url("url"),
            phone=reader.text("phone", required=False),
            phone_note=reader.text("phone_note", required=False),
            anonymous=reader.flag("anonymous", required=False),
            source=reader.source(),
            phone_only=bool(reader.flag("phone_only", required=False)),
        )
    return services


@cache
def all_services() -> dict[str, Service]:
    """Return every service, keyed by slug, in file order."""
    if not DATA_FILE.exists():
        return {}
    return parse_services(DATA_FILE.read_text(encoding="utf-8"))


def get(slug: str) -> Service | None:
    """Return the service with this slug, or None when it is not (yet) confirmed."""
    return all_services().get(slug)
