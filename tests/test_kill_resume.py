"""A run killed with SIGKILL halfway through a 1,000-article ingest resumes with
nothing lost and nothing doubled, and files every article as an uninterrupted run.

The articles are made up here: short templated reports about invented events in
invented towns, ten outlets per event, so there are many stories to keep apart.
The ingest runs as a real ``storylens ingest`` subprocess with the real
featuriser and clusterer (``--no-analyze``: quotes and sources are not needed to
test resuming, and would make the test several minutes long).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

EVENTS = 100
OUTLETS_PER_EVENT = 10
KILL_AFTER = 300  # stored articles before the kill
SYLLABLES = ["bar", "ven", "tor", "lis", "mar", "qua", "del", "fen", "rho", "sul", "nik", "pell"]
KINDS = [
    ("warehouse fire", "Firefighters fought a blaze at a warehouse", "the fire"),
    ("bridge closure", "Engineers closed a road bridge", "the closure"),
    ("ferry grounding", "A passenger ferry ran aground", "the grounding"),
    ("factory strike", "Workers walked out at a factory", "the strike"),
    ("flood warning", "Officials issued a flood warning", "the warning"),
    ("power outage", "A power outage left homes without electricity", "the outage"),
    ("museum theft", "Thieves took paintings from a museum", "the theft"),
    ("train derailment", "A freight train left the tracks", "the derailment"),
]
OUTLETS = [
    f"{a.title()} {b}"
    for a in ("north", "east", "city", "valley", "coast")
    for b in ("Post", "Herald")
]


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).title()


def made_up_articles(seed: int = 7) -> list[dict[str, str]]:
    """EVENTS invented events, each told by OUTLETS_PER_EVENT invented outlets, interleaved.

    Each event has its own invented town, spokesperson and company; each outlet
    tells it with its own pick of sentences, so the copies are not reprints.
    """
    rng = random.Random(seed)
    events = []
    for n in range(EVENTS):
        kind, lead, noun = KINDS[n % len(KINDS)]
        town, person, firm = _name(rng, 3), f"{_name(rng, 2)} {_name(rng, 3)}", _name(rng, 2)
        # 40 days apart: outside the clusterer's story window, so events stay apart
        date = (dt.date(2031, 1, 1) + dt.timedelta(days=40 * n)).isoformat()
        count = rng.randint(3, 90)
        pool = [
            f"{lead} in {town} on {date}.",
            f"{person} of {town} said {count} people were affected by {noun}.",
            f"{firm} Holdings, which runs the site in {town}, declined to comment.",
            f"Residents of {town} were told to stay away while {noun} is investigated.",
            f"{person} said {firm} would review {noun}.",
        ]
        events.append((n, kind, town, date, pool))
    records = []
    for k in range(OUTLETS_PER_EVENT):
        for n, kind, town, date, pool in events:
            outlet = OUTLETS[k % len(OUTLETS)]
            picked = [pool[0], *random.Random(n * 100 + k).sample(pool[1:], 3)]
            records.append(
                {
                    "id": f"kr-{n:03d}-{k:02d}",
                    "outlet": outlet,
                    "title": f"{kind.title()} in {town}",
                    "published": date,
                    "text": " ".join(picked) + f" ({outlet})",
                }
            )
    return records


def _storylens(*args: str) -> list[str]:
    return [sys.executable, "-c", "from storylens.cli import main; main()", *args]


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:
        return 0


def _rows(db: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute(query))


def test_kill_during_ingest_then_resume(tmp_path: Path) -> None:
    corpus = tmp_path / "articles.jsonl"
    corpus.write_text("\n".join(json.dumps(r) for r in made_up_articles()) + "\n", encoding="utf-8")
    env = dict(os.environ, STORYLENS_DB="")
    # the uninterrupted run into a fresh store goes alongside, to compare with at the end
    fresh = tmp_path / "fresh.db"
    clean = subprocess.Popen(
        _storylens("ingest", str(corpus), "--db", str(fresh), "--no-analyze", "--no-progress"),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    killed = tmp_path / "killed.db"
    proc = subprocess.Popen(
        _storylens("ingest", str(corpus), "--db", str(killed), "--no-analyze", "--no-progress"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        stored = _count(killed)
        if stored >= KILL_AFTER:
            break
        time.sleep(0.05)
    assert proc.poll() is None, f"ingest ended before it could be killed: {proc.stderr.read()!r}"  # type: ignore[union-attr]
    assert stored >= KILL_AFTER, "ingest stored too few articles within two minutes"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    partial = _count(killed)
    assert KILL_AFTER <= partial < EVENTS * OUTLETS_PER_EVENT

    resumed = subprocess.run(
        _storylens("ingest", str(corpus), "--db", str(killed), "--no-analyze", "--no-progress"),
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert resumed.returncode == 0, resumed.stderr
    total = EVENTS * OUTLETS_PER_EVENT
    assert resumed.stdout.strip() == f"{total - partial} new, {partial} duplicate, 0 rejected"

    out, err = clean.communicate(timeout=300)
    assert clean.returncode == 0, err
    assert out.strip() == f"{total} new, 0 duplicate, 0 rejected"

    for db in (killed, fresh):
        for table, key in (
            ("articles", "id"),
            ("story_members", "article_id"),
            ("cluster_features", "article_id"),
        ):
            rows = _rows(db, f"SELECT count(*), count(DISTINCT {key}) FROM {table}")
            assert rows == [(total, total)], (db.name, table, rows)
        assert _rows(db, "SELECT count(*), min(seq), max(seq) FROM articles") == [
            (total, 0, total - 1)
        ]

    query = "SELECT article_id, story_id, arrival_story, arrival_topic, duplicate_of FROM story_members ORDER BY seq"
    assert _rows(killed, query) == _rows(fresh, query)
    stories = "SELECT id, size, accounts, merged_into FROM stories ORDER BY id"
    assert _rows(killed, stories) == _rows(fresh, stories)
    history = "SELECT event, level, story_id, other_id, article_id FROM story_history ORDER BY id"
    assert _rows(killed, history) == _rows(fresh, history)
    # many stories, not one blob and not one per article
    live = _rows(fresh, "SELECT count(*) FROM stories WHERE merged_into IS NULL")[0][0]
    assert EVENTS * 0.9 <= live <= EVENTS * 1.5, live
