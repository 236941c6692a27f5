"""Hostile input: fuzzed and malformed files through every reader, fuzzed text through the
pipeline, adversarial strings through every regular expression, bounded work.

Whatever the open internet sends, a reader yields an Article or a coded ReadProblem (never
an exception), the batch goes on, and extraction never raises and never points outside the
text it was given.
"""

from __future__ import annotations

import codecs
import importlib
import json
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from incidex.config import Settings
from incidex.ingest import (
    ReadItem,
    ReadProblem,
    clean_text,
    html_to_text,
    parse_datetime,
    read_feed,
    read_file,
    read_html,
    read_jsonl,
    read_paths,
    read_text,
)
from incidex.model import Article, ArticleResult, content_hash
from incidex.nlp.dateline import parse_dateline

_FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,  # the same cases every run: CI failures are reproducible
)

_READERS: dict[str, Callable[..., Iterator[ReadItem]]] = {
    ".txt": read_text,
    ".html": read_html,
    ".jsonl": read_jsonl,
    ".xml": read_feed,
    "": read_file,
}

GOOD = (
    "Gunmen opened fire at a market in Kabul on Monday, killing 12 people and wounding 30, "
    "police said. No group has claimed responsibility for the attack."
)


def _check(items: list[ReadItem]) -> None:
    """What every reader promises about what it yields."""
    for item in items:
        if isinstance(item, ReadProblem):
            assert re.fullmatch(r"E0\d\d", item.code), item
            assert item.message.startswith(f"[{item.code}]")
            continue
        assert isinstance(item, Article)
        assert item.text and item.text == item.text.strip()
        assert item.content_hash == content_hash(item.text)
        assert item.id == "a" + item.content_hash[:16]
        assert "\x00" not in item.text and "\r" not in item.text


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


_counter = iter(range(10**9))


def _file(folder: Path, suffix: str, data: bytes) -> Path:
    path = folder / f"f{next(_counter)}{suffix}"
    path.write_bytes(data)
    return path


# ---- random and malformed bytes through every reader ----


@_FUZZ
@given(data=st.binary(max_size=3000), suffix=st.sampled_from(sorted(_READERS)))
def test_random_bytes_never_raise(scratch: Path, data: bytes, suffix: str) -> None:
    path = _file(scratch, suffix, data)
    _check(list(_READERS[suffix](path)))
    _check(list(read_file(path)))


_HTML_PIECES = st.sampled_from(
    [
        "<html>", "<body>", "<p>", "</p>", "<div>", "</div>", "<script>", "</script>",
        "<!--", "-->", "<![CDATA[", "]]>", "&amp;", "&#x0;", "&#99999999;", "&bogus;",
        "<a href='", "'>", "<", ">", "\"", "<br/>", "<title>", "</title>", "<meta charset=",
        "utf-16", "<?xml version='1.0'?>", "<!DOCTYPE html>", "\x00", "\ufeff", "\u202e",
        GOOD, "Kabul", "killed", " ", "\n",
    ]
)  # fmt: skip


@_FUZZ
@given(parts=st.lists(_HTML_PIECES, max_size=40), cut=st.integers(min_value=0, max_value=3000))
def test_malformed_and_truncated_html(scratch: Path, parts: list[str], cut: int) -> None:
    data = "".join(parts).encode("utf-8", errors="surrogatepass")[:cut]
    _check(list(read_html(_file(scratch, ".html", data))))


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@_FUZZ
@given(
    records=st.lists(
        st.dictionaries(
            st.sampled_from(["text", "url", "title", "published", "source", "extra"]),
            _JSON_VALUES,
        ),
        max_size=6,
    ),
    cut=st.integers(min_value=0, max_value=4000),
    junk=st.binary(max_size=50),
)
def test_malformed_and_truncated_json_lines(
    scratch: Path, records: list[dict[str, Any]], cut: int, junk: bytes
) -> None:
    lines = [json.dumps(r) for r in records] + [json.dumps({"text": GOOD})]
    data = ("\n".join(lines)).encode()
    data = data[:cut] + junk + b"\n" + data[cut:]
    items = list(read_jsonl(_file(scratch, ".jsonl", data)))
    _check(items)
    # A broken line never takes the rest of the file with it: the last record survives
    # (unless the junk landed inside it, or holds a NUL byte: a file with NUL bytes in its
    # first 8 KB is refused whole as binary, E004, tests/test_ingest.py).
    if cut < len(data) - len(lines[-1]) - 1 and not {10, 13, 0} & set(junk):
        assert any(isinstance(i, Article) and i.text == GOOD for i in items)


_FEED = (
    '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Wire</title>'
    "<item><title>One</title><link>https://x.test/1</link>"
    "<pubDate>Mon, 25 Mar 2024 10:00:00 GMT</pubDate>"
    f"<description><![CDATA[<p>{GOOD}</p>]]></description></item>"
    "<item><title>Two</title><description>&lt;b&gt;Bomb&lt;/b&gt; in Mosul</description></item>"
    "</channel></rss>"
)
_ATOM = (
    '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>'
    f"<entry><title>x</title><content type='html'>{GOOD}</content>"
    "<updated>2024-03-25T10:00:00Z</updated></entry></feed>"
)


@_FUZZ
@given(
    feed=st.sampled_from([_FEED, _ATOM]),
    cut=st.integers(min_value=0, max_value=len(_FEED)),
    insert=st.text(max_size=20),
    at=st.integers(min_value=0, max_value=len(_FEED)),
)
def test_malformed_and_truncated_feeds(
    scratch: Path, feed: str, cut: int, insert: str, at: int
) -> None:
    text = feed[:at] + insert + feed[at:]
    data = text.encode("utf-8", errors="surrogatepass")[:cut]
    _check(list(read_feed(_file(scratch, ".xml", data))))


# ---- fixed hostile files: each gets a clear outcome, the batch goes on ----


def _nested_html(depth: int) -> bytes:
    return b"<html><body>" + b"<div>" * depth + GOOD.encode() + b"</div>" * depth + b"</body>"


_CASES: dict[str, tuple[bytes, str]] = {
    # name: (content, expected outcome: "article" or an error code)
    "zero.txt": (b"", "E003"),
    "blank.jsonl": (b"\n \n\t\n", "E003"),
    "controls.txt": (bytes(range(1, 32)) * 50, "E003"),
    "latin1.txt": (
        "Bombe à Saint-Étienne: três mortos, disse a polícia.".encode("latin-1"),
        "article",
    ),
    "utf16.txt": (codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le"), "article"),
    "utf16be.jsonl": (
        codecs.BOM_UTF16_BE + json.dumps({"text": GOOD}).encode("utf-16-be"),
        "article",
    ),
    "utf8bom.html": (
        codecs.BOM_UTF8 + b"<html><body><p>" + GOOD.encode() + b"</p></body></html>",
        "article",
    ),
    "mixed.txt": ("Café ".encode() + "naïve façade".encode("latin-1") + " Привет".encode(), "E002"),
    "report.pdf.txt": (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n" * 20,
        "E004",
    ),
    "photo.html": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "E004"),
    "archive.jsonl": (b"PK\x03\x04" + bytes(200), "E004"),
    "feed.xml": (b"\x1f\x8b\x08\x00" + bytes(100), "E004"),
    "russian.txt": (
        "Боевики открыли огонь в концертном зале, погибли 137 человек.".encode(),
        "article",
    ),
    "arabic.txt": (
        "قتل مسلحون خمسة أشخاص في هجوم على سوق في بغداد يوم الاثنين".encode(),
        "article",
    ),
    "numbers.txt": (" ".join(str(i) for i in range(3000)).encode(), "article"),
    "names.txt": (b"John Smith, Ahmed Khan, Maria Lopez. " * 200, "article"),
    "nested.jsonl": (b'{"text": "x", "a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "E006"),
    "truncated.jsonl": (b'{"text": "Gunmen killed five", "url": "http://x', "E006"),
    "array.jsonl": (b'["text", "not an object"]', "E006"),
    "notext.jsonl": (b'{"body": "no text key"}', "E007"),
    "truncated.xml": (_FEED.encode()[:60], "E008"),
    "truncated-item.xml": (_FEED.encode()[:140], "E007"),
    "notfeed.xml": (b"<?xml version='1.0'?><catalog><book>x</book></catalog>", "E008"),
    "emptyitem.xml": (
        b"<rss version='2.0'><channel><item><title>t</title></item></channel></rss>",
        "E007",
    ),
    "xxe.xml": (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><item><description>a &x; b</description></item>'
        b"</channel></rss>",
        "article",
    ),
    "laughs.xml": (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY %s "%s">' % (bytes([c]), (b"&%s;" % bytes([c - 1])) * 10)
            for c in range(ord("b"), ord("h"))
        )
        + b']><rss version="2.0"><channel><item><description>&g;</description></item>'
        b"</channel></rss>",
        "article",
    ),
    "deep.html": (_nested_html(100_000), "E005"),  # past lxml's depth limit: no text found
    "shallow.html": (_nested_html(200), "article"),
    "unclosed.html": (b"<html><body>" + b"<div><p><span>" * 30_000 + GOOD.encode(), "E005"),
    "index.html": (b"<html><body><a href='/a'>A</a> <a href='/b'>B</a></body></html>", "E005"),
    "noext": (b"{not json at all", "E006"),
}


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name, (data, _) in _CASES.items():
        (folder / name).write_bytes(data)
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


def test_every_hostile_file_gets_a_clear_outcome(hostile_folder: Path) -> None:
    started = time.perf_counter()
    items = list(read_paths([hostile_folder]))
    assert time.perf_counter() - started < 30
    _check(items)
    outcomes: dict[str, set[str]] = {}
    for item in items:
        if isinstance(item, ReadProblem):
            name = Path(item.path).name
            outcomes.setdefault(name, set()).add(item.code)
        else:
            assert item.origin is not None
            name = Path(item.origin.split(":")[0].split("#")[0]).name
            outcomes.setdefault(name, set()).add("article")
    expected = {name: {code} for name, (_, code) in _CASES.items()}
    expected["good.txt"] = {"article"}
    assert outcomes == expected
    texts = [i.text for i in items if isinstance(i, Article)]
    assert not any("root:" in t for t in texts)  # no external entity was resolved
    assert max(len(t) for t in texts) < 100_000  # no entity expansion blow-up
    languages = {Path(str(i.origin)).name: i.language for i in items if isinstance(i, Article)}
    assert languages["russian.txt"] == "ru" and languages["arabic.txt"] == "ar"


@pytest.mark.slow
def test_big_files_are_bounded_and_the_batch_continues(tmp_path: Path) -> None:
    (tmp_path / "a_big.txt").write_bytes(b"word " * 10_000_000)  # 50 MB
    (tmp_path / "a_big.html").write_bytes(b"<p>" + b"x" * 50_000_000)
    (tmp_path / "a_big.xml").write_bytes(b"<rss>" + b" " * 50_000_000)
    line = json.dumps({"text": "a" * 10_000_000}).encode()  # one 10 MB line
    (tmp_path / "b_lines.jsonl").write_bytes(
        line + b"\n" + json.dumps({"text": GOOD}).encode() + b"\n" + line[:-2] + b"\n"
    )
    (tmp_path / "c_good.txt").write_text(GOOD, encoding="utf-8")
    started = time.perf_counter()
    items = list(read_paths([tmp_path]))
    assert time.perf_counter() - started < 20
    problems = [(Path(i.path).name, i.line, i.code) for i in items if isinstance(i, ReadProblem)]
    assert problems == [
        ("a_big.html", None, "E009"),
        ("a_big.txt", None, "E009"),
        ("a_big.xml", None, "E009"),
        ("b_lines.jsonl", 1, "E009"),
        ("b_lines.jsonl", 3, "E009"),
    ]
    texts = [i.text for i in items if isinstance(i, Article)]
    assert texts == [GOOD, GOOD] or texts == [GOOD]  # good.txt and line 2 hash the same
    assert all(isinstance(i, ReadProblem) or i.text == GOOD for i in items)


def test_the_ingest_summary_lists_what_was_skipped_and_why(hostile_folder: Path, nlp: Any) -> None:
    from incidex.jobs import ingest
    from incidex.nlp.extract import Extractor
    from incidex.store import Store

    with Store(memory=True) as store:
        report = ingest([hostile_folder], store, extractor=Extractor(nlp=nlp))
        skipped = {Path(p.path).name: p.code for p in report.problems}
        for name, (_, code) in _CASES.items():
            if code != "article":
                assert skipped.get(name) == code, name
                assert name in str(next(p.error for p in report.problems if p.path.endswith(name)))
        stored = {e.origin and Path(e.origin).name: e.status for e in report.summary.entries}
        assert stored["good.txt"] == "extracted"
        assert stored["russian.txt"] == "not_english" and stored["arabic.txt"] == "not_english"
        assert report.summary.failed == 0
        store.integrity_check()


# ---- the extraction pipeline on fuzzed text ----

_WORDS = st.sampled_from(
    [
        "killed", "wounded", "at least", "about", "more than", "12", "1,000", "three", "dozens",
        "Kabul", "Moscow", "Crocus City Hall", "Islamic State", "Hamas", "Amaq", "Telegram",
        "claimed responsibility", "denied", "according to TASS", "police said", "on Friday",
        "yesterday", "at 19:58", "at 2300 hours", "22 Mar 24", "March 22, 2024", "gunmen",
        "bomb", "suicide bomber", "AK-74", "arrested", "charged", "hostages",
        "KABUL, 12 MAR 89 (AFP) --", ".", ",", ";", "\n\n", "(", ")", '"', "’", "—",
        "U.S.", "St.Louis", "attackFour",
    ]
)  # fmt: skip
_TEXTS = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(_WORDS, st.text(max_size=8)), max_size=60).map(" ".join),
    st.lists(_WORDS, min_size=5, max_size=80).map(" ".join),
)


def _check_offsets(result: ArticleResult) -> None:
    text = result.article.text
    for report in result.incidents:
        assert report.article_id == result.article.id
        for a in report.assertions():
            assert 0 <= a.start <= a.end <= len(text), (a.field, a.start, a.end)
            assert text[a.start : a.end] == a.value, (a.field, a.value)
            s = a.sentence
            assert 0 <= s.start <= s.end <= len(text)
            assert text[s.start : s.end] == s.text
            assert 0.0 <= a.confidence <= 1.0


@pytest.mark.slow
@settings(_FUZZ, max_examples=120)
@given(text=_TEXTS, published=st.none() | st.datetimes().map(lambda d: d.isoformat()))
def test_extract_never_raises_and_offsets_point_into_the_text(
    nlp: Any, text: str, published: str | None
) -> None:
    from incidex.nlp.extract import extract

    if not clean_text(text):
        return  # an empty article is refused by the readers before it gets here
    result = extract(text, published=published, source="Wire", nlp=nlp)
    assert result.status in {"extracted", "no_incident", "not_english"}, result.message
    _check_offsets(result)


@pytest.mark.slow
def test_the_parser_sees_at_most_max_extract_chars(nlp: Any) -> None:
    from incidex.nlp.extract import Extractor

    text = " ".join([GOOD] * 40)  # ~5,800 characters, an incident in every sentence
    extractor = Extractor(nlp=nlp, settings=Settings(max_extract_chars=500))
    result = next(extractor.extract_articles([Article.from_text(text)]))
    assert result.status == "extracted"
    assert result.article.text == text  # stored whole
    ends = [a.end for r in result.incidents for a in r.assertions()]
    assert ends and max(ends) <= 500


@pytest.mark.slow
def test_an_article_over_the_time_budget_fails_alone(nlp: Any, monkeypatch: Any) -> None:
    from incidex.nlp.extract import Extractor

    places = type(nlp.get_pipe("incidex_places_v1"))
    original = places.__call__

    def slow_on_marked_text(self: Any, doc: Any) -> Any:
        if "Slowtown" in doc.text:
            time.sleep(0.3)  # a component stuck on a hostile text
        return original(self, doc)

    monkeypatch.setattr(places, "__call__", slow_on_marked_text)
    slow = Article.from_text(GOOD + " Slowtown residents were shocked.")
    fine = Article.from_text(GOOD)
    extractor = Extractor(nlp=nlp, settings=Settings(max_extract_seconds=0.2))
    first, second = extractor.extract_articles([slow, fine])
    assert first.status == "failed" and first.incidents == []
    assert first.message is not None and first.message.startswith("[E011]")
    assert "incidex_places_v1" in first.message and "INCIDEX_MAX_EXTRACT_SECONDS" in first.message
    assert second.status == "extracted" and second.incidents


@pytest.mark.slow
def test_ingesting_again_retries_an_article_that_ran_out_of_time(
    nlp: Any, monkeypatch: Any, tmp_path: Path
) -> None:
    from incidex.jobs import ingest
    from incidex.nlp.extract import Extractor
    from incidex.store import Store

    places = type(nlp.get_pipe("incidex_places_v1"))
    original = places.__call__

    def slow(self: Any, doc: Any) -> Any:
        time.sleep(0.3)
        return original(self, doc)

    corpus = tmp_path / "one.txt"
    corpus.write_text(GOOD, encoding="utf-8")
    with Store(tmp_path / "x.db") as store:
        with monkeypatch.context() as patch:
            patch.setattr(places, "__call__", slow)
            tight = Settings(max_extract_seconds=0.2)
            first = ingest([corpus], store, settings=tight, extractor=Extractor(nlp, tight))
        assert first.summary.failed == 1 and store.count_incidents() == 0
        again = ingest([corpus], store, extractor=Extractor(nlp))
        assert (again.summary.stored, again.summary.duplicates) == (1, 0)
        assert store.count_incidents() == 1
        assert ingest([corpus], store, extractor=Extractor(nlp)).summary.duplicates == 1


@pytest.mark.slow
def test_adversarial_text_is_extracted_within_a_bound(nlp: Any) -> None:
    """Worst-case shapes found by hand (see docs/robustness.md), at 4,000 characters."""
    from incidex.nlp.extract import extract

    shapes = [
        "at least 5 killed, 10 wounded, about 50 dead, more than 3 injured; ",
        "killed wounded bomb attack gunmen Kabul Friday at 19:58 ",
        "John Smith, Ahmed Khan of Islamic State, Hamas, Al-Shabaab met in Paris, Kabul. ",
        "according to TASS, the group denied responsibility, Amaq said it claimed it. ",
        " ".join(str(i) for i in range(1000)),
        "(" * 2000 + ")" * 2000,
        "a" * 4000,
    ]
    for shape in shapes:
        text = (shape * (4000 // len(shape) + 1))[:4000]
        started = time.perf_counter()
        result = extract(text, nlp=nlp)
        elapsed = time.perf_counter() - started
        _check_offsets(result)
        assert elapsed < 10, (shape[:30], elapsed)


@pytest.mark.slow
def test_extraction_time_grows_about_linearly(nlp: Any) -> None:
    from incidex.nlp.extract import extract

    unit = "killed wounded bomb attack gunmen Kabul Friday at 19:58 "  # one long sentence

    def timed(n: int) -> float:
        text = (unit * (n // len(unit) + 1))[:n]
        started = time.perf_counter()
        extract(text, nlp=nlp)
        return time.perf_counter() - started

    timed(2000)  # warm up
    small, large = timed(4000), timed(32000)
    assert large < small * 8 * 2  # 8x the text, at most 16x the time (measured: ~11x)


# ---- regular expressions on adversarial strings ----

_REGEX_MODULES = [
    "incidex.ingest._clean",
    "incidex.ingest._readers",
    "incidex.ingest._decode",
    "incidex.nlp.dateline",
    "incidex.nlp.lexicon",
    "incidex.nlp.gazetteer",
    "incidex.nlp.components.when",
    "incidex.nlp.components.casualties",
    "incidex.nlp.components.actors",
    "incidex.nlp.components.attribution",
    "incidex.nlp.components.places",
    "incidex.nlp.components.taxonomy",
    "incidex.nlp.components.incidents",
    "incidex.nlp.components.matching",
    "incidex.resolve._features",
    "incidex.resolve.views",
]
_SIZE = 1_000_000
_ADVERSARIAL = {
    "letters": "a" * _SIZE,
    "capitals": "Ab" * (_SIZE // 2),
    "digits": "1" * _SIZE,
    "digit-commas": "1," * (_SIZE // 2),
    "clock-ish": "1:" * (_SIZE // 2),
    "abbrev": "a." * (_SIZE // 2),
    "caps-abbrev": "Aa." * (_SIZE // 3),
    "hyphens": "A-" * (_SIZE // 2),
    "words": "at " * (_SIZE // 3),
    "spaces": " " * _SIZE,
    "newlines": "\n" * _SIZE,
    "space-newline": " \n" * (_SIZE // 2),
    "parens": "(" * _SIZE,
    "mixed": (
        "at 12:30 p.m. on Friday 12 Mar 2024 KABUL, (AFP) -- 1,000 killed St.Louis agencyThe "
        * (_SIZE // 80)
    ),
}


def _patterns() -> list[tuple[str, re.Pattern[str]]]:
    found: list[tuple[str, re.Pattern[str]]] = []
    for name in _REGEX_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        for attr, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.append((f"{name}.{attr}", value))
    return found


# Patterns that are only ever applied to cleaned text (no run of white space longer than
# "\n\n"), so they are tested on cleaned adversarial strings: see docs/robustness.md.
_CLEANED_ONLY = {"incidex.nlp.components.when._CLOCK"}


@pytest.mark.slow
@pytest.mark.parametrize("name,pattern", _patterns(), ids=lambda v: v if isinstance(v, str) else "")
def test_no_regex_backtracks_catastrophically(name: str, pattern: re.Pattern[str]) -> None:
    for kind, raw in _ADVERSARIAL.items():
        subject = (clean_text(raw) if name in _CLEANED_ONLY else raw) + "!"
        started = time.perf_counter()
        for _ in pattern.finditer(subject):
            pass
        pattern.match(subject)
        elapsed = time.perf_counter() - started
        # a linear scan of 1 MB takes up to ~0.35 s here (1.04 s seen on a loaded machine);
        # backtracking that is quadratic in the input would take hours
        assert elapsed < 3.0, f"{name} took {elapsed:.2f}s on 1 MB of {kind}"


def test_there_are_regexes_to_test() -> None:
    names = {name for name, _ in _patterns()}
    assert "incidex.nlp.dateline._DATELINE" in names
    assert "incidex.ingest._clean._GLUED_SENTENCE" in names
    assert "incidex.nlp.components.when._LOOSE_CLOCK" in names


@pytest.mark.parametrize("kind", sorted(_ADVERSARIAL))
def test_text_helpers_are_linear_on_adversarial_strings(kind: str) -> None:
    raw = _ADVERSARIAL[kind]
    started = time.perf_counter()
    cleaned = clean_text(raw)
    html_to_text("<p>" + raw[:200_000] + "</p>")
    parse_dateline(raw)
    parse_datetime(raw)
    assert time.perf_counter() - started < 2.0, kind
    assert len(cleaned) <= len(raw) * 2  # splitting glued words adds at most a character


@_FUZZ
@given(text=st.text(max_size=500))
def test_clean_text_is_stable(text: str) -> None:
    once = clean_text(text)
    assert "\r" not in once and "\x00" not in once and "  " not in once
    assert clean_text(once) == clean_text(clean_text(once))
