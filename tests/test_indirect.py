"""The indirect-attribution model: its candidates, its shipped weights, its selection."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from storylens.errors import ModelError
from storylens.extract.indirect import (
    MODEL_PATH,
    AttributionModel,
    content_shapes,
    iter_candidates,
    load_model,
    select,
)
from storylens.normalize import normalize
from storylens.pipeline import nlp_pipeline


def _doc(text: str):
    norm = normalize(text)
    return nlp_pipeline()(norm.text), norm


def test_said_that_yields_its_clause_with_the_subject_as_source() -> None:
    doc, norm = _doc("The harbour master said the ferry would resume sailing in May.")
    said = next(t for t in doc if t.text == "said")
    shapes = content_shapes(said, norm.text)
    assert norm.text[slice(*shapes["ccomp"])] == "the ferry would resume sailing in May"
    (cand,) = [c for c in iter_candidates(doc, norm.text) if c.cue.i == said.i][:1]
    assert cand.source is not None and cand.source.text == "master"
    assert cand.source_span.text == "The harbour master"


@pytest.mark.parametrize(
    ("text", "cue", "clause"),
    [
        ("The ministry denied that the dam had failed.", "denied", "that the dam had failed"),
        ("Pell asked whether the ferry would run.", "asked", "whether the ferry would run"),
    ],
)
def test_clause_keeps_its_complementiser(text: str, cue: str, clause: str) -> None:
    doc, norm = _doc(text)
    tok = next(t for t in doc if t.text == cue)
    assert norm.text[slice(*content_shapes(tok, norm.text)["ccomp"])] == clause


def test_shipped_model_loads_and_has_only_feature_names() -> None:
    model = load_model()
    assert 0 < model.threshold < 1 and 0 < model.threshold_quoted < 1
    assert len(model.weights) > 1000
    # names like "lemma=say|shape=ccomp": lemmas that are words, never a stretch of text
    word = re.compile(r"[a-z][a-z'\u2019-]*|<other>|ROOT")
    for name in model.weights:
        for part in name.split("|"):
            key, _, value = part.partition("=")
            if key in ("lemma", "head", "obj"):
                assert word.fullmatch(value), name
    # single weights share the credit with crossed features; their order still holds
    assert model.weights["class=speech"] > model.weights["class=other"]


@pytest.mark.parametrize(
    ("text", "content"),
    [
        ("Mayor Ana Pell said the bridge would reopen in May.", "the bridge would reopen in May"),
        (
            "The union vowed to strike until the pay deal is signed.",
            "to strike until the pay deal is signed",
        ),
        # the complementiser belongs to the content, as PolNeAR's annotators take it
        ("The ministry denied that the dam had failed.", "that the dam had failed"),
    ],
)
def test_model_keeps_plain_attributions(text: str, content: str) -> None:
    doc, norm = _doc(text)
    model = load_model()
    from storylens.extract.indirect import score_candidates

    kept = select(
        score_candidates(doc, norm.text, [False] * (len(norm.text) + 1), model), [], model
    )
    assert any(norm.text[c.start : c.end] == content for c in kept)


def test_model_skips_plain_narration() -> None:
    doc, norm = _doc("The bridge collapsed on Tuesday morning after heavy rain.")
    model = load_model()
    from storylens.extract.indirect import score_candidates

    assert (
        select(score_candidates(doc, norm.text, [False] * (len(norm.text) + 1), model), [], model)
        == []
    )


def test_selection_keeps_one_shape_per_cue_and_no_overlap() -> None:
    doc, norm = _doc("Officials said the storm would pass by Friday, forecasters said.")
    cands = list(iter_candidates(doc, norm.text))
    model = AttributionModel({}, 0.0, 0.4, 0.4)  # every candidate at p = 0.5
    kept = select([(0.5, c) for c in cands], [], model)
    cues = [c.cue.i for c in kept]
    assert len(cues) == len(set(cues))
    for a in kept:
        for b in kept:
            if a is not b:
                overlap = min(a.end, b.end) - max(a.start, b.start)
                assert overlap <= 0.5 * (a.end - a.start)
    # a span already taken by a direct quote is never chosen again
    taken = [(c.start, c.end) for c in kept]
    assert select([(0.9, c) for c in kept], taken, model) == []


def test_cue_whose_best_shape_is_taken_falls_back_to_its_next_plain_shape() -> None:
    from dataclasses import replace

    doc, norm = _doc("The harbour master said the ferry would resume sailing in May.")
    said = next(t for t in doc if t.text == "said")
    first = next(c for c in iter_candidates(doc, norm.text) if c.cue.i == said.i)
    whole = replace(first, start=first.start, end=len(norm.text) - 1, shape="obj")
    short = replace(first, start=first.start, end=first.start + 9, shape="dobj")
    model = AttributionModel({}, 0.0, 0.4, 0.4)
    taken = [(whole.start, whole.end)]  # the best shape lies inside a rule-found content
    kept = select([(0.9, whole), (0.6, short)], taken, model)
    assert kept == []  # the next shape overlaps the same content: nothing
    taken = [(whole.start + 10, whole.end)]
    kept = select([(0.9, whole), (0.6, short)], taken, model)
    assert [c.shape for c in kept] == ["dobj"]
    # a quoted shape never stands in for the cue's best one
    quoted = replace(short, quoted=True)
    assert select([(0.9, whole), (0.6, quoted)], taken, model) == []
    # a plain one may stand in for a quoted best one
    quoted_whole = replace(whole, quoted=True)
    assert [c.shape for c in select([(0.9, quoted_whole), (0.6, short)], taken, model)] == ["dobj"]


def test_mixed_quote_around_a_kept_content_is_not_kept_as_well() -> None:
    from dataclasses import replace

    doc, norm = _doc(
        "Okafor was heard telling the crew and the night-shift dock workers to “hold the "
        "line” at the pier."
    )
    telling = next(t for t in doc if t.text == "telling")
    first = next(c for c in iter_candidates(doc, norm.text) if c.cue.i == telling.i)
    inner_start = norm.text.index("to “hold")
    inner = replace(first, start=inner_start, end=norm.text.index(" at the"), quoted=True)
    outer = replace(first, start=norm.text.index("the crew"), end=len(norm.text) - 1, quoted=True)
    other_cue = next(t for t in doc if t.text == "heard")
    outer = replace(outer, cue=other_cue)
    model = AttributionModel({}, 0.0, 0.4, 0.4)
    # the inner content is kept first; the quoted span around it would only repeat it
    kept = select([(0.9, inner), (0.6, outer)], [], model)
    assert [(c.start, c.end) for c in kept] == [(inner.start, inner.end)]
    # an unquoted content around a kept one is still kept ("X said that Y claimed Z")
    plain = replace(outer, quoted=False)
    assert len(select([(0.9, inner), (0.6, plain)], [], model)) == 2
    # the same holds for a span taken by rule
    assert select([(0.6, outer)], [(inner.start, inner.end)], model) == []


def test_plain_content_gives_way_to_a_kept_one_sooner_than_a_quoted_one() -> None:
    from dataclasses import replace

    from storylens.extract.indirect import TakenSpans

    doc, norm = _doc("The harbour master said the ferry would resume sailing in May.")
    said = next(t for t in doc if t.text == "said")
    first = next(c for c in iter_candidates(doc, norm.text) if c.cue.i == said.i)
    model = AttributionModel({}, 0.0, 0.4, 0.4)
    start = first.start
    plain = replace(first, start=start, end=start + 20, shape="obj")
    taken = [(start + 11, start + 40)]  # 9 of the candidate's 20 characters: 45%
    assert select([(0.9, plain)], taken, model) == []
    quoted_one = replace(plain, quoted=True)
    assert select([(0.9, quoted_one)], taken, model) == [quoted_one]
    # a share below one half is found even outside the span's midpoint bucket: (100, 600)
    # has its midpoint in bucket 1 (256-511), the kept (520, 600) lies in bucket 2 only
    spans = TakenSpans([(520, 600)])
    assert spans.overlaps((100, 600), 0.1) and not spans.overlaps((100, 600))


def test_missing_or_corrupt_model_says_how_to_refit(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="train_attribution.py"):
        load_model(str(tmp_path / "absent.json"))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"weights": {}, "bias": 0}), "utf-8")
    with pytest.raises(ModelError, match="reinstall"):
        load_model(str(bad))


def test_model_file_is_the_packaged_one() -> None:
    assert MODEL_PATH.is_file()
    data = json.loads(MODEL_PATH.read_text("utf-8"))
    assert data["command"].startswith("python benchmarks/train_attribution.py")
    assert "PolNeAR train" in data["trained_on"]


def test_relative_clause_after_a_closing_mark_is_not_content() -> None:
    # the comma sits inside the quotation: ', which' is still non-restrictive
    doc, norm = _doc("The senator attacked the “shadow budget,” which she said hid the costs.")
    attacked = next(t for t in doc if t.text == "attacked")
    shapes = content_shapes(attacked, norm.text)
    assert norm.text[slice(*shapes["dobj"])] == "the “shadow budget"
    assert norm.text[slice(*shapes["obj"])] == "the “shadow budget"


def test_passive_with_agent_attributes_its_subject_to_the_agent() -> None:
    # PolNeAR attributes "X was endorsed by Y" to Y, with X as the content
    doc, norm = _doc("The plan has been endorsed by three fishing cooperatives.")
    endorsed = next(t for t in doc if t.text == "endorsed")
    (cand,) = [c for c in iter_candidates(doc, norm.text) if c.shape == "passive"]
    assert cand.cue.i == endorsed.i
    assert norm.text[cand.start : cand.end] == "The plan"
    assert cand.source_span is not None and cand.source_span.text == "three fishing cooperatives"
    model = load_model()
    from storylens.extract.indirect import score_candidates

    kept = select(
        score_candidates(doc, norm.text, [False] * (len(norm.text) + 1), model), [], model
    )
    assert [norm.text[c.start : c.end] for c in kept] == ["The plan"]


def test_passive_without_agent_has_no_subject_shape() -> None:
    doc, norm = _doc("The plan has been endorsed twice.")
    assert not [c for c in iter_candidates(doc, norm.text) if c.shape == "passive"]


def test_conjoined_verb_of_saying_with_a_pronoun_subject_stays_in_the_content() -> None:
    # "... and he thinks ..." goes on reporting Okafor; "... and Reyes thinks ..." is Reyes's
    doc, norm = _doc(
        "Okafor said the storm wrecked the pier and he thinks repairs will take a year."
    )
    said = next(t for t in doc if t.text == "said")
    assert norm.text[slice(*content_shapes(said, norm.text)["ccomp"])] == (
        "the storm wrecked the pier and he thinks repairs will take a year"
    )
    doc, norm = _doc(
        "Okafor said the storm wrecked the pier, and the engineers think repairs will take a year."
    )
    said = next(t for t in doc if t.text == "said")
    assert (
        norm.text[slice(*content_shapes(said, norm.text)["ccomp"])] == "the storm wrecked the pier"
    )


def test_features_name_the_cues_frame_and_the_shipped_model_weighs_them() -> None:
    # "called the levy “a disgrace”": the predicate (oprd) says the object is named, not
    # merely acted on, which the lemma and shape alone do not tell the model
    from storylens.extract.indirect import features_of

    doc, norm = _doc("Mayor Pell called the levy “a disgrace,” and left.")
    (obj,) = [c for c in iter_candidates(doc, norm.text) if c.shape == "obj"]
    feats = features_of(obj, norm.text, [False] * (len(norm.text) + 1))
    assert "child=oprd|shape=obj" in feats and "child=dobj|shape=obj" in feats
    assert load_model().weights.get("child=oprd|shape=obj", 0.0) > 0


def test_extraction_asks_the_model_for_its_scores() -> None:
    # the fitting script replays scores it computed out of fold through this hook
    from dataclasses import dataclass

    from storylens.extract.quotes import extract_quotes

    doc, norm = _doc("The bridge collapsed on Tuesday after the harbour master warned the town.")
    warned = next(c for c in iter_candidates(doc, norm.text) if c.cue.text == "warned")

    @dataclass(frozen=True)
    class Replay(AttributionModel):
        def score(self, doc, text, inside):  # type: ignore[no-untyped-def]
            return [(0.9, warned)]

    quotes = extract_quotes(doc, norm, "t", model=Replay({}, -100.0, 0.5, 0.5))
    assert [q.content.text for q in quotes] == [norm.text[warned.start : warned.end]]
    assert quotes[0].cue.text == "warned"


@pytest.mark.parametrize(
    ("text", "cue", "clause"),
    [
        (
            "After the vote, Mayor Pell seemed to regret the levy.",
            "seemed",
            "Mayor Pell seemed to regret the levy",
        ),
        (
            "The ferry is expected to resume sailing in May.",
            "expected",
            "The ferry is expected to resume sailing in May",
        ),
    ],
)
def test_hedging_verb_attributes_its_whole_clause_without_a_source(
    text: str, cue: str, clause: str
) -> None:
    # "X seemed to Y", "X is expected to Y": the clause, subject and cue included, is
    # what is reported; its subject is what is reported on, not who reports it
    doc, norm = _doc(text)
    tok = next(t for t in doc if t.text == cue)
    (cand,) = [c for c in iter_candidates(doc, norm.text) if c.shape == "clause"]
    assert cand.cue.i == tok.i
    assert norm.text[cand.start : cand.end] == clause
    assert cand.source is None and cand.source_span is None


def test_hedged_clause_names_a_passive_agent_as_its_source() -> None:
    doc, norm = _doc("The sea wall is considered unsafe by the harbour board.")
    (cand,) = [c for c in iter_candidates(doc, norm.text) if c.shape == "clause"]
    assert (
        norm.text[cand.start : cand.end] == "The sea wall is considered unsafe by the harbour board"
    )
    assert cand.source_span is not None and cand.source_span.text == "the harbour board"


def test_an_active_verb_has_no_clause_shape() -> None:
    # "expects" in the active voice reports its subject's expectation: an ordinary cue
    doc, norm = _doc("The harbour board expects the ferry to resume in May.")
    assert not [c for c in iter_candidates(doc, norm.text) if c.shape == "clause"]


def test_hedged_clause_in_a_relative_clause_takes_no_source_from_its_noun() -> None:
    doc, norm = _doc("The first levy rise, which is widely expected to come in May, will hurt.")
    (cand,) = [c for c in iter_candidates(doc, norm.text) if c.shape == "clause"]
    assert norm.text[cand.start : cand.end] == "which is widely expected to come in May"
    assert cand.source_span is None


def test_inverted_subject_is_not_part_of_the_object_shape() -> None:
    # "..., said Lin Okafor, a harbour pilot": the name after the verb is its subject
    doc, norm = _doc("The ferry will resume in May, said Lin Okafor, a harbour pilot.")
    said = next(t for t in doc if t.text == "said")
    contents = [norm.text[a:b] for a, b in content_shapes(said, norm.text).values()]
    assert not any("Okafor" in c for c in contents), contents
