"""Extraction from parsed articles: quotes with speakers, sources, and time expressions."""

from .quotes import extract_quotes
from .sources import extract_sources
from .timex import Timex, find_timexes, same_time, tag_text

__all__ = ["Timex", "extract_quotes", "extract_sources", "find_timexes", "same_time", "tag_text"]
