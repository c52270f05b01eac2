"""Sourcing side by side: whom each article relies on, and where the articles differ.

A source's standing in an article is one of: ``quoted`` (direct or indirect quotes),
``cited`` (named as the origin of information without a quote), ``did not respond``,
or absent. An organisation also stands as ``quoted`` when one of its people is
quoted with it in their role ("White House deputy press secretary Anna Kelly").
A difference is a source whose standing is not the same in every article: a
sourcing difference, never a contradiction of facts.

Sources are compared by the story's canonical names (:mod:`storylens.names`) when the
caller gives them: :func:`story_sources` merges each article's spellings of one source
into one row under its canonical name, so "Hadley" in one article and "Ivo Hadley" in
another are one source with one standing, not a difference.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .model import Source
from .names import StoryNames, fold


def _key_of(names: StoryNames | None) -> Callable[[str], str]:
    if names is None:
        return str.lower
    return lambda name: names.key(name) if any(c.isupper() for c in name) else name.casefold()


def story_sources(sources: Sequence[Source], names: StoryNames) -> tuple[Source, ...]:
    """Each article's sources with one row per person or organisation, named canonically.

    Rows of one article that name one source ("Hadley" and "Ivo Hadley", "C.S.B." and
    "CSB") are merged: quotes added up, mentions joined in text order, the first role,
    non-response and medium kept. Articles and rows keep their order of appearance.
    """
    key = _key_of(names)
    merged: dict[tuple[str, str], Source] = {}
    for s in sources:
        k = (s.article, key(s.name))
        known = merged.get(k)
        if known is None:
            merged[k] = Source(
                article=s.article,
                name=names.canonical(s.name),
                kind=s.kind,
                role=s.role,
                mentions=s.mentions,
                quotes=s.quotes,
                non_response=s.non_response,
                via=s.via,
            )
            continue
        mentions = {(m.start, m.end): m for m in (*known.mentions, *s.mentions)}
        merged[k] = Source(
            article=known.article,
            name=known.name,
            kind=known.kind,
            role=known.role or s.role,
            mentions=tuple(mentions[p] for p in sorted(mentions)),
            quotes=known.quotes + s.quotes,
            non_response=known.non_response or s.non_response,
            via=known.via or s.via,
        )
    return tuple(merged.values())


def _standing(
    key: str, sources: Sequence[Source], key_of: Callable[[str], str], spellings: Sequence[str]
) -> tuple[str, str] | None:
    """How one article stands with a source; quoted (itself or through one of its people)
    outranks cited, so an organisation named once and quoted through its spokesperson
    reads as quoted."""
    cited: tuple[str, str] | None = None
    for s in sources:
        if key_of(s.name) == key:
            if s.non_response is not None and not s.quotes:
                return "did not respond", s.non_response.text
            if s.quotes:
                return "quoted", f"{s.quotes} quote(s)" + (f", {s.via}" if s.via else "")
            cited = ("cited", s.via or s.kind)
            break
    folded = [f" {fold(n)} " for n in spellings]
    for s in sources:
        role = f" {fold(s.role)} " if s.role else ""
        if role and any(n in role for n in folded) and (s.quotes or s.via):
            return "quoted", f"through {s.name}, {s.role}" + (f" ({s.via})" if s.via else "")
    return cited


def sourcing_differences(
    articles: Sequence[str], sources: Sequence[Source], names: StoryNames | None = None
) -> list[dict[str, Any]]:
    """Sources whose standing differs between articles, most telling first.

    With the story's ``names``, a source is one person or organisation whatever the
    article called it, and it is shown under its canonical name; without it, names are
    compared as written (case aside).
    """
    key_of = _key_of(names)
    by_article = {a: [s for s in sources if s.article == a] for a in articles}
    shown: dict[str, str] = {}
    spellings: dict[str, list[str]] = {}
    for s in sources:
        if s.kind == "anonymous" or any(c.isupper() for c in s.name):
            # unnamed common nouns ("drivers") say little here
            key = key_of(s.name)
            shown.setdefault(key, names.canonical(s.name) if names is not None else s.name)
            spellings.setdefault(key, []).append(s.name)
    out: list[dict[str, Any]] = []
    for key, name in shown.items():
        per = {a: _standing(key, by_article[a], key_of, spellings[key]) for a in articles}
        standings = {v[0] if v else "absent" for v in per.values()}
        if len(standings) < 2:
            continue
        rank = (
            0
            if {"quoted", "did not respond"} <= standings
            else (1 if "did not respond" in standings else 2)
        )
        kinds = {s.kind for s in sources if key_of(s.name) == key}
        out.append(
            {
                "source": name,
                "kind": sorted(kinds)[0] if kinds else "organisation",
                "per_article": {a: (v[0] if v else "absent") for a, v in per.items()},
                "detail": {a: v[1] for a, v in per.items() if v},
                "note": _note(name, per),
                "_rank": rank,
            }
        )
    out.sort(key=lambda d: (int(d["_rank"]), str(d["source"]).lower()))
    for d in out:
        del d["_rank"]
    return out


def _note(name: str, per: dict[str, tuple[str, str] | None]) -> str:
    parts = [f"{a}: {v[0] if v else 'not mentioned'}" for a, v in per.items()]
    return f"{name}: " + "; ".join(parts)


__all__ = ["sourcing_differences", "story_sources"]
