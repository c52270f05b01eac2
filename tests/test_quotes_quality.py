"""Quality floors on PolNeAR dev, just under the committed results (raise them, never lower them quietly).

Run with --runslow; needs ../shared. The numbers come from benchmarks/quotes_eval.py.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import shared_path

ROOT = Path(__file__).resolve().parents[1]

# benchmarks/results/quotes_eval_dev.json at the time of writing:
# all CONTENT_F1 0.7512 SOURCE_ACC 0.9190; direct CONTENT_F1 0.9043 SOURCE_ACC 0.9276
# (the all-attribution source floor went from 0.89 to 0.885 when the fitted indirect
# model raised all-attribution recall from 0.54 to 0.63, harder sources among the new
# ones, and back to 0.89 once the mark-pairing and clause fixes lifted it to 0.8995;
# 0.905 later, 0.915 with the graded training target, and 0.905 again since the model
# reads token vectors: it matches other contents, 133 of 1492 sources wrong against
# 128 of 1496; the direct content floor rose from 0.89 to 0.895, then all to (0.745,
# 0.91) and direct to (0.90, 0.92) with the mark, frame and block-quote rules, then all
# to (0.75, 0.915) and direct to (0.90, 0.925) with the second-frame, "as X put it" and
# relative-clause rules; direct content stays at 0.90, not 0.905, since the model refit
# after the relative-clause rule matches one quote fewer: 0.9043)
FLOORS = {"all": (0.75, 0.915), "direct": (0.90, 0.925)}


@pytest.mark.slow
def test_polnear_dev_floors() -> None:
    shared_path("data", "polnear", "dev", "gold_attributions.jsonl")
    out = subprocess.run(
        [
            sys.executable,
            str(ROOT / "benchmarks" / "quotes_eval.py"),
            "--split",
            "dev",
            "--no-write",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    scores = {}
    for line in out.splitlines():
        if "CONTENT_F1=" in line:
            f1 = float(line.split("CONTENT_F1=")[1].split()[0])
            acc = float(line.split("SOURCE_ACC=")[1].split()[0])
            scores[line.split()[0]] = (f1, acc)
    for key, (f1_floor, acc_floor) in FLOORS.items():
        f1, acc = scores[key]
        assert f1 >= f1_floor, f"{key} CONTENT_F1 {f1:.4f} fell below {f1_floor}"
        assert acc >= acc_floor, f"{key} SOURCE_ACC {acc:.4f} fell below {acc_floor}"
