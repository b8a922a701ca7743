"""The demo report in headless Chromium: filters change the visible evidence, the curve sits over its
stage columns, and printing gives one landscape page per map with no overlapping text.

The page is probed by a copy of the report with its Content-Security-Policy removed and a probe
script appended (the CSP would rightly block any script but the report's own); the probe writes its
measurements as JSON into the DOM, which `--dump-dom` returns.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from synth.export import write_report_html
from tests.export.test_browser import CHROMIUM, chromium, console_errors

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"),
]
BUDGET = "--virtual-time-budget=20000"
PROBE = r"""
<script>
(function () {
  function visible() { return document.querySelectorAll("ol.evidence > li:not([hidden])").length; }
  function centre(el) { var r = el.getBoundingClientRect(); return r.left + r.width / 2; }
  var form = document.getElementById("filters"), out = {total: visible(), filters: {}, curve: []};
  function pick(name) {
    var select = form.elements[name];
    select.value = select.options[1].value;
    select.dispatchEvent(new Event("change", {bubbles: true}));
    var n = visible(), bad = 0;
    document.querySelectorAll("ol.evidence > li:not([hidden])").forEach(function (li) {
      var d = li.dataset, v = select.value;
      if (name === "persona" ? d.persona !== v : (" " + d.kinds + " ").indexOf(" " + v + " ") < 0) { bad += 1; }
    });
    form.reset(); form.dispatchEvent(new Event("change"));
    return {value: select.options[1].value, shown: n, wrong: bad, after_reset: visible()};
  }
  out.filters.persona = pick("persona");
  out.filters.kind = pick("kind");
  form.elements.q.value = "delivery slot";
  form.elements.q.dispatchEvent(new Event("input", {bubbles: true}));
  out.search = {shown: visible(), counter: document.getElementById("shown").textContent};
  form.reset(); form.dispatchEvent(new Event("change"));
  document.querySelectorAll("section.map").forEach(function (map) {
    map.querySelectorAll("circle.point").forEach(function (pt) {
      var th = map.querySelector('th.stage[data-stage="' + pt.dataset.stage + '"]');
      var r = th.getBoundingClientRect();
      out.curve.push({map: map.id, stage: pt.dataset.stage, dx: Math.abs(centre(pt) - centre(th)), width: r.width});
    });
  });
  var future = document.getElementById("future-state"), box = future ? future.getBoundingClientRect() : null;
  out.future = future ? {
    height: box.height, width: box.width, display: getComputedStyle(future).display,
    questions: Array.prototype.map.call(future.querySelectorAll("b.hmw"), function (b) {
      var r = b.getBoundingClientRect(); return {text: b.textContent, height: r.height, width: r.width}; }),
    links: future.querySelectorAll(".cites a").length,
    dangling: Array.prototype.filter.call(future.querySelectorAll(".cites a, table.paths a"), function (a) {
      return !document.getElementById(a.getAttribute("href").slice(1)); }).length,
    paths: future.querySelectorAll("td.path").length
  } : null;
  var pre = document.createElement("pre"); pre.id = "probe"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


@pytest.fixture(scope="module")
def report(demo_map, tmp_path_factory) -> Path:
    return write_report_html(demo_map, tmp_path_factory.mktemp("report") / "report.html")


@pytest.fixture(scope="module")
def probe(report) -> dict:
    html = report.read_text(encoding="utf-8")
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html).replace("</body>", PROBE + "</body>")
    page = report.with_name("probe.html")
    page.write_text(html, encoding="utf-8")
    dump = chromium(page, BUDGET, "--window-size=1400,1000", "--dump-dom")
    assert dump.returncode == 0, dump.stderr[-2000:]
    found = re.search(r'<pre id="probe">(.*?)</pre>', dump.stdout, re.DOTALL)
    assert found, "the probe did not run"
    return json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))


def test_the_report_runs_its_own_script_under_its_policy(report):
    dump = chromium(report, BUDGET, "--dump-dom")
    assert dump.returncode == 0
    assert re.search(r'<form id="filters" class="filters">', dump.stdout), "the filter form stays hidden: the script did not run"
    assert "Refused to execute" not in dump.stderr


def test_the_future_state_section_is_visible_with_no_console_errors(report, probe, demo_map):
    future = probe["future"]
    assert future and future["display"] != "none" and future["height"] > 200 and future["width"] > 600
    expected = [o["text"] for m in demo_map["maps"] for c in m["stages"] for o in c["opportunities"]]
    assert future["questions"] and all(q["height"] > 0 and q["width"] > 0 for q in future["questions"])
    assert all(q["text"].removeprefix("Draft: ") in expected for q in future["questions"])
    assert future["links"] >= len(future["questions"]) and future["dangling"] == 0  # every quote link lands
    assert future["paths"] >= 1
    dump = chromium(report, BUDGET, "--dump-dom")
    assert dump.returncode == 0 and console_errors(dump.stderr) == []


@pytest.mark.parametrize("name", ["persona", "kind"])
def test_a_filter_shows_only_matching_cards(probe, name):
    result = probe["filters"][name]
    assert 0 < result["shown"] < probe["total"], result
    assert result["wrong"] == 0
    assert result["after_reset"] == probe["total"]


def test_free_text_search_narrows_the_cards_and_counts_them(probe):
    assert 0 < probe["search"]["shown"] < probe["total"]
    assert probe["search"]["counter"] == str(probe["search"]["shown"])


def test_curve_points_sit_over_their_stage_columns(probe):
    assert len(probe["curve"]) >= 20
    for point in probe["curve"]:
        assert point["dx"] < 2, point  # pixels from the centre of the stage's header cell


PDFTOTEXT = shutil.which("pdftotext")


@pytest.fixture(scope="module")
def printed(report, demo_map) -> tuple[Path, list[str]]:
    """The report printed to PDF by Chromium, and each page's text (pypdf)."""
    from pypdf import PdfReader

    pdf = report.with_name("report.pdf")
    result = chromium(report, BUDGET, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert result.returncode == 0 and pdf.exists(), result.stderr[-2000:]
    texts = (unicodedata.normalize("NFKC", page.extract_text()) for page in PdfReader(str(pdf)).pages)
    return pdf, [" ".join(text.split()) for text in texts]  # NFKC: the PDF's "ﬂ" ligature reads "fl"


def map_titles(doc: dict) -> list[str]:
    by_id = {p["id"]: p["name"] for p in doc["personas"]}
    return [m.get("name") or by_id.get(m["persona_id"]) or "All participants" for m in doc["maps"]]


def test_print_is_landscape_with_one_page_per_map(printed, demo_map):
    from pypdf import PdfReader

    pdf, pages = printed
    box = PdfReader(str(pdf)).pages[0].mediabox
    assert box.width > box.height  # A4 landscape
    grid_pages = [i for i, text in enumerate(pages) if "Lane Awareness" in text]
    assert len(grid_pages) == len(demo_map["maps"]), "a map's grid runs onto a second page"
    for index, title in zip(grid_pages, map_titles(demo_map)):
        text = pages[index]
        assert text.startswith(" ".join(title.split())), (index, text[:80])
        assert "Emotion curve" in text and "Opportunities" in text  # first and last lanes on the same page


def words(pdf: Path, page: int) -> list[tuple[float, float, float, float]]:
    out = subprocess.run([PDFTOTEXT, "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return [tuple(float(v) for v in m) for m in re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', out)]


def overlaps(boxes) -> list[tuple]:
    """Pairs of words whose boxes overlap by more than a fifth of the smaller one (a clash, not a kern)."""
    found = []
    ordered = sorted(boxes)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b[0] >= a[2]:
                break
            w, h = min(a[2], b[2]) - b[0], min(a[3], b[3]) - max(a[1], b[1])
            smaller = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
            if w > 0 and h > 0 and w * h > 0.2 * smaller:
                found.append((a, b))
    return found


@pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed (apt-get install -y poppler-utils)")
def test_no_words_overlap_on_persona_and_map_pages(printed, demo_map):
    pdf, pages = printed
    first_evidence = next(i for i, text in enumerate(pages) if text.startswith("Evidence"))
    for page in range(1, first_evidence + 1):
        boxes = words(pdf, page)
        assert boxes, page
        assert overlaps(boxes) == [], f"page {page}"


def test_each_persona_card_prints_on_one_page(printed, demo_map):
    _, pages = printed
    for persona in demo_map["personas"]:
        name = " ".join(persona["name"].split())
        card = [i for i, text in enumerate(pages) if text.startswith(name) and "Lane Awareness" not in text]
        assert len(card) == 1, name
        assert "REPRESENTATIVE QUOTES" in pages[card[0]].upper()
