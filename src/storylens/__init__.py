"""storylens: compare how news outlets report the same story, claim by claim.

The public API (everything here is imported on first use, so ``import storylens``
stays cheap: no spaCy, numpy or database driver until a function needs them)::

    import storylens
    articles, rejected = storylens.read("articles.jsonl")   # files, folders, JSONL
    storylens.quotes(articles)        # [Quote]: speaker, cue, content, offsets
    storylens.sources(articles)       # [Source]: whom each article relies on
    storylens.cluster(articles)       # [Filed]: the story and topic of each article
    report = storylens.compare(articles)   # Report; report.to_dict(), report.to_pandas()
    storylens.analyze(articles)       # the per-article pipeline (normalise, parse, extract)
    storylens.normalize(text)         # repaired text with its map back to the original
    store = storylens.open_store("stories.db")   # the article store
    storylens.ingest(store, articles)
    storylens.load_schema("quote")    # the JSON Schema of an output

Every span cites the article's original text: ``article.text[start:end] == span.text``.
Errors are :class:`StorylensError` subclasses (see :mod:`storylens.errors`).
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# name -> module it lives in (relative to this package)
_EXPORTS = {
    "read": ".api",
    "quotes": ".api",
    "sources": ".api",
    "cluster": ".cluster",
    "compare": ".compare",
    "Filed": ".api",
    "analyze": ".pipeline",
    "Analyzed": ".pipeline",
    "open_store": ".store",
    "ingest": ".ingest",
    "load_schema": ".schemas",
    "normalize": ".normalize",
    "Article": ".model",
    "Quote": ".model",
    "Rejection": ".model",
    "Report": ".model",
    "Source": ".model",
    "Span": ".model",
    "StoryReport": ".model",
    "StorylensError": ".errors",
}

__all__ = [
    "__version__",
    "Analyzed",
    "Article",
    "Filed",
    "Quote",
    "Rejection",
    "Report",
    "Source",
    "Span",
    "StoryReport",
    "StorylensError",
    "analyze",
    "cluster",
    "compare",
    "ingest",
    "load_schema",
    "normalize",
    "open_store",
    "quotes",
    "read",
    "sources",
]


# Four API functions share their name with a submodule (``storylens.compare`` the
# function, ``storylens/compare.py`` the module; ``storylens.ingest`` the function,
# ``storylens/ingest/`` the readers), and Python sets a package's attribute to the
# submodule whenever that submodule is imported, by anyone. So the submodule itself is
# made callable: ``storylens.compare(articles)`` calls the API function, and
# ``storylens.compare.compare_articles`` is still the module's own function.
_CALLABLE_MODULES = {
    "compare": (".api", "compare"),
    "ingest": (".ingestion", "ingest"),
    "cluster": (".api", "cluster"),
    "normalize": (".normalize", "normalize"),
}


class _CallableModule(types.ModuleType):
    """A submodule that is also the API function of the same name."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        where, name = _CALLABLE_MODULES[self.__name__.rsplit(".", 1)[1]]
        return getattr(importlib.import_module(where, __name__), name)(*args, **kwargs)


class _Package(types.ModuleType):
    """The storylens package: makes the four submodules above callable when imported."""

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _CALLABLE_MODULES and type(value) is types.ModuleType:
            value.__class__ = _CallableModule
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    """Import an exported name on first use (PEP 562)."""
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'storylens' has no attribute {name!r}")
    found = importlib.import_module(module, __name__)
    value = found if name in _CALLABLE_MODULES else getattr(found, name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from .api import Filed, cluster, compare, quotes, read, sources  # noqa: F811
    from .errors import StorylensError
    from .ingestion import ingest  # noqa: F811
    from .model import Article, Quote, Rejection, Report, Source, Span, StoryReport
    from .normalize import normalize
    from .pipeline import Analyzed, analyze
    from .schemas import load_schema
    from .store import open_store
