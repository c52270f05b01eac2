"""``storylens spark``: analyse, cluster and compare a corpus with Apache Spark.

The per-article and per-story work runs on the executors through the engine-neutral
functions of :mod:`storylens.frames`; the one sequential step, the clusterer, runs on
the driver. A run goes through these stages:

1. read: each JSONL input's lines (as bytes, numbered: ``path:N`` as the single-machine
   readers name them) or each Parquet input's rows (as JSON records) become input rows,
   ordered by input and then by line;
2. analyse (``mapInPandas`` over :func:`storylens.frames.analyze_batch`): the records,
   written to ``DIR/records`` (rejected inputs are rows with a ``reason``); a later run
   over the same inputs with the same storylens reads them back instead of analysing
   again;
3. near-duplicates: each article's MinHash bands exploded and grouped; the groups of two
   or more give the pairs that reach the duplicate threshold
   (``applyInPandas(band_pairs)``), and the driver links each reprint to its original
   in input order (:func:`storylens.frames.resolve_duplicates`);
4. cluster: the features, sorted by input position, stream to the driver
   (``toLocalIterator``, one partition at a time) through the same
   :class:`storylens.cluster.StoryClusterer` that ``storylens cluster`` runs, fed in the
   same order: ``DIR/clusters``, one row ``{id, story, topic, duplicate_of}`` per
   article. The clusterer holds every article's features (a 384-float vector, term and
   entity counts, a signature), so the driver's memory grows with the corpus: this is
   the simple design, with only the per-article work spread out;
5. compare (``groupBy(story).applyInPandas(compare_batch)``): ``DIR/reports``, one row
   per story with its report as ``storylens compare --format json`` writes it.

Every output is written to a hidden folder beside its place and renamed into place
once Spark has committed the whole of it (its ``_SUCCESS`` marker checked), so a run
killed at any point leaves either the previous output or none, never part of one; the
next run removes what a killed run left and writes the output whole.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import frames
from .errors import InputError, MissingDependency, WorkerError

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

log = logging.getLogger(__name__)

SPARK_INSTALL = "pip install 'storylens[spark]'"
JAVA_INSTALL = "install Java 17 or later (Debian: apt-get install default-jre-headless)"
JSONL_EXTENSIONS = (".jsonl", ".ndjson", ".json")
PARQUET_EXTENSIONS = (".parquet",)
# The input position packs (input number, line number): 2**40 lines per input.
LINE_BITS = 40
MANIFEST = "_storylens.json"
# Analysis tasks per core: several, so that the cores end together when articles differ
# in length. Not tuned.
TASKS_PER_CORE = 4


@dataclass(frozen=True)
class InputFile:
    """One input: the path Spark reads, the name origins carry, and its format."""

    path: str
    name: str
    kind: str  # "jsonl" or "parquet"
    stamp: tuple[int, int] | None = None  # (size, mtime_ns) of a local file


@dataclass
class Summary:
    """What a run did, for the command to report."""

    articles: int = 0
    rejected: int = 0
    reused: bool = False
    stories: int = 0
    outputs: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------- the session


def start_session(master: str = "local[*]", app: str = "storylens") -> SparkSession:
    """A Spark session on ``master``; a typed error naming the fix when PySpark or Java
    is missing."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise MissingDependency(
            f"PySpark is not installed; install it with: {SPARK_INSTALL}"
        ) from exc
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise MissingDependency(f"Spark needs Java and none was found: {JAVA_INSTALL}")
    # the executors' Python is this one unless the user chose another
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
    )
    try:
        return builder.getOrCreate()
    except Exception as exc:  # the JVM did not start: Java missing or broken
        raise MissingDependency(
            f"Spark could not start ({type(exc).__name__}: {exc}); {JAVA_INSTALL}, and check "
            f"that --master {master} is reachable"
        ) from exc


# --------------------------------------------------------------------------- 1. reading


def input_files(inputs: Sequence[str]) -> list[InputFile]:
    """The files behind ``inputs``: local files and folders (walked in sorted order, hidden
    entries and files of other formats left out), or single files on any filesystem Spark
    reads (``hdfs://``, ``s3a://``...)."""
    found: list[InputFile] = []
    for given in inputs:
        if "://" in given:
            found.append(InputFile(given, given, _kind_of(given)))
            continue
        if not os.path.exists(given):
            raise InputError(f"{given}: no such file or folder; check the path")
        if os.path.isdir(given):
            for path in _walk(given):
                if path.lower().endswith(JSONL_EXTENSIONS + PARQUET_EXTENSIONS):
                    found.append(_local(path))
            continue
        found.append(_local(given))
    if not found:
        raise InputError(
            "no JSONL or Parquet files among the inputs; give .jsonl or .parquet files or "
            "folders holding them"
        )
    return found


def _walk(root: str) -> list[str]:
    paths: list[str] = []
    for folder, folders, names in os.walk(root):
        folders[:] = sorted(d for d in folders if not d.startswith("."))
        paths.extend(os.path.join(folder, n) for n in names if not n.startswith("."))
    return sorted(paths, key=lambda p: Path(p).parts)


def _local(path: str) -> InputFile:
    st = os.stat(path)
    return InputFile(local_uri(path), path, _kind_of(path), (st.st_size, st.st_mtime_ns))


def local_uri(path: str) -> str:
    """``path`` as Spark must read it: a path without a scheme is on this machine's
    filesystem (on a cluster, one every executor mounts), whatever Spark's default is."""
    return path if "://" in path else "file://" + os.path.abspath(path)


def _kind_of(path: str) -> str:
    lower = path.lower()
    if lower.endswith(JSONL_EXTENSIONS):
        return "jsonl"
    if lower.endswith(PARQUET_EXTENSIONS):
        return "parquet"
    raise InputError(
        f"{path}: storylens spark reads JSONL (.jsonl, .ndjson, .json) and Parquet "
        "(.parquet) inputs; convert other formats first (storylens ingest reads the rest)"
    )


def _schema(columns: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"`{name}` {kind}" for name, kind in columns)


def read_inputs(spark: SparkSession, files: Sequence[InputFile]) -> DataFrame:
    """Input rows (:data:`storylens.frames.INPUT_COLUMNS`) of every file, in order."""
    from pyspark.sql import functions as F

    parts = []
    for number, source in enumerate(files):
        lines: Any  # an RDD of each record's bytes
        if source.kind == "jsonl":
            lines = spark.sparkContext.textFile(source.path, use_unicode=False)
        else:
            table = spark.read.parquet(source.path)
            lines = table.select(F.to_json(F.struct(*table.columns))).rdd.map(_first_field)
        numbered = lines.zipWithIndex().map(partial(_input_row, number << LINE_BITS, source.name))
        parts.append(spark.createDataFrame(numbered, _schema(frames.INPUT_COLUMNS)))
    out = parts[0]
    for part in parts[1:]:
        out = out.unionByName(part)
    return out


def _first_field(row: Any) -> bytes:
    return str(row[0]).encode("utf-8")


def _input_row(base: int, name: str, pair: tuple[Any, int]) -> tuple[int, str, bytes]:
    """(position, ``name:N``, the record's bytes) of line N (counted from 1, blank lines
    included, as the single-machine reader counts them)."""
    line, index = pair
    return base + index + 1, f"{name}:{index + 1}", bytes(line)


# --------------------------------------------------------------------------- 2. analysis


def _analyze_partition(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
    for batch in batches:
        yield frames.analyze_batch(batch)


def analyze(spark: SparkSession, files: Sequence[InputFile]) -> DataFrame:
    """The record rows of ``files`` (lazy: nothing runs until they are written)."""
    rows = read_inputs(spark, files)
    tasks = max(1, spark.sparkContext.defaultParallelism * TASKS_PER_CORE)
    return rows.repartition(tasks).mapInPandas(_analyze_partition, _schema(frames.RECORD_COLUMNS))


def records(spark: SparkSession, files: Sequence[InputFile], output: str) -> tuple[DataFrame, bool]:
    """The records of ``files`` in ``output/records``: read back when a previous run over
    the same local inputs (names, sizes, modification times) with this storylens wrote
    them, else made and written (atomically)."""
    target = _join(output, "records")
    manifest = _manifest(files)
    local = all(f.stamp is not None for f in files)  # a remote file's change is not seen
    if local and _read_manifest(spark, target) == manifest:
        log.info("reusing the records in %s", target)
        return spark.read.parquet(target), True
    write_atomically(spark, analyze(spark, files), target, manifest)
    return spark.read.parquet(target), False


def _manifest(files: Sequence[InputFile]) -> dict[str, Any]:
    from . import __version__
    from .analysis import RECORD_FORMAT, STAGE_VERSIONS

    return {
        "storylens": __version__,
        "record_format": RECORD_FORMAT,
        "stages": STAGE_VERSIONS,
        "inputs": [[f.name, f.kind, list(f.stamp) if f.stamp else None] for f in files],
    }


# --------------------------------------------------------------------------- 3-4. clustering


def _pairs_partition(frame: pd.DataFrame) -> pd.DataFrame:
    return frames.band_pairs(frame)


def first_of_each_id(rows: DataFrame) -> DataFrame:
    """Analysed articles only, each id once (its first position: the clusterer files an
    id once, as ``storylens cluster`` does)."""
    from pyspark.sql import functions as F

    articles = rows.where(F.col("id").isNotNull())
    first = articles.groupBy("id").agg(F.min("order").alias("order"))
    return articles.join(first, ["id", "order"])


def duplicate_links(articles: DataFrame) -> dict[str, str]:
    """Reprint -> original over ``articles``: band groups of two or more, their pairs
    checked on the executors, linked in input order on the driver."""
    from pyspark.sql import functions as F

    banded = articles.where(F.size("bands") > 0).select(
        "order", "id", "signature", F.explode("bands").alias("band")
    )
    shared = banded.groupBy("band").count().where(F.col("count") > 1).select("band")
    pairs = (
        banded.join(shared, "band")
        .groupBy("band")
        .applyInPandas(_pairs_partition, _schema(frames.PAIR_COLUMNS))
        .distinct()
    )
    found = [(r["order"], r["id"], r["earlier_order"], r["earlier_id"]) for r in pairs.collect()]
    return frames.resolve_duplicates(found)


def cluster(spark: SparkSession, rows: DataFrame) -> DataFrame:
    """``{id, story, topic, duplicate_of}`` per article, as ``storylens cluster`` prints
    them, in input order (one partition at a time through the driver's clusterer)."""
    articles = first_of_each_id(rows)
    links = duplicate_links(articles)
    ordered = articles.select(
        "order", "id", "vector", "space", "embedder", "language", "terms", "entities",
        "years", "day", "signature",
    ).orderBy("order")  # fmt: skip
    found = list(frames.cluster_rows((r.asDict() for r in ordered.toLocalIterator()), links))
    schema = "id string, story string, topic string, duplicate_of string"
    slices = max(1, min(len(found) // 10_000, spark.sparkContext.defaultParallelism))
    return spark.createDataFrame(found or [], schema).coalesce(slices)


# --------------------------------------------------------------------------- 5. comparison


def _compare_group(frame: pd.DataFrame) -> pd.DataFrame:
    return frames.compare_batch(frame)


def compare(rows: DataFrame, clusters: DataFrame) -> DataFrame:
    """One row per story: its report, made on the executors from the records."""
    articles = first_of_each_id(rows).select("id", "order", "article", "record")
    grouped = articles.join(clusters.select("id", "story"), "id")
    return grouped.groupBy("story").applyInPandas(_compare_group, _schema(frames.REPORT_COLUMNS))


# --------------------------------------------------------------------------- writing


def _join(folder: str, name: str) -> str:
    return folder.rstrip("/") + "/" + name


def _fs(spark: SparkSession, path: str) -> tuple[Any, Any]:
    jvm: Any = spark.sparkContext._jvm
    hadoop_path = jvm.org.apache.hadoop.fs.Path(path)
    context: Any = spark.sparkContext
    conf = context._jsc.hadoopConfiguration()
    return hadoop_path.getFileSystem(conf), jvm.org.apache.hadoop.fs.Path


def write_atomically(
    spark: SparkSession, frame: DataFrame, target: str, manifest: dict[str, Any] | None = None
) -> None:
    """``frame`` as Parquet at ``target``, whole or not at all.

    Spark writes to a hidden folder beside ``target`` (its committer writes ``_SUCCESS``
    last); only then is the old output moved aside and the new one renamed into place.
    Leftovers of a killed run (hidden ``.NAME.tmp-*`` and ``.NAME.old-*`` folders) are
    removed first. On a local or HDFS filesystem the rename is atomic; on an object
    store (S3) it is a copy, so write to HDFS or local disk and copy from there.
    """
    fs, path = _fs(spark, target)
    parent, name = target.rstrip("/").rsplit("/", 1)
    fs.mkdirs(path(parent))
    for status in fs.listStatus(path(parent)) or []:
        leftover = status.getPath().getName()
        if leftover.startswith((f".{name}.tmp-", f".{name}.old-")):
            log.info("removing %s, left by a run that did not finish", leftover)
            fs.delete(status.getPath(), True)
    token = uuid.uuid4().hex[:12]
    temp = f"{parent}/.{name}.tmp-{token}"
    frame.write.mode("errorifexists").parquet(temp)
    if not fs.exists(path(f"{temp}/_SUCCESS")):
        raise WorkerError(
            f"Spark finished writing {temp} without its _SUCCESS marker, so the output may be "
            "incomplete and was not moved into place; run the command again"
        )
    if manifest is not None:
        stream = fs.create(path(f"{temp}/{MANIFEST}"), True)
        stream.write(bytearray(json.dumps(manifest, sort_keys=True).encode("utf-8")))
        stream.close()
    old = f"{parent}/.{name}.old-{token}"
    had_old = fs.exists(path(target))
    if had_old and not fs.rename(path(target), path(old)):
        raise WorkerError(f"could not move the previous {target} aside; check its permissions")
    if not fs.rename(path(temp), path(target)):
        raise WorkerError(f"could not rename {temp} to {target}; check the folder's permissions")
    if had_old:
        fs.delete(path(old), True)


def _read_manifest(spark: SparkSession, target: str) -> dict[str, Any] | None:
    fs, path = _fs(spark, target)
    where = path(f"{target}/{MANIFEST}")
    if not fs.exists(where):
        return None
    stream = fs.open(where)
    try:
        jvm: Any = spark.sparkContext._jvm
        reader = jvm.java.io.BufferedReader(jvm.java.io.InputStreamReader(stream, "UTF-8"))
        text = "".join(iter(reader.readLine, None))
    finally:
        stream.close()
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


# --------------------------------------------------------------------------- the commands


def run(
    spark: SparkSession,
    step: str,
    inputs: Sequence[str],
    output: str,
    note: Callable[[str], None] | None = None,
) -> Summary:
    """``storylens spark STEP``: "analyze", "cluster" or "compare" (each does the steps
    before it) over ``inputs``, writing Parquet under ``output``."""
    from pyspark.sql import functions as F

    say = note or (lambda message: None)
    files = input_files(inputs)
    output = local_uri(output)
    summary = Summary()
    try:
        say(f"analysing {len(files)} input file(s)")
        rows, summary.reused = records(spark, files, output)
        summary.outputs["records"] = _join(output, "records")
        counts: Any = rows.agg(
            F.count(F.col("id")).alias("articles"), F.count(F.col("reason")).alias("rejected")
        ).first()
        summary.articles, summary.rejected = int(counts["articles"]), int(counts["rejected"])
        if step == "analyze":
            return summary
        say(f"clustering {summary.articles} article(s) on the driver, in input order")
        clusters = cluster(spark, rows)
        write_atomically(spark, clusters, _join(output, "clusters"))
        summary.outputs["clusters"] = _join(output, "clusters")
        clusters = spark.read.parquet(_join(output, "clusters"))
        summary.stories = clusters.select("story").distinct().count()
        if step == "cluster":
            return summary
        say(f"comparing {summary.stories} stories")
        write_atomically(spark, compare(rows, clusters), _join(output, "reports"))
        summary.outputs["reports"] = _join(output, "reports")
        return summary
    except Exception as exc:
        if type(exc).__name__ in {"Py4JJavaError", "PythonException", "SparkException"}:
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            raise WorkerError(
                f"the Spark job failed ({type(exc).__name__}: {lines[-1] if lines else ''}); "
                "nothing half-written was kept: run the command again (the records of a "
                "finished analysis are reused)"
            ) from exc
        raise


__all__ = [
    "InputFile",
    "Summary",
    "analyze",
    "cluster",
    "compare",
    "duplicate_links",
    "input_files",
    "read_inputs",
    "records",
    "run",
    "start_session",
    "write_atomically",
]
