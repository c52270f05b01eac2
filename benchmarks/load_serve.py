"""Load test of ``storylens serve`` on 127.0.0.1: requests/s and latency percentiles for the
story list, cached story pages and full-text search, with 10,000 stored stories, while an
ingest writes.

    python benchmarks/load_serve.py --db /tmp/load.db --stories 10000 --seconds 20
    python benchmarks/load_serve.py --db postgresql://u:p@127.0.0.1/storylens_load ...

Stages: (1) fill the store with synthetic made-up stories through ``Store.file_article``
(skipped when it already holds enough); (2) start ``storylens serve`` in a subprocess;
(3) warm a set of story pages (each runs the real compare once); (4) for each endpoint
(``--endpoints``; ``search`` cycles over :data:`QUERIES`: common words that match every
story, rarer ones, two-word and prefix queries, and one story's own words),
``--clients`` threads send requests for ``--seconds`` while this process files new
articles into new stories at ``--ingest-rate`` per second; (5) print one JSON line.
Everything is bounded in time and talks only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shlex
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import numpy as np

from storylens.store import Store, open_store
from storylens.store.store import dumps

PLACES = ["Elsby", "Harlow", "Orrin", "Brindle", "Marrow", "Tessel", "Quill", "Dunmore"]
EVENTS = ["bridge closes", "ferry resumes", "council votes", "school opens", "mill floods"]
OUTLETS = ["Elsby Courier", "Northern Ledger", "Valley Wire", "Riverside Post", "Harlow Gazette"]
# full-text queries: a word in every story, words in a fifth or an eighth of them, two
# words, prefixes, a word in no story, and the words of single stories
QUERIES = [
    "council",
    "officials said",
    "Elsby",
    "bridge closes",
    "ferry",
    "Marrow mill floods",
    "affect",
    "work",
    "Ada Fenn",
    "zebra",
    "story 1234",
    "story 777 Harlow",
    "account 2",
    "Quill school",
    "Tessel votes",
    "Dunmore",
]


def _text(i: int, j: int) -> str:
    place, event = PLACES[i % len(PLACES)], EVENTS[i % len(EVENTS)]
    return (
        f"The {place} {event} on Monday, officials said in story {i}.\n"
        f"At least {i % 50 + 2} people were affected, according to the {place} council.\n"
        f'"We are working on it," said council member Ada Fenn in account {j}.\n'
    )


# Synthetic story vectors (one-hot): the pages served never compare them, any size will do.
SYNTHETIC_DIM = 32


def _filed(story_i: int, j: int, seq: int, at: str, dim: int = SYNTHETIC_DIM) -> dict[str, Any]:
    """Rows for one synthetic article that opens (j == 0) or joins story ``story_i``."""
    story_id, article_id = f"s-load-{story_i:06d}", f"a-load-{story_i:06d}-{j}"
    text = _text(story_i, j)
    vector = np.zeros(dim, dtype=np.float32)
    vector[story_i % dim] = 1.0
    outlet = OUTLETS[(story_i + j) % len(OUTLETS)]
    day = f"2031-{story_i % 12 + 1:02d}-{story_i % 28 + 1:02d}"
    return {
        "article": {
            "id": article_id,
            "seq": seq,
            "content_hash": f"load-{story_i}-{j}",
            "outlet": outlet,
            "url": f"https://example.org/{article_id}",
            "title": text.split("\n", 1)[0],
            "published": day,
            "language": "en",
            "origin": "load_serve",
            "text": text,
            "normalized_text": text,
            "ingested_at": at,
        },
        "outputs": [],
        "features": {
            "article_id": article_id,
            "space": "load",
            "embedder": "load-one-hot",
            "language": "en",
            "vector": vector.tobytes(),
            "signature": None,
            "terms": "{}",
            "entities": "{}",
            "years": "[]",
            "published": day,
        },
        "stories": [
            {
                "id": story_id,
                "title": text.split("\n", 1)[0],
                "topic": f"t-load-{story_i:06d}",
                "first_article": f"a-load-{story_i:06d}-0",
                "created_seq": seq - j,
                "created_at": at,
                "updated_at": at,
                "size": j + 1,
                "accounts": j + 1,
                "centroid": vector.tobytes(),
                "entities": dumps({}),
                "first_date": day,
                "last_date": day,
            }
        ],
        "member": {
            "article_id": article_id,
            "story_id": story_id,
            "arrival_story": story_id,
            "arrival_topic": f"t-load-{story_i:06d}",
            "seq": seq,
            "score": 1.0,
            "duplicate_of": None,
            "added_at": at,
        },
        "merged": [],
        "history": [],
    }


def fill(store: Store, stories: int, per_story: int) -> float:
    """File synthetic stories until the store holds ``stories`` of them; seconds taken."""
    have = store.count("stories")
    clock = time.perf_counter()
    seq = store.next_seq()
    at = datetime.now(UTC).isoformat(timespec="seconds")
    for i in range(have, stories):
        for j in range(1 + i % per_story):
            store.file_article(_filed(i, j, seq, at))
            seq += 1
    return time.perf_counter() - clock


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _hammer(url: str, seconds: float, clients: int) -> dict[str, Any]:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        with httpx.Client(timeout=10, trust_env=False) as client:
            while time.monotonic() < stop_at:
                start = time.perf_counter()
                response = client.get(url)
                took = time.perf_counter() - start
                with lock:
                    latencies.append(took)
                    if response.status_code != 200:
                        errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "errors": errors[0],
        "rps": round(n / seconds, 1),
        "p50_ms": round(1000 * latencies[n // 2], 1) if n else None,
        "p99_ms": round(1000 * latencies[min(n - 1, int(n * 0.99))], 1) if n else None,
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if n else None,
    }


def _story_urls(base: str, stories: list[str]) -> list[str]:
    return [f"{base}/stories/{s}" for s in stories]


def run(args: argparse.Namespace) -> dict[str, Any]:
    store = open_store(args.db)
    fill_s = fill(store, args.stories, args.per_story)
    port = _free_port()
    env = {**os.environ, "STORYLENS_TOKEN": ""}
    server = subprocess.Popen(
        [sys.executable, "-c", "from storylens.cli import main; main()", "serve",
         "--db", args.db, "--host", "127.0.0.1", "--port", str(port),
         *shlex.split(args.serve_args)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    result: dict[str, Any] = {"stories": store.count("stories"), "fill_s": round(fill_s, 1)}
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/api/stories?limit=1", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        warm = [
            f"s-load-{i:06d}" for i in range(0, args.stories, max(1, args.stories // args.warm))
        ]
        clock = time.perf_counter()
        for url in _story_urls(base, warm[: args.warm]):
            httpx.get(url, timeout=60).raise_for_status()
        result["warm_pages"] = len(warm[: args.warm])
        result["warm_s"] = round(time.perf_counter() - clock, 1)
        stop = threading.Event()
        filed = [0]

        def ingest_loop() -> None:
            seq = store.next_seq()
            at = datetime.now(UTC).isoformat(timespec="seconds")
            i = 10**9 + int(time.time() * 10) % 10**8  # new stories, unique across runs
            while not stop.is_set():
                store.file_article(_filed(i, 0, seq, at))
                seq, i, filed[0] = seq + 1, i + 1, filed[0] + 1
                stop.wait(1.0 / args.ingest_rate)

        writer = threading.Thread(target=ingest_loop)
        writer.start()
        clock = time.perf_counter()
        try:
            story_urls = _story_urls(base, warm[: args.warm])
            wanted = set(args.endpoints.split(","))
            if "story_page" in wanted:
                result["story_page"] = _hammer_many(story_urls, args.seconds, args.clients)
            if "list_page" in wanted:
                result["list_page"] = _hammer(f"{base}/", args.seconds, args.clients)
            if "list_api" in wanted:
                url = f"{base}/api/stories?limit=20"
                result["list_api"] = _hammer(url, args.seconds, args.clients)
            if "search" in wanted:
                urls = [str(httpx.URL(f"{base}/api/search", params={"q": q})) for q in QUERIES]
                result["search_api"] = _hammer_many(urls, args.seconds, args.clients)
        finally:
            stop.set()
            writer.join(timeout=30)
        result["ingested_during"] = filed[0]
        result["ingest_per_s"] = round(filed[0] / (time.perf_counter() - clock), 1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        store.close()
    return result


def _hammer_many(urls: list[str], seconds: float, clients: int) -> dict[str, Any]:
    """Like _hammer, each client cycling over the warmed story pages in random order."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker(seed: int) -> None:
        order = urls[:]
        random.Random(seed).shuffle(order)
        k = 0
        with httpx.Client(timeout=10, trust_env=False) as client:
            while time.monotonic() < stop_at:
                start = time.perf_counter()
                response = client.get(order[k % len(order)])
                took = time.perf_counter() - start
                k += 1
                with lock:
                    latencies.append(took)
                    errors[0] += response.status_code != 200

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=seconds + 30)
    latencies.sort()
    n = len(latencies)
    return {
        "requests": n,
        "errors": errors[0],
        "rps": round(n / seconds, 1),
        "p50_ms": round(1000 * latencies[n // 2], 1) if n else None,
        "p99_ms": round(1000 * latencies[min(n - 1, int(n * 0.99))], 1) if n else None,
        "mean_ms": round(1000 * statistics.fmean(latencies), 1) if n else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--per-story", type=int, default=3, help="1 to N articles per story")
    parser.add_argument("--seconds", type=float, default=20.0, help="per endpoint")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--warm", type=int, default=20, help="story pages warmed and requested")
    parser.add_argument("--ingest-rate", type=float, default=5.0, help="articles/s while loading")
    parser.add_argument(
        "--endpoints",
        default="story_page,list_page,list_api,search",
        help="comma-separated: story_page, list_page, list_api, search",
    )
    parser.add_argument(
        "--serve-args", default="", help="more options for storylens serve, e.g. '--search-cache 0'"
    )
    args = parser.parse_args()
    result = run(args)
    result["db"] = "postgresql" if args.db.startswith("postgres") else "sqlite"
    result["command"] = re.sub(r"://([^:/@]+):[^@]+@", r"://\1:***@", " ".join(sys.argv))
    result["load_avg_1m"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
