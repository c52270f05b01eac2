"""Time-expression rules for dates told relative to the article's: quarters, "last week",
"Tuesday", "yesterday", holidays, seasons, "the weekend", "the year".

Registered into :data:`storylens.extract.timex_rules.RULES` on import, like the rules
there; see that module for how a rule is written.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from . import timex_calendar as cal
from .timex_lexicon import ORDINAL_WORDS as ORDINALS
from .timex_lexicon import SEASONS, WEEKDAY_KEYS, WEEKDAYS, expand
from .timex_rules import (
    Context,
    Found,
    day_of,
    duration,
    pod_code,
    rule,
    shift_word,
    shifted,
    unit_value,
    year_only,
)

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
        year = ctx.dct.year + (shift_word(det if "year" in det else m.group("rel")) or 0)
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
    r"(?:the|its|their|that|this|last year's) (?P<which>(?:(?:(?:comparable|corresponding|same) )?(?:year-ago|year-earlier)|latest|current|same|"
    r"comparable|corresponding|just-ended|most recent|recent|first|latest fiscal|previous|prior|\d{4}) )?"
    r"(?P<unit>quarter|period)(?!-)(?P<ago> a year (?:ago|earlier)| last year| of last year| the previous year)?",
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
        which.endswith(("year-ago", "year-earlier"))
        or m.group("ago")
        or m.group(0).lower().startswith("last year's")
    ):
        year -= 1
    return Found("DATE", f"{year}-Q{q}")


# --------------------------------------------------------------------------- relative dates


_OPENING = ('"', "“", "'", "‘")


@rule(
    "relative",
    r"(?P<mod>(?:earlier|later|early|late|mid-|the (?:end|beginning|start|middle|rest|remainder|first half|second half|"
    r"latter part|early part|first part|balance) of) ?)?"
    r"(?P<rel>last|this|next|this past|this coming|the past|the last|the previous|the next|the coming|the current|"
    r"the following|the preceding|the prior) (?:fiscal |calendar )?(?P<unit>week|weekend|month|year|quarter|decade|century)(?!-)",
    keys="week weekend month year quarter decade century",
)
def _relative(m: re.Match[str], ctx: Context) -> Found | None:
    if m.group("unit")[0].isupper() and ctx.text[max(0, m.start() - 1) : m.start()] in _OPENING:
        return None  # '"This Week"' in quotation marks is a title, not a week
    unit = m.group("unit").lower()
    rel = m.group("rel").lower()
    shift = shift_word(rel)
    assert shift is not None
    anchored = _from_last(ctx, unit, shift) if rel in _ANAPHORIC else None
    if anchored:
        return Found("DATE", anchored)
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
    value = unit_value(code, shifted(ctx.dct, code, shift))
    if code == "Q":
        y, q = value.split("-Q")
        ctx.memory.report_quarter(int(y), int(q), ctx.dct)
    return Found("DATE", value)


_ANAPHORIC = ("the following", "the previous", "the preceding", "the prior")


def _from_last(ctx: Context, unit: str, shift: int) -> str | None:
    """ "The following year" after "May 22, 1995": 1996, counted from the last date told.

    TimeML anchors these to the time the text is talking about, not to the article's
    date; without a full date before them they are left to the caller. "Over the
    following year" is a stretch of time, not a date.
    """
    last = ctx.memory.last
    grain = {"year": 4, "month": 7, "day": 10}.get(unit)
    if not last or not grain or len(last) < grain:
        return None
    before = ctx.text[max(0, ctx.start - 8) : ctx.start].lower()
    if re.search(r"\b(?:for|over|during|within)\s$", before):
        return None
    if unit == "year":
        return f"{int(last[:4]) + shift:04d}"
    y, mo = int(last[:4]), int(last[5:7])
    if unit == "month":
        return cal.month_value(*cal.shift_month(y, mo, shift))
    d = cal.safe_date(y, mo, int(last[8:10]))
    return cal.day_value(d + timedelta(days=shift)) if d else None


@rule("that_unit", r"(?:that|the same) (?P<unit>year|month)(?![\w-])", keys="year month")
def _that_unit(m: re.Match[str], ctx: Context) -> Found | None:
    """ "That year", "the same month": the last date told, at the unit's grain."""
    value = _from_last(ctx, m.group("unit").lower(), 0)
    if value is None and ctx.probe:
        return Found("DATE", "XXXX")  # the trial has no memory: the real pass decides
    return Found("DATE", value) if value else None


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
    pod = "NI" if word == "tonight" else pod_code(m.group("pod"))
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
    pod = pod_code(m.group("pod"))
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
    pod = pod_code(m.group("pod"))
    suffix = f"T{pod}" if pod else ""
    if m.group("plural") or m.group("pods"):
        return Found("SET", f"XXXX-WXX-{wd + 1}{suffix}")
    rel = (m.group("rel") or "").lower()
    shared = _SHARED_PLURAL.match(ctx.text, ctx.start + len(m.group(0)))
    if not rel and not pod and shared:
        # "on Monday and Tuesday nights": the plural after the second day is the first's too
        pod = pod_code(shared.group("pod"))
        return Found("SET", f"XXXX-WXX-{wd + 1}" + (f"T{pod}" if pod else ""))
    if not ctx.dct:
        return Found("TIME" if pod else "DATE", f"XXXX-WXX-{wd + 1}{suffix}")
    if rel in ("last", "this past"):
        d = cal.weekday_near(ctx.dct, wd, future=False, strict=True)
    elif rel in ("next", "this coming"):
        d = cal.weekday_near(ctx.dct, wd, future=True, strict=True)
    elif ctx.tense is None:
        # no cue: the last such day, unless it is tomorrow's. In the timex_eval dev
        # fold's gold, weekdays fall 0 to 6 days back 117 times, 1 day ahead 6 times and
        # 2 to 5 days ahead 3 times (value F1 0.752 always back, 0.756 the nearer one)
        ahead = cal.weekday_near(ctx.dct, wd, future=True)
        d = ahead if (ahead - ctx.dct).days == 1 else cal.weekday_near(ctx.dct, wd, future=False)
    else:
        d = cal.weekday_near(ctx.dct, wd, future=ctx.future)
    return Found("TIME" if pod else "DATE", cal.day_value(d) + suffix)


_SHARED_PLURAL = re.compile(
    expand(r" (?:and|or) <WEEKDAY>(?:s\b| (?P<pod>morning|afternoon|evening|night)s\b)")
)


# a day told relative to another: "the day before Tuesday", "the night after March 3"
@rule(
    "day_around",
    r"(?P<unit>day|night) (?P<dir>before|after) (?P<anchor>(?:(?:last|next|this) )?<WEEKDAY>|"
    r"<MONTHD> <DAY>(?:,? <YEAR>)?|yesterday|today|tomorrow)",
    keys="before after",
)
def _day_around(m: re.Match[str], ctx: Context) -> Found | None:
    anchor = day_of(m.group("anchor"), ctx)
    if anchor is None:
        return None  # no day to count from: the anchor alone is tagged
    shift = 1 if m.group("dir").lower() == "after" else -1
    day = cal.day_value(date.fromisoformat(anchor) + timedelta(days=shift))
    if m.group("unit").lower() == "night":
        return Found("TIME", day + "TNI")
    return Found("DATE", day)


@rule(
    "week_of",
    r"the (?P<unit>week|weekend) of (?P<anchor><MONTHD> <DAY>(?:,? <YEAR>)?)",
    keys="week weekend",
)
def _week_of(m: re.Match[str], ctx: Context) -> Found | None:
    """ "The week of March 6": the ISO week (or its weekend) the day falls in."""
    anchor = day_of(m.group("anchor"), ctx)
    if anchor is None:
        return None
    day = date.fromisoformat(anchor)
    if m.group("unit").lower() == "weekend":
        return Found("DATE", cal.weekend_value(day))
    return Found("DATE", cal.week_value(day))


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
    shift = shift_word(rel)
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
    return Found("DATE", year_only(ctx))


@rule(
    "the_year",
    r"(?:(?:earlier|later) in )?the (?P<latest>(?:latest|most recent|last full|last completed?) )?"
    r"(?:full |current |calendar |entire |whole |fiscal )?year(?![\w-])"
    r"(?! (?:ago|earlier|before|after|later|\d))",
    keys="year",
)
def _the_year(m: re.Match[str], ctx: Context) -> Found | None:
    """ "For the year", "the full year": the year the article reports on, the DCT's.

    "The year ended March 31" is a reporting period, a year long: TimeML marks it as a
    duration (TimeBank: 7 of 8 such periods are P1Y).
    """
    if _ENDED_AFTER.match(ctx.text, m.end()):
        return Found("DURATION", "P1Y")
    if m.group("latest"):
        return Found(
            "DATE", year_only(ctx, -1)
        )  # the last year that is over: "the latest fiscal year"
    return Found("DATE", year_only(ctx))


_ENDED_AFTER = re.compile(r",? (?:that |which )?(?:ended|ending|ends)\b")
