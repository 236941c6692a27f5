"""Input readers: formats, metadata, bad input as read problems, encodings, cleaning, language."""

from __future__ import annotations

import codecs
import datetime as dt
import gzip
import json
import shutil
import unicodedata
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from incidex.errors import InputError
from incidex.ingest import (
    ReadItem,
    ReadProblem,
    clean_text,
    detect_language,
    read_feed,
    read_file,
    read_html,
    read_jsonl,
    read_paths,
    read_text,
)
from incidex.model import Article, content_hash

DATA = Path(__file__).resolve().parent / "data" / "ingest"

ENGLISH = (
    "A bomb exploded near the central market on Tuesday, killing two people and "
    "wounding several others, police said."
)


def articles(items: list[ReadItem]) -> list[Article]:
    return [i for i in items if isinstance(i, Article)]


def problems(items: list[ReadItem]) -> list[ReadProblem]:
    return [i for i in items if isinstance(i, ReadProblem)]


def codes(items: list[ReadItem]) -> list[str]:
    return [p.error.code for p in problems(items)]


# ---- plain text -------------------------------------------------------------------------


def test_plain_text_file_is_one_article_without_guessed_metadata(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("Storm Warning\n\n" + ENGLISH + "\n", encoding="utf-8")
    items = list(read_text(path))
    assert len(items) == 1
    article = items[0]
    assert isinstance(article, Article)
    assert article.title is None  # the first line is not taken as a title
    assert article.published is None and article.source is None and article.url is None
    assert article.origin == str(path)
    assert article.language == "en"
    assert article.text == "Storm Warning\n\n" + ENGLISH


def test_sidecar_metadata_is_used_for_text() -> None:
    [article] = articles(list(read_file(DATA / "report.txt")))
    assert article.title == "Fire at government building"
    assert article.url == "https://local.example/stonebridge"
    assert article.source == "Local Example"
    assert article.published == dt.datetime(
        2024, 4, 2, 6, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))
    )
    assert article.extra == {"desk": "metro"}


def test_broken_sidecar_is_reported_and_text_still_read(tmp_path: Path) -> None:
    (tmp_path / "r.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "r.meta.json").write_text("{not json", encoding="utf-8")
    items = list(read_paths([tmp_path]))
    assert codes(items) == ["E006"]
    assert problems(items)[0].path == str(tmp_path / "r.meta.json")
    [article] = articles(items)
    assert article.title is None and article.text == ENGLISH


def test_article_text_is_cleaned_before_hashing(tmp_path: Path) -> None:
    raw = "Officials\u00a0said the agency.The  attack\r\nhappened at 9 a.m. local time."
    path = tmp_path / "glued.txt"
    path.write_bytes(raw.encode("utf-8"))
    [article] = articles(list(read_file(path)))
    assert article.text == clean_text(raw)
    assert article.text == "Officials said the agency. The attack\nhappened at 9 a.m. local time."
    assert article.content_hash == content_hash(article.text)
    assert article.id == "a" + article.content_hash[:16]


# ---- HTML -------------------------------------------------------------------------------


def test_html_main_text_and_metadata() -> None:
    [article] = articles(list(read_html(DATA / "page.html")))
    assert article.title == "Car bomb kills four in Northvale"
    assert article.source == "The Harbour Courier"
    assert article.url == "https://courier.example/world/northvale-car-bomb"
    assert article.published == dt.datetime(2023, 11, 4, 9, 15, tzinfo=dt.UTC)
    assert "killing four people and wounding at least eleven" in article.text
    assert "No group has so far claimed responsibility." in article.text
    # Navigation and footer boilerplate are not article text.
    assert "Sport" not in article.text
    assert "All rights reserved" not in article.text
    assert article.language == "en"
    assert article.origin == str(DATA / "page.html")


def test_html_is_sniffed_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "saved_page"
    shutil.copy(DATA / "page.html", path)
    [article] = articles(list(read_file(path)))
    assert article.title == "Car bomb kills four in Northvale"


def test_html_without_article_is_e005(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text(
        "<!doctype html><html><head><title>Index</title></head><body>"
        "<ul><li><a href='/a'>Login</a></li></ul></body></html>",
        encoding="utf-8",
    )
    assert codes(list(read_file(path))) == ["E005"]


# ---- JSON Lines -------------------------------------------------------------------------


def test_jsonl_metadata_and_unknown_keys_kept() -> None:
    items = list(read_jsonl(DATA / "wire.jsonl"))
    assert not problems(items)  # the blank line 3 is skipped silently
    first, second, fourth = articles(items)
    assert first.origin == f"{DATA / 'wire.jsonl'}:1"
    assert first.url == "https://news.example/1"
    assert first.title == "Market blast"
    assert first.source == "News Example"
    assert first.published == dt.datetime(2024, 3, 22, 18, 30, tzinfo=dt.UTC)
    assert first.extra == {"section": "world", "tags": ["blast", "market"]}
    # Unparseable dates are kept as given, not guessed.
    assert second.published is None
    assert second.extra == {"published": "last Tuesday-ish"}
    assert fourth.origin == f"{DATA / 'wire.jsonl'}:4"
    assert fourth.published == dt.datetime(2024, 2, 1)


def test_jsonl_bad_lines_are_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path = tmp_path / "mixed.ndjson"
    lines = [
        json.dumps({"text": "Gunmen attacked a convoy near the border on Sunday."}),
        "{broken json",
        json.dumps({"title": "no body", "url": "https://x.example"}),
        json.dumps(["a", "list"]),
        "[" * 5000 + "]" * 5000,  # deep nesting must not crash the reader
        json.dumps({"text": "   "}),
        json.dumps({"text": "Police defused a bomb found in a parked car."}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read_paths([path]))
    assert [(p.error.code, p.line) for p in problems(items)] == [
        ("E006", 2),
        ("E007", 3),
        ("E006", 4),
        ("E006", 5),
        ("E007", 6),
    ]
    assert "line 3" in str(problems(items)[1].error)
    assert "title, url" in str(problems(items)[1].error)
    assert [a.origin for a in articles(items)] == [f"{path}:1", f"{path}:7"]


def test_jsonl_line_over_the_limit_is_skipped_in_chunks(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    big = json.dumps({"text": "x " * 1_500_000})  # about 3 MB on one line
    assert len(big) > 3_000_000
    ok = json.dumps({"text": ENGLISH})
    path.write_text(ok + "\n" + big + "\n" + ok + "\n", encoding="utf-8")
    items = list(read_paths([path], max_bytes=1_000_000))
    [problem] = problems(items)
    assert problem.error.code == "E009"
    assert problem.line == 2
    assert "over the limit of 1000000 bytes" in str(problem.error)
    assert [a.origin for a in articles(items)] == [f"{path}:1", f"{path}:3"]


def test_jsonl_file_in_utf16(tmp_path: Path) -> None:
    path = tmp_path / "wide.jsonl"
    body = json.dumps({"text": "Café bombing in São Paulo", "title": "Ataque"}, ensure_ascii=False)
    path.write_bytes(codecs.BOM_UTF16_LE + (body + "\n").encode("utf-16-le"))
    [article] = articles(list(read_file(path)))
    assert article.text == "Café bombing in São Paulo"
    assert article.title == "Ataque"


# ---- feeds ------------------------------------------------------------------------------


def test_rss_entries_become_articles() -> None:
    path = DATA / "wire.rss"
    first, second = articles(list(read_feed(path)))
    assert first.origin == f"{path}#1"
    assert first.title == "Gunmen attack checkpoint in Eastmoor"
    assert first.url == "https://wire.example/eastmoor-checkpoint"
    assert first.source == "Example Wire Service"
    assert first.published == dt.datetime(2024, 5, 7, 12, 30, tzinfo=dt.UTC)
    assert first.text == (
        "Gunmen opened fire on an army checkpoint near Eastmoor late on Monday, killing two "
        "soldiers, the defence ministry said."
    )  # HTML tags stripped
    assert first.extra["id"] == "wire-0001"
    # Full content beats the teaser; scripts are not text; paragraphs stay apart.
    assert second.origin == f"{path}#2"
    assert second.text.startswith("Police in Westport arrested three men")
    assert "\n\nProsecutors said" in second.text
    assert "track" not in second.text and "teaser" not in second.text
    assert second.published is None


def test_atom_feed_uses_updated_date() -> None:
    [entry] = articles(list(read_file(DATA / "alerts.atom")))
    assert entry.title == "Explosion at rail depot"
    assert entry.url == "https://alerts.example/rail-depot"
    assert entry.source == "Regional Alerts"
    assert entry.published == dt.datetime(2024, 1, 10, 7, 45, tzinfo=dt.UTC)


def test_feed_is_sniffed_without_extension(tmp_path: Path) -> None:
    path = tmp_path / "download"
    shutil.copy(DATA / "wire.rss", path)
    assert len(articles(list(read_file(path)))) == 2


def test_feed_entry_without_text_is_e007(tmp_path: Path) -> None:
    path = tmp_path / "bare.rss"
    path.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>'
        "<item><title>Headline only</title><link>https://w.example/1</link></item>"
        "<item><title>Full</title><description>" + ENGLISH + "</description></item>"
        "</channel></rss>",
        encoding="utf-8",
    )
    items = list(read_file(path))
    assert [(p.error.code, p.line) for p in problems(items)] == [("E007", 1)]
    assert "feed entry 1 has no summary or content" in str(problems(items)[0].error)
    assert [a.origin for a in articles(items)] == [f"{path}#2"]


@pytest.mark.parametrize(
    "body",
    ['<rss version="2.0"><channel></oops>', '{"a": 1}', "<html><body>hello</body></html>"],
    ids=["mismatched-tag", "not-xml", "not-a-feed"],
)
def test_unparseable_feed_is_e008(tmp_path: Path, body: str) -> None:
    path = tmp_path / "broken.xml"
    path.write_text(body, encoding="utf-8")
    [problem] = list(read_file(path))
    assert isinstance(problem, ReadProblem)
    assert problem.error.code == "E008"


# ---- folders and batches ----------------------------------------------------------------


def test_folders_are_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "deep").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "deep" / "z.txt").write_text("Deep " + ENGLISH, encoding="utf-8")
    (tmp_path / "b" / "a.txt").write_text("Middle " + ENGLISH, encoding="utf-8")
    (tmp_path / "a.txt").write_text("Top " + ENGLISH, encoding="utf-8")
    (tmp_path / ".hidden.txt").write_text("Hidden " + ENGLISH, encoding="utf-8")
    (tmp_path / ".git" / "HEAD.txt").write_text("Hidden " + ENGLISH, encoding="utf-8")
    (tmp_path / "a.meta.json").write_text('{"title": "Top story"}', encoding="utf-8")
    items = list(read_paths([tmp_path]))
    assert not problems(items)  # the sidecar is metadata, not an input of its own
    found = [
        (Path(a.origin or "").relative_to(tmp_path).as_posix(), a.title) for a in articles(items)
    ]
    assert found == [("a.txt", "Top story"), ("b/a.txt", None), ("b/deep/z.txt", None)]


def test_a_folders_readme_and_licence_are_not_reports(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# Our corpus\n\n" + ENGLISH, encoding="utf-8")
    (tmp_path / "LICENSE").write_text("Permission is hereby granted. " + ENGLISH, encoding="utf-8")
    (tmp_path / "readme_notes.txt").write_text("Notes " + ENGLISH, encoding="utf-8")
    (tmp_path / "report.txt").write_text(ENGLISH, encoding="utf-8")
    found = sorted(Path(a.origin or "").name for a in articles(read_paths([tmp_path])))
    assert found == ["readme_notes.txt", "report.txt"]
    # named on its own, the file is read: the user asked for it
    assert len(list(articles(read_paths([tmp_path / "README.md"])))) == 1


def _bad_inputs(tmp_path: Path) -> dict[str, Path]:
    bad = tmp_path / "bad"
    bad.mkdir()
    files = {
        "E003": bad / "empty.txt",
        "E004": bad / "scan.pdf",
        "E005": bad / "login.html",
        "E008": bad / "feed.rss",
        "E009": bad / "big.txt",
    }
    files["E003"].write_text(" \n\t \n", encoding="utf-8")
    files["E004"].write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    files["E005"].write_text("<html><body><form>Sign in</form></body></html>", encoding="utf-8")
    files["E008"].write_text("this is not xml at all", encoding="utf-8")
    files["E009"].write_text(ENGLISH * 20, encoding="utf-8")
    return files


def test_a_batch_reports_each_bad_input_and_reads_the_good_ones(tmp_path: Path) -> None:
    bad = _bad_inputs(tmp_path)
    good = tmp_path / "good.txt"
    good.write_text(ENGLISH, encoding="utf-8")
    missing = tmp_path / "missing.txt"
    paths = [missing, *bad.values(), good, DATA / "wire.jsonl"]
    items = list(read_paths(paths, max_bytes=1_000))
    by_path = {p.path: p.error.code for p in problems(items)}
    assert by_path == {str(missing): "E001", **{str(p): code for code, p in bad.items()}}
    for problem in problems(items):
        assert isinstance(problem.error, InputError)
        assert str(problem.error).startswith(f"[{problem.error.code}] {problem.path}")
    assert [a.origin for a in articles(items)][0] == str(good)
    assert len(articles(items)) == 4  # good.txt + three JSON Lines records


def test_read_paths_takes_a_single_path_too() -> None:
    [article] = articles(list(read_paths(DATA / "report.txt")))
    assert article.origin == str(DATA / "report.txt")


def test_size_is_checked_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000, encoding="utf-8")

    def no_read(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr(Path, "open", no_read)
    [problem] = list(read_text(path, max_bytes=100))
    assert isinstance(problem, ReadProblem)
    assert problem.error.code == "E009" and "5000 bytes" in str(problem.error)


@pytest.mark.parametrize(
    ("payload", "kind"),
    [
        (b"%PDF-1.4\n%...", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
        (gzip.compress(b"hello world"), "gzip"),
        (b"plain start\x00\x01\x02 then NUL bytes", "NUL"),
    ],
)
def test_binary_files_are_e004(tmp_path: Path, payload: bytes, kind: str) -> None:
    path = tmp_path / "input.txt"
    path.write_bytes(payload)
    [problem] = list(read_paths([path]))
    assert isinstance(problem, ReadProblem)
    assert problem.error.code == "E004"
    assert kind in str(problem.error)


# ---- encodings --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encoded",
    [
        codecs.BOM_UTF16_LE + "Explosión en el café de São Paulo".encode("utf-16-le"),
        codecs.BOM_UTF16_BE + "Explosión en el café de São Paulo".encode("utf-16-be"),
        codecs.BOM_UTF8 + "Explosión en el café de São Paulo".encode("utf-8"),
        "Explosión en el café de São Paulo".encode("latin-1"),
    ],
    ids=["utf16-le", "utf16-be", "utf8-bom", "latin-1"],
)
def test_text_encodings_are_detected(tmp_path: Path, encoded: bytes) -> None:
    path = tmp_path / "es.txt"
    path.write_bytes(encoded)
    [article] = articles(list(read_file(path)))
    assert article.text == "Explosión en el café de São Paulo"


def test_cp1252_quotes_and_dashes(tmp_path: Path) -> None:
    path = tmp_path / "win.txt"
    path.write_bytes("The minister said “no comment” – twice.".encode("cp1252"))
    [article] = articles(list(read_file(path)))
    assert article.text == "The minister said “no comment” – twice."


def test_forced_encoding(tmp_path: Path) -> None:
    path = tmp_path / "cyr.txt"
    path.write_bytes("Взрыв в центре города".encode("cp1251"))
    [article] = articles(list(read_file(path, encoding="cp1251")))
    assert article.text == "Взрыв в центре города"


@pytest.mark.parametrize("encoding", ["utf-8", "no-such-codec"])
def test_undecodable_is_e002(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes("Explosión en el café".encode("latin-1"))
    [problem] = list(read_file(path, encoding=encoding))
    assert isinstance(problem, ReadProblem)
    assert problem.error.code == "E002"


# ---- clean_text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Newsweek.IS-Khorasan claimed it", "Newsweek. IS-Khorasan claimed it"),
        ("said the agency.The attack", "said the agency. The attack"),
        ('he said."The next', 'he said." The next'),
        ("The attackFour individuals", "The attack\nFour individuals"),
        ("Russian responsePresident Vladimir Putin", "Russian response\nPresident Vladimir Putin"),
        ("St.Louis police", "St. Louis police"),
        ("a\u00a0b\u202fc", "a b c"),
        ("one\r\ntwo\rthree", "one\ntwo\nthree"),
        ("tab\tand  many    spaces", "tab and many spaces"),
        ("para one\n\n\n\n\npara two", "para one\n\npara two"),
        ("  line end  \n  next  ", "line end\nnext"),
        ("ctrl\x00\x07\x1b chars\u200b gone", "ctrl chars gone"),
        ("Cafe\u0301", "Café"),  # NFC
    ],
)
def test_clean_text_repairs(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "text",
    [
        "the U.S. Army and U.S.Army units",
        "at 9 a.m. and 5 p.m.",
        "at 9 a.m.Then",
        "e.g. Paris, e.g.Paris",
        "No.5 platoon",
        "see example.com and www.example.Com/News",
        "a Ph.D. student",
        "YouTube iPhone McDonald eBay",
        "PowerPoint JavaScript WhatsApp TikTok LinkedIn GoFundMe",
        "she uses whatsApp and powerPoint",
        "Ludwig vanBeethoven and Abu Bakr ibnSaud",
        "@nytimesWorld #breakingNews",
        "Killed 5.Wounded 12",
        "Paragraph one.\n\nParagraph two.",
    ],
)
def test_clean_text_leaves_these_alone(text: str) -> None:
    assert clean_text(text) == text


def test_clean_text_is_linear_on_hostile_input() -> None:
    # Patterns that make backtracking regexes explode finish at once here.
    for hostile in ("a" * 200_000 + ".", "aB" * 100_000, "a." * 100_000, " \n" * 100_000):
        clean_text(hostile)


def test_clean_text_refuses_unbounded_input() -> None:
    from incidex.ingest._clean import MAX_CLEAN_CHARS

    with pytest.raises(ValueError):
        clean_text("x" * (MAX_CLEAN_CHARS + 1))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
@example("Aa.Aa.A")  # a chain of glued sentences, split in one pass
def test_clean_text_is_idempotent_and_drops_controls(text: str) -> None:
    once = clean_text(text)
    assert clean_text(once) == once
    assert not any(unicodedata.category(c) == "Cc" and c != "\n" for c in once)
    assert "\r" not in once and "  " not in once and "\n\n\n" not in once


# ---- language ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (ENGLISH, "en"),
        (
            "Una bomba estalló el martes cerca del mercado central, matando a dos personas "
            "e hiriendo a varias más, según informó la policía.",
            "es",
        ),
        (
            "Une bombe a explosé mardi près du marché central, tuant deux personnes et en "
            "blessant plusieurs autres, a indiqué la police.",
            "fr",
        ),
        (
            "Eine Bombe ist am Dienstag in der Nähe des Zentralmarkts explodiert, zwei "
            "Menschen wurden getötet und mehrere verletzt, teilte die Polizei mit.",
            "de",
        ),
        (
            "THE ARMY DENIED TODAY THAT REBELS HAD ATTACKED THE BARRACKS IN THE NORTHERN "
            "PROVINCE LAST NIGHT, SAYING THE SHOTS CAME FROM A TRAINING EXERCISE.",
            "en",
        ),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_detect_language_gives_up_on_short_or_letterless_text() -> None:
    assert detect_language("Bomb blast kills two.") is None
    assert detect_language("1234567890 " * 10) is None
    assert detect_language("Bomb blast kills two.", min_chars=10) == "en"


def test_readers_set_language(tmp_path: Path) -> None:
    path = tmp_path / "es.jsonl"
    path.write_text(
        json.dumps(
            {
                "text": "Una bomba estalló el martes cerca del mercado central, matando a dos "
                "personas, según informó la policía."
            }
        )
        + "\n"
        + json.dumps({"text": "Short one."})
        + "\n",
        encoding="utf-8",
    )
    spanish, short = articles(list(read_file(path)))
    assert spanish.language == "es"
    assert short.language is None


@pytest.mark.slow
def test_an_ingest_keeps_a_bounded_list_of_entries_and_exact_counts(
    tmp_path: Path, nlp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long ingest must not hold one entry per article: past the bound only counts grow."""
    import incidex.jobs
    from incidex.jobs import ingest
    from incidex.nlp.extract import Extractor
    from incidex.store import Store

    monkeypatch.setattr(incidex.jobs, "MAX_SUMMARY_ENTRIES", 3)
    corpus = tmp_path / "c.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for i in range(7):
            text = f"The town council of Lindfield met on day {i} and approved the budget."
            fh.write(json.dumps({"text": text}) + "\n")
            if i < 5:
                fh.write("{not json\n")  # a line that cannot be read: a problem
    with Store(memory=True) as store:
        report = ingest([corpus], store, extractor=Extractor(nlp=nlp))  # type: ignore[arg-type]
        assert report.summary.stored == 7 and report.summary.no_incident == 7
        assert len(report.summary.entries) == 3
        assert report.summary.entries_omitted == 4
        assert len(report.problems) == 3 and report.skipped == 5
        assert store.stats().articles == 7
