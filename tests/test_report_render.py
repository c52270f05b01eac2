"""One way to render: ``render(report, fmt)`` over one table, used by the CLI and the web
app; the Markdown and HTML read summary first and hide what is less certain behind a
switch; the JSON validates against the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import lxml.html
import pytest
from click.testing import CliRunner

from report_fixture import OUTLETS, THRESHOLDS, story
from storylens.cli import cli
from storylens.cli.compare import FORMATS
from storylens.errors import ReportError
from storylens.model import Report
from storylens.report import RENDERERS, load_schema, render, report_to_dict
from storylens.report.summary import Thresholds

SECTIONS = [
    "## Summary",
    "## Where they differ",
    "## Timeline",
    "## Only one outlet reports",
    "## What each outlet does not report",
    "## Details: every fact",
]


@pytest.fixture(autouse=True)
def _thresholds(monkeypatch: pytest.MonkeyPatch) -> None:
    """The fixture's certainty is judged by fixed thresholds, not the shipped model's."""
    monkeypatch.setattr(Thresholds, "of_model", classmethod(lambda cls: THRESHOLDS))


@pytest.fixture(scope="module")
def report() -> Report:
    return Report(stories=(story(),))


def test_one_table_of_renderers_used_by_the_cli() -> None:
    assert set(RENDERERS) == {"json", "md", "html"}
    assert tuple(RENDERERS) == FORMATS


def test_unknown_format_is_a_typed_error_that_lists_the_formats(report: Report) -> None:
    with pytest.raises(ReportError, match="json, md, html"):
        render(report, "pdf")


def test_json_carries_summary_and_timeline_and_follows_the_schema(report: Report) -> None:
    data = json.loads(render(report, "json"))
    assert data == json.loads(json.dumps(report_to_dict(report)))
    jsonschema.validate(data, load_schema())
    story_data = data["stories"][0]
    assert [s["fact"] for s in story_data["summary"]["statements"]] == ["f1", "f2", "f12", "f3"]
    assert story_data["timeline"][0]["date"] == "2004"


def test_markdown_reads_summary_first_with_outlet_names(report: Report) -> None:
    text = render(report, "md")
    places = [text.index(s) for s in SECTIONS]
    assert places == sorted(places)
    reader = text[: text.index("## Details")]
    for article_id in OUTLETS:
        assert f" {article_id} " not in reader and f"({article_id})" not in reader
    assert "Harbour Radio does not report that the harbour board closed" in reader
    # the less certain conflict sits under its own heading, after the certain one
    differ = reader[reader.index("## Where they differ") : reader.index("## Timeline")]
    assert differ.index("Thirty-eight") < differ.index("### Less certain (1)")
    assert differ.index("### Less certain (1)") < differ.index("coast guard")
    gaps = reader[reader.index("### Coastline Daily") :]
    assert gaps.index("#### Less certain (1)") < gaps.index("Coastline Daily may not report")
    details = text[text.index("## Details") :]
    assert "#### Less certain (1)" in details  # f3 matched under 'confident'


def test_html_has_the_summary_above_the_side_by_side_view(report: Report) -> None:
    page = render(report, "html")
    tree = lxml.html.fromstring(page)
    headings = [h.text_content() for h in tree.xpath("//h2")]
    assert headings[:6] == [
        "Summary",
        "Where they differ (1)",
        "Timeline",
        "Only one outlet reports (4)",
        "What each outlet does not report",
        "Side by side",
    ]
    hidden = tree.xpath("//details[contains(@class, 'unsure')]")
    assert any("coast guard" in d.text_content() for d in hidden)
    assert any("Coastline Daily may not report" in d.text_content() for d in hidden)
    shown_gaps = " ".join(u.text_content() for u in tree.xpath("//h3/following-sibling::ul[1]"))
    assert "may not report" not in shown_gaps
    shown = tree.xpath("//ul[@class='differences']")[0].text_content()
    assert "Thirty-eight" in shown and "coast guard" not in shown
    # every citation link lands on the cited sentence in the side-by-side columns
    for link in tree.xpath("//a[@class='cite']"):
        target = link.get("href")[1:]
        assert tree.xpath(f"//*[@id='{target}']"), target
    switch = tree.xpath("//input[@class='show-unsure']")[0]
    assert tree.xpath(f"//label[@for='{switch.get('id')}']")
    assert switch.getparent().xpath(".//div[@class='columns']")  # the switch's own columns
    assert tree.xpath("//span[contains(@class, 'st') and contains(@class, 'unsure')]")


def test_cli_compare_and_demo_render_through_the_table(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["demo", "--output-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    md = (tmp_path / "report.md").read_text()
    assert [md.index(s) for s in SECTIONS] == sorted(md.index(s) for s in SECTIONS)
    assert result.output.startswith(md.rstrip("\n")[:200])
