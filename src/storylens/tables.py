"""Flat tables for analysts: CSV, Parquet and pandas, each row read back as its JSON.

Every table is defined over the JSON storylens already prints (``quotes --format jsonl``,
``sources``, ``cluster``, ``stories``, the ``compare`` report), so the three shapes can
never disagree. A span ``{"start", "end", "text"}`` becomes three columns
(``content_start``, ``content_end``, ``content_text``; all empty for a null span); a list
(a source's mentions) becomes one column of JSON text. In CSV an empty cell is null and
booleans are ``true``/``false``. :func:`records_from_rows` turns rows back into the JSON
records, which is how the round-trip tests check every export.

Parquet needs pyarrow and DataFrames need pandas; both are optional and fail, when used,
with the pip line that installs them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Literal, Protocol

from .errors import InputError, MissingDependency

Kind = Literal["str", "int", "float", "bool", "json"]
PARQUET_INSTALL = "pip install 'storylens[parquet]'  (or: pip install pyarrow)"
PANDAS_INSTALL = "pip install 'storylens[pandas]'  (or: pip install pandas)"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind = "str"
    nullable: bool = False


@dataclass(frozen=True)
class Table:
    """A flat table: its columns, which JSON fields are spans and which are lists."""

    name: str
    fields: tuple[Column, ...]  # the JSON record's fields, in order
    spans: tuple[str, ...] = ()  # fields holding a span or null

    @property
    def columns(self) -> tuple[Column, ...]:
        out: list[Column] = []
        for f in self.fields:
            if f.name in self.spans:
                out += [
                    Column(f"{f.name}_start", "int", f.nullable),
                    Column(f"{f.name}_end", "int", f.nullable),
                    Column(f"{f.name}_text", "str", f.nullable),
                ]
            else:
                out.append(f)
        return tuple(out)


def _c(name: str, kind: Kind = "str", nullable: bool = False) -> Column:
    return Column(name, kind, nullable)


TABLES: dict[str, Table] = {
    "quotes": Table(
        "quotes",
        (
            _c("id"),
            _c("content"),
            _c("source", nullable=True),
            _c("speaker", nullable=True),
            _c("cue", nullable=True),
            _c("direct", "bool"),
            _c("unbalanced", "bool"),
        ),
        spans=("content", "source", "cue"),
    ),
    "sources": Table(
        "sources",
        (
            _c("article"),
            _c("name"),
            _c("kind"),
            _c("role", nullable=True),
            _c("quotes", "int"),
            _c("non_response", nullable=True),
            _c("via", nullable=True),
            _c("mentions", "json"),
        ),
        spans=("non_response",),
    ),
    "cluster": Table(
        "cluster",
        (_c("id"), _c("story"), _c("topic"), _c("duplicate_of", nullable=True)),
    ),
    "stories": Table(
        "stories",
        (
            _c("id"),
            _c("title"),
            _c("topic"),
            _c("size", "int"),
            _c("accounts", "int"),
            _c("created_at"),
            _c("updated_at"),
            _c("first_date", nullable=True),
            _c("last_date", nullable=True),
        ),
    ),
    # one row per statement of a fact, so every cited sentence is a row of its own; the
    # fact's confidence, core claim (an index into its statements) and links repeat on each
    "facts": Table(
        "facts",
        (
            _c("story"),
            _c("fact"),
            _c("status"),
            _c("context", "bool"),
            _c("confidence", "float"),
            _c("claim", "int"),
            _c("links", "json"),
            _c("article"),
            _c("start", "int"),
            _c("end", "int"),
            _c("text"),
            _c("statement_context", "bool"),
        ),
    ),
}


# --------------------------------------------------------------------------- rows


def row_of(table: Table, record: Mapping[str, Any]) -> dict[str, Any]:
    """One JSON record as a flat row of ``table``."""
    row: dict[str, Any] = {}
    for f in table.fields:
        value = record.get(f.name)
        if f.name in table.spans:
            for part in ("start", "end", "text"):
                row[f"{f.name}_{part}"] = None if value is None else value[part]
        else:
            row[f.name] = value
    return row


def record_of(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    """The JSON record a row of ``table`` came from (the inverse of :func:`row_of`)."""
    record: dict[str, Any] = {}
    for f in table.fields:
        if f.name in table.spans:
            start = row.get(f"{f.name}_start")
            record[f.name] = (
                None
                if start is None
                else {
                    "start": start,
                    "end": row[f"{f.name}_end"],
                    "text": row[f"{f.name}_text"],
                }
            )
        else:
            record[f.name] = row.get(f.name)
    return record


def fact_rows(report: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """The ``facts`` table of a compare report (its JSON form, :func:`report_to_dict`)."""
    for story in report.get("stories", []):
        for fact in story.get("facts", []):
            for ref in fact["statements"]:
                yield {
                    "story": story["id"],
                    "fact": fact["id"],
                    "status": fact["status"],
                    "context": bool(fact.get("context", False)),
                    "confidence": fact.get("confidence", 1.0),
                    "claim": fact.get("claim", 0),
                    "links": fact.get("links", []),
                    "article": ref["article"],
                    "start": ref["start"],
                    "end": ref["end"],
                    "text": ref["text"],
                    "statement_context": bool(ref.get("context", False)),
                }


def facts_from_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Story id -> its facts as in the report JSON, rebuilt from ``facts`` rows."""
    stories: dict[str, dict[str, dict[str, Any]]] = {}
    for row in rows:
        facts = stories.setdefault(row["story"], {})
        fact = facts.setdefault(
            row["fact"],
            {
                "id": row["fact"],
                "status": row["status"],
                "context": row["context"],
                "confidence": row["confidence"],
                "claim": row["claim"],
                "statements": [],
                "links": row["links"] or [],
            },
        )
        fact["statements"].append(
            {
                "article": row["article"],
                "start": row["start"],
                "end": row["end"],
                "text": row["text"],
                "context": row["statement_context"],
            }
        )
    return {story: list(facts.values()) for story, facts in stories.items()}


def records_from_rows(table: Table, rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [record_of(table, row) for row in rows]


# --------------------------------------------------------------------------- CSV


def _cell(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if column.kind == "bool":
        return "true" if value else "false"
    if column.kind == "json":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


def _typed(cell: str, column: Column) -> Any:
    if cell == "" and (column.nullable or column.kind != "str"):
        return None
    if column.kind == "int":
        return int(cell)
    if column.kind == "float":
        return float(cell)
    if column.kind == "bool":
        if cell not in ("true", "false"):
            raise InputError(f"column {column.name}: {cell!r} is not true or false")
        return cell == "true"
    if column.kind == "json":
        return json.loads(cell)
    return cell


class TextSink(Protocol):
    def write(self, text: str, /) -> int: ...


class CsvWriter:
    """Rows of one table to a text stream as CSV, header first (streams row by row)."""

    def __init__(self, table: Table, stream: TextSink) -> None:
        self.columns = table.columns
        self._writer = csv.writer(stream, lineterminator="\n")
        self._writer.writerow([c.name for c in self.columns])

    def write(self, row: Mapping[str, Any]) -> None:
        self._writer.writerow([_cell(row.get(c.name), c) for c in self.columns])


def read_csv(table: Table, stream: IO[str]) -> list[dict[str, Any]]:
    """Typed rows of ``table`` from CSV text written by :class:`CsvWriter`."""
    reader = csv.DictReader(stream)
    columns = {c.name: c for c in table.columns}
    if reader.fieldnames is None or set(reader.fieldnames) != set(columns):
        raise InputError(
            f"the CSV's columns {reader.fieldnames} are not those of the {table.name} table"
        )
    return [{name: _typed(cell, columns[name]) for name, cell in raw.items()} for raw in reader]


# --------------------------------------------------------------------------- Parquet


def _pyarrow() -> Any:
    try:
        import pyarrow
        import pyarrow.parquet  # noqa: F401
    except ImportError as exc:
        raise MissingDependency(
            f"Parquet output needs pyarrow; install it with: {PARQUET_INSTALL}"
        ) from exc
    return pyarrow


def arrow_schema(table: Table) -> Any:
    pa = _pyarrow()
    types = {
        "str": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
        "json": pa.string(),
    }
    return pa.schema(
        [
            pa.field(c.name, types[c.kind], nullable=c.nullable or c.kind != "str")
            for c in table.columns
        ]
    )


def write_parquet(table: Table, rows: Sequence[Mapping[str, Any]], path: str | Path) -> None:
    """Write rows of ``table`` to a Parquet file (lists as JSON text, like the CSV)."""
    pa = _pyarrow()
    import pyarrow.parquet as pq

    columns = table.columns
    data = {
        c.name: [
            _cell(r.get(c.name), c)
            if c.kind == "json" and r.get(c.name) is not None
            else r.get(c.name)
            for r in rows
        ]
        for c in columns
    }
    pq.write_table(pa.Table.from_pydict(data, schema=arrow_schema(table)), str(path))


def read_parquet(table: Table, path: str | Path) -> list[dict[str, Any]]:
    _pyarrow()
    import pyarrow.parquet as pq

    rows = pq.read_table(str(path)).to_pylist()
    for row in rows:
        for c in table.columns:
            if c.kind == "json" and row.get(c.name) is not None:
                row[c.name] = json.loads(row[c.name])
    return rows


# --------------------------------------------------------------------------- a report


def report_rows(report: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Every part of a compare report (its JSON form) as rows, one table per part.

    Tables: ``articles``, ``facts`` (one row per statement), ``quotes`` (one row per
    variant of a quote group), ``conflicts`` (one row per conflicting value),
    ``sources``, ``omissions`` (one row per left-out fact, ``certain`` false for a
    possible one) and ``repairs``.
    """
    out: dict[str, list[dict[str, Any]]] = {
        "articles": [],
        "facts": list(fact_rows(report)),
        "quotes": [],
        "conflicts": [],
        "sources": [],
        "omissions": [],
        "repairs": [],
    }
    for story in report.get("stories", []):
        sid = story["id"]
        out["articles"] += [{"story": sid, **a} for a in story.get("articles", [])]
        for n, group in enumerate(story.get("quotes", [])):
            for v in group["variants"]:
                out["quotes"].append(
                    {
                        "story": sid,
                        "group": n,
                        "speaker": group["speaker"],
                        "wording": group["wording"],
                        **v,
                    }
                )
        for n, conflict in enumerate(story.get("conflicts", [])):
            for v in conflict["values"]:
                out["conflicts"].append(
                    {
                        "story": sid,
                        "conflict": n,
                        "kind": conflict["kind"],
                        "fact": conflict["fact"],
                        "explanation": conflict["explanation"],
                        **v,
                    }
                )
        for source in story.get("sources", []):
            flat = {k: v for k, v in source.items() if k != "non_response"}
            span = source.get("non_response")
            for part in ("start", "end", "text"):
                flat[f"non_response_{part}"] = None if span is None else span[part]
            out["sources"].append({"story": sid, **flat})
        for omission in story.get("omissions", []):
            out["omissions"] += [
                {"story": sid, "article": omission["article"], "fact": f, "certain": True}
                for f in omission["facts"]
            ] + [
                {"story": sid, "article": omission["article"], "fact": f, "certain": False}
                for f in omission.get("possible", [])
            ]
        out["repairs"] += [{"story": sid, **r} for r in story.get("repairs", [])]
    return out


def report_frames(report: Mapping[str, Any]) -> dict[str, Any]:
    """:func:`report_rows` as pandas DataFrames (what :meth:`Report.to_pandas` returns)."""
    pd = _pandas()
    return {name: pd.DataFrame(rows) for name, rows in report_rows(report).items()}


# --------------------------------------------------------------------------- pandas


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as exc:
        raise MissingDependency(
            f"DataFrames need pandas; install it with: {PANDAS_INSTALL}"
        ) from exc
    return pd


def to_pandas(table: Table, rows: Sequence[Mapping[str, Any]]) -> Any:
    """A pandas DataFrame of ``rows``, one column per table column."""
    pd = _pandas()
    return pd.DataFrame([dict(r) for r in rows], columns=[c.name for c in table.columns])


__all__ = [
    "PANDAS_INSTALL",
    "PARQUET_INSTALL",
    "TABLES",
    "Column",
    "CsvWriter",
    "Table",
    "arrow_schema",
    "fact_rows",
    "facts_from_rows",
    "read_csv",
    "read_parquet",
    "record_of",
    "records_from_rows",
    "report_frames",
    "report_rows",
    "row_of",
    "to_pandas",
    "write_parquet",
]
