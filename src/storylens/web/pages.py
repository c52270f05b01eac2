"""Server-rendered pages: the story list, one story, one outlet, search.

Jinja2 with autoescape on; no inline script or style (the CSP forbids them), so the
pages read fully without JavaScript and ``/static/app.js`` only adds click-to-highlight.
A rendered story page is cached with its report (see :class:`.catalog.Catalog`); an
uncached story page, and an outlet page (which reads many reports), are rendered in the
heavy pool (:mod:`.work`) so the list pages never wait behind them.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache
from importlib import resources
from typing import Any
from urllib.parse import quote

import anyio
import jinja2
from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.exceptions import HTTPException

from ..model import Report
from ..report import MEDIA_TYPES, RENDERERS
from ..report import render as render_report
from ..report.html import _safe_url, story_view
from ..store import StoredStory
from .atom import FEED_SIZE, render_atom
from .atom import MEDIA_TYPE as ATOM_TYPE
from .catalog import Catalog, StoryPage
from .outlets import OutletInfo

PAGE_SIZE = 30


def _template(package: str, name: str) -> str | None:
    path = resources.files(package).joinpath("templates", name)
    return path.read_text(encoding="utf-8") if path.is_file() else None


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    """The web's templates, then the report's (``reader.html``: the summary, differences
    and timeline, shared with the standalone HTML report). One per process, so each
    template is compiled once, not once per app."""
    loader = jinja2.ChoiceLoader(
        [
            jinja2.FunctionLoader(lambda name: _template(__package__, name)),
            jinja2.FunctionLoader(lambda name: _template("storylens.report", name)),
        ]
    )
    env = jinja2.Environment(loader=loader, autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.filters["safe_url"] = _safe_url
    env.filters["path_part"] = lambda value: quote(str(value), safe="")
    return env


def coverage(outlets: tuple[str, ...], meta: dict[str, OutletInfo]) -> dict[str, list[str]]:
    """Outlets of a story grouped by the operator's ``leaning`` column (if any)."""
    groups: dict[str, list[str]] = {}
    for name in outlets:
        info = meta.get(name.lower())
        groups.setdefault((info.leaning if info and info.leaning else "unlabelled"), []).append(
            name
        )
    return groups


def add_pages(app: FastAPI, catalog: Catalog) -> None:
    env = _environment()
    cache: OrderedDict[tuple[str, str], str] = OrderedDict()
    lock = threading.Lock()

    def render(template: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**context))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(
        sort: str = Query("newest", pattern="^(newest|covered)$"),
        q: str | None = None,
        page: int = Query(1, ge=1),
    ) -> HTMLResponse:
        listing = catalog.page(q=q, sort=sort, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        meta: dict[str, OutletInfo] = app.state.outlets
        one_side = []
        if meta:
            one_side = [
                s
                for s in listing.stories
                if len(set(coverage(s.outlets, meta)) - {"unlabelled"}) == 1
            ]
        return render(
            "list.html",
            listing=listing,
            sort=sort,
            q=q or "",
            page=page,
            pages=max(1, -(-listing.total // PAGE_SIZE)),
            one_side=one_side if meta else None,
        )

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search(q: str = Query("", max_length=500), page: int = Query(1, ge=1)) -> HTMLResponse:
        """Full-text search over titles and texts (the store's index), best match first."""
        if not q.strip():
            return index(sort="newest", q=None, page=page)
        found = catalog.searched(q, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE)
        answer = found.answer  # its stories come with it: nothing is read again
        listing = StoryPage(answer["total"], answer["offset"], answer["limit"], found.stories)
        return render(
            "list.html",
            listing=listing,
            sort="relevance",
            q=q,
            page=page,
            pages=max(1, -(-listing.total // PAGE_SIZE)),
            one_side=None,
        )

    @app.get("/feed.atom", include_in_schema=False)
    def atom_feed(request: Request) -> Response:
        """New and updated stories as an Atom feed, newest update first."""
        stories = catalog.page(sort="newest", limit=FEED_SIZE).stories
        body = render_atom(stories, str(request.base_url), str(request.url))
        return Response(body, media_type=ATOM_TYPE)

    def story_html(story: StoredStory) -> str:
        """Render a story page (runs the report when it is not cached): heavy work."""
        key = (story.id, story.updated_at)
        report = catalog.report(story.id)
        outlets = tuple(sorted({a.outlet for a in report.articles if a.outlet}))
        html = env.get_template("story.html").render(
            view=story_view(report),
            stored=story,
            coverage=coverage(outlets, app.state.outlets) if app.state.outlets else None,
        )
        with lock:
            cache[key] = html
            while len(cache) > catalog.cache_size:
                cache.popitem(last=False)
        return html

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    async def story_page(story_id: str) -> HTMLResponse:
        story = await anyio.to_thread.run_sync(catalog.story, story_id)
        with lock:
            html = cache.get((story.id, story.updated_at))
        if html is None:
            html = await app.state.heavy.run(story_html, story)
        return HTMLResponse(html)

    @app.get("/stories/{story_id}/report.{fmt}", include_in_schema=False)
    async def story_report(story_id: str, fmt: str) -> Response:
        """The story's compare report as a file, rendered as ``storylens show`` renders it.

        Sent as an attachment: the standalone HTML report carries its own nonce-locked
        Content-Security-Policy, which the server's header policy would otherwise unstyle.
        The report is heavy work, so it runs in the pool the story pages use.
        """
        if fmt not in RENDERERS:
            raise HTTPException(404, f"no report format {fmt!r}: use one of {', '.join(RENDERERS)}")
        story = await anyio.to_thread.run_sync(catalog.story, story_id)
        report = Report(stories=(await app.state.heavy.run(catalog.report, story.id),))
        return Response(
            render_report(report, fmt),
            media_type=MEDIA_TYPES[fmt],
            headers={"Content-Disposition": f'attachment; filename="{story.id}.{fmt}"'},
        )

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    async def outlet_page(name: str, reports: int = Query(20, ge=0, le=100)) -> HTMLResponse:
        return HTMLResponse(await app.state.heavy.run(outlet_html, name, reports))

    def outlet_html(name: str, reports: int) -> str:
        """An outlet's page: it reads up to ``reports`` story reports, so it is heavy work."""
        listing = catalog.page(outlet=name, limit=10_000)
        quoted: dict[str, int] = {}
        only_one = left_out = 0
        for listed in listing.stories[:reports]:
            report = catalog.report(listed.story.id)
            mine = {a.id for a in report.articles if (a.outlet or "").lower() == name.lower()}
            for source in report.sources:
                if source.article in mine:
                    quoted[source.name] = quoted.get(source.name, 0) + 1
            for fact in report.facts:
                if fact.status == "unique" and {s.article for s in fact.statements} <= mine:
                    only_one += 1
            for omission in report.omissions:
                if omission.article in mine:
                    left_out += len(omission.facts)
        return env.get_template("outlet.html").render(
            name=name,
            info=app.state.outlets.get(name.lower()),
            listing=listing,
            quoted=sorted(quoted.items(), key=lambda kv: (-kv[1], kv[0]))[:30],
            only_one=only_one,
            left_out=left_out,
            examined=min(reports, len(listing.stories)),
        )
