"""Mojibake repair with a map back to the original characters (stage 0 of the normaliser).

Text that was UTF-8 but got decoded as Windows-1252 (``â€œWe will rebuildâ€``) is
repaired with ftfy's encoding fixes only (no quote uncurling, no width or ligature
changes: those would alter what an outlet wrote). The repair runs in three steps:

1. lost bytes: ``â€`` that is not followed by a third Windows-1252 byte lost its
   ``0x9D`` (the one byte of ``”`` that Windows-1252 cannot show, so tools drop it);
   the byte is put back, standing at the end of the ``€`` it followed;
2. ftfy (:func:`ftfy.fix_text` with every fix but the encoding ones turned off) over
   the whole text, so its heuristics see all the evidence;
3. alignment: :class:`difflib.SequenceMatcher` pairs the text before and after; in each
   changed block, a repaired character maps to the run of mojibake characters that
   were its UTF-8 bytes (one Windows-1252 character per byte), or, when the block does
   not split that way, to the whole block.

Every repaired block becomes a ``mojibake`` :class:`~storylens.model.Repair` at its
original offsets.
"""

from __future__ import annotations

import difflib
from array import array
from dataclasses import dataclass

from .model import Repair

# Characters that Windows-1252 (as ftfy reads it, undefined bytes kept as C1 controls)
# gives the bytes 0x80-0xBF: the UTF-8 continuation bytes.
_CONTINUATION = frozenset(bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")) | {
    chr(b) for b in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}
# signs that a text may hold mojibake at all; text without any skips the repair
_SUSPECT = frozenset("ÂÃâÐÑÎÏØÙàáåæçèéêëìíîïðñòóôõöøùúûüýþÿ")
_LOST_9D = "\x9d"


@dataclass(frozen=True)
class EncodingRepair:
    """The text after mojibake repair, with each character's original ``[start, end)``."""

    text: str
    starts: array
    ends: array
    repairs: tuple[Repair, ...]


def _identity(text: str) -> EncodingRepair:
    n = len(text)
    return EncodingRepair(text, array("l", range(n)), array("l", range(1, n + 1)), ())


def _fix(text: str) -> str:
    import ftfy

    config = ftfy.TextFixerConfig(
        unescape_html=False,
        remove_terminal_escapes=False,
        fix_encoding=True,
        restore_byte_a0=False,  # "â€ " + space read as a dagger is worse than leaving it
        replace_lossy_sequences=False,
        decode_inconsistent_utf8=True,
        fix_c1_controls=False,
        fix_latin_ligatures=False,
        fix_character_width=False,
        uncurl_quotes=False,
        fix_line_breaks=False,
        fix_surrogates=False,
        remove_control_chars=False,
        normalization=None,
        explain=False,
    )
    return str(ftfy.fix_text(text, config))


def _restore_lost_bytes(original: str) -> tuple[str, list[int], list[int], set[int]]:
    """Step 1: put back the 0x9D dropped after ``â€``; the map of every character, and
    where the restored bytes stand."""
    chars: list[str] = []
    inserted: set[int] = set()
    starts: list[int] = []
    ends: list[int] = []
    n = len(original)
    for i, ch in enumerate(original):
        chars.append(ch)
        starts.append(i)
        ends.append(i + 1)
        lost = i + 1 >= n or original[i + 1] not in _CONTINUATION
        if ch == "€" and i > 0 and original[i - 1] == "â" and lost:
            inserted.add(len(chars))
            chars.append(_LOST_9D)
            starts.append(i)
            ends.append(i + 1)
    return "".join(chars), starts, ends, inserted


def repair_encoding(original: str) -> EncodingRepair:
    """Repair mojibake in ``original``; see the module docstring for the steps."""
    if not _SUSPECT.intersection(original):
        return _identity(original)
    source, src_starts, src_ends, inserted = _restore_lost_bytes(original)
    fixed = _fix(source)
    if fixed == source:
        return _identity(original)
    kept: list[str] = []
    starts, ends = array("l"), array("l")
    repairs: list[Repair] = []
    matcher = difflib.SequenceMatcher(None, source, fixed, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(i1, i2):
                if k not in inserted:  # a restored byte ftfy did not use is dropped again
                    kept.append(source[k])
                    starts.append(src_starts[k])
                    ends.append(src_ends[k])
            continue
        kept.append(fixed[j1:j2])
        if j1 == j2:  # characters dropped by the repair: nothing maps to them
            dropped = [k for k in range(i1, i2) if k not in inserted]
            if dropped:  # still a repair of the original text ('Â\x8d' -> '\x8d')
                a, b = src_starts[dropped[0]], src_ends[dropped[-1]]
                repairs.append(
                    Repair(
                        "mojibake",
                        a,
                        b,
                        f"{original[a:b]!r} dropped by the repair (UTF-8 read as Windows-1252)",
                    )
                )
            continue
        block_start = src_starts[i1] if i1 < i2 else (src_ends[i1 - 1] if i1 else 0)
        block_end = src_ends[i2 - 1] if i1 < i2 else block_start
        widths = [len(c.encode("utf-8")) for c in fixed[j1:j2]]
        if sum(widths) == i2 - i1:
            k = i1
            for w in widths:
                starts.append(src_starts[k])
                ends.append(src_ends[k + w - 1])
                k += w
        else:
            starts.extend([block_start] * (j2 - j1))
            ends.extend([block_end] * (j2 - j1))
        if block_end > block_start:
            repairs.append(
                Repair(
                    "mojibake",
                    block_start,
                    block_end,
                    f"{original[block_start:block_end]!r} repaired as {fixed[j1:j2]!r} "
                    "(UTF-8 read as Windows-1252)",
                )
            )
    return EncodingRepair("".join(kept), starts, ends, tuple(repairs))


__all__ = ["EncodingRepair", "repair_encoding"]
