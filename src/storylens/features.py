"""Comparable details of a statement: numbers, dates, named actors, negation.

These are what alignment matches on and what conflicts are made of. Values are
normalised so that "10,000" and "10000", "25 percent" and "25%", "May 3" and
"3 May" compare equal, lengths compare across units ("100 km" and "62 miles" agree),
and rounded numbers ("about 10,000" vs "9,800") are not called different.
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
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
# "five people", "Twenty-four were", "thirty six"; the word after it, when one follows
_WORD_NUMBER = re.compile(
    rf"\b({_TENS}|{_UNITS}|ten|eleven|twelve|dozen)\b(?:[- ]({_UNITS})\b)?(?:\s+([a-z]{{3,}})\b)?",
    re.IGNORECASE,
)
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
    r"(?<![\w.])(?<![A-Za-z]-)(\$|€|£)?(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(%|percent|per cent|thousand|million|billion|trillion|bn|k\b)?",
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
    unit: str  # "", "%", "$", "€", "£", a length's ("km", "m", "mi", "ft", "yd"), "°C", "°F"
    start: int  # offsets within the article text (see ``statements``: original offsets)
    end: int
    approximate: bool
    noun: str  # the word it counts ("troops", "cartels"), lower case lemma, or ""
    low: float | None = None  # what a vague quantity allows ("dozens": 24 to 99)
    high: float | None = None
    # "at least", "more than", "over": "floor"; "up to", "fewer than", "nearly": "ceiling"
    bound: str = ""
    slot: str = ""  # what it counts, as a class ("deaths", "injuries") or the noun's lemma

    def interval(self) -> tuple[float, float]:
        """The values the text allows: rounding widens an "about" by a tenth."""
        if self.low is not None and self.high is not None:
            return self.low, self.high
        if self.bound == "floor":  # "at least four" allows four and any more
            return self.value, float("inf")
        if self.bound == "ceiling":  # "up to 40", "nearly 50"
            return (0.9 * self.value if self.approximate else 0.0), self.value
        if self.approximate:
            return 0.9 * self.value, 1.1 * self.value
        return self.value, self.value


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
        if _AGE.match(text, m.end()) or _LABEL.search(text[max(0, m.start() - 16) : m.start()]):
            continue  # an age ("a 31-year-old"), a label ("Week 3", "Flight 370"): no count
        if (
            len(raw) == 4
            and raw.isdigit()
            and 1900 <= int(raw) <= 2100
            and not tail
            and not currency
        ):
            continue  # a year: handled with dates
        unit = "%" if tail in ("%", "percent", "per cent") else (currency or "")
        if not unit and not tail:
            unit = length_unit(text, m.end()) or _scale(text, m.end())
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
    for m in _WORD_NUMBER.finditer(text):
        tens, unit = m.group(1).lower(), (m.group(2) or "").lower()
        if tens == "one" and not m.group(3):
            continue  # "one of the", "no one": a pronoun, not a count
        value = _WORD_NUMBERS[tens] + (_WORD_NUMBERS[unit] if unit else 0)
        out.append(
            Number(
                float(value),
                length_unit(text, m.end(2) if unit else m.end(1)),
                offset + m.start(1),
                offset + (m.end(2) if unit else m.end(1)),
                False,
                (m.group(3) or "").lower(),
            )
        )
    return out


# lengths, in metres: "fell 200 feet" and "fell 150 metres" give one distance; a bare
# "m" or "mi" is left out ("150m" is as often 150 million)
METRES: dict[str, float] = {"km": 1000.0, "m": 1.0, "mi": 1609.344, "ft": 0.3048, "yd": 0.9144}
_LENGTH_WORDS = {
    "kilometre": "km",
    "kilometer": "km",
    "km": "km",
    "metre": "m",
    "meter": "m",
    "mile": "mi",
    "foot": "ft",
    "feet": "ft",
    "ft": "ft",
    "yard": "yd",
}
_LENGTH = re.compile(
    r"\s*(kilometres?|kilometers?|km|metres?|meters?|miles?|foot|feet|ft|yards?)\b", re.I
)


def length_unit(text: str, at: int) -> str:
    """The length unit written right after a number ending at ``at`` ("km", "ft"), or ""."""
    m = _LENGTH.match(text, at)
    if not m:
        return ""
    word = m.group(1).lower()
    return _LENGTH_WORDS.get(word, _LENGTH_WORDS.get(word.rstrip("s"), ""))


# a temperature's scale, when the text names it: 28 °C and 82 °F are one temperature, so
# two temperatures are compared only on one scale (or on none named)
_SCALE_NAMED = re.compile(r"\s*(?:°|degrees?\s+)(C|F|Celsius|Fahrenheit)\b")


def _scale(text: str, at: int) -> str:
    m = _SCALE_NAMED.match(text, at)
    return "°" + m.group(1)[0] if m else ""


def in_metres(n: Number) -> Number:
    """A length in metres, rounding allowed for: outlets convert and round ("200 feet",
    "60 metres"), so two lengths in different units agree within a tenth."""
    k = METRES[n.unit]
    low, high = (
        (n.low * k, n.high * k) if n.low is not None and n.high is not None else (None, None)
    )
    return Number(n.value * k, "m", n.start, n.end, True, n.noun, low, high, n.bound, n.slot)


def _comparable(a: Number, b: Number) -> tuple[Number, Number]:
    if a.unit != b.unit and a.unit in METRES and b.unit in METRES:
        return in_metres(a), in_metres(b)
    return a, b


_AGE = re.compile(r"[- ]years?[- ]old\b", re.IGNORECASE)
_LABEL = re.compile(
    r"\b(?:Week|Game|Flight|Route|No\.|Number|Room|Gate|Highway|Interstate|Channel|Level|"
    r"Category|Class|Section|Article|Chapter|Stage|Round|Phase|Terminal|Platform|Pier|Unit|"
    r"Ward|Precinct|District|Station|Building|Block|Lot|Apartment|Suite|Page|Exit)\s*$"
)
# vague counts: "dozens injured", "hundreds of homes"
_VAGUE = {
    "dozens": (24.0, 99.0),
    "scores": (40.0, 99.0),
    "hundreds": (200.0, 999.0),
    "thousands": (2000.0, 9999.0),
    "tens of thousands": (20000.0, 99999.0),
    "hundreds of thousands": (200000.0, 999999.0),
    "millions": (2e6, 9.99e6),
}
_VAGUE_RE = re.compile(
    r"\b(tens of thousands|hundreds of thousands|dozens|scores|hundreds|thousands|millions)"
    r"(?:\s+of)?(?:\s+(?:[a-z-]+\s+)?([a-z]{3,}))?\b",
    re.IGNORECASE,
)
_BOUND = re.compile(
    r"\b(at least|more than|over|up to|at most|fewer than|less than|nearly|almost)\s*$",
    re.IGNORECASE,
)


def vague_numbers_in(text: str, offset: int = 0) -> list[Number]:
    """Counts told as a range of magnitude ("dozens", "hundreds of homes")."""
    out = []
    for m in _VAGUE_RE.finditer(text):
        low, high = _VAGUE[m.group(1).lower()]
        out.append(
            Number(
                low,
                "",
                offset + m.start(1),
                offset + m.end(1),
                True,
                (m.group(2) or "").lower(),
                low=low,
                high=high,
            )
        )
    return out


_FLOOR_WORDS = frozenset({"at least", "more than", "over"})


def is_bound(text_before: str) -> str:
    """Whether the words just before a number make it a floor ("at least 5": ``"floor"``)
    or a ceiling ("up to 5", "nearly 5": ``"ceiling"``); ``""`` when neither."""
    m = _BOUND.search(text_before)
    if not m:
        return ""
    return "floor" if " ".join(m.group(1).lower().split()) in _FLOOR_WORDS else "ceiling"


def quantities_differ(a: Number, b: Number) -> bool:
    """Two counts of one thing that no rounding or vagueness reconciles."""
    a, b = _comparable(a, b)
    if a.unit != b.unit or same_quantity(a, b):
        return False
    (la, ha), (lb, hb) = a.interval(), b.interval()
    return ha < lb or hb < la


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
    a, b = _comparable(a, b)
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


_NOBODY = frozenset(("nobody", "nothing", "none", "no-one", "noone"))


def negated(span: Any) -> bool:
    """Whether the main verb of a clause is negated ("had not passed", "never accepted",
    "no gun has been recovered", "nobody was hurt")."""
    verb = main_verb(span)
    if any(c.dep_ == "neg" or c.lower_ in _NEGATION for c in verb.children):
        return True
    for c in verb.children:
        # "no gun", and "no-one" when the tagger splits it ("no" "-" "one")
        if c.dep_ in ("nsubj", "nsubjpass", "dobj") and (
            c.lower_ in _NOBODY
            or any(d.dep_ in ("det", "compound") and d.lower_ == "no" for d in c.children)
        ):
            return True
    return verb.lower_ in _NEGATION
