"""A report carrying a claim, an arrest or a trial keeps the attack it tells of when the
attack is recent: within two months of the article's date (MUC-4, template-doc-part1, 6).
Hand-made texts in mixed and upper case."""

from __future__ import annotations

from typing import Any

import pytest

_CLAIM = (
    "The National Liberation Army, which kidnapped businessman Pablo Ruiz on {day} in Quito,"
    " has claimed responsibility in a communique."
)
# No ransom, captivity or release word here: with one, an old kidnapping is news however
# long ago it began (tests/test_kidnapping_recall.py), so the two months would not be tested.


def _attack_types(nlp: Any, text: str, published: str) -> set[str]:
    from incidex.nlp.extract import extract

    result = extract(text, published=f"{published}T12:00:00+00:00", source="Test Wire", nlp=nlp)
    return {a.normalized.name for r in result.incidents for a in r.types if a.normalized.attack}


@pytest.mark.slow
@pytest.mark.parametrize("upper", [False, True])
@pytest.mark.parametrize(
    ("day", "kept"),
    [
        # 33 days before the article: recent, though more than 30 days
        ("20 December", True),
        # three months before: the claim recalls an old kidnapping
        ("20 October", False),
    ],
)
def test_a_kidnapping_within_two_months_is_recent(
    nlp: Any, day: str, kept: bool, upper: bool
) -> None:
    text = _CLAIM.format(day=day)
    types = _attack_types(nlp, text.upper() if upper else text, "1990-01-22")
    assert ("Hostage Taking (Kidnapping)" in types) is kept
