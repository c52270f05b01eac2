"""The storylens service: a JSON API under /api and server-rendered pages.

    from storylens.store import open_store
    from storylens.web import Catalog, create_app
    app = create_app(Catalog(open_store("storylens.db")), token="...")

Needs the ``web`` extra: ``pip install 'storylens[web]'``.
"""

from __future__ import annotations

from .app import CSP, create_app, error_body
from .catalog import Catalog, ListedStory, StoryPage, default_reporter
from .outlets import OutletInfo, load_outlets

__all__ = [
    "CSP",
    "Catalog",
    "ListedStory",
    "OutletInfo",
    "StoryPage",
    "create_app",
    "default_reporter",
    "error_body",
    "load_outlets",
]
