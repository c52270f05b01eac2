"""Time expressions: every date, time, duration and frequency in an article, resolved.

``tag_text(text, published)`` and ``find_timexes(analyzed)`` return :class:`Timex`
records with offsets into the article's original text, a TimeML type (DATE, TIME,
DURATION, SET) and a TIMEX3 value resolved against the publication date ("Tuesday"
in an article of 2014-03-25 is ``2014-03-25``, "last year" ``2013``, "the past three
months" ``P3M``, "now" ``PRESENT_REF``). Without a publication date, relative
expressions keep their unknown parts as ``X`` ("Tuesday" is ``XXXX-WXX-2``).

The tagger is a cascade of regular-expression rules (``timex_rules``, ``timex_periods``);
it needs no parse, so it runs on the normalised text alone:

1. candidates: every rule's pattern over the normalised text (repaired lines joined);
2. selection: the longest candidates win, then the earliest; overlaps are dropped;
3. resolution, in text order: each rule's resolver reads the publication date, the
   tense of the sentence (a future cue such as "will" turns "Tuesday" forward) and
   what earlier expressions set (the quarter a report is about);
4. anchoring: a bare clock time ("10:35 a.m.") takes the day of the nearest dated
   expression in its sentence, else the publication date;
5. offsets: each span is mapped back to the original text through the normaliser.

Why rules and not a library: ``benchmarks/timex_eval.py`` scores this tagger, dateparser,
ctparse, timexy and HeidelTime on TimeBank and AQUAINT (see the README).
"""

from __future__ import annotations

import bisect
import importlib
import re
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Literal

from ..normalize import Normalized, normalize
from .timex_calendar import same_time
from .timex_rules import RULES, Context, Found, Memory, Rule

# The rule modules register on import, in this order: where two rules match the very
# same span, the one registered first is kept (dates before durations and sets).
for _module in ("timex_relative", "timex_periods"):
    importlib.import_module(f"{__package__}.{_module}")

_KEYED: dict[str, list[str]] = {}
for _rule in RULES:
    for _key in _rule.keys:
        _KEYED.setdefault(_key, []).append(_rule.name)

if TYPE_CHECKING:
    from ..model import Article
    from ..pipeline import Analyzed

TimexType = Literal["DATE", "TIME", "DURATION", "SET"]

# Tense cues near an expression: a modal future turns "Tuesday" forward; without one
# a weekday, month or date is the nearest one (see timex_calendar). A past-tense verb
# somewhere in the clause is no cue: news tells of future dates in the past tense ("the
# board set the vote for March 3"); counting them cost 0.006 value F1 on the timex_eval
# dev fold. Only one right before the expression is (``_PAST_VERB_BEFORE``).
_FUTURE = re.compile(
    r"\b(?:will|shall|won't|wo n't|'ll|going to|is to|are to|(?:is|are) (?:scheduled|due|expected|set|slated) to|"
    r"intends? to|planning to|(?:is|are) scheduled)\b",
    re.IGNORECASE,
)
_FUTURE_BEFORE = re.compile(  # ends where the expression starts
    r"\b(?:until|till|by|as soon as|as early as|as late as|starting|beginning|effective)\s+(?:on\s+)?",
    re.IGNORECASE,
)
# ... and cues that a date lies behind the article's: a period "ended March 31", a change
# "since August" (timex_eval on TimeBank: value F1 0.8049 -> 0.8073)
_PAST_BEFORE = re.compile(r"\b(?:ended|since)\s+(?:on\s+|in\s+)?", re.IGNORECASE)
# a verb in the past tense right before the expression ("said Tuesday", "was told on
# Monday"), unless it is a passive or perfect after a modal ("will be closed Monday") or
# a verb of planning ("scheduled Monday", "extended to Nov. 20"); timex_eval on TimeBank:
# value F1 0.8073 -> 0.8105
_PAST_VERB_BEFORE = re.compile(
    r"(?<!\bbe )(?<!\bbeen )(?<!\bto )(?<!\bhave )(?<!\bhas )"
    r"\b(?!(?:scheduled|expected|planned|slated|set|postponed|delayed|rescheduled|moved|"
    r"adjourned|extended|due|needed|required|ended|opened|"
    r"need|indeed|speed|feed|seed|breed|proceed|succeed|exceed|shed|red|wed)\b)"
    r"(?:said|told|met|began|left|came|went|made|took|gave|won|lost|fell|rose|sold|bought|paid|"
    r"held|ran|saw|got|spoke|wrote|broke|fled|flew|became|brought|found|sent|spent|built|led|"
    r"arrived|[a-z]{2,}ed)\s+(?:on\s+)?",
    re.IGNORECASE,
)
_TOLD_DATE = re.compile(r"\d{4}(?:-\d\d(?:-\d\d)?)?")
_TOLD_YEAR = re.compile(r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)|'\d\d\b")
# a past-tense verb before the expression in its clause: a future cue after it then
# belongs to what was reported (timex_eval dev fold: value F1 +0.0037 on AQUAINT, 0 on TimeBank)
_PAST_VERB = re.compile(
    r"\b(?:said|told|announced|reported|issued|\w+ed)\b(?![ -]to\b)", re.IGNORECASE
)
_DAY_VALUE = re.compile(r"\d{4}-\d\d-\d\d")
_REACH = 60  # characters either side searched for tense cues: a clause's length, not tuned
_SENTENCE_END = re.compile(r"[.!?][\"'”’)]*\s+(?=[\"'“‘(]?[A-Z])|\n")


@dataclass(frozen=True, slots=True)
class Timex:
    """One time expression: ``text`` is ``article.text[start:end]``."""

    start: int
    end: int
    text: str
    type: TimexType
    value: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def parse_published(published: str | date | None) -> date | None:
    """The publication date as a ``date``, or None when there is none to read.

    ISO ``YYYY-MM-DD`` (a time after it is ignored) is read directly; anything else
    ("Tue, 25 Mar 2014 10:00:00 GMT", "March 25, 2014") by dateparser, strictly, so a
    value without a day is not guessed into one.
    """
    if published is None or isinstance(published, date):
        return published
    match = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", published)
    if match:
        try:
            return date(*map(int, match.groups()))
        except ValueError:
            return None
    if not re.search(r"\d", published):
        return None
    import dateparser

    parsed = dateparser.parse(
        published,
        languages=["en"],
        settings={"STRICT_PARSING": True, "RETURN_AS_TIMEZONE_AWARE": False},
    )
    return parsed.date() if parsed else None


_WORD = re.compile(r"[a-z]+")
_BEFORE, _AFTER = 90, 90  # window around a key word: longer than any expression's reach


def _lower(text: str) -> str:
    """``text`` in lower case with the same length (a few letters grow when lowered)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def _windows(positions: list[int], n: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for pos in sorted(positions):
        lo, hi = max(0, pos - _BEFORE), min(n, pos + _AFTER)
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def _candidates(text: str) -> list[tuple[int, int, Rule, re.Match[str]]]:
    """Every rule's matches, each rule run only in windows around its key words.

    A match that reaches the end of its window might be cut short there, so it is
    dropped unless the window ends with the text (the windows reach far enough that
    a whole expression around a key word always fits).
    """
    low = _lower(text)
    n = len(text)
    hits: dict[str, list[int]] = {}
    for m in _WORD.finditer(low):
        for name in _KEYED.get(m.group(), ()):
            hits.setdefault(name, []).append(m.start())
    found = []
    seen: set[tuple[int, int, str]] = set()
    for rule in RULES:
        positions = hits.get(rule.name, [])
        if rule.key_pattern is not None:
            positions = positions + [m.start() for m in rule.key_pattern.finditer(low)]
        elif not rule.keys:
            positions = []
            windows = [(0, n)]
        if rule.keys or rule.key_pattern is not None:
            windows = _windows(positions, n)
        for lo, hi in windows:
            for m in rule.pattern.finditer(text, lo, hi):
                if m.end() == m.start() or (m.end() >= hi and hi < n):
                    continue
                key = (m.start(), m.end(), rule.name)
                if key not in seen:
                    seen.add(key)
                    found.append((m.start(), m.end(), rule, m))
    return found


def _select(
    found: list[tuple[int, int, Rule, re.Match[str]]],
) -> list[tuple[int, int, Rule, re.Match[str]]]:
    """Longest first, then earliest; a candidate overlapping a kept one is dropped."""
    kept: list[tuple[int, int, Rule, re.Match[str]]] = []
    starts: list[int] = []
    for cand in sorted(found, key=lambda c: (c[0] - c[1], c[0])):
        start, end = cand[0], cand[1]
        i = bisect.bisect_left(starts, start)
        if i > 0 and kept[i - 1][1] > start:
            continue
        if i < len(kept) and kept[i][0] < end:
            continue
        kept.insert(i, cand)
        starts.insert(i, start)
    return kept


class _Sentences:
    """Sentence bounds and tense cues of a text, each found in one pass over it."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.ends = [m.end() for m in _SENTENCE_END.finditer(text)]
        self.cues = [m.start() for m in _FUTURE.finditer(text)]
        self.cued_starts = {m.end() for m in _FUTURE_BEFORE.finditer(text)}
        self.past_starts = {m.end() for m in _PAST_BEFORE.finditer(text)}
        self.past_verb_starts = {m.end() for m in _PAST_VERB_BEFORE.finditer(text)}

    def bounds(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.ends, pos)
        start = self.ends[i - 1] if i > 0 else 0
        end = self.ends[i] if i < len(self.ends) else len(self.text)
        return start, end

    def _cue_in(self, lo: int, hi: int) -> bool:
        i = bisect.bisect_left(self.cues, lo)
        return i < len(self.cues) and self.cues[i] < hi

    def tense(self, start: int, end: int) -> str | None:
        """ "future", "past" or None, from the cues in the expression's clause."""
        if start in self.cued_starts:
            return "future"
        if start in self.past_starts or start in self.past_verb_starts:
            return "past"
        s, e = self.bounds(start)
        lo, hi = max(s, start - _REACH), min(e, end + _REACH)
        if self._cue_in(lo, start):
            return "future"
        if self._cue_in(end, hi) and not _PAST_VERB.search(self.text, lo, start):
            return "future"  # "said Friday that it will": the cue is the report's, not the day's
        return None


def tag_normalized(norm: Normalized, published: str | date | None) -> list[Timex]:
    """Time expressions of an already normalised article, in original offsets."""
    text = norm.text
    dct = parse_published(published)
    memory = Memory()
    sentences = _Sentences(text)
    resolved: list[tuple[int, int, Found]] = []
    # a candidate its resolver refuses must not hide a shorter one: try each first
    # (on a scratch memory), keep those that resolve, then resolve the kept in order
    tenses: dict[int, str | None] = {}
    valid = []
    for cand in _candidates(text):
        if cand[0] not in tenses:
            tenses[cand[0]] = sentences.tense(cand[0], cand[1])
        if cand[2].resolve(
            cand[3], Context(text, dct, tenses[cand[0]], Memory(), cand[0], probe=True)
        ):
            valid.append(cand)
    for start, end, rule, m in _select(valid):
        ctx = Context(text, dct, tenses[start], memory, start)
        found = rule.resolve(m, ctx)
        if found is None:
            continue
        s = found.start if found.start is not None else start
        e = found.end if found.end is not None else end
        while e > s and text[e - 1] in " ,":
            e -= 1
        if _TOLD_DATE.fullmatch(found.value) and _TOLD_YEAR.search(text, s, e):
            memory.last = found.value  # a date told with its year: what "that year" means
        resolved.append((s, e, found))
    resolved = _anchor_clock_times(_add_coordinated_days(resolved, text), sentences, dct)
    out = []
    for s, e, found in resolved:
        span = norm.span(s, e)
        out.append(Timex(span.start, span.end, span.text, found.type, found.value))  # type: ignore[arg-type]
    return out


# "April 24 and 25", "May 3 or 4": a second day number sharing the month before it; not
# one counting something ("March 3 and 4 people", "June 2 and 3%")
_NEXT_DAY = re.compile(
    r",? (?:and|or|to|through) (?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?"
    r"(?=[.,;:)'\"”’]|\s+(?:in|at|on|to|and|or|for|when|after|before|during|that)\b|$)(?![\d%])"
)


def _add_coordinated_days(
    resolved: list[tuple[int, int, Found]], text: str
) -> list[tuple[int, int, Found]]:
    """Tag the bare day number of "April 24 and 25" as a date of its own, in the month before it."""
    out: list[tuple[int, int, Found]] = []
    for k, (s, e, f) in enumerate(resolved):
        out.append((s, e, f))
        if f.type != "DATE" or not _DAY_VALUE.fullmatch(f.value) or not text[e - 1 : e].isdigit():
            continue
        m = _NEXT_DAY.match(text, e)
        if m is None or int(m.group("d")) <= int(f.value[8:]):
            continue
        if k + 1 < len(resolved) and resolved[k + 1][0] < m.end():
            continue  # the number is part of an expression already found
        value = f"{f.value[:8]}{int(m.group('d')):02d}"
        try:
            date.fromisoformat(value)
        except ValueError:
            continue  # "April 30 and 31"
        out.append((m.start("d"), m.end(), Found("DATE", value)))
    return out


def _anchor_clock_times(
    resolved: list[tuple[int, int, Found]], sentences: _Sentences, dct: date | None
) -> list[tuple[int, int, Found]]:
    """Give a bare clock time the day of the nearest dated expression in its sentence.

    Without one, the time is on the publication date (or stays ``XXXX-XX-XX``).
    """
    days = [
        (s, f.value[:10])
        for s, _, f in resolved
        if f.type in ("DATE", "TIME") and _DAY_VALUE.match(f.value)
    ]  # in text order, as ``resolved`` is
    starts = [ds for ds, _ in days]
    out = []
    for s, e, f in resolved:
        if f.type == "TIME" and f.value.startswith("XXXX-XX-XXT") and f.value[11:12].isdigit():
            lo, hi = sentences.bounds(s)
            i = bisect.bisect_left(starts, s)  # a bare clock time is itself not in ``days``
            near = [(abs(days[k][0] - s), days[k][1]) for k in (i - 1, i)
                    if 0 <= k < len(days) and lo <= days[k][0] < hi]  # fmt: skip
            if near:
                f = f._replace(value=min(near)[1] + f.value[10:])
            elif dct is not None:
                f = f._replace(value=dct.isoformat() + f.value[10:])
        out.append((s, e, f))
    return out


def tag_text(text: str, published: str | date | None = None) -> list[Timex]:
    """Time expressions of ``text`` (an article's original text), resolved against ``published``.

    Offsets are into ``text`` as given. The text is normalised first (repaired lines
    joined) so that an expression split by a broken line is still found.
    """
    return tag_normalized(normalize(text), published)


def article_timexes(article: Article, published: str | date | None = None) -> list[Timex]:
    """:func:`tag_text` of an article, against its own publication date, else ``published``
    (module level, so a ``--jobs`` worker can be given it)."""
    return tag_text(article.text, article.published or published)


def find_timexes(analyzed: Analyzed) -> list[Timex]:
    """Time expressions of an analysed article, from its normalised text (no second parse)."""
    return tag_normalized(analyzed.norm, analyzed.article.published)


__all__ = [
    "Timex",
    "article_timexes",
    "find_timexes",
    "parse_published",
    "same_time",
    "tag_normalized",
    "tag_text",
]
