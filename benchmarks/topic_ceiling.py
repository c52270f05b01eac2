"""How well ECB+'s gold topics can be recovered from the clusterer's own similarities.

    python benchmarks/topic_ceiling.py

ECB+ pairs two real events of one kind per topic (two earthquakes in Iran, two
celebrities entering rehab). This benchmark asks what topic-level B3 F1 any grouping
built on the clusterer's similarities could reach, given the *gold stories* for free:

1. each gold story becomes one item, with its members' summed embedding, content-word
   and named-entity counts (the features ``storylens cluster`` computes);
2. story-to-story similarity in each representation the clusterer uses (embedding
   cosine, TF-IDF cosine of content words, of entities, and the clusterer's topic mix);
3. per representation: how many stories have their own topic's other story as their
   nearest neighbour, and the best topic B3 F1 of single-, average- and
   complete-linkage agglomeration over the stories at *any* threshold (the threshold
   chosen on the gold answer, so an optimistic ceiling).

Writes benchmarks/results/topic_ceiling.{json,md}. Needs ../shared/data/ecbplus.
"""

from __future__ import annotations

import json
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "ecbplus"
RESULTS = ROOT / "benchmarks" / "results"


def dendrogram(sim: np.ndarray, linkage: str) -> list[tuple[float, int, int]]:
    """The merges of greedy agglomeration, closest pair first: (similarity, a, b).

    Lance-Williams updates; single, average and complete linkage never produce a
    merge closer than an earlier one, so cutting at a bar is taking a prefix.
    """
    m = sim.astype(float).copy()
    size = np.ones(len(m))
    np.fill_diagonal(m, -np.inf)
    alive = list(range(len(m)))
    merges = []
    while len(alive) > 1:
        sub = m[np.ix_(alive, alive)]
        k = int(np.argmax(sub))
        a, b = alive[k // len(alive)], alive[k % len(alive)]
        merges.append((float(sub.flat[k]), a, b))
        if linkage == "single":
            row = np.maximum(m[a], m[b])
        elif linkage == "complete":
            row = np.minimum(m[a], m[b])
        else:
            row = (size[a] * m[a] + size[b] * m[b]) / (size[a] + size[b])
        m[a], m[:, a] = row, row
        m[a, a] = -np.inf
        size[a] += size[b]
        alive.remove(b)
        m[b], m[:, b] = -np.inf, -np.inf
    return merges


def cut(merges: list[tuple[float, int, int]], n: int, bar: float) -> list[int]:
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    for s, a, b in merges:
        if s < bar:
            break
        parent[find(b)] = find(a)
    return [find(i) for i in range(n)]


def main() -> int:
    if not (DATA / "articles.jsonl").exists():
        sys.exit(f"ECB+ not found at {DATA}: this benchmark needs ../shared/data/ecbplus")
    from storylens.cluster import FEATURE_BATCH, featurize

    # the clusterer's own weighting and cosine, and the shared scorer's B-cubed
    from storylens.cluster.clusterer import TOPIC_WEIGHTS
    from storylens.cluster.clusterer import _cosine as sparse_cos
    from storylens.cluster.clusterer import _weighted as tfidf
    from storylens.ingest import read_inputs

    sys.path.insert(0, str(ROOT.parent / "shared" / "eval"))
    from score_clusters import bcubed

    articles, _ = read_inputs([str(DATA / "articles.jsonl")])
    feats = []
    for start in range(0, len(articles), FEATURE_BATCH):
        feats.extend(featurize(articles[start : start + FEATURE_BATCH]))
    gold = {r["id"]: r for r in map(json.loads, (DATA / "gold_stories.jsonl").open())}
    members = defaultdict(list)
    for f in feats:
        members[gold[f.id]["story"]].append(f)
    stories = sorted(members)
    topic_of = {s: gold[members[s][0].id]["topic"] for s in stories}
    n = len(feats)
    term_df: Counter[str] = Counter()
    ent_df: Counter[str] = Counter()
    for f in feats:
        term_df.update(f.terms.keys())
        ent_df.update(f.entities.keys())
    emb, terms, ents = {}, {}, {}
    for s in stories:
        v = sum(f.vector for f in members[s])
        emb[s] = v / np.linalg.norm(v)
        tc: Counter[str] = Counter()
        ec: Counter[str] = Counter()
        for f in members[s]:
            tc.update(f.terms)
            ec.update(f.entities)
        terms[s], ents[s] = tfidf(tc, term_df, n), tfidf(ec, ent_df, n)
    w = TOPIC_WEIGHTS
    reps: dict[str, Callable[[str, str], float]] = {
        "embedding": lambda a, b: float(emb[a] @ emb[b]),
        "content words": lambda a, b: sparse_cos(terms[a], terms[b]),
        "entities": lambda a, b: sparse_cos(ents[a], ents[b]),
        "topic mix (clusterer)": lambda a, b: (
            w[0] * float(emb[a] @ emb[b])
            + w[1] * sparse_cos(terms[a], terms[b])
            + w[2] * sparse_cos(ents[a], ents[b])
        ),
    }
    article_topic = {f.id: gold[f.id]["topic"] for f in feats}
    rows = []
    for name, fn in reps.items():
        sim = np.array([[fn(a, b) if a != b else 1.0 for b in stories] for a in stories])
        nn_ok, closer = 0, []
        for i, s in enumerate(stories):
            order = [j for j in np.argsort(-sim[i]) if j != i]
            nn_ok += topic_of[stories[order[0]]] == topic_of[s]
            if topic_of[stories[order[0]]] != topic_of[s]:
                closer.append((s, stories[order[0]], round(float(sim[i, order[0]]), 3)))
        best: dict[str, tuple[float, float]] = {}
        grid = sorted({round(x, 3) for x in np.linspace(sim.min(), 1.0, 120)})
        for linkage in ("single", "average", "complete"):
            top = (0.0, 0.0)
            merges = dendrogram(sim, linkage)
            for bar in sorted({round(s, 4) for s, _, _ in merges} | set(grid)):
                label = cut(merges, len(stories), bar)
                story_label = {s: label[i] for i, s in enumerate(stories)}
                pred = {f.id: str(story_label[gold[f.id]["story"]]) for f in feats}
                score = bcubed(pred, article_topic)[2]
                if score > top[0]:
                    top = (score, bar)
            best[linkage] = top
        rows.append(
            {
                "representation": name,
                "stories": len(stories),
                "nearest_is_own_topic": nn_ok,
                "closer_to_another_topic": closer,
                "best_topic_b3_f1": {k: round(v[0], 4) for k, v in best.items()},
                "at_threshold": {k: v[1] for k, v in best.items()},
            }
        )
        print(name, nn_ok, "/", len(stories), {k: round(v[0], 4) for k, v in best.items()})
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "topic_ceiling.json").write_text(json.dumps(rows, indent=2) + "\n")
    lines = [
        "# ECB+ topic level: the ceiling of the clusterer's similarities",
        "",
        "Command: `python benchmarks/topic_ceiling.py`. Gold stories are given; each "
        "representation is scored by how often a story's nearest story is in its own gold "
        "topic, and by the best topic-level B3 F1 of agglomerating the gold stories at a "
        "threshold chosen on the gold answer (an optimistic ceiling; the target is 0.97).",
        "",
        "| representation | nearest story in own topic | single | average | complete |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        b = r["best_topic_b3_f1"]
        lines.append(
            f"| {r['representation']} | {r['nearest_is_own_topic']}/{r['stories']} | "
            f"{b['single']:.4f} | {b['average']:.4f} | {b['complete']:.4f} |"
        )
    mix = rows[-1]
    lines += ["", "Stories nearer to another topic's story (topic mix):", ""]
    lines += [f"- {a} -> {b} ({s})" for a, b, s in mix["closer_to_another_topic"]]
    (RESULTS / "topic_ceiling.md").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
