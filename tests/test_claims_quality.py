"""Quality floor for claim alignment and conflicts on the check set (../shared/data/claims).

Each group is compared as ``storylens compare --no-group`` compares it and the reports
are scored by ``eval/score_claims.py``, as ``python benchmarks/claims_eval.py --split
claims`` does (benchmarks/results/claims_eval_claims.md). The floors sit just under what
that command measured; they only ever rise. The check set is never used to fit or tune.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
from pathlib import Path

import pytest

from conftest import shared_path
from storylens.compare import compare
from storylens.ingest import read_inputs
from storylens.report import report_to_dict

# benchmarks/results/claims_eval_claims.json (with the cross-encoder and the slot rules
# of 7568b75..e4bea61): PAIR_P 0.8846, PAIR_R 0.3720, PAIR_F1 0.5237, CONFLICT_P 0.4615
# (6 of 13), CONFLICT_R 0.30 (6 of 20)
FLOORS = {"PAIR_P": 0.85, "PAIR_F1": 0.50, "CONFLICT_P": 0.40, "CONFLICT_R": 0.25}


@pytest.mark.slow
def test_claims_check_set_floor(tmp_path: Path) -> None:
    root = shared_path("data", "claims")
    spec = importlib.util.spec_from_file_location(
        "score_claims", shared_path("eval", "score_claims.py")
    )
    assert spec and spec.loader
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    groups = sorted(p for p in root.iterdir() if (p / "gold.json").is_file())
    assert groups
    for folder in groups:
        articles, rejected = read_inputs([str(folder / "articles.jsonl")])
        report = report_to_dict(compare(articles, rejected, group=False))
        texts = {a.id: a.text for a in articles}
        for story in report["stories"]:  # every cited span is the article's text
            for fact in story["facts"]:
                for s in fact["statements"]:
                    assert texts[s["article"]][s["start"] : s["end"]] == s["text"]
        (tmp_path / folder.name).mkdir()
        (tmp_path / folder.name / "report.json").write_text(json.dumps(report), "utf-8")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        scorer.score(str(root), str(tmp_path))
    last = printed.getvalue().strip().splitlines()[-1]
    scores = {k: float(v) for k, v in re.findall(r"(\w+)=([\d.]+)", last)}
    for name, floor in FLOORS.items():
        assert scores[name] >= floor, f"{name} {scores[name]:.4f} < {floor} ({last})"
