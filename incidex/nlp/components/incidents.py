"""Assemble the assertions of a Doc into incident reports."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from ...model import FIELDS, Assertion, EventType, IncidentReport
from .._doc import add_assertion, article_of, ensure_extensions, sent_info

__all__ = ["IncidentAssembler", "INFERRED_TYPES"]

EXTRACTOR = "incidex_incidents_v1"
# GTD weapon type -> the attack type it implies when the text names no attack type
INFERRED_TYPES: dict[int, tuple[str, int]] = {
    5: ("Armed Assault", 2),
    6: ("Bombing/Explosion", 3),
    8: ("Facility/Infrastructure Attack", 7),
    9: ("Armed Assault", 2),
    10: ("Unarmed Assault", 8),
}


class IncidentAssembler:
    def __init__(self) -> None:
        ensure_extensions()

    def __call__(self, doc: Doc) -> Doc:
        assertions: list[Assertion[Any]] = list(doc._.assertions or [])
        by_field: dict[str, list[Assertion[Any]]] = defaultdict(list)
        for assertion in assertions:
            by_field[assertion.field].append(assertion)
        attack_types = [a for a in by_field["types"] if a.normalized.attack]
        infos = sent_info(doc)
        generic = any(info.generic_attack for info in infos)
        if not attack_types and generic:
            for weapon in by_field["weapons"]:
                inferred = INFERRED_TYPES.get(weapon.normalized.type_code)
                if inferred is None:
                    continue
                span = doc.char_span(weapon.start, weapon.end, alignment_mode="expand")
                if span is None:
                    continue
                by_field["types"].append(
                    add_assertion(
                        doc,
                        "types",
                        span,
                        EventType(name=inferred[0], gtd_code=inferred[1]),
                        extractor=EXTRACTOR,
                        confidence=0.5,
                    )
                )
                break
        relevant = bool(
            any(a.normalized.attack for a in by_field["types"])
            or by_field["claims"]
            or by_field["threats"]
            or (generic and (by_field["casualties"] or by_field["suspects"]))
        )
        if not relevant:
            doc._.incidents = []
            return doc
        article = article_of(doc)
        summary_sent = next(
            (s for s, info in zip(doc.sents, infos, strict=False) if info.attack), None
        )
        report = IncidentReport(
            article_id=article.id if article is not None else "a0",
            summary=summary_sent.text[:400] if summary_sent is not None else None,
            **{name: sorted(by_field[name], key=lambda a: a.start) for name in FIELDS},
        )
        doc._.incidents = [report]
        return doc


@Language.factory("incidex_incidents_v1", assigns=["doc._.incidents"])
def make_incidents(nlp: Language, name: str) -> IncidentAssembler:
    return IncidentAssembler()
