"""Calendar arithmetic and TimeML (TIMEX3) values for the time tagger.

Values follow the TIMEX3 conventions of TimeBank and TempEval-3: ``1998-08-07``,
``1998-08``, ``1998``, ``199`` (the 1990s), ``19`` (the 20th century), ``1998-W32``
(an ISO week), ``1998-W32-WE`` (its weekend), ``1998-Q3``, ``1998-H2``, ``1998-SU``
(a season: SP, SU, FA, WI), ``1998-08-07T10:35``, ``1998-08-07TNI`` (a part of a day:
MO, AF, EV, NI), durations ``P3M``, ``PT5H30M``, ``PXY`` (some years), and the vague
``PRESENT_REF``, ``PAST_REF``, ``FUTURE_REF``. ``X`` stands for an unknown digit:
``XXXX-WXX-2`` is "a Tuesday", ``XXXX-03-12`` is "March 12 of some year".

:func:`same_time` says whether two such values can denote the same time; it is what
date conflicts use, so "Tuesday" and "March 25" agree when they fall on the same day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

SEASONS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
PARTS_OF_DAY = {"MO": (6, 12), "AF": (12, 18), "EV": (18, 22), "NI": (20, 30), "DT": (8, 18)}


def day_value(d: date) -> str:
    return d.isoformat()


def month_value(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def week_value(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year:04d}-W{week:02d}"


def weekend_value(d: date) -> str:
    return week_value(d) + "-WE"


def quarter_of(d: date) -> int:
    return (d.month - 1) // 3 + 1


def shift_month(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def shift_quarter(year: int, quarter: int, quarters: int) -> tuple[int, int]:
    index = year * 4 + (quarter - 1) + quarters
    return index // 4, index % 4 + 1


def weekday_near(dct: date, weekday: int, future: bool, strict: bool = False) -> date:
    """The ``weekday`` (0 = Monday) nearest ``dct`` in the direction the tense points.

    ``strict`` skips ``dct`` itself ("last Friday" written on a Friday is a week ago).
    """
    delta = (weekday - dct.weekday()) % 7 if future else -((dct.weekday() - weekday) % 7)
    if strict and delta == 0:
        delta = 7 if future else -7
    return dct + timedelta(days=delta)


# A month named without a year or a tense cue lies at most this many months ahead of
# the article's date, else it is the last such month: news tells of the past more than
# of the future. TimeBank gold: of 50 such months 35 lie behind (up to 18 months back)
# and 14 ahead; timex_eval on TimeBank, value F1 0.8105 / 0.8121 / 0.8129 / 0.8121 with
# 5 (the nearer month) / 2 / 3 / 4 months ahead.
MONTHS_AHEAD = 3


def month_year(dct: date, month: int, tense: str | None, strict: bool = False) -> int:
    """The year of a month named without one.

    ``tense`` "future": the next such month; "past": the last one; ``None``: the next
    one if it is at most :data:`MONTHS_AHEAD` months ahead, else the last one.
    ``strict`` skips the DCT's own month.
    """
    after = dct.year if month > dct.month or (month == dct.month and not strict) else dct.year + 1
    before = dct.year if month < dct.month or (month == dct.month and not strict) else dct.year - 1
    if tense == "future":
        return after
    if tense == "past":
        return before
    ahead = (after - dct.year) * 12 + month - dct.month
    return after if ahead <= MONTHS_AHEAD else before


def day_year(dct: date, month: int, day: int, tense: str | None) -> int:
    """The year of "March 12" written without one: the nearest such day the tense allows.

    A past-tense date after the article's date is last year's, a future-tense one
    before it next year's, unless it lies within a week (a date a few days off is
    more often the article's own slip than a year away).
    """
    this_year = safe_date(dct.year, month, day)
    if this_year is None:
        return dct.year
    gap = (this_year - dct).days
    if tense == "past":
        return dct.year - 1 if gap > 7 else dct.year
    if tense == "future":
        return dct.year + 1 if gap < -7 else dct.year
    if gap > 182:
        return dct.year - 1
    if gap < -182:
        return dct.year + 1
    return dct.year


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` of a month (``n`` = -1: the last one)."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    y, m = shift_month(year, month, 1)
    last = date(y, m, 1) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    t = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * t) // 451
    month = (h + t - 7 * m + 114) // 31
    day = (h + t - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def duration_value(amount: str, unit: str) -> str:
    """``P3M``, ``PT5H``, ``PXY``: ``unit`` is Y, Q, M, W, D, E (decade), CE, H, MIN or S."""
    if unit in ("H", "MIN", "S"):
        return f"PT{amount}{'M' if unit == 'MIN' else unit}"
    return f"P{amount}{unit}"


# --------------------------------------------------------------------------- comparing values


@dataclass(frozen=True)
class _When:
    """A value as a stretch of time, or as constraints when the year is unknown."""

    start: datetime | None = None
    end: datetime | None = None  # exclusive
    month: int | None = None
    day: int | None = None
    weekday: int | None = None


_FULL = re.compile(
    r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2})(?:T(?:(?P<hh>\d{2}):(?P<mm>\d{2})|(?P<pod>MO|AF|EV|NI|DT)))?)?"
    r"|-W(?P<w>\d{2})(?:-(?P<wd>\d|WE))?|-Q(?P<q>[1-4])|-H(?P<h>[12])|-(?P<s>SP|SU|FA|WI))?$"
)
_PARTIAL = re.compile(r"^XXXX-(?:(?P<m>\d{2})(?:-(?P<d>\d{2}))?|WXX-(?P<wd>[1-7]))(?:T\w+)?$")


def _span_of(value: str) -> _When | None:
    v = value.upper()
    if re.fullmatch(r"\d{3}", v):
        start = int(v) * 10
        return _When(datetime(start, 1, 1), datetime(start + 10, 1, 1))
    if re.fullmatch(r"\d{2}", v):
        start = int(v) * 100
        return _When(datetime(max(start, 1), 1, 1), datetime(start + 100, 1, 1))
    m = _PARTIAL.match(v)
    if m:
        wd = m.group("wd")
        return _When(
            month=int(m.group("m")) if m.group("m") else None,
            day=int(m.group("d")) if m.group("d") else None,
            weekday=int(wd) - 1 if wd else None,
        )
    m = _FULL.match(v)
    if not m:
        return None
    year = int(m.group("y"))
    try:
        if m.group("d"):
            d = datetime(year, int(m.group("m")), int(m.group("d")))
            if m.group("hh"):
                t = d.replace(hour=int(m.group("hh")), minute=int(m.group("mm")))
                return _When(t, t + timedelta(minutes=1))
            if m.group("pod"):
                lo, hi = PARTS_OF_DAY[m.group("pod")]
                return _When(d + timedelta(hours=lo), d + timedelta(hours=hi))
            return _When(d, d + timedelta(days=1))
        if m.group("m"):
            y2, m2 = shift_month(year, int(m.group("m")), 1)
            return _When(datetime(year, int(m.group("m")), 1), datetime(y2, m2, 1))
        if m.group("w"):
            monday = datetime.fromisocalendar(year, int(m.group("w")), 1)
            wd = m.group("wd")
            if wd == "WE":
                return _When(monday + timedelta(days=5), monday + timedelta(days=7))
            if wd:
                day = monday + timedelta(days=int(wd) - 1)
                return _When(day, day + timedelta(days=1))
            return _When(monday, monday + timedelta(days=7))
        if m.group("q"):
            q = int(m.group("q"))
            y2, m2 = shift_month(year, 3 * q - 2, 3)
            return _When(datetime(year, 3 * q - 2, 1), datetime(y2, m2, 1))
        if m.group("h"):
            h = int(m.group("h"))
            return _When(
                datetime(year, 6 * h - 5, 1), datetime(year + h - 1, 7 if h == 1 else 1, 1)
            )
        if m.group("s"):
            first, last = SEASONS[m.group("s")]
            y2, m2 = shift_month(year, last, 1)
            return _When(datetime(year, first, 1), datetime(y2 + (1 if first > last else 0), m2, 1))
        return _When(datetime(year, 1, 1), datetime(year + 1, 1, 1))
    except ValueError:
        return None


def _fits(constraint: _When, when: _When) -> bool:
    """Whether some day of ``when``'s stretch meets ``constraint``'s month/day/weekday."""
    assert when.start is not None and when.end is not None
    if (when.end - when.start).days > 400:
        return True
    day = when.start.replace(hour=0, minute=0)
    while day < when.end:
        if (
            (constraint.month is None or day.month == constraint.month)
            and (constraint.day is None or day.day == constraint.day)
            and (constraint.weekday is None or day.weekday() == constraint.weekday)
        ):
            return True
        day += timedelta(days=1)
    return False


def same_time(first: str, second: str) -> bool | None:
    """Whether two TIMEX3 values can denote the same time.

    ``True``: they overlap, so they can be the same day or time ("2014-03-25", which a
    "Tuesday" resolves to, and "2014-03", or "XXXX-WXX-2" and "2014-03-25").
    ``False``: they cannot ("2014-03-27" and "2014-03-30": a Thursday and a Sunday).
    ``None``: one of them is not a point or stretch on the calendar (a duration, a set,
    ``PRESENT_REF``, an unreadable value), so the question has no answer.
    """
    a, b = _span_of(first), _span_of(second)
    if a is None or b is None:
        return None
    if a.start is not None and b.start is not None:
        assert a.end is not None and b.end is not None
        return a.start < b.end and b.start < a.end
    if a.start is None and b.start is None:
        return all(
            x is None or y is None or x == y
            for x, y in ((a.month, b.month), (a.day, b.day), (a.weekday, b.weekday))
        )
    constraint, when = (a, b) if a.start is None else (b, a)
    return _fits(constraint, when)


__all__ = ["same_time"]
