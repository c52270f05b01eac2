"""Extraction from parsed articles: quotes with speakers, and sources."""

from .quotes import extract_quotes
from .sources import extract_sources

__all__ = ["extract_quotes", "extract_sources"]
