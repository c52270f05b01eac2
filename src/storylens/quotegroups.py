"""Quotes of the same speaker saying the same thing, across articles.

Each quote is cut into units at sentence ends inside it. Units of different
articles are linked when most of the shorter one's words appear in the other
(at least two words, one of them a content word) and their speakers do not
disagree, compared by the story's canonical names (:mod:`storylens.names`) when the
caller gives them. Linked units form a group; within one quote, a group's neighbouring
units are joined back into one variant, so "the territory is inviolable.
Sovereignty is inviolable" stays one variant. Each group gets a wording class from
:func:`storylens.wording.compare_wording`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from .extract.marks import find_quotes
from .model import Quote, QuoteGroup, QuoteVariant
from .names import StoryNames
from .wording import compare_wording

# a sentence end inside a quote: [.?!], closing marks, space, then a capital or an
# opening mark; not after an abbreviation ("U.S. military", "Sen. Ross", "J. Smith")
_UNIT_END = re.compile(r"(?<=[.?!])[\"”’']*\s+(?=[A-Z\"“‘'])")
_ABBREVIATION = re.compile(
    r"(?:\b[A-Z]\.|\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Col|Lt|Sgt|St|Jr|Sr|Prof|Rev|No|vs|Inc|Co|Corp)\.)$"
)
_WORD = re.compile(r"\w[\w’'-]*")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "is",
        "are",
        "was",
        "were",
        "be",
        "it",
        "we",
        "i",
        "you",
        "he",
        "she",
        "they",
        "our",
        "your",
        "this",
        "that",
    ]
)
_SEVERITY = ["identical", "punctuation", "truncated", "minor", "paraphrase", "different"]


@dataclass(frozen=True)
class _Unit:
    article: str
    quote: int
    start: int
    end: int
    words: tuple[str, ...]
    speaker: str | None
    direct: bool


def _stretches(text: str) -> list[tuple[int, int]]:
    """The quoted stretches of a quote's content (the whole content when it has no marks)."""
    marks, _ = find_quotes(text)
    spans = [q.inner for q in marks if q.end - q.start > 3]
    return spans or [(0, len(text))]


def _units(quotes: Sequence[Quote], names: StoryNames | None) -> list[_Unit]:
    out = []
    for qi, q in enumerate(quotes):
        content, base = q.content.text, q.content.start
        speaker = names.canonical(q.speaker) if names is not None and q.speaker else q.speaker
        for s_start, s_end in _stretches(content):
            text = content[s_start:s_end]
            pos = 0
            ends = [
                m for m in _UNIT_END.finditer(text) if not _ABBREVIATION.search(text, 0, m.start())
            ]
            for m in [*ends, None]:
                end = m.start() if m else len(text)
                piece = text[pos:end]
                lead = len(piece) - len(piece.lstrip(" \"“‘'"))
                trail = len(piece.rstrip(" \"”’',"))
                words = tuple(w.lower().replace("’", "'") for w in _WORD.findall(piece[lead:trail]))
                if len(words) >= 2 and trail > lead:
                    start = base + s_start + pos
                    out.append(
                        _Unit(q.article, qi, start + lead, start + trail, words, speaker, q.direct)
                    )
                pos = m.end() if m else len(text)
    return out


def _linked(a: _Unit, b: _Unit) -> bool:
    if a.article == b.article:
        return False
    if a.speaker and b.speaker and a.speaker != b.speaker:
        return False
    common = set(a.words) & set(b.words)
    shorter = min(len(set(a.words)), len(set(b.words)))
    return len(common) >= 2 and bool(common - _STOP) and len(common) >= 0.6 * shorter


def group_quotes(
    quotes: Sequence[Quote], texts: dict[str, str], names: StoryNames | None = None
) -> list[QuoteGroup]:
    """Cross-article quote groups, in order of first appearance.

    With the story's ``names``, speakers are compared (and groups named) by their
    canonical name, so "Fenn" in one article and "Ada Fenn" in another speak
    as one; without it, as each article wrote them.
    """
    units = _units(quotes, names)
    parent = list(range(len(units)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, a in enumerate(units):
        for j in range(i + 1, len(units)):
            if _linked(a, units[j]):
                parent[find(j)] = find(i)
    groups: dict[int, list[_Unit]] = defaultdict(list)
    for i, u in enumerate(units):
        groups[find(i)].append(u)
    out = []
    for members in groups.values():
        if len({u.article for u in members}) < 2:
            continue
        variants: list[QuoteVariant] = []
        by_quote: dict[tuple[str, int], list[_Unit]] = defaultdict(list)
        for u in members:
            by_quote[(u.article, u.quote)].append(u)
        for (article, _q), us in sorted(
            by_quote.items(), key=lambda kv: min(u.start for u in kv[1])
        ):
            start, end = min(u.start for u in us), max(u.end for u in us)
            variants.append(
                QuoteVariant(article, start, end, texts[article][start:end], us[0].direct)
            )
        variants.sort(key=lambda v: (list(texts).index(v.article), v.start))
        first = variants[0]
        worst, diff = "identical", cast(tuple[dict[str, Any], ...], ())
        for other in variants[1:]:
            if other.article == first.article:
                continue
            wording, ops = compare_wording(first.text, other.text, first.direct, other.direct)
            if not diff or _SEVERITY.index(wording) > _SEVERITY.index(worst):
                worst, diff = wording, ops
        speaker = next((u.speaker for u in members if u.speaker), None)
        out.append(QuoteGroup(speaker=speaker, wording=worst, variants=tuple(variants), diff=diff))
    out.sort(key=lambda g: (list(texts).index(g.variants[0].article), g.variants[0].start))
    return out
