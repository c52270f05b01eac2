"""Words and pattern pieces the time-expression rules are written in.

Patterns use ``<NAME>`` placeholders for these pieces (:func:`expand`); every piece is
a non-capturing group of fixed alternatives, so the compiled rules stay linear in the
length of the text. Month and weekday names must be capitalised (``(?-i:...)``): "may",
"march" and "sun" in lower case are not dates.
"""

from __future__ import annotations

import re

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sept": 9, "sep": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5,
    "sunday": 6,
}  # fmt: skip
_ONES = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
_TEENS = ["ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen",
          "seventeen", "eighteen", "nineteen"]  # fmt: skip
_TENS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ORD_ONES = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
             "ninth"]  # fmt: skip
_ORD_TEENS = ["tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
              "sixteenth", "seventeenth", "eighteenth", "nineteenth"]  # fmt: skip

NUMBER_WORDS: dict[str, int] = {w: i + 1 for i, w in enumerate(_ONES)}
NUMBER_WORDS.update({w: i + 10 for i, w in enumerate(_TEENS)})
ORDINAL_WORDS: dict[str, int] = {w: i + 1 for i, w in enumerate(_ORD_ONES)}
ORDINAL_WORDS.update({w: i + 10 for i, w in enumerate(_ORD_TEENS)})
for _k, _tens in enumerate(_TENS):
    NUMBER_WORDS[_tens] = 20 + 10 * _k
    ORDINAL_WORDS[_tens[:-1] + "ieth"] = 20 + 10 * _k
    for _i, _one in enumerate(_ONES):
        NUMBER_WORDS[f"{_tens}-{_one}"] = NUMBER_WORDS[f"{_tens} {_one}"] = 21 + 10 * _k + _i
        ORDINAL_WORDS[f"{_tens}-{_ORD_ONES[_i]}"] = 21 + 10 * _k + _i
NUMBER_WORDS.update({"a": 1, "an": 1, "one": 1, "a couple of": 2, "a couple": 2,
                     "couple of": 2, "a dozen": 12, "dozen": 12, "a hundred": 100,
                     "hundred": 100, "a half": 0, "half a": 0, "half an": 0})  # fmt: skip
# quantities that leave the number open: "several years" is PXY
VAGUE_QUANTITIES = frozenset(
    ["a few", "few", "several", "some", "many", "a number of", "dozens of", "hundreds of",
     "a few more", "the few", "numerous", "countless", "a couple more"]
)  # fmt: skip

UNITS = {
    "second": "S", "minute": "MIN", "hour": "H", "day": "D", "night": "D", "week": "W",
    "weekend": "WE", "fortnight": "2W", "month": "M", "quarter": "Q", "year": "Y",
    "decade": "E", "century": "CE", "centurie": "CE", "half": "H",
}  # fmt: skip
SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI",
                "tonight": "NI", "overnight": "NI"}  # fmt: skip


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", " ") for w in sorted(words, key=len, reverse=True))


_NUMWORD = _alt([w for w in NUMBER_WORDS if w[0] != "a" and w not in ("half an",)])
PIECES = {
    "MONTH": r"(?-i:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan\.|Feb\.|Mar\.|Apr\.|Jun\.|Jul\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)",
    # abbreviations without their point, only in front of a day number
    "MONTHD": r"(?-i:January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Jan\.?|Feb\.?|Mar\.?|Apr\.?|Jun\.?|Jul\.?|Aug\.?|Sept\.?|Sep\.?|"
    r"Oct\.?|Nov\.?|Dec\.?)",
    "WEEKDAY": r"(?-i:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)",
    "YEAR": r"(?:1[6-9]\d\d|20\d\d)(?![\d,.]\d|%|-\d)",
    "DAY": r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)",
    "ORDWORD": "(?:" + _alt(list(ORDINAL_WORDS)) + ")",
    "CARD": r"(?:\d+(?:\.\d+)?(?: 1/2)?|" + _NUMWORD + ")",
    "QUANT": r"(?:\d+(?:\.\d+)?(?: 1/2)?(?! 1/2)|"
    + _NUMWORD
    + "|"
    + _alt(
        [
            "a",
            "an",
            "a couple of",
            "couple of",
            "a dozen",
            "a hundred",
            "half a",
            "half an",
            "a half",
        ]
        + list(VAGUE_QUANTITIES)
    )
    + ")",
    "UNIT": r"(?:seconds?|minutes?|hours?|days?|nights?|weeks?|weekends?|fortnights?|months?|"
    r"quarters?|years?|decades?|century|centuries)",
    "UNIT1": r"(?:second|minute|hour|day|night|week|weekend|fortnight|month|quarter|year|decade|"
    r"century)",
    "UNITS": r"(?:seconds|minutes|hours|days|nights|weeks|weekends|months|quarters|years|decades|"
    r"centuries)",
    "SEASON": r"(?:spring|summer|fall|autumn|winter)",
    "POD": r"(?:morning|afternoon|evening|night)",
    # modifiers inside a duration's span, as TimeBank marks them ("nearly two years");
    # "about", "as long as" and "barely" stay outside (timex_eval dev fold: 2 in, 6 out)
    "APPROX": r"(?:nearly|almost|around|approximately|roughly|more than|less than|fewer than|"
    r"at least|at most|up to|no more than|no less than|as many as|as few as)",
    "B": r"(?<![\w$£€¥.'/-])",  # a word starts here
    "E": r"(?![\w])",  # a word ends here
}


# key words (lower case) that the rules are run around: see timex_rules.Rule
MONTH_KEYS = " ".join(MONTHS)
WEEKDAY_KEYS = " ".join(WEEKDAYS) + " " + " ".join(w + "s" for w in WEEKDAYS)
UNIT_KEYS = (
    "second seconds minute minutes hour hours day days night nights week weeks weekend weekends "
    "fortnight fortnights month months quarter quarters year years decade decades century centuries"
)
YEAR_KEY = r"(?<!\d)(?:1[6-9]|20)\d\d(?!\d)"


def expand(template: str) -> str:
    """Replace ``<NAME>`` placeholders with their pattern pieces."""
    return re.sub(r"<([A-Z0-9]+)>", lambda m: PIECES[m.group(1)], template)


def number(text: str) -> float | None:
    """The count a quantity word or numeral stands for; None when it is vague ("several")."""
    t = " ".join(text.lower().replace("-", " ").split())
    if t.replace(" ", "-") in NUMBER_WORDS:
        return NUMBER_WORDS[t.replace(" ", "-")]
    if t in NUMBER_WORDS:
        return NUMBER_WORDS[t]
    if t in VAGUE_QUANTITIES:
        return None
    half = t.endswith(" 1/2")
    t = t.removesuffix(" 1/2")
    try:
        return float(t) + (0.5 if half else 0.0)
    except ValueError:
        return None


def month_number(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]
