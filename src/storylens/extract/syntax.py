"""Parse-tree helpers shared by the quote and attribution extractors.

All functions read a spaCy parse and return tokens or spans; none of them writes.
"""

from __future__ import annotations

import re
from typing import Any

from .cues import CUE_VERBS
from .marks import INCH_BEFORE

# a quotation mark as the gold "direct" rule counts one (a straight ' only opening a word),
# less the inch mark of a height or length ("6'3\"", "5\u20192\u201d")
QUOTE_CHARS = re.compile(
    "[\u201c\u201e\u00ab\u00bb\u2018]|" + INCH_BEFORE + '["\u201d]'
    "|(?:^|(?<=[\\s(\\[\u2014\u2013-]))'(?=\\w)"
)
OPENING_MARKS = "\"\u201c\u201e\u2018'\u00ab"
CLOSING_MARKS = "\"\u201d\u2019'\u00bb"
SUBJECTS = ("nsubj", "nsubjpass")
_NP_LEFT = ("compound", "det", "amod", "poss", "nmod", "nummod", "case", "quantmod")
_REPORTING_PRONOUNS = frozenset({"she", "he", "they", "i", "we"})
_RELATIVE_WORDS = frozenset({"which", "who", "whom", "whose", "where"})


def quoted(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is (partly) in the speaker's words: a mark inside, or
    the span standing between an opening mark and a closing one ("“What curfew?”")."""
    if QUOTE_CHARS.search(text, start, end):
        return True
    after = text[end : end + 4].lstrip(".,!?;:\u2026")
    return (
        start > 0 and text[start - 1] in OPENING_MARKS and bool(after) and after[0] in CLOSING_MARKS
    )


def noun_phrase(tok: Any) -> Any:
    """The noun phrase of ``tok``: its left modifiers and name parts, plus an apposition."""
    doc = tok.doc
    left = tok.i
    stack = [tok]
    while stack:
        t = stack.pop()
        for child in t.lefts:
            if child.dep_ in _NP_LEFT or child.dep_ == "punct" and child.text in "-":
                left = min(left, child.left_edge.i)
                stack.append(child)
    right = tok.i
    for child in tok.rights:
        if child.dep_ in ("flat", "compound", "appos") or (
            child.dep_ == "punct" and child.i == right + 1 and child.text == ","
        ):
            right = max(right, child.right_edge.i if child.dep_ == "appos" else child.i)
    while right > tok.i and doc[right].is_punct:
        right -= 1
    return doc[left : right + 1]


def subject_of(verb: Any) -> Any | None:
    """The verb's subject, or the subject of the verb it is conjoined to or depends on."""
    for child in verb.children:
        if child.dep_ in SUBJECTS:
            return child
    if verb.dep_ in ("conj", "advcl", "xcomp") and verb.head.pos_ in ("VERB", "AUX"):
        for child in verb.head.children:
            if child.dep_ in SUBJECTS:
                return child
    return None


def agent_of(verb: Any) -> Any | None:
    """The "by X" agent of a passive verb."""
    for child in verb.children:
        if child.dep_ == "agent":
            for grand in child.children:
                if grand.dep_ == "pobj":
                    return grand
    return None


def non_restrictive(tok: Any) -> bool:
    """A ", which ..." clause: background the attributed content does not include.

    PolNeAR contents stop before such clauses ("emails that leaked in July, which
    forced ...", also after a closing mark: "the “shadow budget,” which ..."); restrictive
    clauses without the comma stay in.
    """
    if tok.dep_ not in ("relcl", "acl"):
        return False
    left = tok.left_edge
    k = left.i - 1
    if k > 0 and all(ch in CLOSING_MARKS for ch in tok.doc[k].text):  # “shadow budget,” which
        k -= 1
    if k < 0 or tok.doc[k].text != ",":
        return False
    first = left if left.lower_ in _RELATIVE_WORDS else tok.doc[min(left.i + 1, len(tok.doc) - 1)]
    return first.lower_ in _RELATIVE_WORDS


def clause_tokens(head: Any) -> list[Any]:
    """The subtree of ``head`` without a conjoined verb of saying ("... and said B"),
    a non-restrictive relative clause, or trailing punctuation and conjunctions."""
    cut: set[int] = set()
    for t in head.subtree:
        if t.i == head.i:
            continue
        if (
            t.dep_ == "conj"
            and t.pos_ == "VERB"
            and t.lemma_.lower() in CUE_VERBS
            # "... and that the footage did not show X" is a second content clause
            and not any(c.dep_ == "mark" and c.lower_ in ("that", "whether") for c in t.children)
            # nor is "urged him to call out Russia and consider sanctions"
            and t.head.dep_ != "xcomp"
            # nor "she hopes to win, but she knows that ...": a pronoun subject goes on
            # reporting what the content's speaker said
            and not any(c.dep_ == "nsubj" and c.lower_ in _REPORTING_PRONOUNS for c in t.children)
        ):
            cut.update(x.i for x in t.subtree)
            for sib in t.head.children:
                if sib.dep_ == "cc" and sib.i < t.i:
                    cut.add(sib.i)
        elif non_restrictive(t):
            cut.update(x.i for x in t.subtree)
            cut.add(t.left_edge.i - 1)
    toks = [t for t in head.subtree if t.i not in cut]
    while toks and (toks[-1].is_punct and toks[-1].text not in "\"”’'" or toks[-1].dep_ == "cc"):
        toks.pop()
    return toks


def char_span(toks: list[Any]) -> tuple[int, int] | None:
    """Character span from the first to the last of ``toks`` (in document order)."""
    if not toks:
        return None
    first = min(toks, key=lambda t: t.i)
    last = max(toks, key=lambda t: t.i)
    return first.idx, last.idx + len(last.text)


__all__ = [
    "CLOSING_MARKS",
    "QUOTE_CHARS",
    "SUBJECTS",
    "agent_of",
    "quoted",
    "char_span",
    "clause_tokens",
    "non_restrictive",
    "noun_phrase",
    "subject_of",
]
