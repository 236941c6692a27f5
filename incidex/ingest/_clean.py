"""Text normalisation for scraped and wire text, and a small HTML-to-text stripper.

Every regex here is linear: single character classes with one quantifier, no nested or
adjacent overlapping quantifiers, so adversarial input cannot make them backtrack badly.
"""

from __future__ import annotations

import re
import unicodedata
from html.parser import HTMLParser

__all__ = ["MAX_CLEAN_CHARS", "clean_text", "html_to_text"]

# Well above the default 2 MB article bound; past this the caller forgot to bound its input.
MAX_CLEAN_CHARS = 20_000_000

# Line separators other than "\n" (CR is handled before, so CRLF becomes one break).
_LINE_BREAKS = {ord(c): "\n" for c in "\u2028\u2029\x85\x0b\x0c"}
# Space-like characters: tab, NBSP, narrow NBSP, figure space, the U+2000 block, ideographic.
_SPACES = {ord(c): " " for c in "\t\u00a0\u1680\u202f\u205f\u3000"}
_SPACES.update({cp: " " for cp in range(0x2000, 0x200B)})
# Invisible characters that only get in the way: zero-width space, BOM, soft hyphen, word
# joiner. ZWJ/ZWNJ stay: they carry meaning in Persian, Indic scripts and emoji.
_DROP = {ord(c): None for c in "\u200b\ufeff\u00ad\u2060"}
# C0 and C1 controls except the newline (tab was mapped to a space above).
_DROP.update({cp: None for cp in range(0x00, 0x20) if cp != 0x0A})
_DROP.update({cp: None for cp in range(0x7F, 0xA0) if cp != 0x85})
_TABLE: dict[int, str | None] = {**_DROP, **_SPACES, **_LINE_BREAKS}

_RUN_OF_SPACES = re.compile(r" {2,}")
# Runs of spaces are already one space here; " *\n *" would be quadratic on a long run.
_SPACES_AROUND_NEWLINE = re.compile(r" ?\n ?")
_MANY_NEWLINES = re.compile(r"\n{3,}")

_UPPER = "A-ZÀ-ÖØ-Þ"
_LOWER = "a-zß-öø-ÿ"
# A word, a period and possibly a closing quote, glued to a capital: "agency.The".
# The look-behind makes only word starts eligible (not after "/" "@" ":" as in
# "www.example.Com"), so each position is tried once: linear. A word after a period is
# split only when that period ended a sentence the repair split (_split_glued_sentences).
_GLUED_SENTENCE = re.compile(rf"(?<![\w@/:])([^\W\d_]+)\.([\"”’]?)(?=[{_UPPER}])")
# A whole lower-case word of 3+ letters glued to a capitalised word: "attackFour".
_GLUED_HEADING = re.compile(rf"(?<![\w@#/.])([{_LOWER}]{{3,}})([{_UPPER}][{_LOWER}]{{2,}})")
# What each repair needs somewhere in the text (a quick search first: most texts have no
# glued sentence or heading, and the full patterns try every word start)
_MAYBE_GLUED_SENTENCE = re.compile(rf"\.[\"”’]?[{_UPPER}]")
_MAYBE_GLUED_HEADING = re.compile(rf"[{_LOWER}][{_UPPER}]")

# Words before a period that are followed by a capital in normal writing ("Ph.D.").
_NO_SPLIT_AFTER = frozenset({"ph", "ed", "ll"})
# Brand and product words written in camel case; compared in lower case.
_CAMEL_WORDS = frozenset(
    w.lower()
    for w in (
        "PowerPoint", "JavaScript", "WhatsApp", "TikTok", "LinkedIn", "GoFundMe", "YouTube",
        "iPhone", "iPad", "iTunes", "iCloud", "eBay", "PayPal", "FedEx", "SoundCloud",
        "PlayStation", "BlackBerry", "SpaceX", "OpenAI", "DeepMind", "GitHub", "WordPress",
        "SharePoint", "CrowdStrike", "DoorDash", "HarperCollins", "BuzzFeed", "HuffPost",
        "MasterCard", "FaceTime", "TweetDeck", "QAnon",
    )
)  # fmt: skip
# Name particles that precede a capitalised surname: "vanDyke", "ibnSaud" are names.
_PARTICLES = frozenset(
    {"van", "von", "der", "den", "del", "della", "des", "dos", "das", "ibn", "bin", "bint",
     "abu", "ben", "mac", "degli", "ter"}
)  # fmt: skip


def _split_glued_sentences(text: str) -> str:
    """``text`` with each sentence glued to the next split (:func:`_split_glued_sentence`).
    A word right after a period starts a glued sentence only when the repair split at that
    period ("Aa.Bb.Cc" -> "Aa. Bb. Cc" in one pass, so cleaning twice changes nothing);
    otherwise the period is inside initials or a dotted name ("U.S.Army")."""
    split_at = -1  # where the last split match ended

    def split(match: re.Match[str]) -> str:
        nonlocal split_at
        start = match.start()
        if start and text[start - 1] == "." and start != split_at:
            return match.group(0)
        out = _split_glued_sentence(match)
        if out != match.group(0):
            split_at = match.end()
        return out

    return _GLUED_SENTENCE.sub(split, text)


def _split_glued_sentence(match: re.Match[str]) -> str:
    word, quote = match.group(1), match.group(2)
    # Initials and single-letter abbreviations (U.S., a.m., e.g.) end in a 1-letter word.
    if len(word) < 2 or not word[-1].islower() or word.lower() in _NO_SPLIT_AFTER:
        return match.group(0)
    return f"{word}.{quote} "


def _split_glued_heading(match: re.Match[str]) -> str:
    lower, capital = match.group(1), match.group(2)
    if lower in _PARTICLES:
        return match.group(0)
    # Compare the whole word the match sits in, so "whatsApp" or "powerPoint" are kept.
    text, end = match.string, match.end()
    stop = end
    while stop < len(text) and stop - end < 40 and text[stop].isalpha():
        stop += 1
    if (lower + capital + text[end:stop]).lower() in _CAMEL_WORDS:
        return match.group(0)
    return f"{lower}\n{capital}"


def clean_text(text: str) -> str:
    """Normalise scraped or wire text so that hashes and character offsets are stable.

    NFC, one kind of line break, non-breaking and other odd spaces become plain spaces,
    control and zero-width characters go, runs of spaces collapse, more than one blank line
    becomes one (paragraph breaks stay). Two scraping artefacts are repaired:

    - a sentence glued to the next: ``"agency.The"`` -> ``"agency. The"``, but not after
      initials or one-letter abbreviations (``U.S.Army``, ``a.m.``, ``e.g.``), before digits
      (``No.5``) or lower case (``example.com``). ``St.Louis`` becomes ``St. Louis``.
    - a heading glued to the first sentence: ``"The attackFour men"`` ->
      ``"The attack\\nFour men"``, only for a whole lower-case word of 3+ letters followed by
      a capitalised word of 3+ letters; ``YouTube``, ``iPhone``, ``McDonald`` and known
      camel-case brands (``PowerPoint``, ``WhatsApp``, ...) are left alone.

    Raises ValueError past :data:`MAX_CLEAN_CHARS` characters: callers bound their input.
    """
    if len(text) > MAX_CLEAN_CHARS:
        raise ValueError(f"text of {len(text)} characters is over {MAX_CLEAN_CHARS}")
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_TABLE)
    if _MAYBE_GLUED_SENTENCE.search(text):
        text = _split_glued_sentences(text)
    if _MAYBE_GLUED_HEADING.search(text):
        text = _GLUED_HEADING.sub(_split_glued_heading, text)
    if "  " in text:
        text = _RUN_OF_SPACES.sub(" ", text)
    if " \n" in text or "\n " in text:
        text = _SPACES_AROUND_NEWLINE.sub("\n", text)
    if "\n\n\n" in text:
        text = _MANY_NEWLINES.sub("\n\n", text)
    return text.strip()


_BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
     "blockquote", "section", "article", "header", "footer", "pre", "hr", "dd", "dt", "figure",
     "figcaption"}
)  # fmt: skip
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "object"})


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skipping = max(0, self._skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # Source newlines inside a paragraph are layout, not breaks.
            self.parts.append(data.replace("\n", " "))


def html_to_text(html: str) -> str:
    """Visible text of an HTML fragment (feed summaries), block elements as paragraphs."""
    if "<" not in html and "&" not in html:
        return html
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return "".join(collector.parts)
