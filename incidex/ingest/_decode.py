"""Byte-level checks: binary sniffing, byte-order marks and decoding with fallbacks."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass

__all__ = ["Decoded", "binary_kind", "bom_encoding", "decode_bytes", "looks_like_text"]

# Magic numbers of the binary files people most often drop into an input folder.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"\x7fELF", "executable"),
    (b"SQLite format 3\x00", "SQLite database"),
)

# Longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_WHITESPACE_CONTROLS = frozenset("\t\n\r\f\v")


@dataclass(frozen=True)
class Decoded:
    text: str | None  # None when nothing sensible came out
    encoding: str | None
    detail: str = ""  # why decoding failed, for the E002 message


def bom_encoding(head: bytes) -> str | None:
    """The codec named by a byte-order mark at the start of ``head``, if any."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    return None


def binary_kind(head: bytes) -> str | None:
    """What binary thing ``head`` (the first few KB) looks like, or None for text."""
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    # UTF-16/32 text is full of NUL bytes; only a BOM tells it apart from binary.
    if bom_encoding(head) in ("utf-16", "utf-32"):
        return None
    if b"\x00" in head:
        return "contains NUL bytes"
    return None


def looks_like_text(text: str) -> bool:
    """Few control, unassigned or replacement characters: what a wrong codec produces."""
    if not text:
        return True
    bad = 0
    for ch in text:
        if ch == "\ufffd":
            bad += 1
        elif ch not in _WHITESPACE_CONTROLS and unicodedata.category(ch) in ("Cc", "Cn", "Co"):
            bad += 1
    return bad <= len(text) // 200


def _mostly_western(text: str) -> bool:
    """Latin text read as cp1252 has few non-ASCII letters; Cyrillic or Greek read so has many."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return True
    non_ascii = sum(1 for ch in letters if ord(ch) > 0x7F)
    return non_ascii <= len(letters) * 0.3


def _charset_normalizer_guess(data: bytes) -> tuple[str, str] | None:
    try:
        import charset_normalizer
    except ImportError:  # optional: installed with requests/trafilatura, but not required
        return None
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        return None
    return str(best), str(best.encoding)


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode file bytes: a forced ``encoding``, else BOM, UTF-8, cp1252/latin-1 for Western
    text, then charset_normalizer's guess; each fallback only if the result looks like text."""
    if encoding is not None:
        try:
            return Decoded(data.decode(encoding), encoding)
        except LookupError:
            return Decoded(None, None, f"unknown encoding {encoding!r}")
        except UnicodeDecodeError as exc:
            return Decoded(None, None, f"not valid {encoding}: {exc.reason} at byte {exc.start}")
    bom = bom_encoding(data[:4])
    if bom is not None:
        try:
            return Decoded(data.decode(bom), bom)
        except UnicodeDecodeError as exc:
            return Decoded(None, None, f"bad {bom} after its byte-order mark: {exc.reason}")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = f"not UTF-8 ({exc.reason} at byte {exc.start})"
    # Most non-UTF-8 news text is Windows/ISO Western; charset_normalizer tends to call short
    # Spanish or Portuguese text cp1250 ("Săo Paulo"), so try cp1252 first when it fits.
    for name in ("cp1252", "latin-1"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if looks_like_text(text) and _mostly_western(text):
            return Decoded(text, name)
        break
    guess = _charset_normalizer_guess(data)
    if guess is not None and looks_like_text(guess[0]):
        return Decoded(guess[0], guess[1])
    return Decoded(None, None, f"{utf8_error}, and no other encoding gives sensible text")
