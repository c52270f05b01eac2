"""Comparable details of a statement: numbers, dates, named actors, negation.

These are what alignment matches on and what conflicts are made of. Values are
normalised so that "10,000" and "10000", "25 percent" and "25%", "May 3" and
"3 May" compare equal, and rounded numbers ("about 10,000" vs "9,800") are not
called different.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_WORD_NUMBERS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "dozen": 12,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1000,
}
_SCALE = {
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "k": 1e3,
    "m": 1e6,
    "bn": 1e9,
}
_NUMBER = re.compile(
    r"(?<![\w.])(\$|€|£)?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(%|percent|per cent|thousand|million|billion|trillion|bn|k\b)?",
    re.IGNORECASE,
)
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}
_DATE = re.compile(
    r"\b(?:(?P<m1>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+(?P<d1>\d{1,2})(?:st|nd|rd|th)?"
    r"|(?P<d2>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m2>Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?)"
    r"(?:,?\s+(?P<y>\d{4}))?\b"
)
_WEEKDAY = re.compile(r"\b(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
_NEGATION = frozenset({"not", "n't", "never", "no", "neither", "nor"})
_ROUNDING = re.compile(
    r"\b(about|around|nearly|almost|roughly|some|more than|over|approximately|up to|at least|less than)\s*$",
    re.IGNORECASE,
)


# "a 40-year high": a rounded span (a June 2022 high last seen in late 1981 is told as a
# 40-year and as a 41-year high by different outlets of the recession story)
_SPAN_RECORD = re.compile(
    r"[- ](?:year|month|decade)s?[- ](?:old )?(?:high|low|record|peak)", re.IGNORECASE
)


@dataclass(frozen=True)
class Number:
    value: float
    unit: str  # "", "%", "$", "€", "£"
    start: int  # normalised offsets within the article text
    end: int
    approximate: bool
    noun: str  # the word it counts ("troops", "cartels"), lower case lemma, or ""


@dataclass(frozen=True)
class DateMention:
    month: int
    day: int
    year: int | None
    start: int
    end: int


def parse_number(raw: str, scale: str | None) -> float:
    value = float(raw.replace(",", ""))
    if scale:
        value *= _SCALE.get(scale.lower(), 1.0)
    return value


def numbers_in(text: str, offset: int = 0, doc_span: Any = None) -> list[Number]:
    """Numbers in ``text`` (offsets shifted by ``offset``), with unit and counted noun."""
    out: list[Number] = []
    for m in _NUMBER.finditer(text):
        currency, raw, tail = m.group(1), m.group(2), (m.group(3) or "").lower()
        after = text[m.end() : m.end() + 12]
        if re.match(r"\s*(?:a\.m\.|p\.m\.|am\b|pm\b)", after) or re.match(
            r":\d", text[m.end() : m.end() + 2]
        ):
            continue  # times of day are not quantities
        if (
            len(raw) == 4
            and raw.isdigit()
            and 1900 <= int(raw) <= 2100
            and not tail
            and not currency
        ):
            continue  # a year: handled with dates
        unit = "%" if tail in ("%", "percent", "per cent") else (currency or "")
        scale = tail if tail in _SCALE else None
        try:
            value = parse_number(raw, scale)
        except ValueError:
            continue
        noun = ""
        nm = re.match(
            r"\s*(?:[A-Za-z-]+\s+){0,2}?([a-z]{3,})\b",
            text[(m.end(3) if m.group(3) else m.end(2)) :],
        )
        if nm:
            noun = nm.group(1)
        approximate = bool(_ROUNDING.search(text[: m.start()])) or bool(
            _SPAN_RECORD.match(text[m.end() :])
        )
        end = m.end(3) if m.group(3) else m.end(2)
        out.append(Number(value, unit, offset + m.start(), offset + end, approximate, noun))
    for m in re.finditer(
        r"\b("
        + "|".join(k for k in _WORD_NUMBERS if _WORD_NUMBERS[k] < 100)
        + r")\s+([a-z]{3,})\b",
        text,
        re.IGNORECASE,
    ):
        out.append(
            Number(
                float(_WORD_NUMBERS[m.group(1).lower()]),
                "",
                offset + m.start(1),
                offset + m.end(1),
                False,
                m.group(2).lower(),
            )
        )
    return out


def dates_in(text: str, offset: int = 0) -> list[DateMention]:
    out = []
    for m in _DATE.finditer(text):
        month = (m.group("m1") or m.group("m2") or "")[:3].lower()
        day = int(m.group("d1") or m.group("d2"))
        if month in _MONTHS and 1 <= day <= 31:
            year = int(m.group("y")) if m.group("y") else None
            out.append(DateMention(_MONTHS[month], day, year, offset + m.start(), offset + m.end()))
    return out


def weekdays_in(text: str) -> list[str]:
    return [m.group(1) for m in _WEEKDAY.finditer(text)]


def same_quantity(a: Number, b: Number) -> bool:
    """Equal, or within rounding when either is marked approximate (or both are large and within 2%)."""
    if a.unit != b.unit:
        return False
    if a.value == b.value:
        return True
    hi = max(abs(a.value), abs(b.value)) or 1.0
    diff = abs(a.value - b.value) / hi
    if a.approximate or b.approximate:
        return diff <= 0.1
    return diff <= 0.02 and hi >= 1000


_REPORTING = frozenset(
    {"say", "tell", "add", "report", "state", "announce", "confirm", "write", "note", "claim"}
)


def main_verb(span: Any) -> Any:
    """The verb a clause is about: its root, or under "X said (that) ..." the reported verb."""
    root = span.root
    if root.lemma_.lower() in _REPORTING:
        for child in root.children:
            if child.dep_ == "ccomp":
                return child
    return root


def negated(span: Any) -> bool:
    """Whether the main verb of a clause is negated ("had not passed", "never accepted")."""
    verb = main_verb(span)
    return (
        any(c.dep_ == "neg" or c.lower_ in _NEGATION for c in verb.children)
        or verb.lower_ in _NEGATION
    )
