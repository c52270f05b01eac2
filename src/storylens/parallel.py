"""Run a per-article function over an article stream on several cores, in input order.

:func:`iter_outcomes` is what ``--jobs N`` means (``storylens quotes``, ``sources``,
``timex``, ``cluster``). It runs, for a stream of articles (and the rejections the
readers made, which pass through in their place):

1. decide: with ``jobs=1``, or when the stream ends within :data:`MIN_POOL_ARTICLES`
   articles, everything runs in this process (starting workers would cost more than
   it saves); otherwise ``jobs`` worker processes start;
2. read: articles are taken from the stream only as workers need them, in chunks of
   :data:`CHUNK_ARTICLES` (or :data:`CHUNK_CHARS` characters), at most
   :data:`CHUNKS_IN_FLIGHT` chunks per worker ahead of the output, so memory does not
   grow with the input;
3. work: each worker (started by a fork server, else spawned: it never inherits the
   parent's threads or models) runs its math libraries at one thread (ONNX Runtime,
   OpenMP, OpenBLAS, MKL, BLIS, the embedders' own pools: see :func:`default_threads`),
   so N workers keep N cores busy and no more, and loads its models once, on its
   first article;
4. collect: results come back in input order whatever order the workers finish in;
   an article the function refuses (:class:`storylens.errors.RejectedInput`) or fails
   on becomes a :class:`storylens.model.Rejection` in its place and the rest go on;
   an error storylens raises on purpose (a missing model) stops the run as it would
   in process;
5. fail loudly: a worker that dies (killed by the kernel's out-of-memory killer, a
   crash in native code) stops the run with :class:`storylens.errors.WorkerError`,
   which says which articles were in progress and what to do; it never hangs.

The function is sent to the workers by reference, so it must be a module-level
function (or a :func:`functools.partial` of one) of picklable values, and its
result must be picklable. The same function runs in process and in the workers, on
one article at a time, so the output does not depend on ``jobs``.

:func:`iter_batch_outcomes` does the same for a function of a list of articles that
gives one outcome per article, in order (``ingest`` and ``compare``: spaCy's
``nlp.pipe`` and the embedder's batches pay only over several articles). A worker's
chunks are the function's batches, of up to ``chunk`` articles; the last few are cut
smaller, so the workers run out of work together. The output does not depend on
``jobs`` as long as the function's results do not depend on how the articles are
batched (it must not). When a batch fails, its articles run again each alone, and
only the ones that fail alone are rejected.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from .errors import RejectedInput, StorylensError, WorkerError
from .model import Article, Rejection

log = logging.getLogger(__name__)
R = TypeVar("R")
Item = Article | Rejection

# Fewer articles than this run in process whatever --jobs says: a worker costs its
# start-up (imports and models) before it pays. With workers on the first 16 and 32 ECB+
# articles, `quotes` and `cluster` took 1.4-2.4 s longer than in process
# (benchmarks/results/jobs_speed.md, "start-up", run with this constant at 16); at the
# 0.16 CPU s per article measured there, 64 articles are 10 CPU s, of which a second
# core takes 5, about twice what the start-up cost.
MIN_POOL_ARTICLES = 64
# Articles (or characters) sent to a worker at a time, and chunks a worker may be given
# ahead of the output. Not tuned: an article takes 0.1-0.3 s in `quotes` on ECB+, so a
# chunk is about a second of work, long beside the cost of sending it and short enough
# that the workers end together; one long article goes alone.
CHUNK_ARTICLES = 4
CHUNK_CHARS = 200_000
CHUNKS_IN_FLIGHT = 2
# The environment variables through which the math libraries read their thread count;
# a worker sets each to 1 before any of them is loaded.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "BLIS_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)

_thread_cap: int | None = None  # set in a worker (1) and around an in-process run


def cores() -> int:
    """The cores this process may use (its CPU affinity: a container's share, not the
    host's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def default_jobs() -> int:
    """What ``--jobs`` means when it is not given: one worker per core this process may use."""
    return cores()


def default_threads() -> int:
    """Threads a model may run side by side here: the cores, capped at one in a worker and
    at ``jobs`` around an in-process run (see :func:`capped_threads`)."""
    n = cores()
    return max(1, min(n, _thread_cap)) if _thread_cap else n


@contextlib.contextmanager
def capped_threads(threads: int) -> Iterator[None]:
    """Models started or run inside the block use at most ``threads`` threads."""
    global _thread_cap
    before = _thread_cap
    _thread_cap = max(1, threads) if before is None else min(before, max(1, threads))
    try:
        yield
    finally:
        _thread_cap = before


def iter_outcomes(
    fn: Callable[[Article], R],
    items: Iterable[Item],
    *,
    jobs: int | None = None,
    step: str = "the analysis",
    min_pool: int | None = None,
) -> Iterator[R | Rejection]:
    """``fn(article)`` for each article of ``items``, in order, or a Rejection in its place.

    See the module docstring for the stages. ``jobs`` defaults to :func:`default_jobs`;
    ``step`` names the work in a rejection's detail ("the analysis failed (...)");
    ``min_pool`` overrides :data:`MIN_POOL_ARTICLES`. Rejections in ``items`` are
    yielded unchanged, in their place.
    """
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be 1 or more, not {jobs}")
    stream = iter(items)
    if jobs == 1:
        yield from _in_process(fn, stream, 1, step)
        return
    head, small = _head(stream, MIN_POOL_ARTICLES if min_pool is None else min_pool)
    if small:
        yield from _in_process(fn, iter(head), jobs, step)
        return
    yield from _pooled(fn, itertools.chain(head, stream), jobs, step)


def iter_batch_outcomes(
    fn: Callable[[list[Article]], Sequence[R | Rejection]],
    items: Iterable[Item],
    *,
    jobs: int | None = None,
    step: str = "the analysis",
    min_pool: int | None = None,
    chunk: int = CHUNK_ARTICLES,
) -> Iterator[R | Rejection]:
    """:func:`iter_outcomes` for ``fn(articles)``, which gives each article's result (or
    its Rejection) in order. Workers run it on chunks of up to ``chunk`` articles (and
    :data:`CHUNK_CHARS` characters), the last ``jobs`` chunks cut into ``4 * jobs``
    smaller ones; with ``jobs=1``, or for a small input, it runs on chunks of ``chunk``
    in this process."""
    jobs = default_jobs() if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be 1 or more, not {jobs}")
    if chunk < 1:
        raise ValueError(f"chunk must be 1 or more, not {chunk}")
    stream: Iterator[Item] = iter(items)
    if jobs > 1:
        head, small = _head(stream, MIN_POOL_ARTICLES if min_pool is None else min_pool)
        stream = itertools.chain(head, stream)
        if not small:
            yield from _pooled(fn, stream, jobs, step, run_batch, chunk, balance=True)
            return
    with capped_threads(jobs):
        for part in _chunks(stream, chunk):
            yield from run_batch(fn, part, step)


def _head(stream: Iterator[Item], threshold: int) -> tuple[list[Item], bool]:
    """The items up to the ``threshold``-th article, and whether the stream ended first."""
    head: list[Item] = []
    articles = 0
    for item in stream:
        head.append(item)
        articles += isinstance(item, Article)
        if articles >= threshold:
            return head, False
    return head, True


def outcome(fn: Callable[[Article], R], article: Article, step: str) -> R | Rejection:
    """``fn(article)``, or the Rejection that records why it gave nothing."""
    origin = article.origin or article.id
    try:
        return fn(article)
    except RejectedInput as exc:
        return Rejection(origin, exc.reason, exc.detail)
    except StorylensError:
        raise  # not the article's fault (a missing model): the run stops
    except Exception as exc:  # a bug on one article must not stop the batch
        log.warning("article %s: %s failed", article.id, step, exc_info=exc)
        return Rejection(
            origin,
            "analysis",
            f"{step} failed ({type(exc).__name__}: {exc}); the rest of the batch went on "
            "(please report this article to the storylens developers)",
        )


def run_chunk(fn: Callable[[Article], R], chunk: Sequence[Item], step: str) -> list[R | Rejection]:
    """What a worker runs: one chunk, each article alone, rejections passed through."""
    return [item if isinstance(item, Rejection) else outcome(fn, item, step) for item in chunk]


def run_batch(
    fn: Callable[[list[Article]], Sequence[R | Rejection]], chunk: Sequence[Item], step: str
) -> list[R | Rejection]:
    """What a worker runs for :func:`iter_batch_outcomes`: ``fn`` over the chunk's
    articles together, rejections passed through in their place; when ``fn`` fails on
    the batch, each article alone (:func:`outcome`), so one bad article is rejected
    and the rest of the chunk goes on."""
    articles = [item for item in chunk if isinstance(item, Article)]
    done = iter(_batch_outcomes(fn, articles, step))
    return [item if isinstance(item, Rejection) else next(done) for item in chunk]


def _batch_outcomes(
    fn: Callable[[list[Article]], Sequence[R | Rejection]], articles: list[Article], step: str
) -> Sequence[R | Rejection]:
    if not articles:
        return []
    try:
        out = fn(articles)
    except RejectedInput:
        pass  # one article refused the batch: find which, below
    except StorylensError:
        raise  # not the articles' fault (a missing model): the run stops
    except Exception as exc:
        log.warning("%s failed on %d articles (%s); each alone", step, len(articles), exc)
    else:
        if len(out) == len(articles):
            return out
        raise TypeError(  # a bug in fn, not in an article: say so rather than misfile
            f"{fn!r} gave {len(out)} results for {len(articles)} articles; a function for "
            "iter_batch_outcomes must give one per article, in order"
        )

    def alone(article: Article) -> R | Rejection:
        return fn([article])[0]

    return [outcome(alone, article, step) for article in articles]


def _in_process(
    fn: Callable[[Article], R], stream: Iterator[Item], threads: int, step: str
) -> Iterator[R | Rejection]:
    with capped_threads(threads):
        for item in stream:
            yield item if isinstance(item, Rejection) else outcome(fn, item, step)


def _chunks(stream: Iterator[Item], articles: int | None = None) -> Iterator[list[Item]]:
    """Chunks of up to ``articles`` articles (default :data:`CHUNK_ARTICLES`, read when
    called) and :data:`CHUNK_CHARS` characters; a rejection counts as an article."""
    most = CHUNK_ARTICLES if articles is None else articles
    chunk: list[Item] = []
    chars = 0
    for item in stream:
        size = len(item.text) if isinstance(item, Article) else 0
        if chunk and (len(chunk) >= most or chars + size > CHUNK_CHARS):
            yield chunk
            chunk, chars = [], 0
        chunk.append(item)
        chars += size
    if chunk:
        yield chunk


def _tail_split(chunks: Iterator[list[Item]], hold: int) -> Iterator[list[Item]]:
    """``chunks``, holding the last ``hold`` back until the stream ends, then cutting them
    (and the last, short one) into ``4 * hold`` smaller chunks: with ``hold`` = the
    workers, they run out of work nearly together instead of one finishing a whole
    chunk alone while the others wait."""
    held: deque[list[Item]] = deque()
    for chunk in chunks:
        held.append(chunk)
        if len(held) > hold:
            yield held.popleft()
    rest = [item for chunk in held for item in chunk]
    size = max(1, -(-len(rest) // (4 * hold)))
    for start in range(0, len(rest), size):
        yield rest[start : start + size]


def _origins(chunk: Sequence[Item]) -> list[str]:
    return [item.origin or item.id for item in chunk if isinstance(item, Article)]


def _pooled(
    fn: Callable[..., Any],
    stream: Iterator[Item],
    jobs: int,
    step: str,
    runner: Callable[..., list[Any]] = run_chunk,
    chunk_articles: int | None = None,
    balance: bool = False,
) -> Iterator[Any]:
    """``runner(fn, chunk, step)`` for each chunk of ``stream`` on ``jobs`` workers; with
    ``balance``, the last chunks are cut smaller (:func:`_tail_split`)."""
    try:
        pickle.dumps(fn)
    except Exception as exc:
        raise TypeError(
            f"{fn!r} cannot be sent to a worker process ({exc}); pass a module-level "
            "function, or a functools.partial of one, of picklable values"
        ) from exc
    workers: dict[int, Any] = {}  # pid -> multiprocessing.Process, kept to read exit codes
    pending: deque[tuple[Future[list[Any]], list[str]]] = deque()
    finished = False
    with _one_thread_environment():
        pool = ProcessPoolExecutor(
            max_workers=jobs,
            mp_context=_context(),
            initializer=start_worker,
        )
        try:
            chunks = _chunks(stream, chunk_articles)
            for chunk in _tail_split(chunks, jobs) if balance else chunks:
                pending.append((pool.submit(runner, fn, chunk, step), _origins(chunk)))
                workers.update(getattr(pool, "_processes", None) or {})
                while len(pending) >= jobs * CHUNKS_IN_FLIGHT:
                    yield from _collected(*pending.popleft(), workers)
            while pending:
                yield from _collected(*pending.popleft(), workers)
            finished = True
        finally:
            if not finished:  # an error, or the caller stopped reading: stop the work now
                for process in workers.values():
                    with contextlib.suppress(Exception):
                        process.terminate()
            pool.shutdown(wait=finished, cancel_futures=True)


@contextlib.contextmanager
def _one_thread_environment() -> Iterator[None]:
    """:data:`THREAD_VARIABLES` at 1 while workers start: a worker (and the fork server it
    comes from) reads them before it imports anything, even the command's own modules,
    which load numpy before :func:`start_worker` runs. The parent's libraries are
    loaded already and do not read them again."""
    before = {name: os.environ.get(name) for name in THREAD_VARIABLES}
    os.environ.update({name: "1" for name in THREAD_VARIABLES})
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _collected(future: Future[list[Any]], origins: list[str], workers: dict[int, Any]) -> list[Any]:
    try:
        return future.result()
    except BrokenProcessPool as exc:
        raise WorkerError(_death_message(origins, workers)) from exc


def _death_message(origins: list[str], workers: dict[int, Any]) -> str:
    time.sleep(0.1)  # let the dead worker's exit code be collected
    codes = [p.exitcode for p in workers.values() if p.exitcode not in (None, 0)]
    # the pool ends the other workers with SIGTERM once one is dead: name the first death
    codes.sort(key=lambda code: code == -signal.SIGTERM)
    if codes and codes[0] == -signal.SIGKILL:
        how = "was killed (SIGKILL, which the kernel's out-of-memory killer sends)"
    elif codes and codes[0] < 0:
        how = f"was killed by signal {signal.Signals(-codes[0]).name}"
    elif codes:
        how = f"exited with code {codes[0]}"
    else:
        how = "stopped"
    if len(origins) > 1:
        how += f" while {origins[0]} and {len(origins) - 1} more article(s) were in progress"
    elif origins:
        how += f" while {origins[0]} was in progress"
    return (
        f"a worker process {how}; the run was stopped. Each worker holds its own copy of "
        "the models: run again with fewer --jobs (--jobs 1 needs the least memory), or "
        "with more memory"
    )


def _context() -> multiprocessing.context.BaseContext:
    """A fork server where there is one (workers start clean and fast), else spawn."""
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("forkserver")
    return multiprocessing.get_context("spawn")  # pragma: no cover - not on Linux


def start_worker() -> None:
    """In a worker, before any model loads: one thread per math library, Ctrl-C left to
    the parent, and an exit when the parent is gone, however it ended (even killed)."""
    global _thread_cap
    for name in THREAD_VARIABLES:
        os.environ[name] = "1"
    _thread_cap = 1
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()


def exit_with_parent() -> None:
    """In a worker process: exit when the process that asked for it is gone, however it
    ended (even killed). Also the web server's report processes' initializer."""
    parent = multiprocessing.parent_process()  # the process that asked for this worker
    if parent is not None:  # (not the fork server, which is the one that forked it)

        def watch() -> None:
            parent.join()
            os._exit(0)

        threading.Thread(target=watch, name="storylens-parent-watch", daemon=True).start()


__all__ = [
    "exit_with_parent",
    "CHUNKS_IN_FLIGHT",
    "CHUNK_ARTICLES",
    "CHUNK_CHARS",
    "MIN_POOL_ARTICLES",
    "capped_threads",
    "cores",
    "default_jobs",
    "default_threads",
    "iter_batch_outcomes",
    "iter_outcomes",
    "outcome",
    "run_batch",
    "run_chunk",
    "start_worker",
]
