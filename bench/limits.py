"""What the ingest limits cost: time and peak memory to refuse, or to read, inputs at each limit.

    PYTHONPATH=. .venv/bin/python bench/limits.py            # every case (about 3 minutes on a free core)
    PYTHONPATH=. .venv/bin/python bench/limits.py --only text-200mb docx-bomb

Each case runs in a fresh process, so the peak RSS it reports (`ru_maxrss`) is
that case's alone; the baseline (`python -c "import synth.ingest"`) is printed
first. Inputs are generated in a temporary folder, never taken from the data
sets, and deleted afterwards. The figures in docs/limits.md come from this
script; the limits themselves are in `synth/ingest/limits.py`.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

WORDS = "the app was slow and I could not find the booking page so I gave up on it".split()
MIB = 1 << 20


def _text(size: int, seed: int = 1) -> str:
    """`size` characters of sentences, one line, no speaker label."""
    rng = random.Random(seed)
    block = "".join(" ".join(rng.choice(WORDS) for _ in range(12)) + ". " for _ in range(2000))
    return (block * (size // len(block) + 1))[:size]


def make_one_line(folder: Path, size: int) -> Path:
    path = folder / "one_line.txt"
    path.write_text("Jane: " + _text(size - 7) + "\n")
    return path


def make_dialogue(folder: Path, size: int) -> Path:
    """`size` bytes of short alternating speaker lines: the most turns per byte."""
    rng = random.Random(2)
    lines, total = [], 0
    while total < size:
        line = ("Interviewer: " if len(lines) % 2 == 0 else "Jane: ") + " ".join(rng.choice(WORDS) for _ in range(6))
        lines.append(line)
        total += len(line) + 1
    path = folder / "dialogue.txt"
    path.write_text("\n".join(lines) + "\n")
    return path


def make_docx(folder: Path, xml_bytes: int) -> Path:
    import docx

    template = folder / "template.docx"
    document = docx.Document()
    document.add_paragraph("Jane: hello there")
    document.save(str(template))
    with zipfile.ZipFile(template) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    body = parts["word/document.xml"].decode()
    speakers = ("Interviewer", "Jane")
    paragraph = "<w:p><w:r><w:t>{}: it was fine really, the booking page worked for me.</w:t></w:r></w:p>"
    count = xml_bytes // len(paragraph.format("Jane"))
    cut = body.index("<w:body>") + len("<w:body>")
    paragraphs = "".join(paragraph.format(speakers[n % 2]) for n in range(count))
    parts["word/document.xml"] = (body[:cut] + paragraphs + body[cut:]).encode()
    path = folder / "doc.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    template.unlink()
    return path


CASES = {
    # name: (what, builder, argument, stage)
    "text-200mb": ("200 MB one-line file (over max_file_bytes): refused", make_one_line, 200_000_000, "ingest"),
    "text-at-limit": ("one-line file just under max_file_bytes (16 MiB): read, turn split", make_one_line,
                      16 * MIB - 4096, "ingest"),
    "dialogue-at-limit": ("short speaker lines just under max_file_bytes (the most turns per byte): read",
                          make_dialogue, 16 * MIB - 4096, "ingest"),
    "turn-2.4mb": ("2.4 MB single turn: read, split, segmented (inspect)", make_one_line, 2_400_000, "inspect"),
    "docx-bomb": ("docx with 30 MB of XML, 158 KB zipped (over max_zip_xml_bytes_docx): refused", make_docx,
                  30_000_000, "ingest"),
    "docx-at-limit": ("docx with 15.6 MiB of XML in all (just under the limit): read", make_docx, 14 * MIB, "ingest"),
}


def run_case(name: str, folder: Path) -> dict:
    """Read the input `main` built in `folder`, in this process; returns the figures."""
    what, _builder, _argument, stage = CASES[name]
    (path,) = folder.iterdir()
    start = time.perf_counter()
    if stage == "inspect":
        from synth.inspect import inspect_inputs

        report = inspect_inputs([folder])
        read, problems, units = len(report), sum(len(s["problems"]) for s in report), sum(s["units"] for s in report)
    else:
        from synth.ingest import read_inputs

        sources, found = read_inputs([folder])
        read, problems, units = len(sources), [p.reason for p in found], None
    seconds = time.perf_counter() - start
    return {
        "case": name,
        "what": what,
        "file_bytes": path.stat().st_size,
        "seconds": round(seconds, 2),
        "peak_rss_mib": peak_rss_mib(),
        "sources_read": read,
        "problems": problems,
        "units": units,
    }


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss it restarts at exec,
    so the parent's generated input does not count)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError("no VmHWM in /proc/self/status (this benchmark needs Linux)")


def baseline() -> float:
    code = "import synth.ingest.transcripts, synth.inspect, bench.limits as b; print(b.peak_rss_mib())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    return float(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", choices=sorted(CASES), help="cases to run (default: all)")
    parser.add_argument("--case", nargs=2, help=argparse.SUPPRESS)  # internal: NAME FOLDER, read in this process
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case[0], Path(args.case[1]))))
        return
    print(json.dumps({"baseline_peak_rss_mib": baseline()}))
    for name in args.only or CASES:
        with tempfile.TemporaryDirectory(prefix="synth-limits-") as folder:
            _what, builder, argument, _stage = CASES[name]
            builder(Path(folder), argument)  # built here, so the reading process's peak is the reading alone
            command = [sys.executable, __file__, "--case", name, folder]
            done = subprocess.run(command, capture_output=True, text=True, check=False)
        print(done.stdout.strip() or json.dumps({"case": name, "failed": done.stderr.strip()[-500:]}), flush=True)


if __name__ == "__main__":
    main()
