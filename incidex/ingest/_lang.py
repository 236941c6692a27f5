"""Language identification with langdetect, made deterministic."""

from __future__ import annotations

import re

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

__all__ = ["detect_language"]

# langdetect samples at random; a fixed seed makes the same text always get the same answer.
DetectorFactory.seed = 0

# The opening of an article says which language it is in; more only costs time.
_SAMPLE_CHARS = 2_000


# Words that are frequent in English and rare as words in other Latin-script languages.
_ENGLISH = frozenset(
    "the of and to in is was that for on with as by at from his her their they were have has "
    "had been which who said after would will this an it its are be".split()
)
_WORD = re.compile(r"[a-z]+")


def _clearly_english(sample: str) -> bool:
    """A cheap first look (microseconds): plainly English text skips langdetect (milliseconds)."""
    words = _WORD.findall(sample[:600].lower())
    if len(words) < 20:
        return False
    hits = sum(w in _ENGLISH for w in words)
    return hits / len(words) >= 0.2 and "the" in words


def detect_language(text: str, min_chars: int = 40) -> str | None:
    """ISO 639-1 code ('en', 'es', ...; langdetect's 'zh-cn' style for Chinese), or None.

    None means "too short to tell" (under ``min_chars`` characters, white space folded) or "no
    letters at all"; callers treat None as English. Text is lower-cased first, because
    all-capitals wire copy (MUC-4 style) otherwise reads as anything but English.
    """
    sample = " ".join(text[: _SAMPLE_CHARS * 2].split())[:_SAMPLE_CHARS]
    if len(sample) < min_chars:
        return None
    if _clearly_english(sample):
        return "en"
    try:
        return str(detect(sample.lower()))
    except LangDetectException:
        return None
