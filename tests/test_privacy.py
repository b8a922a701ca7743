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


HOSTILE = Path(__file__).parent / "data" / "privacy_hostile"
# Every personal detail written into the hostile fixture, listed by hand (not found by synth's rules).
HOSTILE_NAMES = (
    "Sophie", "Turner", "Okonkwo", "Henderson", "Mohammed", "José", "Álvarez", "Jürgen", "Müller", "Dan", "Daniel",
    "William", "Ross", "Brian", "Walsh", "Olu", "Adeyemi", "Hasha", "Perera", "Gina", "Kwame", "Boateng", "Ingrid",
    "Solberg", "Tomasz", "Wilk", "Aiko", "Tanaka", "Priya", "Raman",
)  # fmt: skip
HOSTILE_WORD_NAMES = ("Bill",)  # also an ordinary word ("the bill"): only its capitalised form counts
HOSTILE_NUMBERS = ("07700900124", "07700900456", "07700900789", "447700900321", "07700900999",
                   "4111111111111111", "GB82WEST12345698765432")  # fmt: skip
HOSTILE_EMAIL_PARTS = ("müller@", "beispiel.de", "example.org")


def _compact(text: str) -> str:
    """Digits and letters of numbers with their separators removed: "gb82-west-1234" -> "GB82WEST1234"."""
    joined = re.sub(r"(?<=[\dA-Za-z])[\s.\-/]+(?=[\dA-Za-z])", "", text)
    return joined.upper()


def hostile_leaks(texts: dict[str, str]) -> list[str]:
    found = []
    for rel, text in texts.items():
        found += [f"{rel}: the name {n!r}" for n in HOSTILE_NAMES if re.search(rf"(?<!\w){n}(?!\w)", text, re.I)]
        found += [f"{rel}: the name {n!r}" for n in HOSTILE_WORD_NAMES if re.search(rf"(?<!\w){n}(?!\w)", text)]
        compact = _compact(text)
        found += [f"{rel}: the number {n[-4:]}" for n in HOSTILE_NUMBERS if n in compact]
        found += [f"{rel}: an email ({e})" for e in HOSTILE_EMAIL_PARTS if e in text.lower()]
    return found


def all_texts(*folders: Path) -> dict[str, str]:
    """Every file under the folders as text: xlsx as its XML, other binaries decoded leniently."""
    texts = {}
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            rel = f"{folder.name}/{path.relative_to(folder).as_posix()}"
            if path.suffix == ".xlsx":
                with zipfile.ZipFile(path) as book:
                    texts[rel] = "\n".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
            else:
                texts[rel] = path.read_bytes().decode("utf-8", errors="replace")
            texts[rel + " (file name)"] = path.relative_to(folder).as_posix()
    return texts


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    return _run_and_export(HOSTILE, root / "run"), root / "cache"


HOSTILE_CUES = (
    "Thanks, Daniel", "Bye, Bill", "Thank you, Gina", "Thanks, Hasha", "Thanks, Olu Adeyemi", "Mr Henderson",
    "Dr Okonkwo", "driver Mohammed", "José Álvarez", "it's Brian Walsh", "Thank you, Brian", "sophie",
    "tel:07700900124", "phone:07700 900456", "mobile#", "WhatsApp/", "gb82-west", "4111.1111", "jürgen.müller@",
)  # fmt: skip


def test_the_hostile_fixture_holds_every_case():
    raw = {p.name: p.read_bytes() for p in HOSTILE.iterdir()}
    text = "\n".join(b.decode("utf-16-le") if b[1:2] == b"\0" else b.decode("utf-8") for b in raw.values())
    assert [cue for cue in HOSTILE_CUES if cue not in text] == []
    assert hostile_leaks({"file names": " ".join(raw)}), "some file names carry a name"
    assert any(b[1:2] == b"\0" and not b.startswith((b"\xff\xfe", b"\xfe\xff")) for b in raw.values())


def test_no_personal_detail_of_the_hostile_fixture_in_any_output_or_cache(hostile_run):
    out, cache = hostile_run
    texts = all_texts(out, cache)
    assert any(rel.endswith("report.html") for rel in texts) and any(".xlsx" in rel for rel in texts)
    assert hostile_leaks(texts) == []


def test_hostile_run_reads_every_file_and_keeps_quotes_traceable(hostile_run):
    import json

    from tests.quotecheck import check_unit

    out, _ = hostile_run
    doc = json.loads((out / "map.json").read_text(encoding="utf-8"))
    assert len(doc["sources"]) == 6 and not json.loads((out / "run.json").read_text())["problems"]
    utf16 = [s for s in doc["sources"] if s["path"].endswith("utf16.txt")]
    assert utf16 and utf16[0]["participants"], "BOM-less UTF-16 is read with its speakers"
    assert [f for f in (check_unit(u, HOSTILE) for u in doc["units"]) if f] == []


def test_aliases_stay_with_their_person_across_files_and_forms(hostile_run):
    import csv

    out, _ = hostile_run
    with open(out / "evidence.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    by_text = {r["text"]: r for r in rows}
    survey = next(r for t, r in by_text.items() if t.startswith("Delivery slots"))
    assert survey["text"].endswith("Thanks, " + survey["participant_id"])  # the row's own Full name column
    sophie = next(r for r in rows if r["source"].endswith("interview 2026-03-10.txt"))
    assert sophie["source"].startswith(sophie["participant_id"] + " ")  # the file name shows her alias
    brian = [r for r in rows if r["source"] == "qa_bakery.txt"]
    assert any(f"it's {brian[0]['participant_id']}," in r["text"] for r in brian)
    assert any(f"Thank you, {brian[0]['participant_id']}." in r["question"] for r in brian)
