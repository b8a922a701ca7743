"""Issue 16 in report.html: thin stages are marked in the grid, the future-state section links its quotes."""

from __future__ import annotations

import re

from synth.export.html import render_report


def test_thin_stages_carry_a_class_and_the_map_a_legend(map_doc):
    html = render_report(map_doc)
    for journey in map_doc["maps"]:
        section = html.split(f'<section class="map" id="map-{journey["persona_id"]}">')[1].split("</section>")[0]
        marked = re.findall(r'<th class="stage( thin)?" data-stage="([^"]+)"', section)
        assert [s for thin, s in marked if thin] == [c["stage"] for c in journey["stages"] if c["evidence"]["participants"] == 1]
        assert ('class="meta legend"' in section) is any(c["evidence"]["thin"] for c in journey["stages"])


def test_future_state_lists_every_maps_questions_linking_to_evidence(map_doc):
    html = render_report(map_doc)
    future = html.split('<section class="future" id="future-state">')[1].split("</section>")[0]
    ids = set(re.findall(r' id="([^"]+)"', html))
    for journey in map_doc["maps"]:
        assert f'id="future-{journey["persona_id"]}"' in future
    questions = re.findall(r'<b class="hmw">(.*?)</b>', future)
    assert len(questions) == sum(len(c["opportunities"]) for m in map_doc["maps"] for c in m["stages"])
    hrefs = re.findall(r'href="#([^"]+)"', future)
    assert hrefs and all(h in ids for h in hrefs)
    assert "Mobile app \u2192 Chat" in future and 'href="#future-state"' in html
