"""Cross-document incident clustering: a gold set from the MUC-4 answer keys, and scorers.

Gold rule (docs/resolution.md repeats it). Two key templates of *different* messages
describe the same incident when all of these hold:

- both are relevant, non-optional templates with an INCIDENT: TYPE;
- their incident types share an alternative (``BOMBING`` ...);
- their INCIDENT: DATE alternatives overlap (a ``- 26 APR 89`` fill means "on or before",
  i.e. any day in the 30 days before);
- their INCIDENT: LOCATION share the country and the most specific place of one is among
  the places of the other (``SAN SALVADOR`` in ``EL SALVADOR: SAN SALVADOR (CITY)``);
- they share at least one normalised PHYS TGT: ID or HUM TGT: NAME string of four or more
  characters (a named victim or target, e.g. ``IGNACIO ELLACURIA``, ``UCA``).

Incidents are the connected components of that relation. The clustering is scored on
*messages* that have exactly one such template (so each message is one report of one
incident): B-cubed and pairwise precision, recall and F1 against incidex's incidents.

Command: ``python -m incidex.evaluate._clusters ../shared/data/muc4 [--split dev|test|all]
[--results FILE]``. ``--split dev`` scores the DEV messages only (the split the resolver's
weights were tuned on), ``test`` the TST1+TST2 messages (held out); each split is clustered
on its own. ``--results FILE`` keeps the extraction results (JSON Lines, outside the
repository) so a second run re-clusters without re-extracting.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from incidex.evaluate._common import Score, normalize_string
from incidex.evaluate._muc import MucKeyTemplate, read_muc_keys, read_muc_messages

__all__ = [
    "ClusterGold",
    "ClusterScores",
    "b_cubed",
    "muc4_cluster_gold",
    "pairwise",
    "predict_muc4_clusters",
    "score_clusters",
]

_KEY_FILES = ("dev", "tst1/key-tst1.v7", "tst2/key-tst2.v4")
_ON_OR_BEFORE = dt.timedelta(days=30)


@dataclass(frozen=True, slots=True)
class ClusterGold:
    """Gold incidents: message id -> incident label, plus how many templates were linked."""

    labels: dict[str, str]
    templates: int
    links: int

    @property
    def multi_report(self) -> int:
        """Incidents told by two or more messages."""
        sizes: dict[str, int] = {}
        for label in self.labels.values():
            sizes[label] = sizes.get(label, 0) + 1
        return sum(1 for n in sizes.values() if n > 1)


@dataclass(frozen=True, slots=True)
class ClusterScores:
    b_cubed: Score
    pairwise: Score
    elements: int


def _eligible(t: MucKeyTemplate) -> bool:
    return t.relevant and not t.optional and bool(t.incident_types)


def _dates(t: MucKeyTemplate) -> list[tuple[dt.date, dt.date]]:
    return [(d.start or d.end - _ON_OR_BEFORE, d.end) for d in t.dates]


def _places(t: MucKeyTemplate) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (normalize_string(loc.country), tuple(normalize_string(p.name) for p in loc.places))
        for loc in t.locations
    ]


def _names(t: MucKeyTemplate) -> set[str]:
    out: set[str] = set()
    for slot in (12, 18):
        for fill in t.slots[slot].fills:
            for value in fill.values:
                name = normalize_string(value)
                if len(name) >= 4:
                    out.add(name)
    return out


def _same_incident(a: MucKeyTemplate, b: MucKeyTemplate) -> bool:
    if not set(a.incident_types) & set(b.incident_types):
        return False
    if not any(s1 <= e2 and s2 <= e1 for s1, e1 in _dates(a) for s2, e2 in _dates(b)):
        return False
    place_ok = False
    for ca, pa in _places(a):
        for cb, pb in _places(b):
            if ca != cb:
                continue
            if (pa and pa[-1] in pb) or (pb and pb[-1] in pa) or (not pa and not pb):
                place_ok = True
    return place_ok and bool(_names(a) & _names(b))


def muc4_cluster_gold(templates: Iterable[MucKeyTemplate]) -> ClusterGold:
    """Cluster key templates into incidents under the rule above; label single-template
    messages with their incident."""
    eligible = [t for t in templates if _eligible(t)]
    parent = list(range(len(eligible)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Block on (country, type) so the comparison stays far below all pairs.
    blocks: dict[tuple[str, str], list[int]] = {}
    for i, t in enumerate(eligible):
        for country in {c for c, _ in _places(t)}:
            for kind in t.incident_types:
                blocks.setdefault((country, kind), []).append(i)
    links = 0
    done: set[tuple[int, int]] = set()
    for members in blocks.values():
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                if (i, j) in done or eligible[i].docid == eligible[j].docid:
                    continue
                done.add((i, j))
                if _same_incident(eligible[i], eligible[j]):
                    links += 1
                    a, b = find(i), find(j)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    per_doc: dict[str, list[int]] = {}
    for i, t in enumerate(eligible):
        per_doc.setdefault(t.docid, []).append(i)
    labels = {
        docid: f"g{find(members[0])}" for docid, members in per_doc.items() if len(members) == 1
    }
    return ClusterGold(labels, len(eligible), links)


def _clusters(labels: Mapping[str, str]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for element, label in labels.items():
        out.setdefault(label, set()).add(element)
    return out


def b_cubed(gold: Mapping[str, str], predicted: Mapping[str, str]) -> Score:
    """B-cubed over the gold elements (an element missing from ``predicted`` is a singleton).

    ``correct_pred / predicted`` is precision and ``correct_gold / gold`` recall, with the
    per-element fractions summed (scaled by 10,000 to keep integer counts).
    """
    pred = {e: predicted.get(e, f"__single__{e}") for e in gold}
    gold_c, pred_c = _clusters(gold), _clusters(pred)
    p_sum = r_sum = 0.0
    for e in gold:
        g, p = gold_c[gold[e]], pred_c[pred[e]]
        overlap = len(g & p)
        p_sum += overlap / len(p)
        r_sum += overlap / len(g)
    n = len(gold)
    scale = 10_000
    return Score("B-cubed", round(p_sum * scale), n * scale, round(r_sum * scale), n * scale)


def pairwise(gold: Mapping[str, str], predicted: Mapping[str, str]) -> Score:
    """Pairwise P/R/F1: pairs of elements put together, against pairs that belong together."""
    pred = {e: predicted.get(e, f"__single__{e}") for e in gold}

    def pairs(labels: Mapping[str, str]) -> set[tuple[str, str]]:
        out: set[tuple[str, str]] = set()
        for members in _clusters(labels).values():
            ordered = sorted(members)
            out.update((a, b) for x, a in enumerate(ordered) for b in ordered[x + 1 :])
        return out

    gp, pp = pairs(gold), pairs(pred)
    both = len(gp & pp)
    return Score("pairwise", both, len(pp), both, len(gp))


def score_clusters(gold: Mapping[str, str], predicted: Mapping[str, str]) -> ClusterScores:
    return ClusterScores(b_cubed(gold, predicted), pairwise(gold, predicted), len(gold))


_SPLITS = {"dev": ("DEV-",), "test": ("TST1-", "TST2-"), "all": ("DEV-", "TST1-", "TST2-")}


def in_split(docid: str, split: str) -> bool:
    """Whether a MUC message id belongs to a split: dev, test (TST1+TST2) or all."""
    return docid.upper().startswith(_SPLITS[split])


def predict_muc4_clusters(
    muc_dir: str | Path,
    docids: Iterable[str],
    *,
    db: str | Path | None = None,
    results: str | Path | None = None,
) -> dict[str, str]:
    """Run incidex (extraction, resolver, store) over the given MUC messages, in dateline
    order; message id -> incident id of its first report (no report: left out).

    With ``results``, extraction results are read from that file when it exists (written
    there otherwise), so clustering can be re-run alone."""
    from incidex.jobs import read_results, write_results
    from incidex.model import Article
    from incidex.nlp.extract import Extractor
    from incidex.resolve import IncidentResolver
    from incidex.store import Store

    wanted = set(docids)
    root = Path(muc_dir)
    messages = [
        m
        for sub, pattern in (("dev", "dev"), ("tst1", "tst1"), ("tst2", "tst2"))
        if (root / sub).is_dir()
        for f in sorted((root / sub).iterdir())
        if f.is_file() and f.name.startswith(pattern)
        for m in read_muc_messages(f)
        if m.docid in wanted
    ]
    messages.sort(key=lambda m: (m.date or dt.date.max, m.docid))
    articles = [
        Article.from_text(
            m.text,
            url=f"muc4:{m.docid}",
            title=None,
            published=dt.datetime.combine(m.date, dt.time(), tzinfo=dt.UTC) if m.date else None,
            source=m.dateline_source,
            origin=m.docid,
        )
        for m in messages
        if m.text.strip()
    ]
    cache = Path(results) if results is not None else None
    if cache is not None and cache.exists():
        by_id = {r.article.id: r for r in read_results([cache])}
        extracted = [by_id[a.id] for a in articles if a.id in by_id]
    else:
        extracted = list(Extractor().extract_articles(articles))
        if cache is not None:
            write_results(extracted, cache)
    store = Store(db) if db is not None else Store(memory=True)
    try:
        resolver = IncidentResolver(store)
        batch = []
        for result in extracted:
            batch.append(result)
            if len(batch) >= 32:
                store.save_results(batch, incident_of=resolver)
                batch = []
        if batch:
            store.save_results(batch, incident_of=resolver)
        incident_of: dict[str, str] = {}
        offset = 0
        while page := store.incidents(limit=10_000, offset=offset, sort="date"):
            for summary in page:
                for report in store.reports(incident_id=summary.id):
                    incident_of[report.id] = summary.id
            offset += len(page)
        return {
            a.origin: incident_of[f"{a.id}-0"]
            for a in articles
            if a.origin is not None and f"{a.id}-0" in incident_of
        }
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("muc_dir", help="the MUC-4 folder (with dev/, tst1/, tst2/)")
    parser.add_argument("--keys", nargs="*", default=list(_KEY_FILES), help="key files or folders")
    parser.add_argument(
        "--split", choices=sorted(_SPLITS), default="all", help="messages scored and clustered"
    )
    parser.add_argument("--results", help="extraction results cache (JSON Lines)")
    args = parser.parse_args(argv)
    root = Path(args.muc_dir)
    templates = [t for sub in args.keys for t in read_muc_keys(root / sub)]
    gold = muc4_cluster_gold(templates)
    labels = {d: label for d, label in gold.labels.items() if in_split(d, args.split)}
    print(
        f"gold: {gold.templates} templates, {gold.links} cross-message links, "
        f"{len(gold.labels)} single-incident messages, {gold.multi_report} incidents in 2+ "
        f"messages; split {args.split}: {len(labels)} messages, "
        f"{sum(len(m) > 1 for m in _clusters(labels).values())} incidents in 2+ messages"
    )
    started = time.perf_counter()
    predicted = predict_muc4_clusters(root, labels, results=args.results)
    seconds = time.perf_counter() - started
    scores = score_clusters(labels, predicted)
    for s in (scores.b_cubed, scores.pairwise):
        print(f"{s.label:9s} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}")
    print(f"{scores.elements} messages clustered in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
