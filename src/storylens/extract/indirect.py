"""Indirect attributions: candidates read off the parse, scored by a fitted linear model.

``find_indirect`` runs, in order:

1. candidates (:func:`iter_candidates`): every verb, adjective or noun that governs a
   clause, an infinitive, an object or a prepositional object yields one candidate per
   content *shape* its parse allows: ``ccomp`` (its clause), ``xcomp`` (its
   infinitive), ``obj`` (everything after it in its clause), ``dobj`` (its object
   alone), ``pobj`` ("called for X", "criticism of X"), ``advcl`` (a following clause
   the parser attached loosely: "tweeted early that X was ..."), ``passive`` (the subject
   of a passive verb with an agent: "X was endorsed by Y" attributes X to Y), ``clause``
   (the whole clause of a hedging verb: "the levy seems to work", "the ferry is
   expected to resume"; see :func:`hedged_clause`); each with its source
   (subject, passive agent, the subject it shares with the verb it depends on, a
   possessor). A shape running from the complement to the sentence's end was tried
   and dropped: chosen as the most probable shape it was right 45% of the time, and
   without it PolNeAR dev all-attribution F1 rose from 0.695 to 0.701;
2. features (:func:`features_of`): named binary features: the cue's lemma and its class
   in :mod:`.cues`, the shape, the cue's part of speech and dependency, the kind of
   source, the content's length, whether it holds quotation marks or ends the sentence,
   which frame dependents the cue has ("called the levy “a disgrace”": an object and a
   predicate);
3. score: a logistic model over those features and the parser's own token vectors
   around the candidate (:mod:`.vectors`: the cue, the content's first, last and mean
   token, its sentence, its source...), read from
   ``storylens/data/attribution-model.json`` (feature names and numbers only) and fitted
   on the PolNeAR train split by ``benchmarks/train_attribution.py``. Its target is
   graded, not 0/1: a content the annotators would count scores by how closely its
   extent matches theirs, so the score reads as the expected quality of the match;
4. selection (:func:`select`): per cue its best-scoring shape, kept when that
   score reaches the threshold (one for contents with quotation marks, one
   without); best first, skipping a content that lies more than half inside a direct
   quote or a content already kept (a plain shape then may stand in for its cue).

No rule here knows a particular article: the same features and weights apply to any
English news text, and the weights can be refitted from the command above.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelError
from .cues import ATTITUDE_VERBS, DOCUMENT_NOUNS, ORG_NOUNS, SPEECH_VERBS
from .syntax import (
    QUOTE_CHARS,
    SUBJECTS,
    agent_of,
    char_span,
    clause_tokens,
    noun_phrase,
    subject_of,
)
from .vectors import GROUPS, dense_logits

MODEL_PATH = Path(__file__).resolve().parents[1] / "data" / "attribution-model.json"
REFIT = "python benchmarks/train_attribution.py"

_CUE_POS = ("VERB", "AUX", "NOUN", "ADJ", "PROPN")
_OBJECT_DEPS = ("dobj", "obj", "attr", "oprd")
_CUE_PREPS = frozenset(
    {"for", "about", "to", "of", "on", "against", "with", "over", "as", "at", "into"}
)
# right-hand dependents that are not part of what is attributed (a cue's "obj" shape
# leaves them out); the subjects for an inverted cue, whose subject follows it ("...,
# said Lin Okafor, a harbour pilot")
_NOT_CONTENT = (
    "punct",
    "cc",
    "conj",
    "advcl",
    "mark",
    "relcl",
    "npadvmod",
    "prt",
    "neg",
    "aux",
    "nsubj",
    "nsubjpass",
    "expl",
)
_TIME_PREPS = frozenset({"on", "at", "in", "during", "after", "before", "since", "while"})
_MARKS = frozenset({"that", "whether", "if"})
_PERSON_PRONOUNS = frozenset({"he", "she", "i", "we", "they", "you", "who", "him", "her"})
_THING_PRONOUNS = frozenset({"it", "this", "that", "which", "these", "those"})
_MODALS = frozenset({"would", "could", "may", "might", "will", "can", "should", "must"})
_TRIM = " \n\t,;:"
_FRAME_DEPS = frozenset({"oprd", "ccomp", "xcomp", "dative", "dobj", "agent", "attr", "advcl"})


@dataclass(frozen=True)
class Candidate:
    """One possible attribution: ``text[start:end]`` attributed through ``cue``."""

    cue: Any  # spaCy token
    start: int  # normalised character offsets of the content
    end: int
    shape: str
    source: Any | None  # spaCy token heading the source phrase
    source_how: str
    quoted: bool  # the content holds a quotation mark (a "mixed" quote)
    rank: str = "only"  # among the cue's shapes: "only", "longest", "shortest" or "middle"

    @cached_property
    def tokens(self) -> tuple[int, int] | None:
        """The content's token range in the Doc, or None when it covers no token."""
        span = self.cue.doc.char_span(self.start, self.end, alignment_mode="expand")
        return None if span is None or len(span) == 0 else (span.start, span.end)

    @property
    def source_span(self) -> Any | None:
        """The source phrase; without a source of its own, the one of the clause that
        governs the cue ("Democrats made the argument that ...", "... who said")."""
        if self.source is None and self.shape == "clause":
            return None  # a hedged clause names no one unless it has an agent
        head = self.source if self.source is not None else _governing_source(self.cue)
        return None if head is None else noun_phrase(head)


def _trimmed(text: str, span: tuple[int, int] | None) -> tuple[int, int] | None:
    if span is None:
        return None
    start, end = span
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and (text[end - 1] in _TRIM or text[end - 1] == "."):
        end -= 1
    return (start, end) if end - start >= 2 else None


def _without_mark(child: Any) -> list[Any]:
    return [
        t
        for t in clause_tokens(child)
        if not (t.dep_ == "mark" and t.head.i == child.i and t.lower_ in _MARKS)
    ]


def _right_content(cue: Any, text: str) -> list[Any]:
    """What follows the cue in its clause: objects, predicates, quoted words."""
    rights = [
        c
        for c in cue.rights
        if c.dep_ not in _NOT_CONTENT
        and not (
            c.dep_ == "prep"
            and c.lower_ in _TIME_PREPS
            and not QUOTE_CHARS.search(text[c.idx : c.right_edge.idx + len(c.right_edge.text)])
        )
    ]
    return [t for c in rights for t in clause_tokens(c)]


def content_shapes(cue: Any, text: str) -> dict[str, tuple[int, int]]:
    """Every content span the cue's parse allows, by shape (normalised offsets)."""
    shapes: dict[str, tuple[int, int] | None] = {}
    for child in cue.children:
        if child.dep_ == "ccomp" and "ccomp" not in shapes:
            # with its "that", "whether" or "if": PolNeAR's annotators take the
            # complementiser into the content (2,370 times in train, against 30:
            # python benchmarks/polnear_edges.py). Refitted,
            # PolNeAR dev all-attribution F1 0.7376 -> 0.7394, direct 0.8858 -> 0.8867;
            # train 0.7376 -> 0.7384, 0.8914 -> 0.8922. (Keeping the mark of an ``advcl``
            # as well: dev direct 0.8860, so it is still dropped there.)
            shapes["ccomp"] = _trimmed(text, char_span(clause_tokens(child)))
        elif child.dep_ in ("xcomp", "acl") and "xcomp" not in shapes:
            shapes["xcomp"] = _trimmed(text, char_span(clause_tokens(child)))
        elif child.dep_ in _OBJECT_DEPS and "dobj" not in shapes:
            shapes["dobj"] = _trimmed(text, char_span(clause_tokens(child)))
        elif child.dep_ in ("advcl", "parataxis") and child.i > cue.i and "advcl" not in shapes:
            shapes["advcl"] = _trimmed(text, char_span(_without_mark(child)))
        elif child.dep_ == "prep" and child.lower_ in _CUE_PREPS and "pobj" not in shapes:
            objs = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
            if objs:
                shapes["pobj"] = _trimmed(text, char_span(clause_tokens(objs[0])))
    if cue.pos_ in ("VERB", "AUX"):
        shapes["obj"] = _trimmed(text, char_span(_right_content(cue, text)))
        # "The plan was criticised by the harbour board": the subject is what is attributed
        subj = next((c for c in cue.children if c.dep_ == "nsubjpass"), None)
        if subj is not None and agent_of(cue) is not None:
            shapes["passive"] = _trimmed(text, char_span(clause_tokens(subj)))
    return {k: v for k, v in shapes.items() if v is not None}


# "the levy seems to work", "the ferry appeared to stall"
_RAISING = frozenset({"seem", "appear"})
# "the ferry is expected to resume", "the wall is considered a failure", "he is said to
# have left", "the fund is thought to be empty"
_PASSIVE_RAISING = frozenset(
    {
        "expect",
        "consider",
        "believe",
        "think",
        "know",
        "say",
        "report",
        "see",
        "estimate",
        "project",
        "predict",
        "rumor",
        "regard",
        "view",
        "deem",
    }
)


def hedged_clause(cue: Any, text: str) -> tuple[int, int] | None:
    """The whole clause of a hedging verb, its subject and the verb included.

    "Pell seemed to regret the vote" and "the ferry is expected to resume in May" hedge
    what they report; PolNeAR attributes the whole clause, subject and cue included
    (train: 46 of 48 "seemed" contents, 68 of 84 "expected" ones hold their cue), and
    no other shape holds its cue. The source is the passive's agent when one is named
    ("is considered unsafe by the harbour board"), else none: the subject is what is
    reported on, not who reports it. Refitted with it, PolNeAR train out-of-fold
    all-attribution F1 0.7198 -> 0.7223 (``benchmarks/train_attribution.py``'s "out of
    fold" line; direct 0.8919 -> 0.8928, part of that from the byline rule of
    :mod:`.quotes` fitted in the same run); dev all-attribution 0.7451 -> 0.7446, direct
    0.8990 -> 0.8977 (two more quoted contents kept, none matched).
    """
    if cue.pos_ not in ("VERB", "AUX"):
        return None
    lemma = cue.lemma_.lower()
    passive = any(c.dep_ == "auxpass" for c in cue.children)
    if lemma not in _RAISING and not (passive and lemma in _PASSIVE_RAISING):
        return None
    subj = next((c for c in cue.children if c.dep_ in SUBJECTS), None)
    if subj is None:
        return None  # "it seems that ...": the clause after it is an ordinary shape
    # from the subject on: a leading "as", "while" or introductory phrase stays out
    return _trimmed(text, char_span([t for t in clause_tokens(cue) if t.i >= subj.left_edge.i]))


def _source(cue: Any) -> tuple[Any | None, str]:
    if cue.pos_ in ("VERB", "AUX", "ADJ"):
        subj = subject_of(cue)
        if subj is not None:
            return subj, "subj" if subj.head.i == cue.i else "shared"
        agent = agent_of(cue)
        if agent is not None:
            return agent, "agent"
        if cue.pos_ == "ADJ" and cue.head.pos_ in ("AUX", "VERB"):
            subj = subject_of(cue.head)
            if subj is not None:
                return subj, "copula"
        return None, "none"
    for child in cue.children:
        if child.dep_ == "poss":
            return child, "poss"
    return None, "none"


def _governing_source(cue: Any, depth: int = 3) -> Any | None:
    """Walk up from a subjectless cue to the first governing verb with a subject."""
    tok = cue
    for _ in range(depth):
        if tok.dep_ == "relcl" and tok.head.pos_ in ("NOUN", "PROPN"):
            return tok.head
        if tok.head.i == tok.i:
            return None
        tok = tok.head
        if tok.pos_ in ("VERB", "AUX"):
            found = subject_of(tok) or agent_of(tok)
            if found is not None and found.i != cue.i:
                return found
    return None


def _rank(length: int, lengths: list[int]) -> str:
    if len(lengths) == 1:
        return "only"
    if length == lengths[-1]:
        return "longest"
    return "shortest" if length == lengths[0] else "middle"


def iter_candidates(doc: Any, text: str) -> Iterator[Candidate]:
    """All candidates of a document, in document order."""
    for tok in doc:
        if tok.pos_ not in _CUE_POS or tok.lower_ == "according":
            continue  # "according to" has its own rule in .quotes
        if _idiom_of_saying(tok):
            continue
        shapes = content_shapes(tok, text)
        if not shapes:
            continue
        source, how = _source(tok)
        spans = {k: v for k, v in shapes.items() if not v[0] <= tok.idx < v[1]}
        clause = hedged_clause(tok, text)  # the one shape that holds its cue
        if clause is not None:
            spans["clause"] = clause
        lengths = sorted({e - s for s, e in spans.values()})
        for shape, (start, end) in spans.items():
            quoted = bool(QUOTE_CHARS.search(text[start:end]))
            rank = _rank(end - start, lengths)
            if shape in ("passive", "clause"):  # the subject is no source: the agent is
                agent = agent_of(tok)
                by = "agent" if agent is not None else "none"
                yield Candidate(tok, start, end, shape, agent, by, quoted, rank)
            else:
                yield Candidate(tok, start, end, shape, source, how, quoted, rank)


# idioms built on a verb of saying that report no one: "it goes without saying that X",
# "needless to say, X", "suffice it to say that X", "that is to say", "so to speak"
_IDIOMS = (
    ("go", "without", "saying"),
    ("needless", "to", "say"),
    ("suffice", "it", "to", "say"),
    ("that", "is", "to", "say"),
    ("so", "to", "speak"),
)
# the words an idiom can end on: every other token is ruled out at once (the check runs
# for every token of a document)
_IDIOM_ENDS = frozenset({"said"} | {idiom[-1] for idiom in _IDIOMS})


def _opens_clause(tok: Any) -> bool:
    """The token starts its sentence, or follows an opening bracket that does."""
    doc = tok.doc
    return tok.i == tok.sent.start or (tok.i - 1 == tok.sent.start and doc[tok.i - 1].text == "(")


def _idiom_of_saying(tok: Any) -> bool:
    """A verb of saying inside an idiom: "That said, ...", "That being said, ..." or
    "Having said that, ..." ("even so") opening a sentence, or one of ``_IDIOMS``; none
    of them has a source saying the rest."""
    if tok.lower_ not in _IDIOM_ENDS:
        return False
    doc = tok.doc
    if tok.lower_ == "said" and 0 < tok.i < len(doc) - 1:
        before, after = doc[tok.i - 1], doc[tok.i + 1]
        if before.lower_ == "that" and _opens_clause(before) and after.text == ",":
            return True
        if (
            before.lower_ == "being"
            and tok.i >= 2
            and doc[tok.i - 2].lower_ == "that"
            and _opens_clause(doc[tok.i - 2])
            and after.text == ","
        ):
            return True
        if (
            before.lower_ == "having"
            and _opens_clause(before)
            and after.lower_ == "that"
            and tok.i + 2 < len(doc)
            and doc[tok.i + 2].text == ","
        ):
            return True
    for idiom in _IDIOMS:
        first = tok.i - len(idiom) + 1
        if first >= 0 and all(
            (t.lemma_.lower() if k == 0 else t.lower_) == word
            for k, (t, word) in enumerate(zip(doc[first : tok.i + 1], idiom, strict=True))
        ):
            return True
    return False


_WORD = re.compile(r"[a-z][a-z'\u2019-]{0,23}")


def _word(tok: Any) -> str:
    """A token's lemma as a feature value: a word, or "<other>" for numbers, markup and
    other strings that are no word (the model keeps no fragment of its training text)."""
    lemma = tok.lemma_.lower()
    return lemma if _WORD.fullmatch(lemma) else "<other>"


def _cue_class(lemma: str) -> str:
    if lemma in SPEECH_VERBS:
        return "speech"
    if lemma in ATTITUDE_VERBS:
        return "attitude"
    return "other"


def _source_kind(tok: Any | None) -> str:
    if tok is None:
        return "none"
    low = tok.lower_
    if low in _PERSON_PRONOUNS:
        return "pron_person"
    if low in _THING_PRONOUNS:
        return "pron_thing"
    if tok.ent_type_:
        return "ent_" + tok.ent_type_
    lemma = tok.lemma_.lower()
    if lemma in ORG_NOUNS:
        return "org_noun"
    if lemma in DOCUMENT_NOUNS:
        return "doc_noun"
    return "noun" if tok.pos_ in ("NOUN", "PROPN") else "other"


def _length(n: int) -> str:
    for bound, name in ((1, "1"), (3, "2-3"), (7, "4-7"), (15, "8-15"), (31, "16-31")):
        if n <= bound:
            return name
    return "32+"


def _content_has_verb(c: Candidate) -> bool:
    if c.tokens is None:
        return False
    start, end = c.tokens
    return any(t.pos_ in ("VERB", "AUX") for t in c.cue.doc[start:end])


def features_of(c: Candidate, text: str, inside: Sequence[bool]) -> list[str]:
    """The named features of one candidate (see the module docstring).

    (Tried and dropped: a feature for cues in the headline; refitted, dev all-attribution
    F1 +0.0011 and direct -0.0014, train +0.0006 and +0.0002, no better than noise.
    Also the words at a content's edges, the token after it and its gap
    from the cue; refitted, PolNeAR train all-attribution F1 rose 0.7214 -> 0.7259 but
    dev moved +0.0014 (all) and -0.0021 (direct), so it fitted train.)
    """
    cue = c.cue
    lemma = _word(cue)
    cls = _cue_class(lemma)
    shape = c.shape
    pos = cue.pos_
    src = _source_kind(c.source)
    words = text[c.start : c.end].split()
    length = _length(len(words))
    sent = cue.sent
    sent_end = _trimmed(text, (sent.start_char, sent.end_char))
    child_deps = {ch.dep_ for ch in cue.children}
    aux = {ch.lower_ for ch in cue.children if ch.dep_ == "aux"}
    first = words[0].lower().strip("\"“”'‘’") if words else ""
    quoted = c.quoted
    f = [
        "lemma=" + lemma,
        f"lemma={lemma}|shape={shape}",
        f"lemma={lemma}|dep={cue.dep_}",
        f"lemma={lemma}|src={src}",
        f"lemma={lemma}|quote={quoted}",
        "class=" + cls,
        f"class={cls}|shape={shape}",
        f"class={cls}|pos={pos}",
        "shape=" + shape,
        f"pos={pos}|shape={shape}",
        "dep=" + cue.dep_,
        f"dep={cue.dep_}|class={cls}",
        f"dep={cue.dep_}|shape={shape}",
        "tag=" + cue.tag_,
        "src=" + src,
        f"src={src}|class={cls}",
        f"src={src}|shape={shape}",
        f"src={src}|pos={pos}",
        "how=" + c.source_how,
        f"how={c.source_how}|class={cls}",
        f"how={c.source_how}|shape={shape}",
        "len=" + length,
        f"len={length}|shape={shape}",
        f"len={length}|class={cls}",
        f"quote={quoted}|shape={shape}",
        f"quote={quoted}|class={cls}",
        f"quote={quoted}|src={src}",
        f"head={_word(cue.head)}|pos={pos}" if cue.head.i != cue.i else "head=ROOT",
        f"lemma={lemma}|len={length}",
        f"lemma={lemma}|rank={c.rank}",
        f"rank={c.rank}|shape={shape}",
        f"rank={c.rank}|shape={shape}|class={cls}",
        f"dep={cue.dep_}|shape={shape}|class={cls}",
        f"src={src}|how={c.source_how}|class={cls}",
        f"pos={pos}|dep={cue.dep_}",
        f"verb_in_content={_content_has_verb(c)}|shape={shape}",
    ]
    if sent_end is not None and abs(c.end - sent_end[1]) <= 2:
        f.append(f"ends_sentence|shape={shape}")
        f.append(f"ends_sentence|class={cls}")
        f.append(f"ends_sentence|lemma={lemma}")
    if c.start < cue.idx:
        f.append(f"before_cue|shape={shape}")
        f.append(f"before_cue|class={cls}")
    if first in ("that", "whether", "if", "how", "what", "why", "who", "when", "to"):
        f.append(f"starts={first}|shape={shape}")
    if inside[cue.idx]:
        f.append("cue_in_quote")
        f.append(f"cue_in_quote|class={cls}")
        f.append(f"cue_in_quote|src={src}")
    for dep in sorted(child_deps & _FRAME_DEPS):
        f.append(f"child={dep}|shape={shape}")
    if "neg" in child_deps:
        f.append("negated")
    if "auxpass" in child_deps or "nsubjpass" in child_deps:
        f.append("passive")
        f.append(f"passive|lemma={lemma}")
    if aux & _MODALS:
        f.append("modal")
    if c.source is not None and c.start <= c.source.idx < c.end:
        f.append("source_in_content")
    if shape in ("dobj", "obj"):
        obj = next((ch for ch in cue.children if ch.dep_ in _OBJECT_DEPS), None)
        if obj is not None:
            f.append(f"obj_pos={obj.pos_}|class={cls}")
            f.append(f"obj={_word(obj)}|lemma={lemma}")
            if obj.ent_type_:
                f.append("obj_ent=" + obj.ent_type_)
    if shape == "pobj":
        prep = next(
            (ch.lower_ for ch in cue.children if ch.dep_ == "prep" and ch.lower_ in _CUE_PREPS), ""
        )
        f.append(f"prep={prep}|lemma={lemma}")
        f.append(f"prep={prep}|pos={pos}")
    if shape == "xcomp":
        x = next((ch for ch in cue.children if ch.dep_ in ("xcomp", "acl")), None)
        if x is not None:
            f.append(f"xclass={_cue_class(x.lemma_.lower())}|lemma={lemma}")
    return f


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class AttributionModel:
    """Logistic weights over named features and token vectors, and the thresholds."""

    weights: Mapping[str, float]
    bias: float
    threshold: float  # for contents without quotation marks
    threshold_quoted: float  # for "mixed" contents that hold a quotation
    trained_on: str = ""
    # weights over the token vectors of :mod:`.vectors`: one row per group, or none
    dense: np.ndarray | None = None

    def threshold_for(self, c: Candidate) -> float:
        return self.threshold_quoted if c.quoted else self.threshold

    def logit(self, feats: Sequence[str]) -> float:
        """The named features' share of the score (the bias included)."""
        return self.bias + sum(self.weights.get(name, 0.0) for name in feats)

    def probability(self, feats: Sequence[str], dense: float = 0.0) -> float:
        return _logistic(self.logit(feats) + dense)

    def score(self, doc: Any, text: str, inside: Sequence[bool]) -> list[tuple[float, Candidate]]:
        """Every candidate of ``doc`` with its probability (:func:`score_candidates`); the
        fitting script overrides it to replay scores it has already computed."""
        return score_candidates(doc, text, inside, self)


def _weights(raw: Any) -> dict[str, float]:
    return {str(k): float(v) for k, v in raw.items()}


def _dense(raw: Any) -> np.ndarray | None:
    """The token-vector weights, one row per group of :data:`.vectors.GROUPS`."""
    if raw is None:
        return None
    rows = np.array([[float(x) for x in raw[name]] for name in GROUPS], dtype=np.float64)
    if rows.ndim != 2 or rows.shape[1] == 0:
        raise ValueError("the token-vector weights are not one equal-length row per group")
    return rows


@lru_cache(maxsize=4)
def load_model(path: str = str(MODEL_PATH)) -> AttributionModel:
    """The fitted attribution model, read once per process."""
    try:
        data = json.loads(Path(path).read_text("utf-8"))
        return AttributionModel(
            weights=_weights(data["weights"]),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            threshold_quoted=float(data["threshold_quoted"]),
            trained_on=str(data.get("trained_on", "")),
            dense=_dense(data.get("dense")),
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(
            f"the attribution model {path} is missing or unreadable ({exc}); reinstall "
            f"storylens, or refit it from PolNeAR train with: {REFIT}"
        ) from exc


class TakenSpans:
    """Contents already kept, bucketed by position: a content lying more than half inside
    another one overlaps it at its own midpoint, so only the spans over that bucket are
    checked (articles with thousands of attributions stay linear)."""

    BUCKET = 256

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self._buckets: dict[int, list[tuple[int, int]]] = {}
        for span in spans:
            self.add(span)

    def _buckets_of(self, span: tuple[int, int]) -> range:
        s, e = span
        return range(s // self.BUCKET, (max(e, s + 1) - 1) // self.BUCKET + 1)

    def add(self, span: tuple[int, int]) -> None:
        for k in self._buckets_of(span):
            self._buckets.setdefault(k, []).append(span)

    def contains(self, span: tuple[int, int]) -> bool:
        """Whether a kept content lies wholly inside ``span`` (and is not ``span``)."""
        s, e = span
        return any(
            s <= a and b <= e and (a, b) != span
            for k in self._buckets_of(span)
            for a, b in self._buckets.get(k, ())
        )

    def overlaps(self, span: tuple[int, int], share: float = 0.5) -> bool:
        """Whether more than ``share`` of ``span`` lies inside one kept content."""
        s, e = span
        # a smaller share need not cover the midpoint: then every bucket of the span
        buckets = [(s + e) // 2 // self.BUCKET] if share >= 0.5 else self._buckets_of(span)
        return any(
            min(e, b) - max(s, a) > share * (e - s)
            for k in buckets
            for a, b in self._buckets.get(k, ())
        )


# How much of a candidate may lie inside a content already kept before it is skipped.
# A plain content gives way sooner (PolNeAR all-attribution F1 at 0.4 against 0.5:
# train 0.7393 -> 0.7400, dev 0.7407 -> 0.7413, direct unchanged on both; 0.3 gave
# train 0.7404 but dev 0.7406). A quoted one keeps 0.5: 0.3 lowers dev direct F1.
_PLAIN_SHARE = 0.4
_QUOTED_SHARE = 0.5


def select(
    scored: Sequence[tuple[float, Candidate]],
    taken: Sequence[tuple[int, int]],
    model: AttributionModel,
) -> list[Candidate]:
    """Per cue its most probable shape, kept above the threshold; best first, no overlaps.

    When a cue's best shape overlaps a content already kept, its next plain shape above
    the threshold may stand in (a quoted one never does: a mixed quote's shape choice is
    left to the model). PolNeAR: dev all-attribution F1 0.7160 -> 0.7163, train
    0.7267 -> 0.7274, direct unchanged on both. That plain shape may stand in for a
    quoted best one too: all-attribution F1 dev 0.74195 -> 0.74202, train 0.7403 ->
    0.7409, direct unchanged.

    A quoted candidate around a content already kept is skipped: it is a mixed quote
    whose quoted words another cue has already attributed ("the crew to “hold the line” at
    the pier" around "to “hold the line”"), and PolNeAR annotates the outer one
    far less often (train: 24 of 85 such spans matched a gold content). PolNeAR dev
    direct F1 0.8867 -> 0.8898, all 0.7394 -> 0.7403; train 0.8922 -> 0.8953,
    0.7384 -> 0.7391. (Skipping it when it overlaps a kept content at all, not only
    around it: dev direct 0.8890, all 0.7398.) An unquoted content around a kept one
    stays: dropping those lowers dev all-attribution F1 (0.7382).

    (Tried on PolNeAR and dropped: a second model ranking one cue's shapes by how well
    they match chose worse contents, dev all-attribution F1 0.687 against 0.697; the
    parser's token vectors as extra inputs gave 0.685 against 0.694; boosted trees on
    the same features, 0.695.)
    """
    best: dict[int, tuple[float, Candidate]] = {}
    for p, c in scored:
        if c.cue.i not in best or p > best[c.cue.i][0]:
            best[c.cue.i] = (p, c)
    kept: list[Candidate] = []
    spans = TakenSpans(taken)
    done: set[int] = set()
    for p, c in sorted(scored, key=lambda pc: (-pc[0], pc[1].start)):
        span = (c.start, c.end)
        share = _QUOTED_SHARE if c.quoted else _PLAIN_SHARE
        if c.cue.i in done or p < model.threshold_for(c) or spans.overlaps(span, share):
            continue
        if best[c.cue.i][1] is not c and c.quoted:
            continue
        if c.quoted and spans.contains(span):
            continue  # a mixed quote around a content already kept: see the docstring
        kept.append(c)
        done.add(c.cue.i)
        spans.add(span)
    return sorted(kept, key=lambda c: c.start)


def score_candidates(
    doc: Any, text: str, inside: Sequence[bool], model: AttributionModel
) -> list[tuple[float, Candidate]]:
    """Every candidate with its probability: named features, then token vectors."""
    cands = list(iter_candidates(doc, text))
    dense = dense_logits(cands, doc, model.dense) if model.dense is not None else None
    return [
        (model.probability(features_of(c, text, inside), dense[k] if dense else 0.0), c)
        for k, c in enumerate(cands)
    ]


def find_indirect(
    doc: Any,
    text: str,
    inside: Sequence[bool],
    taken: Sequence[tuple[int, int]],
    model: AttributionModel | None = None,
) -> list[Candidate]:
    """The indirect attributions of a document (see the module docstring)."""
    model = model or load_model()
    return select(model.score(doc, text, inside), taken, model)


__all__ = [
    "AttributionModel",
    "Candidate",
    "TakenSpans",
    "content_shapes",
    "features_of",
    "find_indirect",
    "hedged_clause",
    "iter_candidates",
    "load_model",
    "score_candidates",
    "select",
]
