"""Sourcing side by side: whom each article relies on, and where the articles differ.

A source's standing in an article is one of: ``quoted`` (direct or indirect quotes),
``cited`` (named as the origin of information without a quote), ``did not respond``,
or absent. An organisation also stands as ``quoted`` when one of its people is
quoted with it in their role ("White House deputy press secretary Anna Kelly").
A difference is a source whose standing is not the same in every article: a
sourcing difference, never a contradiction of facts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import Source


def _standing(name: str, sources: Sequence[Source]) -> tuple[str, str] | None:
    """How one article stands with a source; quoted (itself or through one of its people)
    outranks cited, so an organisation named once and quoted through its spokesperson
    reads as quoted."""
    key = name.lower()
    cited: tuple[str, str] | None = None
    for s in sources:
        if s.name.lower() == key:
            if s.non_response is not None and not s.quotes:
                return "did not respond", s.non_response.text
            if s.quotes:
                return "quoted", f"{s.quotes} quote(s)" + (f", {s.via}" if s.via else "")
            cited = ("cited", s.via or s.kind)
            break
    for s in sources:
        if s.role and key in s.role.lower() and (s.quotes or s.via):
            return "quoted", f"through {s.name}, {s.role}" + (f" ({s.via})" if s.via else "")
    return cited


def sourcing_differences(
    articles: Sequence[str], sources: Sequence[Source]
) -> list[dict[str, Any]]:
    """Sources whose standing differs between articles, most telling first."""
    by_article = {a: [s for s in sources if s.article == a] for a in articles}
    names: dict[str, str] = {}
    for s in sources:
        if s.kind == "anonymous" or any(c.isupper() for c in s.name):
            names.setdefault(
                s.name.lower(), s.name
            )  # unnamed common nouns ("drivers") say little here
    out: list[dict[str, Any]] = []
    for key, name in names.items():
        per = {a: _standing(name, by_article[a]) for a in articles}
        standings = {v[0] if v else "absent" for v in per.values()}
        if len(standings) < 2:
            continue
        rank = (
            0
            if {"quoted", "did not respond"} <= standings
            else (1 if "did not respond" in standings else 2)
        )
        kinds = {s.kind for s in sources if s.name.lower() == key}
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
