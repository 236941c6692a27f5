"""How far relevance takes MUC-4 five-role and slots on TST1+TST2: the shipped verdict against
gold relevance (a message is relevant when it has a GTT template in ``gtt/dev.jsonl``).

    python bench/relevance_oracle.py                 # shipped, gold, gold rejects, gold admits
    python bench/relevance_oracle.py --data ../shared/data --mode gold

Modes: ``shipped`` (the pipeline as is), ``gold`` (the verdict is the gold label), ``reject``
(the gold-irrelevant messages are rejected, the others keep the shipped verdict), ``admit``
(the gold-relevant ones are admitted, the others keep it). The verdict is replaced where
``incidex_relevance_v1`` sets it, so everything downstream (the role models run on what is not
rejected, the assembler) runs as in the pipeline. Reads TST1+TST2 only, never the held-out
DEV slice.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from incidex.evaluate._gtt import read_gtt
from incidex.evaluate._run import _muc_run
from incidex.nlp._doc import article_of
from incidex.nlp.components import trained

MODES = ("shipped", "gold", "reject", "admit")
_MESSAGES = ("muc4/tst1/tst1-muc3", "muc4/tst2/tst2-muc4")
_KEYS = ("muc4/tst1/key-tst1.v7", "muc4/tst2/key-tst2.v4")
_GOLD = "muc4/gtt/dev.jsonl"


def _patch(mode: str, gold: dict[str, bool]) -> None:
    shipped = trained.RelevanceClassifier._verdict

    def verdict(doc, cats):  # type: ignore[no-untyped-def]
        shipped(doc, cats)
        relevant = gold[article_of(doc).extra["muc_docid"]]
        if mode == "gold" or (mode == "reject" and not relevant):
            doc._.relevant = relevant
        elif mode == "admit" and relevant:
            doc._.relevant = True

    trained.RelevanceClassifier._verdict = staticmethod(verdict)  # type: ignore[method-assign]


def run(data: Path, mode: str) -> str:
    """One line: the mode, five-role and slots micro P/R/F1 (correct / predicted / gold)."""
    gold = {d.docid: bool(d.templates) for d in read_gtt(data / _GOLD)}
    shipped = trained.RelevanceClassifier._verdict
    if mode != "shipped":
        _patch(mode, gold)
    try:
        with tempfile.TemporaryDirectory() as scratch:
            five, slots = _muc_run(
                [data / p for p in _MESSAGES],
                [data / p for p in _KEYS],
                data / _GOLD,
                Path(scratch) / "muc4.jsonl",
                None,
            )
    finally:
        trained.RelevanceClassifier._verdict = shipped  # type: ignore[method-assign]
    parts = [mode]
    for name, table in (("five-role", five.scores), ("slots", slots.scores)):
        m = table.micro
        parts.append(
            f"{name} P {100 * m.precision:.1f} R {100 * m.recall:.1f} F1 {100 * m.f1:.1f} "
            f"({m.correct_pred}/{m.predicted}/{m.gold})"
        )
    return " | ".join(parts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--mode", choices=MODES, action="append")
    args = parser.parse_args()
    for mode in args.mode or MODES:
        print(run(args.data, mode), flush=True)


if __name__ == "__main__":
    main()
