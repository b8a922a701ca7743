"""`--to persona-pdf`: one landscape page per persona card, the card's own text on it, stable bytes."""

from __future__ import annotations

import unicodedata

import pytest

from synth.export import export

pytest.importorskip("weasyprint", reason="weasyprint is not installed")


def pages(path) -> list[str]:
    from pypdf import PdfReader

    return [" ".join(unicodedata.normalize("NFKC", p.extract_text()).split()) for p in PdfReader(str(path)).pages]


def test_one_page_per_persona_with_its_card(map_doc, tmp_path):
    path = export(map_doc, "persona-pdf", tmp_path / "personas.pdf")[0]
    text = pages(path)
    assert len(text) == len(map_doc["personas"])
    units = {u["id"]: u for u in map_doc["units"]}
    for page, persona in zip(text, map_doc["personas"]):
        assert persona["name"] in page
        assert "REPRESENTATIVE QUOTES" in page.upper()
        first = units[persona["quotes"][0]]["text"]
        assert " ".join(first.split())[:40] in page


def test_landscape_and_byte_identical(pristine_map, tmp_path):
    from pypdf import PdfReader

    a = export(pristine_map, "persona-pdf", tmp_path / "a.pdf")[0]
    b = export(pristine_map, "persona-pdf", tmp_path / "b.pdf")[0]
    assert a.read_bytes() == b.read_bytes()
    box = PdfReader(str(a)).pages[0].mediabox
    assert box.width > box.height


def test_only_the_chosen_persona(map_doc, tmp_path):
    path = export(map_doc, "persona-pdf", tmp_path / "one.pdf", persona="persona-2")[0]
    text = pages(path)
    assert len(text) == 1 and map_doc["personas"][1]["name"] in text[0]
