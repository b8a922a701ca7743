"""report.html as text: escaping, self-containment, anchors, the emotion curve, filters."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from markupsafe import escape

from synth.document import MapDocument
from synth.export.html import column_x, emotion_curve, render_report
from synth.export.html import SCRIPT, script_hash
from tests.export.conftest import SCRIPT_QUOTE, unit_by_text, without_own_script


class Page(HTMLParser):
    """Tags, ids, links and text of a page."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attrs.append((name, value or ""))
            if name == "id":
                self.ids.append(value)
            if name == "href":
                self.hrefs.append(value)

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture
def page(map_doc) -> Page:
    return Page(render_report(map_doc))


def test_participant_markup_is_escaped(map_doc):
    html = render_report(map_doc)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script" not in without_own_script(html).lower()
    assert SCRIPT_QUOTE in "".join(Page(html).text)


def test_page_is_self_contained(page, map_doc):
    html = render_report(map_doc)
    assert page.tags.count("script") == 1 and "link" not in page.tags and "iframe" not in page.tags
    assert f"default-src 'none'; style-src 'unsafe-inline'; script-src '{script_hash(SCRIPT)}'" in html
    assert not [v for n, v in page.attrs if n in {"src", "href", "action"} and not v.startswith("#")]
    assert "@import" not in html and "url(" not in html


def test_every_link_has_a_target_and_ids_are_unique(page):
    assert len(page.ids) == len(set(page.ids))
    assert {h[1:] for h in page.hrefs} <= set(page.ids)


def test_every_cited_quote_has_an_evidence_entry_with_source_and_location(map_doc):
    html = render_report(map_doc)
    for uid in {uid for m in map_doc["maps"] for c in m["stages"] for uid in c["quotes"]}:
        unit = next(u for u in map_doc["units"] if u["id"] == uid)
        entry = re.search(rf'<li id="q-{uid}"[^>]*>(.*?)</li>', html, re.DOTALL)
        assert entry, uid
        assert str(escape(unit["location"])) in entry.group(1) and str(escape(unit["text"])) in entry.group(1)
        assert f'href="#q-{uid}"' in html
    by_source = re.findall(r'<h3 class="source">([^<]*)</h3>', html)
    assert set(by_source) == {u["source"] for u in map_doc["units"]}


def test_summary_cards_and_grid(page, map_doc):
    text = " ".join(" ".join(page.text).split())
    assert "sentence-transformers/all-MiniLM-L6-v2" in text and "redaction on" in text
    for persona in map_doc["personas"]:
        assert persona["name"] in text and f"persona-{persona['id']}" in page.ids
    assert {"map-persona-1", "map-persona-2", "map-all"} <= set(page.ids)
    assert "7 participants is a small sample" in text
    assert "Draft: Hold a recurring evening slot for weekly customers" in text
    assert unit_by_text(map_doc, "crème fraîche")["text"] in text


def test_emotion_curve_leaves_gaps_without_data(pristine_map):
    cells = next(m for m in MapDocument.from_dict(pristine_map).maps if m.persona_id == "persona-2").stages
    curve = emotion_curve(cells)
    assert len(curve["points"]) == 6  # onboarding has no evidence for this persona
    assert len(curve["segments"]) == 4  # no solid line into or out of the gap
    assert [(b["x1"], b["x2"]) for b in curve["bridges"]] == [(column_x(2, 7), column_x(4, 7))]  # dotted across it
    assert [g["text"] for g in curve["gaps"]] == ["Onboarding"]
    assert [p["x"] for p in curve["points"]] == [column_x(i, 7) for i in (0, 1, 2, 4, 5, 6)]
    assert column_x(0, 7) == pytest.approx(100 / 14, abs=1e-3) and column_x(6, 7) == pytest.approx(100 - 100 / 14, abs=1e-3)
    low, high = min(curve["points"], key=lambda p: p["y"]), max(curve["points"], key=lambda p: p["y"])
    assert "Awareness" in low["title"] and "Support" in high["title"]  # y grows downwards
    sizes = {p["title"].split(":")[0]: p["r"] for p in curve["points"]}
    assert sizes["First order"] > sizes["Awareness"]  # 4 units vs 1


def test_curve_is_inline_svg(page):
    assert page.tags.count("svg") == 3 and "circle" in page.tags


@pytest.mark.parametrize(
    "options, shown, hidden",
    [
        ({"persona": "persona-2"}, ["map-persona-2"], ["map-persona-1", "map-all", "persona-persona-1"]),
        ({"approved_only": True}, ["map-persona-1", "map-all"], ["map-persona-2", "persona-persona-2"]),
    ],
)
def test_filters(map_doc, options, shown, hidden):
    ids = set(Page(render_report(map_doc, **options)).ids)
    assert set(shown) <= ids and not set(hidden) & ids


def test_missing_units_are_skipped(map_doc):
    map_doc["maps"][0]["stages"][0]["quotes"].append("u-excluded01")
    map_doc["personas"][0]["motivations"][0]["unit_ids"].append("u-excluded01")
    assert "u-excluded01" not in render_report(map_doc)


def test_rendering_is_deterministic(pristine_map):
    assert render_report(pristine_map) == render_report(pristine_map)


def test_citations_are_short_with_the_full_location_on_hover(map_doc):
    html = render_report(map_doc)
    unit = next(u for u in map_doc["units"] if u["id"] in map_doc["personas"][0]["quotes"])
    short = f"{unit['participant_id']} · {'survey ' if unit['location'].startswith('row') else ''}{unit['location'].split(',')[0]}"
    full = str(escape(f"{unit['source']}, {unit['location']}"))
    assert f'title="{full}">{escape(short)}</a>' in html


def test_evidence_cards_carry_what_the_filters_match(map_doc):
    html = render_report(map_doc)
    unit = unit_by_text(map_doc, "crème fraîche")
    card = re.search(rf'<li id="q-{unit["id"]}"([^>]*)>', html).group(1)
    assert f'data-stage="{unit["stage"]["id"]}"' in card
    assert f'data-kinds="{" ".join(k["id"] for k in unit["kinds"])}"' in card
    assert f'data-persona="{unit["persona_id"] or ""}"' in card and f'data-source="{escape(unit["source"])}"' in card
    for name in ("persona", "stage", "kind", "touchpoint", "source", "q"):
        assert f'name="{name}"' in html
