"""With redaction on, no email, phone number or speaker name from the inputs reaches any output.

The PII is found independently of synth's redactor: emails and phone numbers by
plain patterns over the raw files, speaker names from the speaker labels the
readers found and from the roster. Every file a run writes is then searched,
including the text inside `journey_map.xlsx` and every `synth export` format.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from synth.config import Settings
from synth.export import export
from synth.pipeline import reviewed_map
from synth.ingest import list_files, read_inputs
from synth.pipeline import run
from tests.conftest import SAMPLE_INPUTS, shared
from tests.quotecheck import raw_lines

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[ .-]?)?(?:\(?\d{2,5}\)?[ .-]?){2,4}\d{3,4}(?!\w)")
GENERIC_LABELS = {
    "interviewer", "moderator", "facilitator", "researcher", "participant", "respondent", "speaker", "unknown",
    "user", "host", "guest", "note", "notes", "customer", "team", "everyone", "all",
}


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def input_pii(root: Path) -> tuple[set[str], set[str], set[str]]:
    """Emails, phone numbers (digits only) and speaker names found in the raw inputs."""
    emails, phones, names = set(), set(), set()
    for path, _rel in list_files([root]):
        if path.suffix.lower() not in {".txt", ".md", ".vtt", ".srt", ".csv", ".docx", ".tsv"}:
            continue
        text = "\n".join(raw_lines(path))
        emails.update(m.group(0).rstrip(".") for m in EMAIL.finditer(text))
        for match in PHONE.finditer(text):
            digits = _digits(match.group(0))
            # 10-13 digits, and not a timestamp such as 2026-02-02 12:45 (whose digits start with a year)
            if 10 <= len(digits) <= 13 and not digits.startswith(("19", "20")):
                phones.add(digits)
    sources, _ = read_inputs([root])
    for source in sources:
        labels = [s.name for s in source.speakers] if source.kind == "transcript" else []
        if source.kind == "participants":
            labels = list(source.attributes)
        for label in labels:
            label = re.sub(r"\(.*?\)", "", label).strip()
            for part in [label, *label.split()]:
                if len(part) >= 3 and part[0].isupper() and part.isalpha() and not part.isupper() and part.lower() not in GENERIC_LABELS:
                    names.add(part)
    return emails, phones, names


def output_texts(run_dir: Path) -> dict[str, str]:
    """Every text a run wrote, xlsx cells included."""
    texts = {}
    for path in sorted(p for p in run_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(run_dir).as_posix()
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as book:
                texts[rel] = "\n".join(
                    re.sub(r"<[^>]+>", " ", book.read(n).decode("utf-8")) for n in book.namelist() if n.endswith(".xml")
                )
        else:
            texts[rel] = path.read_text(encoding="utf-8")
    return texts


def leaks(run_dir: Path, emails, phones, names) -> list[str]:
    found = []
    for rel, text in output_texts(run_dir).items():
        found += [f"{rel}: an email" for e in emails if e.lower() in text.lower()]
        digits_runs = {_digits(m.group(0)) for m in PHONE.finditer(text)}
        found += [f"{rel}: a phone number" for p in phones if p in digits_runs]
        found += [f"{rel}: the name {n!r}" for n in names if re.search(rf"(?<![\w]){re.escape(n)}(?![\w])", text)]
    return found


def _run_and_export(inputs: Path, out: Path) -> Path:
    settings = Settings(inputs=(inputs,), output=out, model="hashing", cache_dir=out.parent / "cache")
    run(settings)
    reviewed, _ = reviewed_map(out)
    for fmt, name in (("csv", "stickies.csv"), ("md", "map.md"), ("html", "map.html"), ("xlsx", "grid.xlsx")):
        export(reviewed, fmt, out / "exports" / name)
    return out


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    return _run_and_export(SAMPLE_INPUTS, tmp_path_factory.mktemp("privacy") / "sample")


def test_sample_inputs_hold_pii_to_look_for():
    emails, phones, names = input_pii(SAMPLE_INPUTS)
    assert emails and phones, "the sample study should carry emails and phone numbers to redact"
    assert {"Maya", "Patel", "Brian"} <= names


def test_no_pii_from_sample_inputs_in_any_output(sample_run):
    assert leaks(sample_run, *input_pii(SAMPLE_INPUTS)) == []


def test_no_pii_from_autistica_in_any_output(tmp_path):
    root = shared("autistica-citsci")
    out = _run_and_export(root, tmp_path / "autistica")
    assert leaks(out, *input_pii(root)) == []


def test_opting_out_keeps_the_words(tmp_path):
    out = tmp_path / "open"
    run(Settings(inputs=(SAMPLE_INPUTS,), output=out, model="hashing", cache_dir=tmp_path / "cache", redact=False))
    emails, _, names = input_pii(SAMPLE_INPUTS)
    assert leaks(out, emails, set(), names), "with --no-redact the participants' own words stay as they are"
