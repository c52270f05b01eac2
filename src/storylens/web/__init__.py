"""The storylens service: a JSON API under /api and server-rendered pages.

    from storylens.store import open_store
    from storylens.web import Catalog, create_app
    app = create_app(Catalog(open_store("storylens.db")), token="...")

Needs the ``web`` extra: ``pip install 'storylens[web]'``.
"""

from __future__ import annotations

from .app import create_app
from .catalog import Catalog, ListedStory, StoryPage
from .guard import CSP, MAX_BODY, error_body
from .outlets import OutletInfo, load_outlets
from .work import HeavyWork

__all__ = [
    "CSP",
    "MAX_BODY",
    "Catalog",
    "HeavyWork",
    "ListedStory",
    "OutletInfo",
    "StoryPage",
    "create_app",
    "error_body",
    "load_outlets",
]
