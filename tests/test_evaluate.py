"""Benchmark readers and scorers: hand-made gold/prediction pairs with hand-computed scores,
and reader checks on the shared MUC-4 / WikiEvents data (skipped when it is absent)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from incidex.errors import EvaluationError
from incidex.evaluate import (
    GoldTemplate,
    MucDate,
    PredTemplate,
    SlotTemplate,
    WikiPredArgument,
    WikiPredEvent,
    argument_errors,
    error_budget,
    format_scores,
    gold_from_gtt,
    keys_by_docid,
    normalize_string,
    read_gtt,
    read_muc_keys,
    read_muc_messages,
    read_predictions,
    read_wikievents,
    score_five_role,
    score_muc_slots,
    score_wikievents,
)

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
MUC = SHARED / "data" / "muc4"
WIKI = SHARED / "data" / "wikievents" / "dev.jsonl"
needs_muc = pytest.mark.skipif(not MUC.is_dir(), reason="shared MUC-4 data not present")
needs_wiki = pytest.mark.skipif(not WIKI.is_file(), reason="shared WikiEvents data not present")


def gold(kind: str, **roles: list[list[str]]) -> GoldTemplate:
    return GoldTemplate.build(kind, **roles)


def pred(kind: str, **roles: list[list[str]]) -> PredTemplate:
    return PredTemplate.build(kind, **roles)


# -- five-role scorer -------------------------------------------------------------------


def test_error_budget_puts_every_lost_and_wrong_item_in_one_class() -> None:
    kidnap = gold("kidnapping", Victim=[["mayor"]], PerpInd=[["guerrillas"]])
    bomb = gold("bombing", Target=[["bank"]], Weapon=[["bomb"]])
    golds = {
        "MISSED": [gold("attack", Victim=[["priest"]])],  # no prediction: 2 items lost
        "TWO": [kidnap, bomb],  # one predicted: the bombing's 3 items left unmapped
        "TYPE": [gold("attack", Target=[["bridge"]])],  # predicted as a bombing
        "NONE": [],  # predicted although irrelevant
    }
    preds = {
        "TWO": [pred("kidnapping", Victim=[["mayor"]], PerpInd=[["soldiers"]])],
        "TYPE": [pred("bombing", Target=[["bridge"]])],
        "NONE": [pred("attack", PerpOrg=[["fmln"]])],
    }
    budget = error_budget(preds, golds)
    assert (budget.gold, budget.predicted, budget.correct) == (10, 7, 2)
    assert budget.lost_no_prediction == 2
    assert budget.lost_other_templates == 3
    assert budget.lost_wrong_type == 2
    assert budget.lost_roles == 1  # "guerrillas" in the mapped kidnapping
    assert budget.spurious_roles == 1  # "soldiers"
    assert budget.spurious_wrong_type == 2 and budget.spurious_irrelevant == 2
    assert budget.spurious_templates == 0
    assert budget.messages == {"no_prediction": 1, "multi": 1, "wrong_type": 1, "irrelevant": 1}
    assert "| messages with no prediction | 2 | 1 |" in budget.markdown


GOLD_DOC = {
    "D1": [
        gold(
            "attack",
            PerpInd=[["guerrillas", "guerrilla column"]],
            PerpOrg=[["farabundo marti national liberation front", "fmln"]],
            Victim=[["cerezo"]],
        )
    ]
}


def test_perfect_prediction_scores_100() -> None:
    prediction = {
        "D1": [
            pred(
                "attack",
                **{
                    r: [list(e) for e in GOLD_DOC["D1"][0].role(r)]
                    for r in ("PerpInd", "PerpOrg", "Victim")
                },
            )
        ]
    }
    scores = score_five_role(prediction, GOLD_DOC)
    for row in (*scores.rows, *scores.averages):
        if row.gold:
            assert (row.precision, row.recall, row.f1) == (1.0, 1.0, 1.0), row
    assert scores.micro.correct_pred == 4  # type + 3 entities


def test_empty_prediction_has_zero_precision_and_recall() -> None:
    scores = score_five_role({}, GOLD_DOC)
    assert scores.micro.predicted == 0
    assert scores.micro.gold == 4
    assert (scores.micro.precision, scores.micro.recall, scores.micro.f1) == (0.0, 0.0, 0.0)


def test_mapping_picks_the_better_of_two_assignments() -> None:
    golds = {
        "D": [
            gold("attack", PerpOrg=[["fmln"]], Victim=[["peasants"]]),
            gold("attack", Target=[["bridge"]]),
        ]
    }
    # In listed order the first prediction would face the first gold template; the best
    # mapping crosses them and gets everything right.
    preds = {
        "D": [
            pred("attack", Target=[["bridge"]]),
            pred("attack", PerpOrg=[["fmln"]], Victim=[["peasants"]]),
        ]
    }
    scores = score_five_role(preds, golds)
    assert scores.micro.f1 == 1.0
    assert scores["Target"].correct_pred == 1


def test_large_documents_use_the_hungarian_method_and_stay_exact() -> None:
    golds = {"D": [gold("attack", Target=[[f"target {i}"]]) for i in range(9)]}
    preds = {"D": [pred("attack", Target=[[f"target {i}"]]) for i in reversed(range(9))]}
    scores = score_five_role(preds, golds)
    assert scores["Target"].correct_pred == 9
    assert scores.micro.f1 == 1.0


def test_incident_type_mismatch_blocks_credit() -> None:
    golds = {"D": [gold("kidnapping", Victim=[["peasants"]])]}
    preds = {"D": [pred("attack", Victim=[["peasants"]])]}
    scores = score_five_role(preds, golds)
    victim = scores["Victim"]
    assert (victim.correct_pred, victim.predicted, victim.gold) == (0, 1, 1)
    assert scores["incident_type"].correct_pred == 0


def test_gold_type_alternatives_accept_either() -> None:
    golds = {"D": [gold("bombing / attack", Target=[["bank"]])]}
    assert score_five_role({"D": [pred("attack", Target=[["bank"]])]}, golds).micro.f1 == 1.0


def test_entity_mixing_mentions_of_two_gold_entities_is_wrong() -> None:
    golds = {"D": [gold("attack", PerpInd=[["guerrillas"], ["soldiers"]])]}
    preds = {"D": [pred("attack", PerpInd=[["guerrillas", "soldiers"]])]}
    row = score_five_role(preds, golds)["PerpInd"]
    assert (row.correct_pred, row.predicted, row.gold) == (0, 1, 2)


def test_coreferent_mentions_count_once() -> None:
    golds = {"D": [gold("attack", PerpOrg=[["farabundo marti national liberation front", "fmln"]])]}
    split = {
        "D": [pred("attack", PerpOrg=[["fmln"], ["farabundo marti national liberation front"]])]
    }
    row = score_five_role(split, golds)["PerpOrg"]
    assert (row.correct_pred, row.predicted, row.gold) == (1, 2, 1)
    assert (row.precision, row.recall) == (0.5, 1.0)
    joined = {
        "D": [pred("attack", PerpOrg=[["fmln", "farabundo marti national liberation front"]])]
    }
    assert score_five_role(joined, golds)["PerpOrg"].f1 == 1.0


def test_normalisation_ignores_case_punctuation_and_articles() -> None:
    assert normalize_string("The FMLN.") == "fmln"
    assert normalize_string("  a   Guerrilla  column ") == "guerrilla column"
    golds = {"D": [gold("attack", PerpOrg=[["fmln"]])]}
    preds = {"D": [pred("attack", PerpOrg=[["The FMLN."]])]}
    assert score_five_role(preds, golds)["PerpOrg"].f1 == 1.0


def test_extra_predicted_template_costs_precision_only() -> None:
    golds = {"D": [gold("attack", PerpOrg=[["fmln"]])]}
    preds = {"D": [pred("attack", PerpOrg=[["fmln"]]), pred("bombing", Target=[["bank"]])]}
    micro = score_five_role(preds, golds).micro
    # gold: type + fmln = 2, all found; predicted: 2 right + type + bank wrong = 4.
    assert (micro.correct_pred, micro.predicted, micro.gold) == (2, 4, 2)
    assert (micro.precision, micro.recall) == (0.5, 1.0)


def test_format_scores_renders_markdown_rows() -> None:
    golds = {"D": [gold("attack", PerpOrg=[["farabundo marti national liberation front", "fmln"]])]}
    preds = {
        "D": [pred("attack", PerpOrg=[["fmln"], ["farabundo marti national liberation front"]])]
    }
    table = format_scores(score_five_role(preds, golds))
    assert table.splitlines()[0] == "| Role | P | R | F1 | correct | predicted | gold |"
    assert "| PerpOrg | 50.0 | 100.0 | 66.7 | 1 | 2 | 1 |" in table
    assert "| **micro** |" in table


def test_read_predictions_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "preds.jsonl"
    record = {"docid": "D", "templates": [{"incident_type": "attack", "PerpOrg": [["FMLN"]]}]}
    path.write_text(json.dumps(record) + "\n\n", encoding="utf-8")
    preds = read_predictions(path)
    assert preds["D"][0].role("PerpOrg") == (("FMLN",),)
    assert preds["D"][0].role("Weapon") == ()
    path.write_text('{"docid": "D", "templates": [{"PerpOrg": []}]}\n', encoding="utf-8")
    with pytest.raises(EvaluationError) as err:
        read_predictions(path)
    assert err.value.code == "E040"
    with pytest.raises(EvaluationError):
        read_predictions(tmp_path / "missing.jsonl")


# -- MUC slot scorer ----------------------------------------------------------------------

SLOTS = [
    "MESSAGE: ID", "MESSAGE: TEMPLATE", "INCIDENT: DATE", "INCIDENT: LOCATION",
    "INCIDENT: TYPE", "INCIDENT: STAGE OF EXECUTION", "INCIDENT: INSTRUMENT ID",
    "INCIDENT: INSTRUMENT TYPE", "PERP: INCIDENT CATEGORY", "PERP: INDIVIDUAL ID",
    "PERP: ORGANIZATION ID", "PERP: ORGANIZATION CONFIDENCE", "PHYS TGT: ID", "PHYS TGT: TYPE",
    "PHYS TGT: NUMBER", "PHYS TGT: FOREIGN NATION", "PHYS TGT: EFFECT OF INCIDENT",
    "PHYS TGT: TOTAL NUMBER", "HUM TGT: NAME", "HUM TGT: DESCRIPTION", "HUM TGT: TYPE",
    "HUM TGT: NUMBER", "HUM TGT: FOREIGN NATION", "HUM TGT: EFFECT OF INCIDENT",
    "HUM TGT: TOTAL NUMBER",
]  # fmt: skip


def key_text(fills: dict[int, list[str]], default: str = "-") -> str:
    """A hand-made key template in the MUC layout (slot, padding, fills)."""
    lines = []
    for number, name in enumerate(SLOTS):
        values = fills.get(number, [default])
        head = f"{number}.".ljust(4) + name
        lines.append(head.ljust(36) + values[0])
        lines.extend(" " * 36 + v for v in values[1:])
    return "\n".join(lines) + "\n\n"


HAND_KEY = (
    key_text(
        {
            0: ["TST9-MUC4-0001"],
            1: ["1"],
            2: ["20 APR 89 - 26 APR 89"],
            3: ["EL SALVADOR: SAN SALVADOR (CITY): MEJICANOS (NEIGHBORHOOD)"],
            4: ["BOMBING"],
            7: ['BOMB / EXPLOSIVE: "DEVICE"'],
            10: ['"POPULAR ARMY" / "EPL"', '? "MILITARY"'],
            11: ['REPORTED AS FACT: "POPULAR ARMY" / "EPL"', '? POSSIBLE: "MILITARY"'],
            21: ['2: "GUARDS"', 'PLURAL: "PASSERSBY"'],
            23: ['DEATH: "GUARDS"', '? INJURY: "PASSERSBY"'],
        }
    )
    + key_text({0: ["TST9-MUC4-0002"], 1: ["*"]}, default="*")
    + key_text(
        {
            0: ["TST9-MUC4-0003 (HAND)"],
            1: ["1 (OPTIONAL)"],
            2: ["- 26 APR 89"],
            3: ["? PERU"],
            4: ["ARSON"],
            7: ["*"],
        }
    )
)


@pytest.fixture()
def hand_keys(tmp_path: Path) -> dict[str, list]:
    path = tmp_path / "key-hand.v1"
    path.write_text(";;; a comment line\n" + HAND_KEY, encoding="ascii")
    return keys_by_docid(read_muc_keys(path))


def test_hand_key_parses(hand_keys: dict[str, list]) -> None:
    first = hand_keys["TST9-MUC4-0001"][0]
    assert first.comments == ("a comment line",)
    assert first.dates == (MucDate(dt.date(1989, 4, 20), dt.date(1989, 4, 26)),)
    orgs = first.slot("PERP: ORGANIZATION ID").fills
    assert [f.values for f in orgs] == [("POPULAR ARMY", "EPL"), ("MILITARY",)]
    assert [f.optional for f in orgs] == [False, True]
    assert first.slot(11).fills[0].refs == ("POPULAR ARMY", "EPL")
    assert not hand_keys["TST9-MUC4-0002"][0].relevant
    third = hand_keys["TST9-MUC4-0003"][0]
    assert third.optional and third.annotators == "HAND"
    assert third.slot(7).status == "inapplicable"
    assert third.dates[0].on_or_before


def test_slot_scorer_alternatives_optional_fills_and_date_range(hand_keys: dict) -> None:
    prediction = SlotTemplate(
        incident_type="bombing",
        date=dt.date(1989, 4, 23),  # inside the 20-26 APR range
        country="El Salvador",
        place="San Salvador",  # a level above the neighbourhood still counts
        instrument_types=("EXPLOSIVE",),  # second alternative
        perp_orgs=("EPL",),  # the acronym alternative; optional "MILITARY" left out
        perp_org_confidence="REPORTED AS FACT",
        hum_tgt_effects=("DEATH",),  # optional INJURY left out
        hum_tgt_numbers=(2, 5),  # 2 = "2", 5 fits PLURAL
    )
    scores = score_muc_slots({"TST9-MUC4-0001": [prediction]}, hand_keys)
    for row in scores.rows:
        if row.label != WHOLE_LOCATION:
            assert row.correct_pred == row.predicted == row.gold, row
    assert scores.micro.f1 == 1.0
    # The whole slot wants the neighbourhood: the city is a level too general, half credit.
    whole = scores[WHOLE_LOCATION]
    assert (whole.correct_pred, whole.predicted, whole.gold) == (0.5, 1, 1)


def test_slot_scorer_a_predicted_plural_matches_plural_only(hand_keys: dict) -> None:
    # the key: 2 "GUARDS", PLURAL "PASSERSBY"; PLURAL says no figure, so it is not "2"
    prediction = SlotTemplate(incident_type="BOMBING", hum_tgt_numbers=("PLURAL", "PLURAL"))
    number = score_muc_slots({"TST9-MUC4-0001": [prediction]}, hand_keys)["HUM TGT: NUMBER"]
    assert (number.correct_pred, number.predicted, number.gold) == (1, 2, 2)


def test_slot_scorer_date_outside_range_and_extra_fills(hand_keys: dict) -> None:
    prediction = SlotTemplate(
        incident_type="BOMBING",
        date=dt.date(1989, 4, 27),
        perp_orgs=("EPL", "MILITARY", "ARMY"),
    )
    scores = score_muc_slots({"TST9-MUC4-0001": [prediction]}, hand_keys)
    assert scores["INCIDENT: DATE"].correct_pred == 0
    org = scores["PERP: ORGANIZATION ID"]
    # EPL and the optional MILITARY are right (the matched optional fill joins the gold
    # count); ARMY is spurious.
    assert (org.correct_pred, org.predicted, org.gold) == (2, 3, 2)


def test_slot_scorer_irrelevant_and_optional_templates(hand_keys: dict) -> None:
    spurious = SlotTemplate(incident_type="ATTACK", country="PERU")
    scores = score_muc_slots({"TST9-MUC4-0002": [spurious]}, hand_keys)
    assert scores.micro.correct_pred == 0 and scores.micro.predicted == 2
    # Missing the OPTIONAL template of message 3 costs nothing; message 1 is all missed.
    assert scores.micro.gold == score_muc_slots({}, hand_keys).micro.gold
    on_or_before = SlotTemplate(incident_type="ARSON", date=dt.date(1989, 4, 20))
    only_third = {"TST9-MUC4-0003": hand_keys["TST9-MUC4-0003"]}
    third = score_muc_slots({"TST9-MUC4-0003": [on_or_before]}, only_third)
    assert third["INCIDENT: DATE"].correct_pred == 1
    assert third["INCIDENT: LOCATION (country)"].gold == 0  # "? PERU" not predicted


WHOLE_LOCATION = "INCIDENT: LOCATION (whole slot)"
NEIGHBOURHOOD = "EL SALVADOR: SAN SALVADOR (CITY): MEJICANOS (NEIGHBORHOOD)"


@pytest.mark.parametrize(
    ("key", "country", "place", "expected"),
    [
        # (correct credit, predicted, gold): 1 correct, 0.5 partial, 0 incorrect or missing
        (NEIGHBOURHOOD, "El Salvador", "Mejicanos", (1, 1, 1)),
        (NEIGHBOURHOOD, "EL SALVADOR", "SAN SALVADOR", (0.5, 1, 1)),  # less specific level
        (NEIGHBOURHOOD, "EL SALVADOR", None, (0.5, 1, 1)),  # place missing
        (NEIGHBOURHOOD, "EL SALVADOR", "USULUTAN", (0.5, 1, 1)),  # place wrong
        (NEIGHBOURHOOD, "GUATEMALA", "MEJICANOS", (0, 1, 1)),  # country wrong
        (NEIGHBOURHOOD, None, "MEJICANOS", (0, 1, 1)),  # no country
        (NEIGHBOURHOOD, None, None, (0, 0, 1)),  # nothing predicted: a miss
        ("PERU", "PERU", None, (1, 1, 1)),  # the key names only the country
        ("PERU", "PERU", "LIMA", (0.5, 1, 1)),  # a place the key does not support
        ("PERU: LIMA (CITY) / PERU", "PERU", None, (1, 1, 1)),  # the best alternative
        ("EL SALVADOR: SAN MIGUEL (CITY) - USULUTAN (CITY)", "EL SALVADOR", "USULUTAN", (1, 1, 1)),
        ("? PERU", "PERU", None, (1, 1, 1)),  # an optional fill joins gold when it scores
        ("? PERU", None, None, (0, 0, 0)),  # ... and is no miss when left out
        ("? PERU", "CHILE", None, (0, 1, 0)),
        ("*", "PERU", None, (0, 0, 0)),  # inapplicable: not scored
        ("-", "PERU", None, (0, 1, 0)),  # null: the prediction is spurious
    ],
)
def test_whole_location_slot_gives_half_credit_for_partial_fills(
    tmp_path: Path, key: str, country: str | None, place: str | None, expected: tuple
) -> None:
    path = tmp_path / "key-loc.v1"
    path.write_text(key_text({0: ["TST9-MUC4-0009"], 1: ["1"], 3: [key], 4: ["ATTACK"]}))
    keys = keys_by_docid(read_muc_keys(path))
    prediction = SlotTemplate(incident_type="ATTACK", country=country, place=place)
    whole = score_muc_slots({"TST9-MUC4-0009": [prediction]}, keys)[WHOLE_LOCATION]
    assert (whole.correct_pred, whole.predicted, whole.gold) == expected
    assert whole.correct_gold == whole.correct_pred


def test_whole_location_row_stays_out_of_the_micro_and_prints_half_credits(tmp_path: Path) -> None:
    path = tmp_path / "key-loc.v1"
    text = key_text({0: ["TST9-MUC4-0009"], 1: ["1"], 3: [NEIGHBOURHOOD], 4: ["ATTACK"]})
    path.write_text(text + text.replace("0009", "0010"))
    keys = keys_by_docid(read_muc_keys(path))
    partial = SlotTemplate(incident_type="ATTACK", country="EL SALVADOR")
    full = SlotTemplate(incident_type="ATTACK", country="EL SALVADOR", place="MEJICANOS")
    scores = score_muc_slots({"TST9-MUC4-0009": [partial], "TST9-MUC4-0010": [full]}, keys)
    # type 2/2, country 2/2, place 1 of 1 predicted and 2 gold: the whole-slot row not added
    assert (scores.micro.correct_pred, scores.micro.predicted, scores.micro.gold) == (5, 5, 6)
    whole = scores[WHOLE_LOCATION]
    assert (whole.precision, whole.recall) == (0.75, 0.75)
    assert "| INCIDENT: LOCATION (whole slot) | 75.0 | 75.0 | 75.0 | 1.5 | 2 | 2 |" in (
        format_scores(scores)
    )


def test_missing_key_file_raises_e040(tmp_path: Path) -> None:
    with pytest.raises(EvaluationError) as err:
        list(read_muc_keys(tmp_path / "nope.v1"))
    assert err.value.code == "E040"
    bad = tmp_path / "key-bad"
    bad.write_text("0.  NOT A SLOT   X\n", encoding="ascii")
    with pytest.raises(EvaluationError):
        list(read_muc_keys(bad))


# -- WikiEvents -----------------------------------------------------------------------------


def wiki_doc() -> dict:
    tokens = "The rebel commander shot two police officers in Gao , officials said .".split()
    return {
        "doc_id": "hand_1",
        "tokens": tokens,
        "text": " ".join(tokens),
        "sentences": [[[[t, 0, 0] for t in tokens], " ".join(tokens)]],
        "entity_mentions": [
            {"id": "hand_1-T1", "sent_idx": 0, "start": 0, "end": 3, "entity_type": "PER",
             "mention_type": "NOM", "text": "The rebel commander"},
            {"id": "hand_1-T2", "sent_idx": 0, "start": 4, "end": 7, "entity_type": "PER",
             "mention_type": "NOM", "text": "two police officers"},
            {"id": "hand_1-T3", "sent_idx": 0, "start": 8, "end": 9, "entity_type": "GPE",
             "mention_type": "NAM", "text": "Gao"},
        ],
        "relation_mentions": [],
        "event_mentions": [
            {"id": "hand_1-E1", "event_type": "Conflict.Attack.Unspecified",
             "trigger": {"start": 3, "end": 4, "text": "shot", "sent_idx": 0},
             "arguments": [
                 {"entity_id": "hand_1-T1", "role": "Attacker", "text": "The rebel commander"},
                 {"entity_id": "hand_1-T2", "role": "Target", "text": "two police officers"},
                 {"entity_id": "hand_1-T3", "role": "Place", "text": "Gao"},
             ]},
            {"id": "hand_1-E2", "event_type": "Contact.Contact.Broadcast",
             "trigger": {"start": 11, "end": 12, "text": "said", "sent_idx": 0},
             "arguments": [{"entity_id": "hand_1-T3", "role": "Place", "text": "Gao"}]},
        ],
    }  # fmt: skip


def test_wikievents_head_word_match_and_role_classification(tmp_path: Path) -> None:
    path = tmp_path / "wiki.jsonl"
    path.write_text(json.dumps(wiki_doc()) + "\n", encoding="utf-8")
    docs = list(read_wikievents(path))
    assert docs[0].entity_mentions[0].head == "commander"  # last token of the mention
    preds = [
        WikiPredEvent(
            "hand_1",
            "Conflict.Attack.Unspecified",
            (
                WikiPredArgument("Attacker", "rebel commander"),  # same head: right
                WikiPredArgument("Victim", "officers"),  # right head, wrong role
                WikiPredArgument("Place", "Mali"),  # wrong head
            ),
        ),
        # Not one of the scored event types: ignored.
        WikiPredEvent("hand_1", "Contact.Contact.Broadcast", (WikiPredArgument("Place", "x"),)),
    ]
    scores = score_wikievents(preds, docs)
    ident = scores["Argument identification"]
    classified = scores["Argument classification"]
    assert (ident.correct_pred, ident.predicted, ident.gold) == (2, 3, 3)
    assert (classified.correct_pred, classified.predicted, classified.gold) == (1, 3, 3)
    attacker = scores["Conflict.Attack.Unspecified / Attacker"]
    assert (attacker.correct_pred, attacker.predicted, attacker.gold) == (1, 1, 1)
    target = scores["Conflict.Attack.Unspecified / Target"]
    assert (target.correct_pred, target.predicted, target.gold) == (0, 0, 1)
    assert scores.micro == classified
    errors = {(e.kind, e.role, e.head) for e in argument_errors(preds, docs)}
    assert errors == {
        ("missed", "Target", "officers"),
        ("missed", "Place", "gao"),
        ("spurious", "Victim", "officers"),
        ("spurious", "Place", "mali"),
    }


# -- readers on the shared data ---------------------------------------------------------


@needs_muc
@pytest.mark.parametrize(
    ("messages", "keys", "n_docs"),
    [
        ("dev", "dev", 1300),
        ("tst1/tst1-muc3", "tst1/key-tst1.v7", 100),
        ("tst2/tst2-muc4", "tst2/key-tst2.v4", 100),
    ],
)
def test_muc_message_and_key_counts(messages: str, keys: str, n_docs: int) -> None:
    docs = list(read_muc_messages(MUC / messages))
    assert len(docs) == len({d.docid for d in docs}) == n_docs
    assert all(d.text and d.header.endswith("]") for d in docs)
    key_ids = {k.docid for k in read_muc_keys(MUC / keys)}
    assert key_ids == {d.docid for d in docs}


@needs_muc
def test_muc_dev_relevant_templates_match_gtt_train() -> None:
    relevant = [k for k in read_muc_keys(MUC / "dev") if k.relevant]
    assert len(relevant) == sum(len(d.templates) for d in read_gtt(MUC / "gtt" / "train.jsonl"))


@needs_muc
def test_first_dev_message_header_and_key() -> None:
    message = next(read_muc_messages(MUC / "dev" / "dev-muc3-0001-0100"))
    assert message.docid == "DEV-MUC3-0001"
    assert message.dateline_place == "SAN SALVADOR"
    assert message.date == dt.date(1990, 1, 3)
    assert message.header.endswith("[TEXT]")
    assert "[TEXT]" not in message.text

    first, second = [k for k in read_muc_keys(MUC / "dev" / "key-dev-0001.muc4")][:2]
    assert (first.docid, first.template_id, first.optional) == ("DEV-MUC3-0001", 1, False)
    assert first.incident_types == ("KIDNAPPING",)
    assert first.dates == (MucDate(dt.date(1989, 12, 30), dt.date(1989, 12, 30)),)
    (location,) = first.locations
    assert location.country == "EL SALVADOR"
    assert [(p.name, p.types) for p in location.places] == [
        ("SAN MIGUEL", ("DEPARTMENT",)),
        ("SAN LUIS DE LA REINA", ("TOWN",)),
    ]
    assert first.slot(10).fills[0].values == ("FARABUNDO MARTI NATIONAL LIBERATION FRONT", "FMLN")
    assert first.slot(11).fills[0].values == ("REPORTED AS FACT",)
    assert first.slot(11).fills[0].refs == ("FARABUNDO MARTI NATIONAL LIBERATION FRONT", "FMLN")
    assert first.slot(6).status == "inapplicable"
    assert first.slot(18).status == "null"
    assert first.slot(21).fills[0].values == ("50",)
    # Template 2: two instruments on two lines, an optional perpetrator.
    assert [f.values for f in second.slot(7).fills] == [("MORTAR",), ("RIFLE",)]
    assert second.slot(9).fills[0].optional


@needs_muc
def test_gtt_dev_reader_and_gold_vs_gold() -> None:
    docs = list(read_gtt(MUC / "gtt" / "dev.jsonl"))
    assert len(docs) == 200
    first = docs[0].templates[0]
    mention = first.role("PerpInd")[0][0]
    assert docs[0].doctext[mention.offset : mention.offset + len(mention.text)] == mention.text
    golds = gold_from_gtt(docs)
    assert score_five_role(golds, golds).micro.f1 == 1.0


def test_wikievents_text_keeps_sentences_apart(tmp_path: Path) -> None:
    # The corpus' text field glues sentences: "...injured another 15.Twenty insurgents".
    doc = wiki_doc()
    first, second = "They killed 23 soldiers and injured another 15.", "Twenty insurgents died."
    doc["text"] = first + second
    doc["sentences"] = [[[], first], [[], second]]
    path = tmp_path / "glued.jsonl"
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    (read,) = read_wikievents(path)
    assert read.article_text.splitlines() == [first, second]
    doc["sentences"] = []  # no sentences: the text as given
    path.write_text(json.dumps(doc) + "\n", encoding="utf-8")
    assert next(read_wikievents(path)).article_text == first + second


@needs_wiki
def test_wikievents_dev_reader() -> None:
    docs = list(read_wikievents(WIKI))
    assert len(docs) == 20
    assert sum(len(d.event_mentions) for d in docs) == 345
    preds = [
        WikiPredEvent(
            d.doc_id, e.event_type, tuple(WikiPredArgument(a.role, a.text) for a in e.arguments)
        )
        for d in docs
        for e in d.event_mentions
    ]
    assert score_wikievents(preds, docs)["Argument classification"].f1 == 1.0
