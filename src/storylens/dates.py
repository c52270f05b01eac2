"""Publication dates: whatever a feed, a page or a corpus gives, as one ISO-8601 string.

:func:`parse_published` turns "Tue, 25 Mar 2014 10:00:00 GMT", "April 8, 2031",
"25 mars 2014 à 10h00" or "2031-04-08T10:00:00+02:00" into ISO 8601, keeping what
the source said and nothing more:

- a date and time with a zone: ``2014-03-25T10:00:00+00:00`` (the zone as given, not
  moved to UTC, so the local day stays the one the outlet printed);
- a date and time without a zone: ``2014-03-25T10:00:00`` (no zone is invented);
- a date alone: ``2031-04-08`` (no midnight is invented).

The stages: ISO 8601 through :meth:`datetime.fromisoformat` (fast and exact); then
dateparser for everything else, first with English, then with the languages of most news
sites (:data:`LANGUAGES`).
Only absolute dates are read: "yesterday" or "2 hours ago" would depend on when the
text was read, so they give None. Results are cached per string.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

_TIME = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}|T\d{2}|\d{1,2}\s*[ap]\.?m\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_SETTINGS = {
    "PARSERS": ["custom-formats", "absolute-time"],
    "PREFER_DAY_OF_MONTH": "first",
    "STRICT_PARSING": False,
}
# The languages tried after English: those of most news sites. dateparser's detection
# over all of its ~200 locales takes seconds for a string that is no date at all, which a
# feed must not be able to make storylens spend per entry.
LANGUAGES = [
    "ar",
    "cs",
    "da",
    "de",
    "el",
    "es",
    "fi",
    "fr",
    "he",
    "hi",
    "hu",
    "id",
    "it",
    "ja",
    "ko",
    "nl",
    "nb",
    "pl",
    "pt",
    "ro",
    "ru",
    "sv",
    "tr",
    "uk",
    "vi",
    "zh",
]
MAX_CHARS = 100  # a published date is short; longer strings are not dates


def _iso(value: dt.datetime, has_time: bool) -> str:
    if not has_time:
        return value.date().isoformat()
    if value.tzinfo is not None:
        return value.isoformat()
    return value.replace(tzinfo=None).isoformat()


def _from_iso(text: str) -> str | None:
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value.isoformat()


@lru_cache(maxsize=2)
def _parser(english_only: bool) -> Any:
    """A dateparser parser (built once: settings are checked here, outside the try below).

    Left to its default, dateparser returns an aware datetime only when the text names
    a zone, which is what :func:`parse_published` keeps.
    """
    from dateparser.date import DateDataParser

    return DateDataParser(languages=["en"] if english_only else LANGUAGES, settings=_SETTINGS)


def _dateparser(text: str, english_only: bool) -> dt.datetime | None:
    parser = _parser(english_only)
    try:
        found = parser.get_date_data(text)
    except (ValueError, TypeError, OverflowError, KeyError) as exc:  # odd input
        log.debug("dateparser could not read %r (%s)", text, exc)
        return None
    value = found.date_obj if found else None
    return value if isinstance(value, dt.datetime) else None


@lru_cache(maxsize=4096)
def parse_published(value: str | None) -> str | None:
    """``value`` as ISO 8601 (see the module docstring), or None when it is not a date."""
    if value is None:
        return None
    text = " ".join(str(value).split())
    if not text or len(text) > MAX_CHARS or not _DIGIT.search(text):
        return None
    iso = _from_iso(text)
    if iso is not None:
        return iso
    parsed = _dateparser(text, True) or _dateparser(text, False)
    if parsed is None:
        return None
    return _iso(parsed, has_time=bool(_TIME.search(text)))


def published_or_raw(value: str | None) -> str | None:
    """The parsed date, or the text as given when it cannot be read (never lost)."""
    if value is None or not str(value).strip():
        return None
    parsed = parse_published(value)
    if parsed is None:
        log.warning("published date %r could not be read; kept as given", value)
        return str(value).strip()
    return parsed


def published_day(value: str | None) -> dt.date | None:
    """The calendar day of a published date, in the zone the source gave."""
    parsed = parse_published(value)
    if parsed is None:
        return None
    return dt.date.fromisoformat(parsed[:10])


# Where pages state their publication time, most specific first.
_META_KEYS = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "publishdate",
    "pubdate",
    "dc.date.issued",
    "dcterms.created",
    "dc.date",
    "date",
)


def published_from_html(html: str) -> str | None:
    """The publication time a page states in its metadata (``<meta>``, ``<time>``, JSON-LD).

    trafilatura finds a page's date but keeps only the day; this reads the full value the
    page gives, zone included. None when the page states none that can be read.
    """
    import json

    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.document_fromstring(html)
    except (ParserError, ValueError):
        return None
    found: dict[str, str] = {}
    for meta in root.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        content = meta.get("content")
        if key in _META_KEYS and content and key not in found:
            found[key] = content
    for script in root.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        for item in data if isinstance(data, list) else [data]:
            if isinstance(item, dict) and isinstance(item.get("datePublished"), str):
                found.setdefault("datepublished", item["datePublished"])
    for node in root.xpath('//time[@itemprop="datePublished" or @pubdate][@datetime]'):
        found.setdefault("pubdate", node.get("datetime"))
    for key in _META_KEYS:
        if key in found:
            parsed = parse_published(found[key])
            if parsed is not None:
                return parsed
    return None


__all__ = ["parse_published", "published_day", "published_from_html", "published_or_raw"]
