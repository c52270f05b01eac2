"""Shared by the claim benchmarks: the annotated groups, their analyses and their pairs.

A group folder (``../shared/data/claims*/<group>/``) holds three articles, the units
an annotator read (``sentences.json``) and the same-claim pairs and conflicts found
(``gold.json``). A statement of ours stands for the units it covers, as
``eval/score_claims.py`` maps it (half of the unit or of the statement overlaps), so a
pair of statements is a same-claim pair when any pair of their units is one.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import pickle
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from storylens.ingest import read_inputs  # noqa: E402
from storylens.pipeline import Analyzed, analyze  # noqa: E402


def scorer(name: str = "score_claims") -> Any:
    """A scorer from ../shared/eval, imported as a module."""
    spec = importlib.util.spec_from_file_location(name, SHARED / "eval" / f"{name}.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"{name}.py not found under {SHARED / 'eval'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Group:
    name: str
    folder: Path
    units: dict[str, dict[str, Any]]  # "A3" -> {"article", "start", "end", "text"}
    same: set[frozenset[str]]  # gold same-claim pairs, conflicts included
    conflicts: set[frozenset[str]]
    results: list[Analyzed]


def _code_key() -> str:
    """A digest of the code that makes analyses, so a cache never outlives it."""
    h = hashlib.sha256()
    src = ROOT / "src" / "storylens"
    for path in sorted([*src.glob("extract/*.py"), src / "normalize.py", src / "pipeline.py"]):
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


def iter_groups(root: Path, cache: Path | None = None) -> Iterator[Group]:
    """Every annotated group under ``root``, analysed (from ``cache`` when current)."""
    code = _code_key()
    for folder in sorted(p for p in root.iterdir() if (p / "gold.json").is_file()):
        articles, rejected = read_inputs([str(folder / "articles.jsonl")])
        if rejected:
            raise SystemExit(f"{folder}: {len(rejected)} article(s) rejected")
        key = hashlib.sha256(
            (code + "".join(a.id + a.text for a in articles)).encode()
        ).hexdigest()[:20]
        path = cache / f"{root.name}-{folder.name}-{key}.pickle" if cache else None
        if path is not None and path.exists():
            results = pickle.loads(path.read_bytes())
        else:
            results = list(analyze(articles))
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pickle.dumps(results))
        gold = json.loads((folder / "gold.json").read_text("utf-8"))
        conflicts = {frozenset((c["a"], c["b"])) for c in gold.get("conflicts", [])}
        same = {frozenset(p) for p in gold.get("same", [])} | conflicts
        units = json.loads((folder / "sentences.json").read_text("utf-8"))
        yield Group(folder.name, folder, units, same, conflicts, results)


def covers(group: Group, article: str, start: int, end: int) -> set[str]:
    """The units a span stands for: at least half of the unit, or of the span, overlaps."""
    got = set()
    for uid, u in group.units.items():
        if u["article"] != article:
            continue
        overlap = min(end, u["end"]) - max(start, u["start"])
        if overlap > 0 and (2 * overlap >= u["end"] - u["start"] or 2 * overlap >= end - start):
            got.add(uid)
    return got


def unit_pairs(a: set[str], b: set[str]) -> set[frozenset[str]]:
    return {frozenset((x, y)) for x in a for y in b if x[0] != y[0]}


def labels(group: Group, spans: list[set[str]], i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """1 where the two statements' units hold a gold same-claim pair."""
    return np.array(
        [bool(unit_pairs(spans[x], spans[y]) & group.same) for x, y in zip(i, j, strict=True)],
        dtype=np.int8,
    )
