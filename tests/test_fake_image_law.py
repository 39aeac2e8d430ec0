"""The law on images made or altered to look real: declared for every place, cited only for a
fake image (the letters' own test, test_letters_fake_image, reads every letter kind)."""

import pytest

from takedown import jurisdictions, law

# Places with no sourced law on fake images of adults: none is cited, and none is invented.
NO_ADULT_FAKE_LAW = {"northern-ireland", "eu", "canada"}


def _fake_laws(place: str, under_18: bool, fake: bool) -> list[str]:
    return [item.slug for item in law.laws_for(place, under_18, fake=fake)
            if item.topic == "fake-image"]


@pytest.mark.parametrize("place", jurisdictions.names())
def test_every_place_declares_its_law_on_fake_images_of_children(place):
    assert _fake_laws(place, True, fake=True)


@pytest.mark.parametrize("place", jurisdictions.names())
def test_adults_have_their_law_on_fake_images_where_one_is_sourced(place):
    assert bool(_fake_laws(place, False, fake=True)) == (place not in NO_ADULT_FAKE_LAW)


@pytest.mark.parametrize("place", jurisdictions.names())
@pytest.mark.parametrize("under_18", [True, False])
def test_the_law_on_fake_images_is_left_out_unless_the_image_is_fake(place, under_18):
    assert _fake_laws(place, under_18, fake=False) == []


def test_each_law_on_fake_images_has_the_sentence_a_letter_prints():
    for item in law.all_laws():
        if item.topic == "fake-image":
            assert item.letter_says and item.citation, item.slug
