"""Articles per second of `storylens quotes`, `cluster` and `ingest` with --jobs 1 and 2.

    nice python benchmarks/jobs_speed.py [--limit N] [--rounds 2] [--commands quotes,cluster,ingest]
                                         [--no-startup] [--out jobs_speed]

`ingest` runs into a new SQLite store each time; what the store holds afterwards
(members, stories, analysis records) is part of the output that must be identical.

Runs the installed command (the `storylens` next to this Python) on the same ECB+
articles (../shared/data/ecbplus/articles.jsonl, or its first N lines in a
temporary file) as a user would: a fresh process per run, model loading and worker
start-up included. Runs alternate, 1, 2, 1, 2, so that what the other jobs on a
shared machine take falls on both. Each run's output must be byte-identical to every
other run's of the same command; the benchmark fails otherwise.

While a run goes, its process tree is sampled from /proc every 0.2 s: CPU seconds of
the parent (reading, printing, clustering) and of each worker (models), and the peak
resident memory (VmHWM) of each process. The fork server's workers are not the
command's children, so they are found as its descendants.

"start-up" runs each command on the first MIN_POOL_ARTICLES and twice as many
articles (storylens.parallel.MIN_POOL_ARTICLES: from there on --jobs 2 starts workers),
to show what a pool costs on a small input.

Writes benchmarks/results/jobs_speed.{json,md}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from storylens.parallel import MIN_POOL_ARTICLES

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "data" / "ecbplus" / "articles.jsonl"
RESULTS = ROOT / "benchmarks" / "results"
STORYLENS = Path(sys.executable).with_name("storylens")
TICKS = os.sysconf("SC_CLK_TCK")
COMMANDS = {
    "quotes": ["quotes", "--format", "jsonl"],
    "cluster": ["cluster", "--format", "jsonl"],
    # a new store per run ({db}); its stories, members and records join the output digest
    "ingest": ["ingest", "--db", "{db}"],
}


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds) of a live process, from /proc/PID/stat."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS


def _schedstat(pid: int) -> tuple[float, float] | None:
    """(seconds on a CPU, seconds runnable but waiting for one), from /proc/PID/schedstat."""
    try:
        run_ns, wait_ns, _ = Path(f"/proc/{pid}/schedstat").read_text().split()
    except (OSError, ValueError):
        return None
    return int(run_ns) / 1e9, int(wait_ns) / 1e9


def _peak_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class TreeSampler(threading.Thread):
    """CPU seconds and peak memory of a process and all its descendants, sampled."""

    def __init__(self, root: int, every: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.every = root, every
        self.cpu: dict[int, float] = {}
        self.peak_kb: dict[int, int] = {}
        self.waited: dict[int, float] = {}  # seconds runnable but not running
        self.parent_of: dict[int, int] = {}
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.every)

    def sample(self) -> None:
        stats = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                got = _stat(int(entry))
                if got is not None:
                    stats[int(entry)] = got
        tree = {self.root}
        grew = True
        while grew:
            grew = False
            for pid, (ppid, _) in stats.items():
                if ppid in tree and pid not in tree:
                    tree.add(pid)
                    grew = True
        for pid in tree & stats.keys():
            self.parent_of[pid] = stats[pid][0]
            self.cpu[pid] = stats[pid][1]
            sched = _schedstat(pid)
            if sched is not None:
                self.waited[pid] = sched[1]
            peak = _peak_kb(pid)
            if peak is not None:
                self.peak_kb[pid] = max(peak, self.peak_kb.get(pid, 0))


def store_digest(db: Path) -> bytes:
    """What an ingest run left in its store: members, stories and analysis records."""
    from storylens.store import open_store
    from storylens.store.analyses import analysis_rows

    with open_store(f"sqlite:///{db}", create=False) as store:
        members = store.memberships()
        rows = analysis_rows(store, sorted(members))
        stories = sorted((s.id, s.title, s.topic, s.size) for s in store.stories())
    state = [sorted(members.items()), stories]
    state.append(
        [(k, r.payload, hashlib.sha256(r.vectors).hexdigest()) for k, r in sorted(rows.items())]
    )
    return json.dumps(state).encode()


def timed_run(command: list[str], corpus: Path, jobs: int) -> dict[str, Any]:
    load_before = os.getloadavg()[0]
    db = None
    if "{db}" in command:
        db = Path(tempfile.mkdtemp(prefix="jobs-speed-")) / "store.db"
        command = [str(db) if part == "{db}" else part for part in command]
    started = time.perf_counter()
    process = subprocess.Popen(
        [str(STORYLENS), *command, str(corpus), "--jobs", str(jobs), "--no-progress"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    sampler = TreeSampler(process.pid)
    sampler.start()
    out, err = process.communicate()
    wall = time.perf_counter() - started
    sampler.done.set()
    sampler.join()
    if process.returncode not in (0, 1):
        raise SystemExit(f"{command} --jobs {jobs} failed ({process.returncode}): {err.decode()}")
    root = process.pid
    # the fork server and the workers it forks; the workers are the ones that did the work
    helpers = {pid: cpu for pid, cpu in sampler.cpu.items() if pid != root}
    workers = {pid: cpu for pid, cpu in helpers.items() if cpu >= 1.0}
    return {
        "jobs": jobs,
        "wall_s": round(wall, 2),
        "cpu_s": round(sum(sampler.cpu.values()), 2),
        "parent_cpu_s": round(sampler.cpu.get(root, 0.0), 2),
        "worker_cpu_s": [round(workers[p], 2) for p in sorted(workers)],
        # each worker's wall time apart from its CPU time: waiting for a core (runnable,
        # another process on it) or asleep (waiting for work from the parent, or its start)
        "worker_waiting_for_a_core_s": [
            round(sampler.waited.get(p, 0.0), 2) for p in sorted(workers)
        ],
        "parent_waiting_for_a_core_s": round(sampler.waited.get(root, 0.0), 2),
        "parent_peak_mb": round(sampler.peak_kb.get(root, 0) / 1024, 1),
        "worker_peak_mb": [round(sampler.peak_kb.get(p, 0) / 1024, 1) for p in sorted(workers)],
        "output_sha256": hashlib.sha256(out + (store_digest(db) if db else b"")).hexdigest(),
        "output_lines": out.count(b"\n"),
        "rejected_lines": err.count(b"rejected "),
        "load_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def first_lines(n: int | None, folder: Path) -> tuple[Path, int]:
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[:n]
    if n is None:
        return CORPUS, len(lines)
    path = folder / f"ecbplus-first-{n}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, len(lines)


def summary(runs: list[dict[str, Any]], articles: int) -> dict[str, Any]:
    by_jobs: dict[int, list[dict[str, Any]]] = {}
    for r in runs:
        by_jobs.setdefault(r["jobs"], []).append(r)
    out: dict[str, Any] = {}
    for jobs, rs in sorted(by_jobs.items()):
        wall = sum(r["wall_s"] for r in rs) / len(rs)
        out[str(jobs)] = {
            "mean_wall_s": round(wall, 2),
            "articles_per_s": round(articles / wall, 2),
            "cpu_s_per_article": round(sum(r["cpu_s"] for r in rs) / len(rs) / articles, 4),
            "cores_busy": round(sum(r["cpu_s"] for r in rs) / sum(r["wall_s"] for r in rs), 2),
        }
    if "1" in out and "2" in out:
        out["speedup"] = round(out["2"]["articles_per_s"] / out["1"]["articles_per_s"], 2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="only the first N articles")
    parser.add_argument("--rounds", type=int, default=2, help="runs per --jobs value")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up runs")
    parser.add_argument("--out", default="jobs_speed", help="results file stem")
    parser.add_argument(
        "--commands", default=",".join(COMMANDS), help="comma-separated: " + ", ".join(COMMANDS)
    )
    parser.add_argument(
        "--render", action="store_true", help="only write the .md again from the .json"
    )
    args = parser.parse_args()
    if args.render:
        results = json.loads((RESULTS / f"{args.out}.json").read_text())
        (RESULTS / f"{args.out}.md").write_text(markdown(results))
        print(markdown(results))
        return
    names = [n for n in args.commands.split(",") if n]
    if not names or set(names) - set(COMMANDS):
        raise SystemExit(f"--commands: choose from {', '.join(COMMANDS)}")
    chosen = {n: COMMANDS[n] for n in names}
    if not CORPUS.exists():
        raise SystemExit(f"ECB+ not found at {CORPUS} (../shared is absent)")
    results: dict[str, Any] = {
        "command": ("nice " if os.nice(0) > 0 else "")
        + "python benchmarks/jobs_speed.py"
        + (f" --limit {args.limit}" if args.limit else "")
        + (f" --rounds {args.rounds}" if args.rounds != 2 else "")
        + (f" --commands {args.commands}" if names != list(COMMANDS) else "")
        + (" --no-startup" if args.no_startup else "")
        + (f" --out {args.out}" if args.out != "jobs_speed" else ""),
        "machine": f"{platform.machine()}, Python {platform.python_version()}, "
        f"{len(os.sched_getaffinity(0))} cores",
        "commands": {},
        "startup": {},
        "min_pool_articles": MIN_POOL_ARTICLES,
    }
    with tempfile.TemporaryDirectory() as tmp:
        corpus, articles = first_lines(args.limit, Path(tmp))
        results["articles"] = articles
        for name, command in chosen.items():
            runs = []
            for _ in range(args.rounds):
                for jobs in (1, 2):
                    run = timed_run(command, corpus, jobs)
                    print(name, json.dumps(run), file=sys.stderr, flush=True)
                    runs.append(run)
            digests = {r["output_sha256"] for r in runs}
            if len(digests) != 1:
                raise SystemExit(f"{name}: the runs printed different output ({len(digests)})")
            results["commands"][name] = {"runs": runs, "summary": summary(runs, articles)}
        if not args.no_startup:
            for n in (MIN_POOL_ARTICLES, 2 * MIN_POOL_ARTICLES):
                small, count = first_lines(n, Path(tmp))
                for name, command in chosen.items():
                    runs = [timed_run(command, small, jobs) for jobs in (1, 2)]
                    results["startup"][f"{name} {count}"] = runs
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{args.out}.json").write_text(json.dumps(results, indent=2) + "\n")
    (RESULTS / f"{args.out}.md").write_text(markdown(results))
    print(markdown(results))


def _first_load(results: dict[str, Any]) -> str:
    """The 1-minute load average before the first timed run: how quiet the machine was."""
    for block in results["commands"].values():
        for run in block.get("runs", []):
            return f"1-minute load {run['load_1min_before_after'][0]} before the first run"
    return "load not recorded"


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "# --jobs speed",
        "",
        f"Command: `{results['command']}` ({results['machine']}; {_first_load(results)}).",
        f"Corpus: ECB+, {results['articles']} articles, the same file for every run; each "
        "run a fresh `storylens` process (model loading and worker start-up included), "
        "in the order 1, 2, 1, 2.",
        "",
        "| command | --jobs | mean wall s | articles/s | CPU s per article | cores busy | speed-up |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, data in results["commands"].items():
        s = data["summary"]
        for jobs in ("1", "2"):
            row = s[jobs]
            speedup = f"{s['speedup']}x" if jobs == "2" and "speedup" in s else ""
            lines.append(
                f"| {name} | {jobs} | {row['mean_wall_s']} | {row['articles_per_s']} | "
                f"{row['cpu_s_per_article']} | {row['cores_busy']} | {speedup} |"
            )
    lines += [
        "",
        "Every run of a command printed the same bytes (sha256 below).",
        "",
        "| command | --jobs | wall s | CPU s | parent CPU s | worker CPU s | parent peak MB "
        "| worker peak MB | load before/after | output sha256 |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, data in results["commands"].items():
        for r in data["runs"]:
            lines.append(
                f"| {name} | {r['jobs']} | {r['wall_s']} | {r['cpu_s']} | {r['parent_cpu_s']} | "
                f"{', '.join(map(str, r['worker_cpu_s'])) or '-'} | {r['parent_peak_mb']} | "
                f"{', '.join(map(str, r['worker_peak_mb'])) or '-'} | "
                f"{r['load_1min_before_after']} | {r['output_sha256'][:12]} |"
            )
    lines += ["", "## Where the time goes (--jobs 2)", ""]
    lines += [
        "| command | parent share of CPU | worker CPU s (each) | worker s waiting for a core "
        "(each) | worker s asleep (each) | cores busy per run (1-min load before) "
        "| CPU per article, 2 / 1 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, data in results["commands"].items():
        twos = [r for r in data["runs"] if r["jobs"] == 2]
        share = sum(r["parent_cpu_s"] for r in twos) / sum(r["cpu_s"] for r in twos)
        busy = ", ".join(
            f"{r['cpu_s'] / r['wall_s']:.2f} ({r['load_1min_before_after'][0]})" for r in twos
        )
        each = "; ".join(", ".join(map(str, r["worker_cpu_s"])) for r in twos)
        waited = "; ".join(
            ", ".join(map(str, r.get("worker_waiting_for_a_core_s", []))) or "-" for r in twos
        )
        asleep = "; ".join(
            ", ".join(
                f"{r['wall_s'] - c - w:.1f}"
                for c, w in zip(
                    r["worker_cpu_s"], r.get("worker_waiting_for_a_core_s", []), strict=True
                )
            )
            or "-"
            for r in twos
        )
        s = data["summary"]
        ratio = s["2"]["cpu_s_per_article"] / s["1"]["cpu_s_per_article"]
        lines.append(
            f"| {name} | {share:.1%} | {each} | {waited} | {asleep} | {busy} | {ratio:.2f} |"
        )
    lines += [
        "",
        "A run with two workers needs two free cores to run twice as fast; cores busy "
        "(CPU s / wall s of the whole process tree) says how many it got, the load "
        "average how many other processes wanted them. The parent's share and the two "
        "workers' CPU seconds say how the work was split. A worker's wall time is its CPU "
        "time, its time waiting for a core (runnable while another process ran: "
        "/proc/PID/schedstat) and the rest asleep (waiting for the parent to send work, "
        "or starting).",
    ]
    if results["startup"]:
        lines += [
            "",
            "## start-up",
            "",
            "The first articles of ECB+: wall seconds with --jobs 1 and --jobs 2 (workers "
            f"are started from MIN_POOL_ARTICLES = {results.get('min_pool_articles', 16)} "
            "articles on; 16 when the field was not yet recorded).",
            "",
            "| command, articles | --jobs 1 s | --jobs 2 s |",
            "|---|---|---|",
        ]
        for key, (one, two) in results["startup"].items():
            lines.append(f"| {key} | {one['wall_s']} | {two['wall_s']} |")
    lines += [
        "",
        "CPU seconds and peak memory are sampled from /proc every 0.2 s over the command's "
        "process tree (the parent, the fork server, the workers); a worker is a process "
        "of the tree that used at least 1 CPU s. cores busy = CPU s / wall s. "
        "With --jobs 1 all the work is in the parent.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
