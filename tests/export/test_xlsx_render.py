"""journey_map.xlsx of the demo run rendered by LibreOffice headless (how it prints): landscape pages,
each map on one page width with its full title, wrapped text that does not run into its neighbours."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata

import pytest

from synth.export import write_xlsx
from tests.export.test_report_browser import PDFTOTEXT, overlaps, words

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (apt-get install -y libreoffice-calc-nogui)"),
    pytest.mark.skipif(PDFTOTEXT is None, reason="pdftotext is not installed (apt-get install -y poppler-utils)"),
]


@pytest.fixture(scope="module")
def rendered(demo_map, tmp_path_factory):
    from pypdf import PdfReader

    folder = tmp_path_factory.mktemp("xlsx")
    book = write_xlsx(demo_map, folder / "journey_map.xlsx")
    subprocess.run([SOFFICE, "--headless", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(folder), str(book)], capture_output=True, timeout=300, check=True)
    pdf = folder / "journey_map.pdf"
    reader = PdfReader(str(pdf))
    texts = [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in reader.pages]
    return pdf, reader, texts


def test_prints_landscape_in_far_fewer_pages(rendered, demo_map):
    _, reader, texts = rendered
    assert all(p.mediabox.width > p.mediabox.height for p in reader.pages)
    # 243 A4 portrait pages before page setup; 52-83 since, as the demo's wording changed (same 747 evidence rows:
    # evidence is the long tail, and wrapped text decides its row heights)
    assert len(texts) <= 100


def test_each_map_fits_one_page_width_with_its_full_title(rendered, demo_map):
    _, _, texts = rendered
    by_id = {p["id"]: p["name"] for p in demo_map["personas"]}
    for index, journey in enumerate(demo_map["maps"]):
        title = " ".join((journey.get("name") or by_id.get(journey["persona_id"]) or "").split())
        page = texts[index]
        assert title and page.startswith(title), (index, page[:80])
        assert all(stage["label"] in page for stage in journey["stages"])  # every stage column on the page


def test_no_words_overlap_on_the_map_and_persona_pages(rendered, demo_map):
    pdf, _, texts = rendered
    personas_page = next(i for i, t in enumerate(texts) if t.startswith("persona_id name status"))
    for page in [*range(1, len(demo_map["maps"]) + 1), personas_page + 1]:
        assert overlaps(words(pdf, page)) == [], f"page {page}"
