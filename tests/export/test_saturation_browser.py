"""The saturation curve of the demo report in headless Chromium: drawn, visible, one point per
participant, its reading shown, and no console errors. Skips without chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from synth.export import write_report_html
from synth.saturation import svg_points
from tests.export.test_browser import CHROMIUM, chromium, console_errors

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"),
]
BUDGET = "--virtual-time-budget=10000"
PROBE = r"""
<script>
(function () {
  var svg = document.querySelector("#saturation svg.saturation"), line = document.querySelector("polyline.saturation-curve");
  var box = svg ? svg.getBoundingClientRect() : null, style = svg ? getComputedStyle(svg) : null;
  var reading = document.querySelector("#saturation p.reading");
  var out = {found: !!svg, width: box ? box.width : 0, height: box ? box.height : 0,
             display: style ? style.display : "", visibility: style ? style.visibility : "",
             points: line ? line.points.numberOfItems : 0, length: line ? line.getTotalLength() : 0,
             reading: reading ? reading.textContent.trim() : ""};
  var pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


@pytest.fixture(scope="module")
def report(demo_map, tmp_path_factory) -> Path:
    return write_report_html(demo_map, tmp_path_factory.mktemp("saturation") / "report.html")


def test_the_curve_is_visible_with_one_point_per_participant(report, demo_map):
    html = report.read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html).replace("</body>", PROBE + "</body>")
    page = report.with_name("probe.html")
    page.write_text(html, encoding="utf-8")
    dump = chromium(page, BUDGET, "--window-size=1400,1000", "--dump-dom")
    found = re.search(r'<pre id="probe">(.*?)</pre>', dump.stdout, re.DOTALL)
    assert found, "the probe did not run"
    probe = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    assert probe["found"] and probe["display"] != "none" and probe["visibility"] == "visible"
    assert probe["width"] > 200 and probe["height"] > 100
    assert probe["points"] == len(demo_map["participants"]) and probe["length"] > 100
    assert probe["reading"] == demo_map["saturation"]["reading"]


def test_a_reached_point_is_marked(demo_map, tmp_path):
    doc = json.loads(json.dumps(demo_map))
    curve = doc["saturation"]["curve"]
    doc["saturation"]["point"] = {"index": curve[9]["index"], "participant": curve[9]["participant"]}
    doc["saturation"]["reading"] = f"Saturation reached after 10 of {len(curve)} participants"
    page = write_report_html(doc, tmp_path / "report.html")
    marker = svg_points(doc["saturation"])["marker"]
    html = page.read_text(encoding="utf-8")
    assert f'<circle class="saturation-point" cx="{marker["x"]}"' in html
    dump = chromium(page, BUDGET, "--dump-dom")
    assert dump.returncode == 0 and "Saturation reached after 10 of" in dump.stdout
    assert console_errors(dump.stderr) == []


def test_no_console_errors(report):
    dump = chromium(report, BUDGET, "--dump-dom")
    assert dump.returncode == 0, dump.stderr[-2000:]
    assert 'class="saturation-curve"' in dump.stdout
    assert console_errors(dump.stderr) == []
