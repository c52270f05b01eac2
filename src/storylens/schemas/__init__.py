"""JSON Schemas of every JSON and JSONL output storylens prints, shipped in the package.

    from storylens.schemas import load_schema
    load_schema("quote")    # one line of `storylens quotes --format jsonl`

Names: ``quote``, ``source``, ``cluster``, ``story`` (one line of each command's jsonl),
``stories`` (``storylens stories --format json``), ``report`` (``compare``/``show``
``--format json`` and the demo's report.json; the file lives with the report code).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from ..errors import InputError

SCHEMA_NAMES = ("quote", "source", "cluster", "story", "stories", "report")


@cache
def _text(name: str) -> str:
    if name == "report":
        from ..report import load_schema as report_schema

        return json.dumps(report_schema())
    return resources.files(__package__).joinpath(f"{name}-v1.json").read_text(encoding="utf-8")


def load_schema(name: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the output called ``name``."""
    if name not in SCHEMA_NAMES:
        raise InputError(f"no schema called {name!r}; known: {', '.join(SCHEMA_NAMES)}")
    return dict(json.loads(_text(name)))


__all__ = ["SCHEMA_NAMES", "load_schema"]
