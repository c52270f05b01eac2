"""The store keeps rows and runs no pipeline: nothing under ``storylens/store`` imports
spaCy, the pipeline, the extractors or the models, even inside a function."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import storylens

STORE = Path(storylens.__file__).parent / "store"
# what the store must never reach for: the parse, the analysis and its models
FORBIDDEN = (
    "spacy",
    "thinc",
    "onnxruntime",
    "storylens.pipeline",
    "storylens.extract",
    "storylens.statements",
    "storylens.analysis",
    "storylens.ingestion",
    "storylens.nlp",
    "storylens.compare",
)


def _imports(path: Path) -> list[str]:
    """Every module ``path`` imports, anywhere in it, relative imports made absolute."""
    package = "storylens.store"
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")
            if node.level:
                base = base[: len(base) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append(module)
            found += [f"{module}.{alias.name}" for alias in node.names]
    return found


def _forbidden(module: str) -> bool:
    return any(module == f or module.startswith(f + ".") for f in FORBIDDEN)


def test_no_store_module_imports_a_pipeline() -> None:
    modules = sorted(STORE.glob("*.py"))
    assert len(modules) >= 8
    for path in modules:
        bad = [m for m in _imports(path) if _forbidden(m)]
        assert not bad, f"{path.name} imports {bad}: the store keeps rows, it runs no pipeline"


def test_importing_the_whole_store_loads_no_pipeline() -> None:
    names = [
        f"storylens.store.{p.stem}" for p in sorted(STORE.glob("*.py")) if p.stem != "__init__"
    ]
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}: importlib.import_module(name)\n"
        f"bad = sorted(m for m in sys.modules if any(m == f or m.startswith(f + '.') "
        f"for f in {FORBIDDEN!r}))\n"
        "print(bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_check_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    sneaky = tmp_path / "sneaky.py"
    sneaky.write_text("def f():\n    from ..pipeline import analyze\n    import spacy\n")
    assert [m for m in _imports(sneaky) if _forbidden(m)] == [
        "storylens.pipeline",
        "storylens.pipeline.analyze",
        "spacy",
    ]
