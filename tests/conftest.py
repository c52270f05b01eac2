"""Shared test set-up: the --runslow flag, strict CI runs and the path to the evaluation data.

With ``STORYLENS_STRICT_SKIPS=1`` (set by ``.ci/run`` once it has installed chromium and
PostgreSQL) a test that skips for any reason other than ``--runslow`` or an absent
``../shared`` fails instead, so a missing extra or server cannot turn the browser, web or
PostgreSQL suites silently green.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--runslow", action="store_true", default=False, help="run long evaluations")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--runslow"):
        return
    skip = pytest.mark.skip(reason=_SLOW_REASON)
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


_SLOW_REASON = "long evaluation: run with --runslow"
_NO_SHARED = "../shared is absent"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if not report.skipped or os.environ.get("STORYLENS_STRICT_SKIPS") != "1":
        return
    if hasattr(report, "wasxfail"):
        return  # an expected failure (xfail) is reported as skipped: not a missing server
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    if _SLOW_REASON in reason or _NO_SHARED in reason:
        return
    report.outcome = "failed"
    report.longrepr = f"skipped in a strict run (STORYLENS_STRICT_SKIPS=1): {reason}"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test when the evaluation data is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"evaluation data not found at {path} (../shared is absent)")
    return path


@pytest.fixture(scope="session")
def seeds_path() -> Path:
    return shared_path("data", "seeds", "articles.jsonl")


@pytest.fixture
def counted_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The shipped cross-encoder in place, with the number of pairs of each call to it
    appended to the list returned (for tests that a view reads what it should)."""
    import numpy as np

    import storylens.align.cross as cross

    shipped = cross.load_cross_encoder()
    asked: list[int] = []

    class Counting:
        def score(self, pairs: list[tuple[str, str]]) -> np.ndarray:
            asked.append(len(pairs))
            return shipped.score(pairs)

    monkeypatch.setattr(cross, "load_cross_encoder", lambda: Counting())
    return asked
