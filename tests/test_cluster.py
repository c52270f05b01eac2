"""Story clustering: stable ids, recorded merges, reprints as one account, the CLI."""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from conftest import shared_path
from storylens.cli import cli
from storylens.cluster import (
    ArticleFeatures,
    StoryClusterer,
    cluster_articles,
    cluster_levels,
    featurize,
    from_state,
    stable_id,
    to_state,
)
from storylens.embed_multi import detect_language, load_multi_embedder, space_of
from storylens.ingest import read_inputs
from storylens.model import Article

FLOOD = [
    Article(
        "flood-1",
        "Quell floods Marrowby\nThe river Quell burst its banks in Marrowby on Tuesday, "
        "flooding about 300 homes and closing the old stone bridge. Mayor Elsa Vintner said "
        "120 residents spent the night in the sports hall and no one was hurt.",
    ),
    Article(
        "flood-2",
        "Marrowby residents sheltered as Quell rises\nMayor Elsa Vintner said the Quell "
        "flooded some 300 homes in Marrowby. The old stone bridge stays closed while "
        "engineers check it, and residents were moved to the sports hall.",
    ),
    Article(
        "flood-3",
        "Flood damage in Marrowby\nEngineers will inspect the old stone bridge in Marrowby "
        "after the river Quell flooded hundreds of homes, Mayor Elsa Vintner told the town "
        "council, which has opened a hardship fund for flooded households.",
    ),
]
LAUNCH = [
    Article(
        "launch-1",
        "Orlen Space Agency launches Vessa-3\nThe Orlen Space Agency launched the Vessa-3 "
        "weather satellite from the Kettering Point spaceport on Monday. Director Amaru "
        "Coll said the satellite reached its planned orbit after nine minutes.",
    ),
    Article(
        "launch-2",
        "Vessa-3 satellite reaches orbit\nDirector Amaru Coll of the Orlen Space Agency "
        "said the Vessa-3 satellite, launched from Kettering Point, is sending its first "
        "weather images and will replace the ageing Vessa-2 next year.",
    ),
]
LAUNCH_FR = Article(
    "launch-fr",
    "L'agence spatiale d'Orlen a lancé lundi le satellite météorologique Vessa-3 depuis "
    "le port spatial de Kettering Point. Selon le directeur Amaru Coll, le satellite a "
    "atteint son orbite prévue après neuf minutes de vol.",
)


def _features(
    article_id: str,
    vector: list[float],
    terms: dict[str, int],
    *,
    published: dt.date | None = None,
) -> ArticleFeatures:
    v = np.zeros(8, dtype=np.float32)
    v[: len(vector)] = vector
    return ArticleFeatures(
        article_id,
        v / np.linalg.norm(v),
        "en",
        terms=terms,
        entities={k: 1 for k in terms if k[0].isupper()},
        published=published,
    )


def test_story_id_is_stable_as_the_story_grows() -> None:
    c = StoryClusterer()
    first = c.add(_features("a", [1, 0.1], {"Quell": 2, "flood": 3, "bridge": 1}))
    assert first.new_story and first.story == stable_id("s-", "a")
    for name in ("b", "c", "d"):
        a = c.add(_features(name, [1, 0.12], {"Quell": 1, "flood": 2, "bridge": 2}))
        assert not a.new_story
        assert a.story == first.story
    assert c.story_of_article("a") == first.story
    assert c.stories[first.story].size == 4


def test_an_article_matching_two_stories_merges_them_and_the_merge_is_logged() -> None:
    c = StoryClusterer()
    x = c.add(_features("x", [1, 0, 0], {"Quell": 2, "flood": 2, "Marrowby": 2}))
    y = c.add(_features("y", [0, 1, 0], {"bridge": 2, "Vintner": 2, "closure": 2}))
    assert x.story != y.story
    z = c.add(
        _features(
            "z",
            [1, 1, 0],
            {"Quell": 2, "flood": 2, "Marrowby": 2, "bridge": 2, "Vintner": 2, "closure": 2},
        )
    )
    assert [m.level for m in z.merges if m.level == "story"] == ["story"]
    merge = next(m for m in c.merges if m.level == "story")
    # the older story absorbs the newer; the absorbed id still resolves
    assert (merge.into, merge.absorbed, merge.article) == (x.story, y.story, "z")
    assert c.resolve(y.story) == x.story
    assert {c.story_of_article(i) for i in "xyz"} == {x.story}
    assert c.stories[x.story].size == 3 and y.story not in c.stories


def test_articles_far_apart_in_time_start_a_new_story() -> None:
    c = StoryClusterer()
    terms = {"Quell": 2, "flood": 2, "Marrowby": 1}
    a = c.add(_features("a", [1, 0], terms, published=dt.date(2031, 3, 1)))
    b = c.add(_features("b", [1, 0], terms, published=dt.date(2031, 9, 1)))
    assert b.new_story and b.story != a.story
    assert b.topic == a.topic  # same kind of news, a different event


def test_state_round_trip_keeps_ids_and_goes_on_the_same() -> None:
    c = StoryClusterer()
    c.add(_features("x", [1, 0, 0], {"Quell": 2, "flood": 2, "Marrowby": 2}))
    c.add(_features("y", [0, 1, 0], {"bridge": 2, "Vintner": 2, "closure": 2}))
    state = to_state(c)
    # plain data: only vectors and signatures are arrays
    json.dumps(state["merges"])
    json.dumps([{k: v for k, v in s.items() if k != "centroid"} for s in state["stories"]])
    restored = from_state(state)
    assert restored.assignments() == c.assignments()
    late = _features("w", [0.1, 1, 0], {"bridge": 1, "Vintner": 1, "closure": 1})
    assert restored.add(late).story == c.add(late).story == stable_id("s-", "y")


def test_real_articles_group_by_event_and_reprints_count_once() -> None:
    reprint = Article("flood-copy", "From our wire desk.\n" + FLOOD[0].text)
    articles = [FLOOD[0], LAUNCH[0], FLOOD[1], reprint, LAUNCH[1], FLOOD[2]]
    clusterer, rows = cluster_levels(articles)
    story = {article_id: s for article_id, s, _ in rows}
    assert story["flood-1"] == story["flood-2"] == story["flood-3"] == story["flood-copy"]
    assert story["launch-1"] == story["launch-2"]
    assert story["flood-1"] != story["launch-1"]
    assert story["flood-1"] == stable_id("s-", "flood-1")
    assert clusterer.dedup.duplicate_of("flood-copy") == "flood-1"
    flood = clusterer.stories[story["flood-1"]]
    assert (flood.size, flood.accounts) == (4, 3)
    assert cluster_articles(articles) == [(i, s) for i, s, _ in rows]


def test_a_topic_merge_comes_back_with_the_state_and_the_next_articles_go_the_same() -> None:
    u, w = np.eye(8)[0], 0.8 * np.eye(8)[0] + 0.6 * np.eye(8)[1]
    e = np.eye(8)
    flood = {"Quell": 2, "flood": 2, "Marrowby": 1}
    launch = {"Vessa": 2, "launch": 2, "Kettering": 1}
    c = StoryClusterer()
    # two topics whose articles are too far apart to join (cosine 0.64, no shared
    # words), but whose mean vectors are close (0.8); then an article between them
    # (each topic gets its second article before the other topic's articles arrive, so
    # neither is ever a lone topic that the lone-topic rule would fold in first)
    for name, vec, terms in [
        ("a1", u + 0.5 * e[2], flood),
        ("a2", u - 0.5 * e[2], flood),
        ("b1", w + 0.5 * e[3], launch),
        ("b2", w - 0.5 * e[3], launch),
    ]:
        c.add(_features(name, list(vec), terms))
    bridge = c.add(_features("x", list(u + w), {"Ardmoor": 1, "chess": 1}))
    assert [(m.level, m.reason) for m in bridge.merges] == [
        ("topic", "an article matched both topics")
    ]
    assert len({c.topic_of_article(i) for i in ("a1", "b1", "a2", "b2", "x")}) == 1
    state = to_state(c)
    # a third topic, and an article that matches it and the merged one; the merged
    # topic's mean vector is not close enough to the third's, so they stay apart
    mean = (u + w) / np.linalg.norm(u + w)
    third = 0.6 * mean + 0.8 * e[5]
    later = [
        _features("c1", list(third + 0.5 * e[4]), {"Orlen": 2, "vote": 2, "Tarrow": 1}),
        _features("c2", list(third - 0.5 * e[4]), {"Orlen": 2, "vote": 2, "Tarrow": 1}),
        _features("y", list(mean + third + 0.3 * e[6]), {"Sella": 1, "ferry": 1}),
    ]
    uninterrupted = [c.add(f) for f in later]
    restored = from_state(state)
    assert [restored.add(f) for f in later] == uninterrupted
    assert not uninterrupted[-1].merges
    assert restored.assignments() == c.assignments() and restored.merges == c.merges


def test_a_lone_outlier_joins_the_topic_whose_mean_is_nearest_once_a_neighbour_arrives() -> None:
    from storylens.cluster.clusterer import LONE_TOPIC_JOIN, LONE_TOPIC_REASON

    u, e = np.eye(8)[0], np.eye(8)
    flood = {"Quell": 2, "flood": 2, "Marrowby": 1}
    c = StoryClusterer()
    for name, sign in (("a1", 1), ("a2", -1), ("a3", 0)):
        c.add(_features(name, list(u + sign * 0.3 * e[2]), flood))
    # shares no words with the topic and sits at cosine 0.6 to its mean: a topic of its own
    outlier = 0.6 * u + 0.8 * e[3]
    assert float(outlier @ u) >= LONE_TOPIC_JOIN
    first = c.add(_features("o", list(outlier), {"Ardmoor": 1, "chess": 1}))
    assert first.new_topic and not first.merges
    # the next article to arrive near it (here one unlike anything, cosine 0 to all)
    # files elsewhere; the lone article's topic then joins the nearest topic's
    far = c.add(_features("f", list(e[5]), {"Sella": 1, "ferry": 1}))
    assert far.new_topic
    assert [(m.level, m.absorbed, m.reason) for m in far.merges] == [
        ("topic", first.topic, LONE_TOPIC_REASON)
    ]
    later = c.add(_features("a4", list(u + 0.3 * e[4]), flood))
    assert not later.merges  # the far article stays alone: no topic mean is near it
    assert c.topic_of_article("o") == c.topic_of_article("a1") != c.topic_of_article("f")
    assert c.story_of_article("o") != c.story_of_article("a1")  # its story stays its own
    assert from_state(to_state(c)).assignments() == c.assignments()


def _made_up_stream(n: int, seed: int, dim: int = 16) -> list[ArticleFeatures]:
    """Three kinds of news, two events of each, in random order."""
    rng = np.random.default_rng(seed)
    kinds, events = rng.normal(size=(3, dim)), rng.normal(size=(3, 2, dim))
    words = [["flood", "river", "homes"], ["launch", "satellite", "orbit"], ["strike", "port"]]
    out = []
    for i in range(n):
        k, ev = int(rng.integers(0, 3)), int(rng.integers(0, 2))
        vec = (kinds[k] + events[k, ev] + rng.normal(scale=0.4, size=dim)).astype(np.float32)
        terms = {t: int(rng.integers(1, 3)) for t in words[k]} | {f"Place{k}{ev}": 1}
        if rng.random() < 0.3:
            terms[f"Place{(k + 1) % 3}{ev}"] = 1
        entities = {t: c for t, c in terms.items() if t[0].isupper()}
        out.append(
            ArticleFeatures(
                f"m{i}", vec / np.linalg.norm(vec), "en", terms=terms, entities=entities
            )
        )
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_clusterer_restored_again_and_again_files_like_an_uninterrupted_one(seed: int) -> None:
    stream = _made_up_stream(150, seed)
    whole = StoryClusterer()
    for f in stream:
        whole.add(f)
    resumed = StoryClusterer()
    for i, f in enumerate(stream):
        if i and i % 13 == 0:  # as if the process stopped and the store was read back
            resumed = from_state(to_state(resumed))
        resumed.add(f)
    assert resumed.assignments() == whole.assignments()  # stories and topics
    assert resumed.merges == whole.merges


# Made up for these tests: one report in six languages that share words with English.
OTHER_LANGUAGES = {
    "fr": "L'agence spatiale d'Orlen a lancé lundi le satellite météorologique Vessa-3 "
    "depuis le port spatial de Kettering Point. Selon le directeur Amaru Coll, le "
    "satellite a atteint son orbite prévue après neuf minutes de vol.",
    "de": "Die Feuerwehr hat am Dienstag in Marrowby einen Brand in einer Lagerhalle "
    "gelöscht. Nach Angaben der Polizei wurde niemand verletzt, aber die Straße war bis "
    "in den Abend gesperrt. Der Bürgermeister sagte, was passiert sei, werde untersucht.",
    "es": "El alcalde de Marrowby dijo el martes que el río desbordado ha inundado unas "
    "trescientas casas. Los vecinos pasaron la noche en el polideportivo y no hubo "
    "heridos. Las autoridades han cerrado el puente de piedra.",
    "it": "Il sindaco di Marrowby ha detto martedì che il fiume in piena ha allagato circa "
    "trecento case. Gli abitanti hanno passato la notte nel palazzetto dello sport e non "
    "ci sono feriti. Il ponte di pietra resta chiuso.",
    "nl": "De burgemeester van Marrowby zei dinsdag dat de rivier ongeveer driehonderd "
    "huizen heeft overstroomd. Het was een lange nacht in de sporthal, maar niemand is "
    "gewond. De stenen brug is gesloten en het onderzoek is in volle gang.",
    "pt": "O prefeito de Marrowby disse na terça-feira que o rio inundou cerca de "
    "trezentas casas. Os moradores passaram a noite no ginásio e não houve feridos. A "
    "ponte de pedra está fechada até que os engenheiros a inspecionem.",
}


def test_plainly_english_text_is_english_whatever_the_detector_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from storylens.cluster import features

    for text in OTHER_LANGUAGES.values():
        share = features.english_share(text)
        assert share is not None and share < features.ENGLISH_WORD_SHARE
    assert (features.english_share(FLOOD[0].text) or 0.0) >= features.ENGLISH_WORD_SHARE
    assert features.english_share("Quell floods Marrowby") is None  # too short to tell
    # the detector calls every text German: only the English one is overruled
    monkeypatch.setattr(features, "detect_language", lambda text: "de")
    assert features.language_of(FLOOD[0]) == "en"
    assert features.language_of(Article("de-1", OTHER_LANGUAGES["de"])) == "de"
    assert features.language_of(Article("t", "Quell floods Marrowby")) == "de"
    assert features.language_of(Article("given", FLOOD[0].text, language="fr")) == "fr"


def test_non_english_article_uses_the_multilingual_embedder() -> None:
    assert detect_language(LAUNCH_FR.text) == "fr"
    assert detect_language(FLOOD[0].text) == "en"
    assert space_of("fr") == "multi" and space_of("en") == "en"
    feats = featurize([LAUNCH_FR, LAUNCH[0]])
    assert [f.space for f in feats] == ["multi", "en"]
    assert feats[0].vector.shape == (load_multi_embedder().dim,)
    assert feats[0].embedder == load_multi_embedder().name != feats[1].embedder
    assert abs(float(np.linalg.norm(feats[0].vector)) - 1.0) < 1e-4
    # the multilingual space puts the French report next to the English one
    en = load_multi_embedder().embed([LAUNCH[0].text, FLOOD[0].text])
    assert float(feats[0].vector @ en[0]) > float(feats[0].vector @ en[1])


def test_cluster_command_prints_one_line_per_article(tmp_path: Path) -> None:
    path = tmp_path / "articles.jsonl"
    lines = [json.dumps({"id": a.id, "text": a.text}) for a in [*FLOOD, *LAUNCH]]
    path.write_text("\n".join([*lines, "{not json"]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["cluster", str(path), "--format", "jsonl"])
    assert result.exit_code == 1, result.output  # one input line was rejected
    assert "rejected" in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in rows] == [a.id for a in [*FLOOD, *LAUNCH]]
    stories = {r["id"]: r["story"] for r in rows}
    assert len({stories[a.id] for a in FLOOD}) == 1
    assert stories["flood-1"] != stories["launch-1"]
    topic = CliRunner().invoke(cli, ["cluster", str(path), "--level", "topic"])
    assert all(json.loads(line)["story"].startswith("t-") for line in topic.stdout.splitlines())


@pytest.mark.parametrize("fmt", ["table"])
def test_cluster_table_output(tmp_path: Path, fmt: str) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text(json.dumps({"id": "flood-1", "text": FLOOD[0].text}) + "\n", "utf-8")
    result = CliRunner().invoke(cli, ["cluster", str(path), "--format", fmt])
    assert result.exit_code == 0
    assert "flood-1" in result.stdout and stable_id("s-", "flood-1") in result.stdout


def _scorer() -> Any:
    path = shared_path("eval", "score_clusters.py")
    spec = importlib.util.spec_from_file_location("score_clusters", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _b3(rows: list[tuple[str, str, str]], gold_path: Path, ours: int, gold_level: str) -> float:
    scorer = _scorer()
    pred = [{"id": r[0], "story": r[ours]} for r in rows]
    gold = [json.loads(line) for line in gold_path.read_text("utf-8").splitlines() if line]
    return float(scorer.score(pred, gold, gold_level)["b3_f1"])


# Floors just under benchmarks/results/cluster_eval.md; raise them when it improves.
ECB_STORY_FLOOR = 0.90
ECB_TOPIC_FLOOR = 0.89
MEANTIME_TOPIC_FLOOR = 0.985  # the lone-topic rule: 1.0 in cluster_eval.md


@pytest.mark.slow
def test_quality_floor_on_ecbplus_and_meantime() -> None:
    ecb = shared_path("data", "ecbplus")
    articles, _ = read_inputs([str(ecb / "articles.jsonl")])
    _, rows = cluster_levels(articles)
    gold = ecb / "gold_stories.jsonl"
    assert _b3(rows, gold, 1, "story") >= ECB_STORY_FLOOR
    assert _b3(rows, gold, 2, "topic") >= ECB_TOPIC_FLOOR
    meantime = shared_path("data", "meantime")
    articles, _ = read_inputs([str(meantime / "articles.jsonl")])
    _, rows = cluster_levels(articles)
    assert _b3(rows, meantime / "gold_stories.jsonl", 2, "story") >= MEANTIME_TOPIC_FLOOR


def test_every_story_id_ever_given_out_still_resolves() -> None:
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(4, 8))
    words = [["Quell", "flood"], ["Vessa", "launch"], ["chess", "Ardmoor"], ["strike", "port"]]
    c = StoryClusterer()
    given: dict[str, str] = {}
    for i in range(60):
        k = int(rng.integers(0, 4))
        vec = centres[k] + rng.normal(scale=0.6, size=8)
        terms = {w: int(rng.integers(1, 3)) for w in words[k] + words[int(rng.integers(0, 4))]}
        a = c.add(_features(f"a{i}", list(vec), terms))
        given[a.article] = a.story
        for article_id, story in given.items():
            current = c.resolve(story)
            assert current in c.stories
            assert c.story_of_article(article_id) == current
    assert sum(s.size for s in c.stories.values()) == 60
    for m in c.merges:
        assert c.resolve(m.absorbed) == c.resolve(m.into)
