"""Markdown drafts, checked both as text and as rendered by a CommonMark renderer (raw HTML allowed)."""

from __future__ import annotations

import html
import re

import pytest
from markdown_it import MarkdownIt

from synth.export import write_markdown, write_persona_markdown
from synth.export.markdown import persona_filename
from tests.export.conftest import FORMULA_QUOTE, SCRIPT_QUOTE, unit_by_text


def rendered_text(markdown: str) -> str:
    """What a reader sees: markdown rendered to HTML (raw HTML enabled), tags dropped, entities decoded."""
    page = MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)
    assert "<script" not in page.lower()
    return html.unescape(re.sub(r"<[^>]+>", "", page))


@pytest.fixture
def persona_files(map_doc, tmp_path):
    return write_persona_markdown(map_doc, tmp_path / "personas")


def test_one_file_per_persona(persona_files, tmp_path):
    assert persona_files == [tmp_path / "personas" / "persona-1.md", tmp_path / "personas" / "persona-2.md"]


def test_persona_draft_has_the_sections(persona_files):
    text = persona_files[1].read_text(encoding="utf-8")
    assert text.startswith("# Price-checking student renter who compares every promo code, fee and £40 minimum")
    for expected in (
        "| Status | draft |", "| Size | 4 participants (57% of the sample): P02, P03, P06, P07 |",
        "| Confidence | 0.46 |", "| Stability | 0.58 |", "small sample: 4 participants",
        "age band: 18-24 — 75% vs 43% overall", "## Goals and motivations", "- Referral credit (2 units, 2 participants)",
        "- Fees revealed at checkout (2 units, 2 participants)", "- Mobile app (4 units, 3 participants)",
        "- Highest: **Awareness**: positive (mean +0.30, 1 unit)", "- Lowest: **Support**: negative (mean -0.50, 1 unit)",
        "## Representative quotes", "## Journey by stage", "### Onboarding\n\n_No evidence from this persona at this stage._",
    ):
        assert expected in text, expected


def test_quotes_carry_participant_source_and_location(persona_files, map_doc):
    text = persona_files[0].read_text(encoding="utf-8")
    unit = unit_by_text(map_doc, "crème fraîche")
    assert f"> {unit['text']}\n>\n> — P04, `{unit['source']}`, {unit['location']}" in text


def test_every_quote_renders_as_itself(persona_files, map_doc):
    seen = rendered_text(persona_files[1].read_text(encoding="utf-8"))
    journey = next(m for m in map_doc["maps"] if m["persona_id"] == "persona-2")
    cited = {q for c in journey["stages"] for q in c["quotes"]} | set(map_doc["personas"][1]["quotes"])
    units = [u for u in map_doc["units"] if u["id"] in cited]
    assert len(units) >= 10
    for unit in units:
        assert unit["text"] in seen, unit["id"]
    assert SCRIPT_QUOTE in seen and FORMULA_QUOTE in seen


def test_markup_is_escaped_in_the_source(persona_files):
    text = persona_files[1].read_text(encoding="utf-8")
    assert SCRIPT_QUOTE not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "> \\=cmd\\|' /C calc'!A0" in text and "> \\@Basketful" in text and "> \\-£5 off" in text


def test_full_map_markdown(map_doc, tmp_path):
    text = write_markdown(map_doc, tmp_path / "journey_map.md").read_text(encoding="utf-8")
    for title in ("## Journey map: Time-pressed family planner", "## Journey map: All participants", "### Loyalty & Plus"):
        assert title in text
    seen = rendered_text(text)
    quoted = {q for m in map_doc["maps"] for c in m["stages"] for q in c["quotes"]}
    for unit in map_doc["units"]:
        if unit["id"] in quoted:
            assert unit["text"] in seen, unit["id"]


@pytest.mark.parametrize(
    "options, files",
    [({"persona": "persona-2"}, ["persona-2.md"]), ({"approved_only": True}, ["persona-1.md"])],
)
def test_filters(map_doc, tmp_path, options, files):
    assert [p.name for p in write_persona_markdown(map_doc, tmp_path, **options)] == files
    text = write_markdown(map_doc, tmp_path / "m.md", **options).read_text(encoding="utf-8")
    assert ("## Journey map: All participants" in text) == ("persona" not in options)


@pytest.mark.parametrize(
    "pid, name", [("persona-1", "persona-1.md"), ("../etc/x", "etc_x.md"), ("a b/c", "a_b_c.md"), ("..", "persona.md")]
)
def test_persona_filename_is_safe(pid, name):
    assert persona_filename(pid) == name


def test_persona_page_opens_with_a_summary_and_a_short_participant_list(map_doc):
    from synth.export.markdown import render_persona_markdown

    persona = map_doc["personas"][0]
    persona["participant_ids"] = [f"P{n:03d}" for n in range(1, 61)]
    text = render_persona_markdown(map_doc, persona["id"])
    size_line = next(line for line in text.splitlines() if line.startswith("| Size |"))
    assert "P012" in size_line and "P013" not in size_line and "and 48 more" in size_line
    summary = text.split("## Summary", 1)[1].split("##", 1)[0]
    assert f"{persona['size']} participant" in summary
    assert persona["pain_points"][0]["label"] in summary
