"""Quality floor for the time tagger on TempEval-3 TimeBank + AQUAINT (../shared/data/timex).

The floors sit just under what ``python benchmarks/timex_eval.py`` measured (see
benchmarks/results/timex_eval.md); they only ever rise.
"""

from __future__ import annotations

import importlib.util
import json
from collections import defaultdict

import pytest

from conftest import shared_path
from storylens.extract.timex import tag_text
from storylens.ingest import read_inputs

# benchmarks/results/timex_eval.json, storylens, split "all": strict 0.8847, value 0.8107
STRICT_FLOOR = 0.884
VALUE_FLOOR = 0.81


@pytest.mark.slow
def test_timebank_aquaint_floor() -> None:
    data = shared_path("data", "timex")
    spec = importlib.util.spec_from_file_location(
        "score_timex", shared_path("eval", "score_timex.py")
    )
    assert spec and spec.loader
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    articles, rejected = read_inputs([str(data / "articles.jsonl")])  # a repeat is read once
    assert not rejected
    gold: dict[str, list[dict]] = defaultdict(list)
    for line in (data / "gold_timex.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        gold[row["id"]].append(row)
    strict = value = n_pred = 0
    for a in articles:
        pred = [t.to_dict() for t in tag_text(a.text, a.published)]
        for t in pred:
            assert a.text[t["start"] : t["end"]] == t["text"]
        n_pred += len(pred)
        strict += len(scorer.match(pred, gold[a.id], True))
        pairs = scorer.match(pred, gold[a.id], False)
        value += sum(1 for p, g in pairs if p["value"].upper() == g["value"].upper())
    n_gold = sum(len(v) for v in gold.values())
    strict_f1 = scorer.f1(strict, n_pred, n_gold)[2]
    value_f1 = scorer.f1(value, n_pred, n_gold)[2]
    assert strict_f1 >= STRICT_FLOOR, f"strict F1 {strict_f1:.4f}"
    assert value_f1 >= VALUE_FLOOR, f"value F1 {value_f1:.4f}"
