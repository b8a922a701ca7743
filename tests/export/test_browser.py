"""report.html in a real browser (headless Chromium): it renders, shows the data, runs no injected script."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from synth.export import write_report_html
from tests.export.conftest import unit_by_text, without_own_script

CANDIDATES = (shutil.which("chromium"), shutil.which("chromium-browser"), "/usr/bin/chromium")
CHROMIUM = next((p for p in CANDIDATES if p and os.path.exists(p)), None)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0"]
HOSTILE = "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\">"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"),
]


def chromium(page: Path, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args, page.as_uri()],
                              capture_output=True, text=True, timeout=90)


def console_errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, pristine_map):
    """The fixture map with an extra script-running quote, rendered and dumped by Chromium."""
    doc = {**pristine_map, "units": [dict(u) for u in pristine_map["units"]]}
    unit_by_text(doc, "crème fraîche")["text"] += " " + HOSTILE
    folder = tmp_path_factory.mktemp("browser")
    page = write_report_html(doc, folder / "report.html")
    dump = chromium(page, "--dump-dom")
    return doc, page, dump


def test_report_renders_the_personas_and_quotes(rendered):
    doc, _, dump = rendered
    assert dump.returncode == 0, dump.stderr[-2000:]
    text = re.sub(r"\s+", " ", dump.stdout)
    for persona in doc["personas"]:
        assert persona["name"].replace("&", "&amp;") in text
    assert "A friend at the school gate told me about Basketful" in text
    assert "Substitutions drive me mad; I ordered crème fraîche" in text


def test_no_console_errors(rendered):
    assert console_errors(rendered[2].stderr) == []


def test_injected_markup_did_not_run(rendered):
    dom = rendered[2].stdout
    title = re.search(r"<title>(.*?)</title>", dom, re.DOTALL).group(1)
    assert title.startswith("synth report") and "pwned" not in title
    assert "<script" not in without_own_script(dom).lower() and "<img" not in dom.lower()
    assert "&lt;script&gt;document.title='pwned'&lt;/script&gt;" in dom


def test_screenshot(rendered, tmp_path_factory):
    _, page, _ = rendered
    shot = tmp_path_factory.mktemp("shot") / "report.png"
    result = chromium(page, f"--screenshot={shot}", "--window-size=1400,2000", "--hide-scrollbars")
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 50_000
    assert console_errors(result.stderr) == []
