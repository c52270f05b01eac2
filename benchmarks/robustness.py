"""Robustness benchmarks (issue 25): long articles, quote-mark floods, a flood of uncached
story pages, and a 100 MB unauthenticated upload. Writes benchmarks/results/robustness.json
and .md (parts run alone update only their own entries).

    python benchmarks/robustness.py                      # every part (about an hour)
    python benchmarks/robustness.py --only flood,post    # some of them

Parts:

- ``long``: `storylens quotes` and `storylens ingest` on one-line made-up articles of
  1 MiB and 5 MiB of characters (made-up sentences, a quote in every fourth), each in its
  own process: wall time, CPU time and peak resident memory (ru_maxrss), against a
  1,000-character article for what the models alone take; linearity is judged on CPU
  time, which other work on a shared machine disturbs far less than wall time;
- ``words``: `storylens quotes` on words without any punctuation (128 KiB and 256 KiB of
  characters), where sentences are cut at MAX_SENTENCE_TOKENS;
- ``flood``: `The mayor said "` and then 1,000 / 10,000 / 100,000 `"` through the analysis
  (models loaded first), the whole `storylens quotes` command on the 100,000 one and on
  one plain sentence (what loading the models takes), and the tokenizer alone on uncut
  runs of 1,000 / 3,000 / 10,000 marks (what the cut avoids);
- ``mojibake``: the mojibake repair (storylens.encoding) on made-up text full of UTF-8
  read as Windows-1252, 100,000 to 1,600,000 characters (CPU seconds), against what the
  alignment it replaced (difflib over the whole text) takes on 1,000 to 4,000;
- ``serve``: `storylens serve` over 200 made-up stories, 200 concurrent requests for
  uncached story pages while `GET /` is asked every 50 ms: its latency percentiles, the
  story pages' answers and times, the server's peak memory;
- ``post``: against the same kind of server, a 100 MB POST without a token and one with
  the token (over the body cap), on a raw socket: time to the answer, bytes the client got
  to send, the server's resident memory before and after and its peak.

Everything runs on 127.0.0.1 and is bounded in time. Timings are of the machine it runs
on, with whatever else runs there (the load average is recorded).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
PARTS = ("long", "words", "flood", "mojibake", "serve", "post")
# Runs a storylens command and prints its peak resident memory (KiB) on stderr.
_WRAPPER = (
    "import resource, sys\n"
    "from storylens.cli import main\n"
    "code = 0\n"
    "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
    "use = resource.getrusage(resource.RUSAGE_SELF)\n"
    "print('PEAK_KB', use.ru_maxrss, 'CPU_S', use.ru_utime + use.ru_stime, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def made_up_line(chars: int) -> str:
    """One line of made-up news sentences, a quote in every fourth, ``chars`` long."""
    out, size, k = [], 0, 0
    while size < chars:
        k += 1
        sentence = (
            f'"The dam at Orrin will hold through the storm," engineer Tam Rusk said in briefing {k}.'
            if k % 4 == 0
            else f"The water behind the Orrin dam rose again in hour {k} of the storm, officials said."
        )
        out.append(sentence)
        size += len(sentence) + 1
    return " ".join(out)[:chars]


def words_only(chars: int) -> str:
    """Made-up words and no punctuation at all, ``chars`` long."""
    vocabulary = [
        "council",
        "mayor",
        "bridge",
        "river",
        "said",
        "the",
        "a",
        "of",
        "to",
        "plan",
        "money",
        "town",
        "water",
        "road",
        "school",
        "police",
        "fire",
        "vote",
        "members",
        "residents",
        "officials",
        "Orrin",
        "dam",
        "storm",
    ]
    out, size, k = [], 0, 0
    while size < chars:
        word = vocabulary[(k * 7 + k // 3) % len(vocabulary)]
        out.append(word)
        size += len(word) + 1
        k += 1
    return " ".join(out)[:chars]


def run_command(args: list[str], timeout: float) -> dict[str, Any]:
    """A storylens command in its own process: exit code, wall seconds, peak MB, stdout lines."""
    clock = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args], capture_output=True, text=True, timeout=timeout
    )
    wall = time.perf_counter() - clock
    tail = done.stderr.rsplit("PEAK_KB", 1)[1].split() if "PEAK_KB" in done.stderr else ["0"] * 3
    return {
        "exit": done.returncode,
        "wall_s": round(wall, 1),
        "cpu_s": round(float(tail[2]), 1),
        "peak_mb": round(int(tail[0]) / 1024),
        "stdout_lines": len(done.stdout.splitlines()),
        "stderr_tail": done.stderr.strip().splitlines()[-2:] if done.returncode else [],
    }


def part_long(sizes: list[int], folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"sizes": sizes, "runs": []}
    for chars in [1000, *sizes]:
        path = folder / f"line-{chars}.txt"
        path.write_text(made_up_line(chars), encoding="utf-8")
        quotes = run_command(["quotes", str(path), "--no-progress"], timeout=7200)
        row = {"chars": chars, "quotes": quotes}
        if chars == 1000 or chars == max(sizes):
            db = folder / f"ingest-{chars}.db"
            row["ingest"] = run_command(
                ["ingest", str(path), "--db", str(db), "--no-progress"], timeout=7200
            )
        out["runs"].append(row)
        print(json.dumps(row), flush=True)
    timed = [r for r in out["runs"] if r["chars"] > 1000]
    if len(timed) >= 2:
        small, big = timed[0], timed[-1]
        base = out["runs"][0]["quotes"]["cpu_s"]
        out["cpu_seconds_per_mib"] = [
            round((r["quotes"]["cpu_s"] - base) / (r["chars"] / 2**20), 1) for r in timed
        ]
        out["cpu_ratio"] = round(
            (big["quotes"]["cpu_s"] - base) / max(0.1, small["quotes"]["cpu_s"] - base), 2
        )
        out["size_ratio"] = round(big["chars"] / small["chars"], 2)
    return out


def part_words(folder: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"runs": []}
    for chars in (1000, 131_072, 262_144):
        path = folder / f"words-{chars}.txt"
        path.write_text(words_only(chars), encoding="utf-8")
        row = {"chars": chars, "quotes": run_command(["quotes", str(path), "--no-progress"], 7200)}
        out["runs"].append(row)
        print(json.dumps(row), flush=True)
    base = out["runs"][0]["quotes"]["cpu_s"]
    a, b = out["runs"][1]["quotes"]["cpu_s"] - base, out["runs"][2]["quotes"]["cpu_s"] - base
    out["cpu_ratio"] = round(b / max(0.1, a), 2)
    return out


def part_flood(folder: Path) -> dict[str, Any]:
    from storylens.model import Article
    from storylens.normalize import normalize
    from storylens.pipeline import analyze, nlp_pipeline

    nlp = nlp_pipeline()
    list(analyze([Article(id="warm", text='The council said "yes".')]))
    out: dict[str, Any] = {"analysis_s": {}, "tokenizer_uncut_s": {}, "tokenizer_cut_s": {}}
    for n in (1000, 10_000, 100_000):
        text = 'The mayor said "' + '"' * n
        clock = time.perf_counter()
        (result,) = analyze([Article(id="flood", text=text)])
        out["analysis_s"][str(n)] = round(time.perf_counter() - clock, 3)
        assert result.norm.span(0, len(result.norm.text)).end == len(text)
        clock = time.perf_counter()
        nlp.make_doc(normalize(text).text)
        out["tokenizer_cut_s"][str(n)] = round(time.perf_counter() - clock, 3)
    for n in (1000, 3000, 10_000):
        clock = time.perf_counter()
        nlp.make_doc('The mayor said "' + '"' * n)
        out["tokenizer_uncut_s"][str(n)] = round(time.perf_counter() - clock, 3)
    path = folder / "flood.txt"
    path.write_text('The mayor said "' + '"' * 100_000 + "\n", encoding="utf-8")
    out["command_100000"] = run_command(["quotes", str(path), "--no-progress"], timeout=600)
    small = folder / "small.txt"  # the same command on a plain sentence: the models' loading
    small.write_text('The mayor said "the bridge will reopen" on Monday.\n', encoding="utf-8")
    out["command_one_sentence"] = run_command(["quotes", str(small), "--no-progress"], timeout=600)
    print(json.dumps(out), flush=True)
    return out


_MOJIBAKE_UNIT = "The mayor said â€œwe will rebuildâ€ on Monday. Ã©tÃ© Le maire a déclaré. "


def part_mojibake() -> dict[str, Any]:
    import difflib

    from storylens.encoding import _fix, repair_encoding

    out: dict[str, Any] = {"repair_cpu_s": {}, "repairs": {}, "whole_text_difflib_cpu_s": {}}
    repair_encoding(_MOJIBAKE_UNIT)  # ftfy imported before timing
    for n in (100_000, 400_000, 1_600_000):
        text = (_MOJIBAKE_UNIT * (n // len(_MOJIBAKE_UNIT) + 1))[:n]
        clock = time.process_time()
        repaired = repair_encoding(text)
        out["repair_cpu_s"][str(n)] = round(time.process_time() - clock, 2)
        out["repairs"][str(n)] = len(repaired.repairs)
    for n in (1000, 2000, 4000):
        text = (_MOJIBAKE_UNIT * (n // len(_MOJIBAKE_UNIT) + 1))[:n]
        fixed = _fix(text)
        clock = time.process_time()
        difflib.SequenceMatcher(None, text, fixed, autojunk=False).get_opcodes()
        out["whole_text_difflib_cpu_s"][str(n)] = round(time.process_time() - clock, 2)
    print(json.dumps(out), flush=True)
    return out


# ------------------------------------------------------------------ the server parts


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _memory_kb(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0])
    return fields


class Server:
    """`storylens serve` over a store of made-up stories, in a subprocess."""

    def __init__(self, db: Path, token: str | None, stories: int) -> None:
        sys.path.insert(0, str(ROOT / "benchmarks"))
        from load_serve import fill

        from storylens.store import open_store

        with open_store(db) as store:
            fill(store, stories, 3)
        self.port = _free_port()
        env = {**os.environ, "STORYLENS_TOKEN": token or ""}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from storylens.cli import main; main()", "serve",
             "--db", str(db), "--host", "127.0.0.1", "--port", str(self.port)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.base = f"http://127.0.0.1:{self.port}"
        import httpx

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.base}/api/stories?limit=1", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        raise RuntimeError("storylens serve did not start")

    def memory(self) -> dict[str, int]:
        return _memory_kb(self.proc.pid)

    def workers_peak_mb(self) -> int:
        """Peak resident memory of the server's child processes (its report workers), summed."""
        children: set[int] = set()
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            text = (task / "children").read_text().split()
            children.update(int(pid) for pid in text)
        total = 0
        for pid in children:
            with contextlib.suppress(OSError):
                total += _memory_kb(pid).get("VmHWM", 0)
        return round(total / 1024)

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def _percentiles(values: list[float]) -> dict[str, float | int | None]:
    values = sorted(values)
    n = len(values)
    if not n:
        return {"n": 0, "p50_ms": None, "p99_ms": None, "max_ms": None}
    return {
        "n": n,
        "p50_ms": round(1000 * values[n // 2], 1),
        "p99_ms": round(1000 * values[min(n - 1, int(n * 0.99))], 1),
        "max_ms": round(1000 * values[-1], 1),
        "mean_ms": round(1000 * statistics.fmean(values), 1),
    }


def part_serve(folder: Path, stories: int) -> dict[str, Any]:
    import httpx

    server = Server(folder / "serve.db", None, stories)
    try:
        ids = [f"s-load-{i:06d}" for i in range(stories)]
        before = server.memory()
        results: list[tuple[int, float]] = []
        lock = threading.Lock()
        running = threading.Event()
        running.set()

        def story(story_id: str) -> None:
            clock = time.perf_counter()
            try:
                status = httpx.get(f"{server.base}/stories/{story_id}", timeout=1800).status_code
            except httpx.HTTPError:
                status = 0
            with lock:
                results.append((status, time.perf_counter() - clock))

        probes: list[float] = []

        def probe() -> None:
            with httpx.Client(timeout=60, trust_env=False) as client:
                while running.is_set():
                    clock = time.perf_counter()
                    client.get(f"{server.base}/").raise_for_status()
                    probes.append(time.perf_counter() - clock)
                    time.sleep(0.05)

        prober = threading.Thread(target=probe)
        threads = [threading.Thread(target=story, args=(s,)) for s in ids]
        clock = time.perf_counter()
        for t in threads:
            t.start()
        prober.start()
        for t in threads:
            t.join(3600)
        running.clear()
        prober.join(60)
        wall = time.perf_counter() - clock
        statuses: dict[str, int] = {}
        for status, _ in results:
            statuses[str(status)] = statuses.get(str(status), 0) + 1
        out = {
            "stories": stories,
            "concurrent_story_requests": len(ids),
            "wall_s": round(wall, 1),
            "story_statuses": statuses,
            "story_page": _percentiles([t for s, t in results if s == 200]),
            "get_root_meanwhile": _percentiles(probes),
            "server_rss_mb_before": round(before["VmRSS"] / 1024),
            "server_peak_mb": round(server.memory()["VmHWM"] / 1024),
            "report_workers_peak_mb": server.workers_peak_mb(),
        }
    finally:
        server.close()
    print(json.dumps(out), flush=True)
    return out


def _raw_post(port: int, size: int, token: str | None) -> dict[str, Any]:
    """POST ``size`` bytes of body on a raw socket while reading the answer; the time is
    from the request line to the answer's status line."""
    sock = socket.create_connection(("127.0.0.1", port))
    head = (
        "POST /api/articles HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {size}\r\n"
        + (f"Authorization: Bearer {token}\r\n" if token else "")
        + "\r\n"
    ).encode()
    sent = [0]
    stop = threading.Event()
    chunk = b"[" + b" " * (1 << 16)

    def pump() -> None:
        try:
            while sent[0] < size and not stop.is_set():
                piece = chunk[: min(len(chunk), size - sent[0])]
                sock.sendall(piece)
                sent[0] += len(piece)
        except OSError:
            pass

    clock = time.perf_counter()
    sock.sendall(head)
    sender = threading.Thread(target=pump)
    sender.start()
    sock.settimeout(60)
    answer = b""
    while b"\r\n\r\n" not in answer:
        data = sock.recv(4096)
        if not data:
            break
        answer += data
    took = time.perf_counter() - clock
    stop.set()
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
    sender.join(30)
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/") else 0
    return {"status": status, "answer_ms": round(1000 * took, 1), "body_bytes_sent": sent[0]}


def part_post(folder: Path) -> dict[str, Any]:
    import httpx

    token = "benchmark-token"
    server = Server(folder / "post.db", token, 20)
    size = 100 * 1024 * 1024
    try:
        httpx.get(f"{server.base}/", timeout=30).raise_for_status()
        out: dict[str, Any] = {
            "body_bytes": size,
            "server_rss_mb_before": round(server.memory()["VmRSS"] / 1024),
        }
        out["without_token"] = _raw_post(server.port, size, None)
        out["server_rss_mb_after_unauthenticated"] = round(server.memory()["VmRSS"] / 1024)
        out["with_token_over_cap"] = _raw_post(server.port, size, token)
        out["server_rss_mb_after"] = round(server.memory()["VmRSS"] / 1024)
        out["server_peak_mb"] = round(server.memory()["VmHWM"] / 1024)
        clock = time.perf_counter()
        httpx.get(f"{server.base}/", timeout=30).raise_for_status()
        out["get_root_after_ms"] = round(1000 * (time.perf_counter() - clock), 1)
    finally:
        server.close()
    print(json.dumps(out), flush=True)
    return out


# ------------------------------------------------------------------ results


def _markdown(data: dict[str, Any]) -> str:
    lines = [
        "# Robustness benchmarks (benchmarks/robustness.py)",
        "",
        "Issue 25: one bad article never takes the batch down. Each part was produced by the",
        "command recorded with it, on the machine described (shared, so timings are noisy).",
        "",
    ]
    for part in PARTS:
        entry = data.get(part)
        if not entry:
            continue
        lines += [
            f"## {part}",
            "",
            f"    {entry['command']}",
            "",
            f"Machine: {entry['machine']}",
            "",
        ]
        lines += _part_lines(part, entry["result"])
        lines += ["", "```json", json.dumps(entry["result"], indent=1), "```", ""]
    return "\n".join(lines)


def _part_lines(part: str, r: dict[str, Any]) -> list[str]:
    if part == "long":
        rows = ["| characters | quotes: wall s | CPU s | peak MB | ingest: wall s | CPU s | peak MB |",
                "|---:|---:|---:|---:|---:|---:|---:|"]  # fmt: skip
        for run in r["runs"]:
            q, ing = run["quotes"], run.get("ingest") or {}
            rows.append(
                f"| {run['chars']:,} | {q['wall_s']} | {q.get('cpu_s', '')} | {q['peak_mb']} | "
                f"{ing.get('wall_s', '')} | {ing.get('cpu_s', '')} | {ing.get('peak_mb', '')} |"
            )
        if "cpu_ratio" in r:
            rows += ["", f"CPU time beyond the 1,000-character run grows {r['cpu_ratio']}x for "
                     f"{r['size_ratio']}x the characters (CPU seconds per MiB: "
                     f"{r['cpu_seconds_per_mib']})."]  # fmt: skip
        elif "time_ratio" in r:  # a run from before CPU time was recorded
            rows += ["", f"Wall time beyond the 1,000-character run grows {r['time_ratio']}x for "
                     f"{r['size_ratio']}x the characters (seconds per MiB: "
                     f"{r['seconds_per_mib']})."]  # fmt: skip
        return rows
    if part == "words":
        rows = ["| characters | quotes: wall s | CPU s | peak MB |", "|---:|---:|---:|---:|"]
        for x in r["runs"]:
            q = x["quotes"]
            rows.append(f"| {x['chars']:,} | {q['wall_s']} | {q['cpu_s']} | {q['peak_mb']} |")
        return [*rows, "", f"CPU time beyond the 1,000-character run: {r['cpu_ratio']}x for 2x."]
    if part == "flood":
        return [
            f'Analysis of `The mayor said "` and N marks (s): {r["analysis_s"]}',
            f"Tokenizer on the cut text (s): {r['tokenizer_cut_s']}",
            f"Tokenizer on uncut runs, what the cut avoids (s): {r['tokenizer_uncut_s']}",
            f"`storylens quotes` on 100,000 marks, loading the models included: "
            f"{r['command_100000']['wall_s']} s"
            + (
                f" (on one plain sentence: {r['command_one_sentence']['wall_s']} s)"
                if "command_one_sentence" in r  # absent from runs before it was added
                else ""
            ),
        ]
    if part == "mojibake":
        return [
            f"Mojibake repair, CPU s by characters: {r['repair_cpu_s']} "
            f"(repairs recorded: {r['repairs']}).",
            f"The alignment it replaced, difflib over the whole text, CPU s by characters: "
            f"{r['whole_text_difflib_cpu_s']}.",
        ]
    if part == "serve":
        return [
            f"{r['concurrent_story_requests']} concurrent uncached story pages over {r['stories']} "
            f"stories: answers {r['story_statuses']} in {r['wall_s']} s "
            f"(story page p50 {r['story_page']['p50_ms']} ms, max {r['story_page']['max_ms']} ms).",
            f"`GET /` meanwhile: p50 {r['get_root_meanwhile']['p50_ms']} ms, p99 "
            f"{r['get_root_meanwhile']['p99_ms']} ms, max {r['get_root_meanwhile']['max_ms']} ms "
            f"({r['get_root_meanwhile']['n']} requests).",
            f"Server memory: {r['server_rss_mb_before']} MB before, peak {r['server_peak_mb']} MB; "
            f"its report processes peaked at {r['report_workers_peak_mb']} MB together.",
        ]
    if part == "post":
        a, b = r["without_token"], r["with_token_over_cap"]
        return [
            f"100 MB POST without a token: HTTP {a['status']} after {a['answer_ms']} ms "
            f"({a['body_bytes_sent']:,} body bytes got out before the refusal).",
            f"100 MB POST with the token (over the cap): HTTP {b['status']} after {b['answer_ms']} ms.",
            f"Server resident memory: {r['server_rss_mb_before']} MB before, "
            f"{r['server_rss_mb_after_unauthenticated']} MB after the first, {r['server_rss_mb_after']} MB "
            f"after both (peak {r['server_peak_mb']} MB); `GET /` after: {r['get_root_after_ms']} ms.",
        ]
    return []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts")
    parser.add_argument("--sizes", default=f"{2**20},{5 * 2**20}", help="characters (long)")
    parser.add_argument("--stories", type=int, default=200, help="stories (serve)")
    args = parser.parse_args()
    parts = [p for p in args.only.split(",") if p]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {sorted(unknown)}; choose from {PARTS}")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / "robustness.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for part in parts:
            start_load = os.getloadavg()[0]
            if part == "long":
                result = part_long([int(s) for s in args.sizes.split(",")], folder)
            elif part == "words":
                result = part_words(folder)
            elif part == "flood":
                result = part_flood(folder)
            elif part == "mojibake":
                result = part_mojibake()
            elif part == "serve":
                result = part_serve(folder, args.stories)
            else:
                result = part_post(folder)
            data[part] = {
                "command": "python benchmarks/robustness.py " + " ".join(sys.argv[1:]),
                "machine": f"{os.cpu_count()} cores, Python {platform.python_version()}, "
                f"load average {start_load:.1f} at the start and {os.getloadavg()[0]:.1f} at "
                f"the end, {dt.date.today().isoformat()}",
                "result": result,
            }
            path.write_text(json.dumps(data, indent=1) + "\n")
            (RESULTS / "robustness.md").write_text(_markdown(data))


if __name__ == "__main__":
    main()
