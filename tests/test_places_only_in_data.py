"""Nothing in the code names a place: the jurisdictions, their groups and regions, and their
emergency and police numbers live in the data files and are read by takedown/jurisdictions.py.

A Python module or a template that wrote "us", "eu" or 999 would decide something about a place
that its declaration cannot change; adding a place would then mean editing code. The one module
that may know the places is the declaration's reader.
"""

import re
from pathlib import Path

import pytest

from takedown import jurisdictions

ROOT = Path(__file__).resolve().parent.parent
READER = ROOT / "takedown" / "jurisdictions.py"
CODE = sorted([*ROOT.glob("takedown/**/*.py"), *ROOT.glob("templates/**/*.html"),
               *ROOT.glob("letters/**/*.html"), *ROOT.glob("static/js/*.js")])


def place_words() -> set[str]:
    """Every slug a place is known by: jurisdictions, groups and platforms' regions."""
    return ({*jurisdictions.JURISDICTIONS, *jurisdictions.groups(),
             *jurisdictions.serves_values()} - {"worldwide"})


def numbers() -> set[str]:
    """Every emergency and police number a declaration gives."""
    found = set()
    for item in jurisdictions.all_jurisdictions().values():
        found.add(item.emergency.phone)
        if item.police.service is not None:
            found.add(item.police.service.phone)
    return found


def slug_pattern(template: bool = False) -> re.Pattern:
    """A place's slug as a string in Python; in a template, where it is compared or looked up
    (there a quoted "us" is far more often the word than the place)."""
    words = "|".join(re.escape(word) for word in sorted(place_words(), key=len, reverse=True))
    quoted = rf"""["'](?:{words})["']"""
    if template:
        return re.compile(rf"""(?:==|!=|\bin)\s*[(\[]?\s*{quoted}|{quoted}\s*[:\],)]|\bin_uk\b""")
    return re.compile(rf"""{quoted}|\bin_uk\b""")


def number_pattern() -> re.Pattern:
    found = "|".join(re.escape(number) for number in sorted(numbers(), key=len, reverse=True))
    # Standing alone: not part of a longer number ("1,000", "1800 333 000") or of a word.
    return re.compile(rf"(?<![\w,.\-/])(?<!\d )(?:{found})(?!\w| \d)")


def findings(path: Path) -> list[str]:
    """Each place named in a file: "line: what"."""
    found = []
    patterns = (slug_pattern(template=path.suffix == ".html"), number_pattern())
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        for pattern in patterns:
            found += [f"{number}: {match.group(0)}" for match in pattern.finditer(line)]
    return found


def test_the_code_is_read_at_all():
    assert len(CODE) > 50 and READER in CODE
    assert {"999", "911", "112", "000", "101"} <= numbers()


@pytest.mark.parametrize("path", [p for p in CODE if p != READER],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_place_is_named_in_code(path):
    assert findings(path) == [], "name it in data/jurisdictions.toml, read it through " \
                                 "takedown/jurisdictions.py"


def test_the_check_finds_a_place_named_in_code(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text('if case.jurisdiction == "us":\n    number = "911"\n'
                       'ok = "1,000 characters, 1800 333 000, user"\n', encoding="utf-8")
    assert findings(planted) == ['1: "us"', "2: 911"]
    template = tmp_path / "planted.html"
    template.write_text('{{ "me" if one else "us" }}\n{% if case.jurisdiction == "us" %}\n'
                        '{{ {"uk": "UK users"}[serves] }} call 999.\n', encoding="utf-8")
    assert findings(template) == ['2: == "us"', '3: "uk":', "3: 999"]
