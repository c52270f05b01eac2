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
    WEEKDAY_KEYS,
    WEEKDAYS,
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
    """What earlier expressions in the article established."""

    quarter: tuple[int, int] | None = None  # (year, quarter) the article reports on

    def report_quarter(self, year: int, quarter: int, dct: date | None) -> None:
        """Remember the first ended quarter the article names: "the year-ago quarter" is a year before it.

        The first (timex_eval dev fold value F1 0.782) rather than the last named (0.780)
        or the one before the DCT's (0.779): a report names its own quarter first.
        """
        if self.quarter is not None:
            return  # the first quarter an article names is the one it reports on
        if dct is None or (year, quarter) < (dct.year, cal.quarter_of(dct)):
            self.quarter = (year, quarter)


@dataclass
class Context:
    text: str
    dct: date | None
    tense: str | None = None  # "future", "past" or None: the cues around the expression
    memory: Memory = field(default_factory=Memory)

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
    name: str, template: str, keys: str = "", key_pattern: str | None = None, case: bool = False
) -> Callable[[Resolver], Resolver]:
    """Register ``template`` (with ``<PIECE>`` placeholders) and its resolver.

    ``keys``: space-separated lower-case words; ``case``: match case-sensitively.
    """
    pattern = re.compile(expand("<B>" + template + "<E>"), 0 if case else re.IGNORECASE)

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

_REL = {"last": -1, "past": -1, "previous": -1, "preceding": -1, "prior": -1, "this": 0,
        "current": 0, "present": 0, "next": 1, "coming": 1, "following": 1}  # fmt: skip


def _shift_word(rel: str | None) -> int | None:
    """-1, 0 or 1 for "last", "this", "next" (and their synonyms); None when absent."""
    if not rel:
        return None
    words = rel.lower().split()
    for w in reversed(words):
        if w in _REL:
            return _REL[w]
    return None


def _year_only(ctx: Context, shift: int = 0) -> str:
    return f"{ctx.dct.year + shift:04d}" if ctx.dct else "XXXX"


def _year_of(text: str, dct: date | None) -> int:
    """A year written out ("1998") or as two digits ("'98", read within a century of the DCT)."""
    digits = re.sub(r"\D", "", text)
    if len(digits) == 4:
        return int(digits)
    pivot = dct.year if dct else 2000
    year = pivot - pivot % 100 + int(digits)
    return year - 100 if year > pivot + 10 else year


def _half_amount(amount: float, unit: str) -> tuple[str, str]:
    """``5.5`` hours is ``PT5H30M``: a fraction moves to the next smaller unit."""
    smaller = {"Y": ("M", 12), "W": ("D", 7), "D": ("H", 24), "H": ("MIN", 60), "MIN": ("S", 60)}
    if amount == int(amount):
        return str(int(amount)), unit
    if unit in smaller and (amount * smaller[unit][1]) == int(amount * smaller[unit][1]):
        whole, frac = int(amount), amount - int(amount)
        small, factor = smaller[unit]
        if whole and unit == "H":
            return f"{whole}H{int(frac * factor)}", "MIN"
        return str(int(amount * factor)), small
    return f"{amount:g}", unit


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
    count, unit = _half_amount(amount, unit)
    if "H" in count and unit == "MIN":
        return "PT" + count + "M"
    return cal.duration_value(count, unit)


def _unit_value(unit: str, d: date) -> str:
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


def _shifted(dct: date, unit: str, n: int) -> date:
    """``dct`` moved ``n`` units (months and longer keep the day where they can)."""
    if unit in ("D",):
        return dct + timedelta(days=n)
    if unit == "W":
        return dct + timedelta(weeks=n)
    months = {"M": 1, "Q": 3, "Y": 12, "E": 120, "CE": 1200}[unit] * n
    y, m = cal.shift_month(dct.year, dct.month, months)
    return cal.safe_date(y, m, min(dct.day, 28)) or date(y, m, 1)


def _pod(text: str | None) -> str:
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
        year = ctx.dct.year + _REL[m.group("ly").split()[0]]
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
    r"(?:(?P<mod>fiscal|calendar|fiscal year|the year|early|late|mid-|mid|"
    r"the (?:middle|end|beginning|start|rest|remainder|close) of|"
    r"(?:the )?(?P<half>first|second|last|latter) half of|(?:the )?(?P<hq>first|second|third|fourth) quarter of|"
    r"(?:the )?(?P<s1><SEASON>) of|(?P<s2><SEASON>)) ?)?(?P<y><YEAR>)",
    key_pattern=YEAR_KEY,
)
def _year(m: re.Match[str], ctx: Context) -> Found | None:
    before = ctx.text[max(0, m.start() - 4) : m.start()]
    if not m.group("mod") and re.search(r"(?:No\.|#)\s?$", before):
        return None
    year = int(m.group("y"))
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
        shift = _shift_word(m.group("rel")) or 0
        return (
            Found("DATE", f"{ctx.dct.year // 100 + shift:02d}") if ctx.dct else Found("DATE", "XX")
        )
    n = int(m.group("n")) if m.group("n") else ORDINALS[m.group("w").lower()]
    return Found("DATE", f"{n - 1:02d}")


# --------------------------------------------------------------------------- quarters and halves

_QMOD = r"(?:fiscal|calendar|current|latest|flat|comparable|same|previous|prior|recent|just-ended|final|strong|weak|seasonally weak|traditionally strong)"


@rule(
    "quarter",
    r"(?:(?P<det>the|its|their|this year's|last year's|next year's|(?P<yp>(?:19|20)\d\d)'s|a|an) )?"
    r"(?:(?P<y1><YEAR>) )?(?:"
    + _QMOD
    + r" )*(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th|final|last)"
    r"(?P<sep>[ -])(?:fiscal )?(?P<unit>quarter|half)(?: of (?:the )?(?:fiscal (?:year )?)?(?:(?P<y2><YEAR>)|(?P<rel>this|last|next|the current|the previous) (?:fiscal )?year))?",
    keys="quarter half",
)
def _quarter(m: re.Match[str], ctx: Context) -> Found | None:
    ordinal = m.group("ord").lower()
    n = {"1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "final": 4, "last": 4}.get(ordinal) or ORDINALS[
        ordinal
    ]
    if m.group("unit").lower() == "half" and n > 2:
        return None
    det = (m.group("det") or "").lower()
    start = None
    if m.group("sep") == "-" and det in ("the", "its", "their", "a", "an") and not m.group("y2"):
        start = m.start("y1") if m.group("y1") else m.start("ord")
        start = _strip_mods(ctx.text, m, start)
    if ordinal == "last" and not (m.group("y1") or m.group("y2") or m.group("yp")):
        return None  # "the last quarter" is the previous one, handled by the relative rule
    year = None
    if m.group("y1") or m.group("y2") or m.group("yp"):
        year = int(m.group("y1") or m.group("y2") or m.group("yp"))
    elif ctx.dct and ("last year" in det or m.group("rel")):
        year = ctx.dct.year + (_shift_word(det if "year" in det else m.group("rel")) or 0)
    elif ctx.dct and "this year" in det:
        year = ctx.dct.year
    elif ctx.dct:
        cq = (
            cal.quarter_of(ctx.dct)
            if m.group("unit").lower() == "quarter"
            else (ctx.dct.month + 5) // 6
        )
        year = ctx.dct.year - (1 if n > cq and not ctx.future else 0)
    if m.group("unit").lower() == "half":
        return Found("DATE", f"{year if year else 'XXXX'}-H{n}", start)
    if year:
        ctx.memory.report_quarter(year, n, ctx.dct)
    return Found("DATE", f"{year if year else 'XXXX'}-Q{n}", start)


def _strip_mods(text: str, m: re.Match[str], start: int) -> int:
    """Keep "fiscal" in front of a hyphenated "second-quarter"; drop the determiner."""
    words = text[m.start() : start].split()
    keep = [w for w in words if w.lower() in ("fiscal", "calendar")]
    return start - sum(len(w) + 1 for w in keep)


@rule(
    "reference_quarter",
    r"(?:the|its|their|that|this|last year's) (?P<which>(?:latest|current|same|comparable|corresponding|year-ago|"
    r"year-earlier|just-ended|most recent|recent|first|latest fiscal|previous|prior|\d{4}) )?"
    r"(?P<unit>quarter|period)(?P<ago> a year (?:ago|earlier)| last year| of last year| the previous year)?",
    keys="quarter period",
)
def _reference_quarter(m: re.Match[str], ctx: Context) -> Found | None:
    which = (m.group("which") or "").strip().lower()
    det = m.group(0).split()[0].lower()
    unit = m.group("unit").lower()
    if unit == "period" and not (which or m.group("ago")):
        return None
    if which in ("first", "previous", "prior", "recent"):
        return None
    ref = ctx.memory.quarter
    if ctx.dct and (which == "current" or (det == "this" and not which)):
        return Found("DATE", f"{ctx.dct.year}-Q{cal.quarter_of(ctx.dct)}")
    if ref is None and ctx.dct:
        ref = cal.shift_quarter(ctx.dct.year, cal.quarter_of(ctx.dct), -1)
    if ref is None:
        return Found("DATE", "XXXX-QX")
    year, q = ref
    if which.isdigit():
        year = int(which)
    elif (
        which in ("year-ago", "year-earlier")
        or m.group("ago")
        or m.group(0).lower().startswith("last year's")
    ):
        year -= 1
    return Found("DATE", f"{year}-Q{q}")


# --------------------------------------------------------------------------- relative dates


@rule(
    "relative",
    r"(?P<mod>(?:early|late|mid-|the (?:end|beginning|start|middle|rest|remainder|first half|second half|"
    r"latter part|early part|first part|balance) of) ?)?"
    r"(?P<rel>last|this|next|this past|this coming|the past|the last|the previous|the next|the coming|the current|"
    r"the following|the preceding|the prior) (?:fiscal |calendar )?(?P<unit>week|weekend|month|year|quarter|decade|century)",
    keys="week weekend month year quarter decade century",
)
def _relative(m: re.Match[str], ctx: Context) -> Found | None:
    unit = m.group("unit").lower()
    rel = m.group("rel").lower()
    shift = _shift_word(rel)
    assert shift is not None
    if rel in ("the next", "the coming", "the following") and unit not in ("weekend",):
        # "the next year" is the coming twelve months, not next calendar year
        return Found("DURATION", duration("a", unit))
    if unit == "weekend":
        if not ctx.dct:
            return Found("DATE", "XXXX-WXX-WE")
        saturday = cal.weekday_near(ctx.dct, 5, future=shift >= 0 and (shift > 0 or ctx.future))
        if shift < 0 and rel != "this past":
            saturday = cal.weekday_near(ctx.dct, 5, future=False, strict=ctx.dct.weekday() == 5)
        return Found("DATE", cal.weekend_value(saturday))
    code = {"week": "W", "month": "M", "year": "Y", "quarter": "Q", "decade": "E", "century": "CE"}[
        unit
    ]
    if not ctx.dct:
        return Found("DATE", {"W": "XXXX-WXX", "M": "XXXX-XX", "Q": "XXXX-QX"}.get(code, "XXXX"))
    value = _unit_value(code, _shifted(ctx.dct, code, shift))
    if code == "Q":
        y, q = value.split("-Q")
        ctx.memory.report_quarter(int(y), int(q), ctx.dct)
    return Found("DATE", value)


@rule(
    "day",
    r"(?P<mod>(?:early|earlier|late|later|the day before|the day after|the night before) )?"
    r"(?P<day>today|yesterday|tomorrow|tonight)(?:(?:'s)? (?P<pod><POD>))?",
    keys="today yesterday tomorrow tonight",
)
def _day(m: re.Match[str], ctx: Context) -> Found | None:
    word = m.group("day").lower()
    mod = (m.group("mod") or "").lower().strip()
    shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[word]
    shift += (
        -1
        if mod.startswith("the day before") or mod.startswith("the night before")
        else 1
        if mod.startswith("the day after")
        else 0
    )
    pod = "NI" if word == "tonight" else _pod(m.group("pod"))
    if not ctx.dct:
        return Found("TIME" if pod else "DATE", "XXXX-XX-XX" + (f"T{pod}" if pod else ""))
    d = cal.day_value(ctx.dct + timedelta(days=shift))
    return Found("TIME", f"{d}T{pod}") if pod else Found("DATE", d)


@rule(
    "part_of_day",
    r"(?:(?:early|earlier|late|later) )?(?P<rel>this|last|yesterday|tomorrow) ?(?P<pod>morning|afternoon|evening|night)",
    keys="morning afternoon evening night",
)
def _part_of_day(m: re.Match[str], ctx: Context) -> Found | None:
    rel = m.group("rel").lower()
    pod = _pod(m.group("pod"))
    if rel == "last" and pod != "NI":
        return None
    shift = -1 if rel in ("last", "yesterday") else 1 if rel == "tomorrow" else 0
    if not ctx.dct:
        return Found("TIME", f"XXXX-XX-XXT{pod}")
    return Found("TIME", f"{cal.day_value(ctx.dct + timedelta(days=shift))}T{pod}")


@rule(
    "weekday",
    r"(?:(?P<rel>last|next|this|this past|this coming|early|late) )?(?P<wd><WEEKDAY>)"
    r"(?P<plural>s)?(?: (?P<pod>morning|afternoon|evening|night)(?P<pods>s)?)?",
    keys=WEEKDAY_KEYS,
)
def _weekday(m: re.Match[str], ctx: Context) -> Found | None:
    wd = WEEKDAYS[m.group("wd").lower()]
    pod = _pod(m.group("pod"))
    suffix = f"T{pod}" if pod else ""
    if m.group("plural") or m.group("pods"):
        return Found("SET", f"XXXX-WXX-{wd + 1}{suffix}")
    rel = (m.group("rel") or "").lower()
    if not ctx.dct:
        return Found("TIME" if pod else "DATE", f"XXXX-WXX-{wd + 1}{suffix}")
    if rel in ("last", "this past"):
        d = cal.weekday_near(ctx.dct, wd, future=False, strict=True)
    elif rel in ("next", "this coming"):
        d = cal.weekday_near(ctx.dct, wd, future=True, strict=True)
    elif ctx.tense is None:
        # no cue: the nearer one, the earlier on a tie (timex_eval dev fold: value F1
        # 0.752 with "always the last one", 0.756 with the nearer)
        back = cal.weekday_near(ctx.dct, wd, future=False)
        ahead = cal.weekday_near(ctx.dct, wd, future=True)
        d = ahead if (ahead - ctx.dct) < (ctx.dct - back) else back
    else:
        d = cal.weekday_near(ctx.dct, wd, future=ctx.future)
    return Found("TIME" if pod else "DATE", cal.day_value(d) + suffix)


_HOLIDAYS = (
    r"(?-i:Christmas(?: Day| Eve)?|New Year's(?: Day| Eve)|Thanksgiving(?: Day)?|Easter(?: Sunday)?|"
    r"Good Friday|Independence Day|the Fourth of July|July Fourth|Labor Day|Memorial Day|Election Day|"
    r"Halloween|Valentine's Day|Veterans Day|Mother's Day|Father's Day|Boxing Day|"
    r"Martin Luther King(?: Jr\.)? Day|Presidents' Day|Columbus Day)"
)


@rule(
    "holiday",
    r"(?:(?P<rel>last|next|this) )?(?P<h>" + _HOLIDAYS + ")",
    keys="christmas new thanksgiving easter good independence fourth labor memorial election halloween valentine veterans mother father boxing king presidents columbus",
)
def _holiday(m: re.Match[str], ctx: Context) -> Found | None:
    name = m.group("h").lower()

    def on(year: int) -> date:
        fixed = {"christmas eve": (12, 24), "new year's day": (1, 1), "new year's eve": (12, 31),
                 "independence day": (7, 4), "the fourth of july": (7, 4), "july fourth": (7, 4),
                 "halloween": (10, 31), "valentine's day": (2, 14), "veterans day": (11, 11),
                 "boxing day": (12, 26)}  # fmt: skip
        if name.startswith("christmas") and name != "christmas eve":
            return date(year, 12, 25)
        if name in fixed:
            return date(year, *fixed[name])
        if name.startswith("thanksgiving"):
            return cal.nth_weekday(year, 11, 3, 4)
        if name.startswith("easter"):
            return cal.easter(year)
        if name == "good friday":
            return cal.easter(year) - timedelta(days=2)
        if name == "election day":
            return cal.nth_weekday(year, 11, 0, 1) + timedelta(days=1)
        nth = {"labor day": (9, 0, 1), "memorial day": (5, 0, -1), "mother's day": (5, 6, 2),
               "father's day": (6, 6, 3), "presidents' day": (2, 0, 3), "columbus day": (10, 0, 2)}  # fmt: skip
        month, weekday, n = nth.get(
            name, (1, 0, 3)
        )  # Martin Luther King Day: third Monday of January
        return cal.nth_weekday(year, month, weekday, n)

    if not ctx.dct:
        return None
    rel = (m.group("rel") or "").lower()
    this = on(ctx.dct.year)
    future = rel == "next" or (ctx.future and rel != "last")
    if rel == "this":
        day = this
    elif future:
        day = this if this >= ctx.dct else on(ctx.dct.year + 1)
    else:
        day = this if this <= ctx.dct else on(ctx.dct.year - 1)
    return Found("DATE", cal.day_value(day))


@rule(
    "season",
    r"(?:(?P<rel>last|this|next|this past|this coming|the past|the coming|early|late|mid-|the|"
    r"the (?:early|late|end of|beginning of|middle of|end of the|start of the)) ?)?(?P<s><SEASON>)(?! of)",
    keys="spring summer fall autumn winter",
)
def _season(m: re.Match[str], ctx: Context) -> Found | None:
    season = SEASONS[m.group("s").lower()]
    rel = (m.group("rel") or "").lower()
    if not rel:
        before = ctx.text[max(0, m.start() - 7) : m.start()].lower()
        if season in ("FA", "SP") or not re.search(
            r"\b(?:in|this|over|during|until|by|since)\s$", before
        ):
            return None
    if season == "FA" and rel in ("the",):
        return None  # "the fall" is more often a decline
    if not ctx.dct:
        return Found("DATE", f"XXXX-{season}")
    first, last = cal.SEASONS[season]
    month = ctx.dct.month
    shift = _shift_word(rel)
    if shift == -1:
        ended = month > last if season != "WI" else 2 < month < 12
        year = ctx.dct.year - (0 if ended else 1)
    elif shift == 1:
        year = ctx.dct.year + (0 if month < first and season != "WI" else 1)
    elif shift == 0 or not ctx.future:
        year = ctx.dct.year - (1 if season == "WI" and month <= 2 else 0)
        if shift is None and season != "WI" and month < first:
            year -= 1  # "the summer", in a past-tense sentence of March: last summer
    else:
        year = ctx.dct.year + (1 if month > last and season != "WI" else 0)
    return Found("DATE", f"{year}-{season}")


@rule(
    "the_weekend",
    r"(?:the|this|this past|last|next|this coming) weekend(?!s)",
    keys="weekend",
)
def _the_weekend(m: re.Match[str], ctx: Context) -> Found | None:
    """The weekend nearest the DCT in the tense's direction ("over the weekend")."""
    if not ctx.dct:
        return Found("DATE", "XXXX-WXX-WE")
    rel = m.group(0).lower().rsplit(" ", 1)[0]
    future = rel in ("next", "this coming") or (rel in ("the", "this") and ctx.future)
    if rel == "this" and ctx.dct.weekday() >= 5:
        return Found("DATE", cal.weekend_value(ctx.dct))
    saturday = cal.weekday_near(ctx.dct, 5, future=future, strict=rel in ("last", "next"))
    return Found("DATE", cal.weekend_value(saturday))


@rule("year_end", r"year[- ]end(?![\w-])", keys="year")
def _year_end(m: re.Match[str], ctx: Context) -> Found | None:
    """ "By year-end": the end of the DCT's year (TimeBank writes the year)."""
    return Found("DATE", _year_only(ctx))


@rule(
    "the_year",
    r"the (?:full |current |calendar |entire |whole )?year(?![\w-])(?! (?:ago|earlier|before|after|later|\d))",
    keys="year",
)
def _the_year(m: re.Match[str], ctx: Context) -> Found | None:
    """ "For the year", "the full year": the year the article reports on, the DCT's."""
    return Found("DATE", _year_only(ctx))


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
