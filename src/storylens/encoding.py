"""Mojibake repair with a map back to the original characters (stage 0 of the normaliser).

Text that was UTF-8 but got decoded as Windows-1252 (``â€œWe will rebuildâ€``) is
repaired with ftfy's encoding fixes only (no quote uncurling, no width or ligature
changes: those would alter what an outlet wrote). The repair runs in three steps:

1. lost bytes: ``â€`` that is not followed by a third Windows-1252 byte lost its
   ``0x9D`` (the one byte of ``”`` that Windows-1252 cannot show, so tools drop it);
   the byte is put back, standing at the end of the ``€`` it followed;
2. ftfy (:func:`ftfy.fix_text` with every fix but the encoding ones turned off) over
   the whole text, so its heuristics see all the evidence;
3. alignment: the ASCII text between non-ASCII runs is the same before and after (an
   encoding fix only rewrites the runs its bytes made), so it anchors the two texts, and
   :class:`difflib.SequenceMatcher` pairs only each changed run (one of up to
   :data:`_FINE_RUN` characters; a longer one is one block): linear in the length of
   the text, where difflib over the whole text is quadratic
   (benchmarks/results/robustness.md, mojibake). In each changed block, a repaired
   character maps to the run of mojibake characters that were its UTF-8 bytes (one
   Windows-1252 character per byte), or, when the block does not split that way, to the
   whole block.

Every repaired block becomes a ``mojibake`` :class:`~storylens.model.Repair` at its
original offsets.
"""

from __future__ import annotations

import difflib
import re
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


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
# Characters of one changed run that difflib may align finely; a longer run (text in a
# script without spaces) is mapped as one block, so alignment stays linear.
_FINE_RUN = 2000
Opcode = tuple[str, int, int, int, int]


def _opcodes(source: str, fixed: str) -> list[Opcode] | None:
    """difflib-style opcodes from ``source`` to ``fixed``, in time linear in their length.

    Mojibake is made of bytes 0x80-0xFF, which Windows-1252 shows as non-ASCII
    characters, and ftfy's encoding fixes replace such runs with non-ASCII characters:
    the ASCII between them is the same on both sides and anchors the alignment. Only a
    changed run is aligned inside (by difflib, when it is short). None when the ASCII
    differs, which an encoding fix never does.
    """
    out: list[Opcode] = []
    i = j = 0
    while True:
        m = _NON_ASCII.search(source, i)
        stop = m.start() if m else len(source)
        width = stop - i
        if source[i:stop] != fixed[j : j + width]:
            return None
        if width:
            out.append(("equal", i, stop, j, j + width))
        i, j = stop, j + width
        if m is None:
            return out if j == len(fixed) else None
        m2 = _NON_ASCII.match(fixed, j)
        j2 = m2.end() if m2 else j
        i2 = m.end()
        if source[i:i2] == fixed[j:j2]:
            out.append(("equal", i, i2, j, j2))
        elif j2 > j and sum(len(c.encode("utf-8")) for c in fixed[j:j2]) == i2 - i:
            out.append(("replace", i, i2, j, j2))  # every byte of the run went into a repair
        elif max(i2 - i, j2 - j) <= _FINE_RUN:
            matcher = difflib.SequenceMatcher(None, source[i:i2], fixed[j:j2], autojunk=False)
            ops = matcher.get_opcodes()
            if any(op == "insert" for op, *_ in ops):
                # a repaired character from no source character: difflib matched a letter
                # the repair left to its twin elsewhere in the run ('Ü¤Ü' -> 'ܤÜ' paired
                # the first Ü with the last); map the whole run as one block instead
                out.append(("replace", i, i2, j, j2))
            else:
                for op, a1, a2, b1, b2 in ops:
                    out.append((op, i + a1, i + a2, j + b1, j + b2))
        else:
            out.append(("replace", i, i2, j, j2))
        i, j = i2, j2


def repair_encoding(original: str) -> EncodingRepair:
    """Repair mojibake in ``original``; see the module docstring for the steps."""
    if not _SUSPECT.intersection(original):
        return _identity(original)
    source, src_starts, src_ends, inserted = _restore_lost_bytes(original)
    fixed = _fix(source)
    if fixed == source:
        return _identity(original)
    opcodes = _opcodes(source, fixed)
    if opcodes is None:  # ftfy changed ASCII as well: not a repair this module can map
        return _identity(original)
    kept: list[str] = []
    starts, ends = array("l"), array("l")
    repairs: list[Repair] = []
    for op, i1, i2, j1, j2 in opcodes:
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
