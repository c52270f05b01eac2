"""The HTML report: hostile article text is shown, never run; the page needs nothing online."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import lxml.html
import pytest

from storylens.compare import compare
from storylens.model import Article
from storylens.report import render_html

HOSTILE = [
    Article(
        id="x1",
        outlet="<script>alert('outlet')</script>",
        url="javascript:alert(1)",
        title="<img src=x onerror=alert(1)>",
        text=(
            "The Vellin harbour closed on Monday after a storm <script>alert(1)</script> damaged the pier.\n"
            "\u201cWe will reopen <img src=x onerror=alert(2)> soon,\u201d harbour master Lena Okafor said.\n"
        ),
    ),
    Article(
        id="x2",
        outlet="Bay Post",
        url="https://bay.example/pier",
        text=(
            'The Vellin harbour closed on Monday after a storm damaged the pier <a href="javascript:alert(3)">x</a>.\n'
            "\u201cWe will reopen <svg onload=alert(4)> soon,\u201d harbour master Lena Okafor said.\n"
        ),
    ),
]


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(compare(HOSTILE, group=False))


def test_no_injected_markup_survives(page: str) -> None:
    tree = lxml.html.fromstring(page)
    scripts = tree.xpath("//script")
    assert len(scripts) == 1 and "alert" not in (scripts[0].text or "")
    assert not tree.xpath("//img | //svg | //iframe | //object | //embed")
    for el in tree.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), f"event handler {name} on <{el.tag}>"
            assert not value.strip().lower().startswith("javascript:"), f"{name}={value!r}"
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text


def test_page_is_offline_and_locked_down(page: str) -> None:
    tree = lxml.html.fromstring(page)
    assert not tree.xpath("//link[@href] | //script[@src] | //img[@src]")
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp and "script-src 'nonce-" in csp
    nonce = csp.split("script-src 'nonce-")[1].split("'")[0]
    assert tree.xpath("//script")[0].get("nonce") == nonce
    assert "http://" not in page.replace("https://bay.example/pier", "")


@pytest.mark.browser
def test_nothing_executes_in_chromium(page: str, tmp_path: Path) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian chromium is not installed (apt-get install chromium)")
    path = tmp_path / "report.html"
    path.write_text(page, encoding="utf-8")
    # --dump-dom prints the DOM after scripts ran; an alert() would block it and a
    # successful injection would leave its marks (an img or svg element) in the DOM.
    out = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert out.returncode == 0, out.stderr[-500:]
    dom = lxml.html.fromstring(out.stdout)
    assert not dom.xpath("//img | //svg")
    assert "&lt;script&gt;" in out.stdout
