"""How two outlets worded the same quote: a class and a word diff.

Classes, checked in this order:

- ``identical``: the same words and punctuation (quotation marks and surrounding
  spaces ignored);
- ``punctuation``: the same words in the same order, punctuation or case differs;
- ``truncated``: one is a contiguous part of the other (in words);
- ``paraphrase``: one outlet presents as a direct quote what the other gives as
  indirect speech;
- ``minor``: at most 45% of the longer version's words changed
  ("inalienable"/"inviolable", "our"/"the");
- ``different``: more changed than that.
"""

from __future__ import annotations

import difflib
import re
from typing import Any

# share of the longer version's words that may change for a "minor" difference
# (the seeds' inalienable/inviolable pair changes 3 of 10 words; the demo's "different" pair 7 of 14)
MINOR_SHARE = 0.45
_WORD = re.compile(r"[\w’'-]+|[^\w\s]")
_QUOTE_MARKS = "\"“”‘’'«»„ "


def _strip(text: str) -> str:
    return " ".join(text.strip().strip(_QUOTE_MARKS).split())


def _words(text: str) -> list[str]:
    return [w.lower().replace("’", "'") for w in _WORD.findall(text) if w[0].isalnum()]


def word_diff(a: str, b: str) -> tuple[dict[str, Any], ...]:
    """Word-level diff ops from ``a`` to ``b`` (punctuation kept on the words)."""
    ta, tb = _strip(a).split(), _strip(b).split()
    norm_a = [re.sub(r"[^\w]", "", w.lower()) for w in ta]
    norm_b = [re.sub(r"[^\w]", "", w.lower()) for w in tb]
    ops = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(
        None, norm_a, norm_b, autojunk=False
    ).get_opcodes():
        ops.append({"op": tag, "a": " ".join(ta[i1:i2]), "b": " ".join(tb[j1:j2])})
    return tuple(ops)


def _contains(long: list[str], short: list[str]) -> bool:
    n = len(short)
    return any(long[i : i + n] == short for i in range(len(long) - n + 1))


def compare_wording(
    a: str, b: str, a_direct: bool = True, b_direct: bool = True
) -> tuple[str, tuple[dict[str, Any], ...]]:
    """Classify how ``b`` words the quote ``a`` gives, and the word diff between them."""
    diff = word_diff(a, b)
    sa, sb = _strip(a), _strip(b)
    wa, wb = _words(sa), _words(sb)
    if sa.replace("’", "'") == sb.replace("’", "'"):
        return "identical", diff
    if wa == wb:
        return "punctuation", diff
    if wa and wb and (_contains(wa, wb) or _contains(wb, wa)):
        return "truncated", diff
    if a_direct != b_direct:
        return "paraphrase", diff
    matcher = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    changed = max(len(wa), len(wb)) - same
    if changed <= max(1, int(MINOR_SHARE * max(len(wa), len(wb)))):
        return "minor", diff
    return "different", diff
