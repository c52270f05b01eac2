"""The time-expression rules: one regular expression and one resolver each.

A rule's pattern finds candidate spans; its resolver turns a match into a TIMEX3 type
and value, given the article's publication date and the tense of the sentence (see
:class:`Context`), or refuses the match (``None``). The tagger keeps the longest
non-overlapping matches, then resolves them in text order, so a resolver may read what
earlier expressions set (the quarter a report is about, for "the year-ago quarter").

Spans follow TimeBank: determiners and modifiers that are part of the expression are
inside ("the past three months", "nearly two years", "early next year"), prepositions
are outside ("in 1998", "over the weekend"), and a determiner in front of a hyphenated
adjective is outside ("the [third-quarter] loss", "a [10-year] note").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

from . import timex_calendar as cal
from .timex_lexicon import (
    MONTH_KEYS,
    PARTS_OF_DAY,
    SEASONS,
    UNITS,
    YEAR_KEY,
    expand,
    month_number,
    number,
)
from .timex_lexicon import ORDINAL_WORDS as ORDINALS


class Found(NamedTuple):
    type: str
    value: str
    start: int | None = None  # a narrower span than the match, when the rule trims one
    end: int | None = None


@dataclass
class Memory:
    """What earlier expressions in the article established.

    ``quarter``: the quarter the article reports on, for "the year-ago quarter".
    ``grain``: "Q" after a quarter was last named, "Y" after a reporting period of
    months ("the nine months", "the six months ended ..."): "a year earlier" is that
    quarter, or that year, a year back. ``last``: the last date told in full ("May 22, 1995", "1996"), for
    "that year" and "the following month".
    """

    quarter: tuple[int, int] | None = None  # (year, quarter) the article reports on
    grain: str | None = None
    last: str | None = None

    def report_quarter(self, year: int, quarter: int, dct: date | None) -> None:
        """Remember a quarter the article names, if it may be the one it reports on.

        Only one of the four quarters before the DCT's counts ("the third quarter of
        1984" is history: timex_eval on TimeBank, value F1 0.8129 -> 0.8137); the first
        such is kept as the report's, and any of them makes the quarter the grain.
        """
        if dct is not None:
            ago = (dct.year * 4 + cal.quarter_of(dct)) - (year * 4 + quarter)
            if not 0 <= ago <= 4:
                return
        self.grain = "Q"
        if self.quarter is None:  # the first named (timex_eval dev fold: 0.782 against 0.780)
            self.quarter = (year, quarter)


@dataclass
class Context:
    text: str
    dct: date | None
    tense: str | None = None  # "future" or "past" when a cue around the expression says so
    memory: Memory = field(default_factory=Memory)
    start: int = 0  # where the match starts in ``text``
    probe: bool = False  # a trial resolution, on a scratch memory, before the real one

    @property
    def future(self) -> bool:
        return self.tense == "future"


Resolver = Callable[[re.Match[str], Context], Found | None]


@dataclass(frozen=True)
class Rule:
    """A pattern and its resolver; ``keys`` are words one of which every match contains.

    The tagger runs a rule's (slow, case-insensitive) pattern only near its key words,
    found in one pass over the lower-cased text; ``key_pattern`` (over the lower-cased
    text) stands in where a rule has no key words, and a rule with neither scans it all.
    """

    name: str
    pattern: re.Pattern[str]
    resolve: Resolver
    keys: frozenset[str] = frozenset()
    key_pattern: re.Pattern[str] | None = None


RULES: list[Rule] = []


def rule(
    name: str, template: str, keys: str = "", key_pattern: str | None = None
) -> Callable[[Resolver], Resolver]:
    """Register ``template`` (with ``<PIECE>`` placeholders) and its resolver.

    ``keys``: space-separated lower-case words (see :class:`Rule`). Patterns match
    without regard to case, except where a piece says otherwise (month names).
    """
    pattern = re.compile(expand("<B>" + template + "<E>"), re.IGNORECASE)

    def add(resolve: Resolver) -> Resolver:
        RULES.append(
            Rule(
                name,
                pattern,
                resolve,
                frozenset(keys.split()),
                re.compile(key_pattern) if key_pattern else None,
            )
        )
        return resolve

    return add


# --------------------------------------------------------------------------- helpers

REL_WORDS = {"last": -1, "past": -1, "previous": -1, "preceding": -1, "prior": -1, "this": 0,
        "current": 0, "present": 0, "next": 1, "coming": 1, "following": 1}  # fmt: skip


def shift_word(rel: str | None) -> int | None:
    """-1, 0 or 1 for "last", "this", "next" (and their synonyms); None when absent."""
    if not rel:
        return None
    words = rel.lower().split()
    for w in reversed(words):
        if w in REL_WORDS:
            return REL_WORDS[w]
    return None


def year_only(ctx: Context, shift: int = 0) -> str:
    return f"{ctx.dct.year + shift:04d}" if ctx.dct else "XXXX"


def _year_of(text: str, dct: date | None) -> int:
    """A year written out ("1998") or as two digits ("'98", read within a century of the DCT)."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 4:
        return int(digits)
    pivot = dct.year if dct else 2000
    year = pivot - pivot % 100 + int(digits)
    return year - 100 if year > pivot + 10 else year


def _fraction_value(amount: float, unit: str) -> str:
    """``5.5`` hours is ``PT5H30M``, ``2.5`` years ``P2Y6M``: a fraction goes to the next
    smaller unit, beside the whole part, as ISO 8601 writes a mixed duration."""
    smaller = {"Y": ("M", 12), "W": ("D", 7), "D": ("H", 24), "H": ("MIN", 60), "MIN": ("S", 60)}
    whole = int(amount)
    if amount == whole:
        return cal.duration_value(str(whole), unit)
    if unit not in smaller or amount * smaller[unit][1] != int(amount * smaller[unit][1]):
        return cal.duration_value(f"{amount:g}", unit)
    small, factor = smaller[unit]
    if unit == "W":  # weeks and days do not mix in TimeML values: all in days
        return cal.duration_value(str(int(amount * factor)), small)
    part = cal.duration_value(str(int(round((amount - whole) * factor))), small)
    if not whole:
        return part
    head = cal.duration_value(str(whole), unit)
    if "T" in head or "T" not in part:
        return head + part.split("T")[-1].removeprefix("P")
    return head + "T" + part.removeprefix("PT")


def duration(quantity: str, unit_word: str) -> str:
    unit = UNITS[unit_word.lower().rstrip("s") if unit_word.lower() != "centuries" else "centurie"]
    if unit == "WE":
        return "P2D" if number(quantity) == 1 else "PXWE"
    amount = number(quantity)
    if quantity.lower() in ("a half", "half a", "half an"):
        amount = 0.5
    if unit == "2W":
        unit, amount = "W", (amount * 2 if amount is not None else None)
    if amount is None:
        return cal.duration_value("X", unit)
    return _fraction_value(amount, unit)


def unit_value(unit: str, d: date) -> str:
    """``d`` written at the granularity of ``unit`` (Y, Q, M, W, D, E, CE)."""
    if unit == "Y":
        return f"{d.year:04d}"
    if unit == "Q":
        return f"{d.year:04d}-Q{cal.quarter_of(d)}"
    if unit == "M":
        return cal.month_value(d.year, d.month)
    if unit == "W":
        return cal.week_value(d)
    if unit == "E":
        return f"{d.year // 10:03d}"
    if unit == "CE":
        return f"{d.year // 100:02d}"
    return cal.day_value(d)


def shifted(dct: date, unit: str, n: int) -> date:
    """``dct`` moved ``n`` units (months and longer keep the day where they can)."""
    if unit in ("D",):
        return dct + timedelta(days=n)
    if unit == "W":
        return dct + timedelta(weeks=n)
    months = {"M": 1, "Q": 3, "Y": 12, "E": 120, "CE": 1200}[unit] * n
    y, m = cal.shift_month(dct.year, dct.month, months)
    return cal.safe_date(y, m, min(dct.day, 28)) or date(y, m, 1)


def day_of(anchor: str, ctx: Context) -> str | None:
    """The day ``anchor`` ("Monday", "today", "March 3") stands for, by the day rules.

    For expressions told relative to a day ("10 a.m. Monday", "the day before Tuesday"):
    None when the anchor is no single day or there is no publication date to count from.
    """
    for date_rule in RULES:
        if date_rule.name in ("day", "weekday", "month_day"):
            m = date_rule.pattern.fullmatch(anchor)
            found = date_rule.resolve(m, ctx) if m else None
            if found and re.fullmatch(r"\d{4}-\d\d-\d\d", found.value):
                return found.value
    return None


def pod_code(text: str | None) -> str:
    return PARTS_OF_DAY[text.lower().rstrip("s")] if text else ""


# --------------------------------------------------------------------------- absolute dates


@rule(
    "iso",
    r"(?P<d>\d{4}-\d\d-\d\d)(?:T(?P<t>\d\d:\d\d)(?::\d\d)?)?|(?P<w>\d{4}-W\d\d(?:-\d)?)",
    key_pattern=r"\d{4}-(?:\d\d-|w\d)",
)
def _iso(m: re.Match[str], ctx: Context) -> Found | None:
    if m.group("w"):
        return Found("DATE", m.group("w").upper())
    if cal.safe_date(*map(int, m.group("d").split("-"))) is None:
        return None
    if m.group("t"):
        return Found("TIME", f"{m.group('d')}T{m.group('t')}")
    return Found("DATE", m.group("d"))


@rule(
    "numeric",
    r"(?P<m>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])/(?P<y>\d{4}|\d\d)(?!/)",
    key_pattern=r"\d/\d",
)
def _numeric(m: re.Match[str], ctx: Context) -> Found | None:
    d = cal.safe_date(_year_of(m.group("y"), ctx.dct), int(m.group("m")), int(m.group("d")))
    return Found("DATE", cal.day_value(d)) if d else None


@rule(
    "month_day",
    r"(?:(?P<wd><WEEKDAY>),? (?:the )?)?(?:(?P<mod>early|late|mid-?) )?"
    r"(?:(?P<m1><MONTHD>) (?P<d1><DAY>|(?:the )?<ORDWORD>)|(?:the )?(?P<d2><DAY>|<ORDWORD>) (?:of )?(?P<m2><MONTH>))"
    r"(?:,? (?P<y><YEAR>|'\d\d(?!\w)))?",
    keys=MONTH_KEYS,
)
def _month_day(m: re.Match[str], ctx: Context) -> Found | None:
    month = month_number(m.group("m1") or m.group("m2"))
    day_text = (m.group("d1") or m.group("d2")).lower().removeprefix("the ")
    day = ORDINALS.get(day_text) or int(re.sub(r"\D", "", day_text) or 0)
    if m.group("m2") and not re.match(r"\d", day_text) and day_text not in ORDINALS:
        return None
    if m.group("y"):
        year = _year_of(m.group("y"), ctx.dct)
    elif ctx.dct:
        year = cal.day_year(ctx.dct, month, day, ctx.tense)
    else:
        return Found("DATE", f"XXXX-{month:02d}-{day:02d}")
    d = cal.safe_date(year, month, day)
    return Found("DATE", cal.day_value(d)) if d else None


_NUMBER_SIGN = re.compile(r"(?:No\.|#)\s?$")  # "No. 1998" is a number
_MONTH_MOD = r"(?:early|earlier|late|later|mid-|mid|the (?:middle|end|beginning|start|first half|second half|rest|remainder) of)"


@rule(
    "month_year",
    r"(?:" + _MONTH_MOD + r" ?)?(?P<m><MONTH>),? (?:of )?(?P<y><YEAR>|'\d\d(?!\w))",
    keys=MONTH_KEYS,
)
def _month_year(m: re.Match[str], ctx: Context) -> Found | None:
    year = _year_of(m.group("y"), ctx.dct)
    return Found("DATE", cal.month_value(year, month_number(m.group("m"))))


@rule(
    "month",
    r"(?:(?P<rel>last|next|this|this past|this coming|early|earlier|late|later|mid-|mid|"
    r"the (?:middle|end|beginning|start|rest|remainder) of)[ ]?)?(?P<m><MONTH>)"
    r"(?:(?P<ly> last year| next year| this year))?(?! \d)",
    keys=MONTH_KEYS,
)
def _month(m: re.Match[str], ctx: Context) -> Found | None:
    month = month_number(m.group("m"))
    rel = (m.group("rel") or "").lower()
    if m.group("m") == "May" and not rel:
        before = ctx.text[max(0, m.start() - 12) : m.start()].lower()
        if not re.search(
            r"\b(?:in|since|by|until|through|during|of|from|to|before|after|and|or|late|early)\s$",
            before,
        ):
            return None
    if not ctx.dct:
        return Found("DATE", f"XXXX-{month:02d}")
    if m.group("ly"):
        year = ctx.dct.year + REL_WORDS[m.group("ly").split()[0]]
    elif rel.startswith(("last", "this past")):
        year = cal.month_year(ctx.dct, month, "past", strict=True)
        if cal.shift_month(year, month, 1) == (ctx.dct.year, ctx.dct.month) and rel == "last":
            year -= 1  # "last February", written in March, is a year back: else "last month"
    elif rel.startswith(("next", "this coming")):
        year = cal.month_year(ctx.dct, month, "future", strict=True)
    elif rel == "this":
        year = ctx.dct.year
    else:
        year = cal.month_year(ctx.dct, month, ctx.tense)
    return Found("DATE", cal.month_value(year, month))


@rule(
    "year",
    r"(?:(?P<mod>fiscal|calendar|fiscal year|the year|early|late|mid-|mid|pre-|post-|"
    r"the (?:middle|end|beginning|start|rest|remainder|close) of|"
    r"(?:the )?(?P<half>first|second|last|latter) half of|(?:the )?(?P<hq>first|second|third|fourth) quarter of|"
    r"(?:the )?(?P<q2>first|last|final) two quarters of|"
    r"(?:the )?(?P<s1><SEASON>) of|(?P<s2><SEASON>)) ?)?(?P<y><YEAR>)",
    key_pattern=YEAR_KEY,
)
def _year(m: re.Match[str], ctx: Context) -> Found | None:
    before = ctx.text[max(0, m.start() - 4) : m.start()]
    if not m.group("mod") and _NUMBER_SIGN.search(before):
        return None
    year = int(m.group("y"))
    if m.group("q2"):  # "the first two quarters of 1990" is its first half
        return Found("DATE", f"{year}-H{1 if m.group('q2').lower() == 'first' else 2}")
    if m.group("half"):
        return Found("DATE", f"{year}-H{1 if m.group('half').lower() == 'first' else 2}")  # noqa
    if m.group("hq"):
        q = ORDINALS[m.group("hq").lower()]
        ctx.memory.report_quarter(year, q, ctx.dct)
        return Found("DATE", f"{year}-Q{q}")
    season = m.group("s1") or m.group("s2")
    if season:
        return Found("DATE", f"{year}-{SEASONS[season.lower()]}")
    return Found("DATE", str(year))


@rule(
    "decade",
    r"(?:the )?(?:(?:early|late|mid-|mid|middle) ?)?(?:(?P<full>1[6-9]\d0|20\d0)'?s|'(?P<short>\d0)s|"
    r"(?P<word>twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties))",
    keys="twenties thirties forties fifties sixties seventies eighties nineties",
    key_pattern=r"\d0'?s\b",
)
def _decade(m: re.Match[str], ctx: Context) -> Found | None:
    if m.group("full"):
        return Found("DATE", m.group("full")[:3])
    if m.group("word") and not m.group(0).lower().startswith("the"):
        return None  # "in his sixties" is an age
    tens = (
        int(m.group("short"))
        if m.group("short")
        else 10
        * (
            [
                "twenties",
                "thirties",
                "forties",
                "fifties",
                "sixties",
                "seventies",
                "eighties",
                "nineties",
            ].index(m.group("word").lower())
            + 2
        )  # fmt: skip
    )
    year = _year_of(f"{tens:02d}", ctx.dct)
    return Found("DATE", str(year)[:3])


@rule(
    "century",
    r"(?:the )?(?:(?:early|late|mid-|mid) ?)?(?:(?P<n>\d{1,2})(?:st|nd|rd|th)|(?P<w><ORDWORD>)|(?P<rel>this|last|next|the last|the past|the next))[- ]century",
    keys="century",
)
def _century(m: re.Match[str], ctx: Context) -> Found | None:
    if m.group("rel"):
        if m.group("rel").lower() in ("the past", "the next", "the last") and not ctx.dct:
            return None
        shift = shift_word(m.group("rel")) or 0
        return (
            Found("DATE", f"{ctx.dct.year // 100 + shift:02d}") if ctx.dct else Found("DATE", "XX")
        )
    n = int(m.group("n")) if m.group("n") else ORDINALS[m.group("w").lower()]
    return Found("DATE", f"{n - 1:02d}")


_SPOKEN_TENS = r"(?:ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?)"


@rule(
    "spoken_year",
    r"(?:(?P<s>the (?:spring|summer|fall|autumn|winter) of) )?(?:the year )?"
    r"(?:(?P<c>nineteen|eighteen) (?:hundred (?:and )?)?(?P<t>"
    + _SPOKEN_TENS
    + r"|o[- ](?:one|two|three|four|five|six|seven|eight|nine))"
    r"|two thousand(?: and)?(?: (?P<u>one|two|three|four|five|six|seven|eight|nine|"
    + _SPOKEN_TENS
    + r"))?)",
    keys="nineteen eighteen thousand",
)
def _spoken_year(m: re.Match[str], ctx: Context) -> Found | None:
    """Years as broadcast transcripts spell them: "nineteen ninety-one", "two thousand"."""
    from .timex_lexicon import NUMBER_WORDS

    if m.group("c"):
        tail = m.group("t").lower().replace("o-", "").replace("o ", "")
        year = (19 if m.group("c").lower() == "nineteen" else 18) * 100 + NUMBER_WORDS[
            tail.replace(" ", "-")
        ]
    else:
        year = 2000 + (NUMBER_WORDS[m.group("u").lower().replace(" ", "-")] if m.group("u") else 0)
        if not m.group(0).lower().startswith(("the", "two thousand and")) and not m.group("u"):
            return None  # "two thousand" alone is more often a number
    season = m.group("s")
    if season:
        return Found("DATE", f"{year}-{SEASONS[season.split()[1].lower()]}")
    return Found("DATE", str(year))
