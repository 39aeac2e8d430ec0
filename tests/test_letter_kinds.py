"""The letter kinds, declared once in takedown/letterkinds.py: what the data and templates need."""

from takedown import deadlines, letterkinds, letters


def test_every_deadline_rule_names_a_letter_the_progress_page_offers():
    named = {rule.slug: rule.letter for rule in deadlines.all_deadlines() if rule.letter}
    assert named, "law.toml names no letter at all"
    unknown = {slug: letter for slug, letter in named.items()
               if letter not in letterkinds.deadline_letters()}
    assert not unknown, f"deadline rules name letters no place is offered: {unknown}"


def test_every_kind_has_its_templates():
    for kind in letterkinds.KINDS:
        assert (letters.ROOT / "letters" / kind.template).is_file(), kind.slug
        if not kind.pack:  # its body, which the pack includes too
            assert (letters.ROOT / "letters" / "_letters" / kind.template).is_file(), kind.slug


def test_each_kind_is_declared_once_and_read_in_its_order():
    slugs = [kind.slug for kind in letterkinds.KINDS]
    assert len(set(slugs)) == len(slugs)
    assert letters.KINDS == tuple(slugs)
    assert [kind.slug for kind in letterkinds.KINDS if kind.pack] == ["pack"]
