"""Near-duplicates: a wire copy is linked to its first-seen original, never to another copy."""

from __future__ import annotations

import numpy as np

from storylens.dedup import DuplicateIndex, find_duplicates, shingles
from storylens.model import Article

WIRE = (
    "MARROWBY (Northwire) - The river Quell burst its banks early on Tuesday, flooding "
    "about 300 homes in the lower town of Marrowby and forcing the closure of the old stone "
    "bridge, the town council said. Mayor Elsa Vintner said emergency crews had moved 120 "
    "residents to the sports hall overnight and that no one had been hurt. Forecasters at the "
    "regional weather office expect the water to fall slowly over the next two days, but "
    "warned that more rain in the hills could send a second crest downstream by Friday."
)
REPRINT = "By Northwire staff\n\n" + WIRE + "\n\nCopyright Northwire. All rights reserved."
REPRINT_TRIMMED = WIRE.rsplit(" Forecasters", 1)[0] + " Read more on our local pages."
OWN_REPORT = (
    "Residents of Marrowby spent Tuesday night in the sports hall after the Quell rose "
    "faster than anyone on Mill Lane could remember. 'We had ten minutes to grab the dog "
    "and the photographs,' said Tomas Arden, a retired teacher. The council has opened a "
    "hardship fund and volunteers from the rowing club ferried groceries to flats cut off "
    "by the water. Engineers will inspect the old stone bridge before it can reopen."
)


def test_reprint_links_to_first_seen_original() -> None:
    index = DuplicateIndex()
    assert index.add("wire", WIRE) is None
    assert index.add("own", OWN_REPORT) is None
    assert index.add("reprint", REPRINT) == "wire"
    assert index.duplicate_of("reprint") == "wire"
    assert index.duplicate_of("own") is None


def test_copy_of_a_copy_points_at_the_original() -> None:
    index = DuplicateIndex()
    index.add("wire", WIRE)
    index.add("reprint", REPRINT)
    assert index.add("trimmed", REPRINT_TRIMMED) == "wire"
    assert index.links() == {"reprint": "wire", "trimmed": "wire"}


def test_short_texts_are_never_called_copies() -> None:
    index = DuplicateIndex()
    assert index.add("a", "Flood closes bridge.") is None
    assert index.add("b", "Flood closes bridge.") is None
    assert len(index) == 2


def test_restored_signatures_keep_matching() -> None:
    first = DuplicateIndex()
    sig = first.signature_of(WIRE)
    assert sig.dtype == np.uint64 and len(sig) == first.num_perm
    again = DuplicateIndex()
    again.restore("wire", sig, None)
    assert again.add("reprint", REPRINT) == "wire"


def test_find_duplicates_over_articles_in_order() -> None:
    arts = [Article("r", REPRINT), Article("w", WIRE), Article("o", OWN_REPORT)]
    # the first seen is the original, whichever outlet it came from
    assert find_duplicates(arts) == {"w": "r"}


def test_shingles_are_word_five_grams() -> None:
    grams = shingles("One two three four five six")
    assert grams == {b"one two three four five", b"two three four five six"}
