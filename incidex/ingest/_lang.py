"""Language identification with langdetect, made deterministic."""

from __future__ import annotations

from langdetect import DetectorFactory, detect
from langdetect.lang_detect_exception import LangDetectException

__all__ = ["detect_language"]

# langdetect samples at random; a fixed seed makes the same text always get the same answer.
DetectorFactory.seed = 0

# The opening of an article says which language it is in; more only costs time.
_SAMPLE_CHARS = 2_000


def detect_language(text: str, min_chars: int = 40) -> str | None:
    """ISO 639-1 code ('en', 'es', ...; langdetect's 'zh-cn' style for Chinese), or None.

    None means "too short to tell" (under ``min_chars`` characters, white space folded) or "no
    letters at all"; callers treat None as English. Text is lower-cased first, because
    all-capitals wire copy (MUC-4 style) otherwise reads as anything but English.
    """
    sample = " ".join(text[: _SAMPLE_CHARS * 2].split())[:_SAMPLE_CHARS]
    if len(sample) < min_chars:
        return None
    try:
        return str(detect(sample.lower()))
    except LangDetectException:
        return None
