"""REFI-QDA export: .qdpx and .qdc validate against the schema structure, re-import, and every coded
segment's text is its unit's text at the stated positions.

Schema: no PyPI package ships the REFI-QDA XSDs (checked: portableQDA, pyrefiqda, qdafile, exegete), and
the published Project.xsd could not be vendored here, so `SCHEMA` below is the part of the REFI-QDA 1.0
Project schema (and Codebook schema) that synth writes, restated from the published specification: the
same element names, sequence order, required attributes and GUID pattern. Set SYNTH_REFI_PROJECT_XSD to
the full published Project.xsd to validate against it as well. The independent re-import is pyrefiqda,
whose models are generated from the published schema; QualCoder itself is not on PyPI.
"""

from __future__ import annotations

import csv
import io
import os
import zipfile

import pytest
from lxml import etree

from synth.export import export
from synth.export.highlights import HIGHLIGHT_COLUMNS
from synth.export.refiqda import CODEBOOK_NS, PROJECT_NS, codebook_xml, qdpx_bytes
from tests.export.conftest import FORMULA_QUOTE, SCRIPT_QUOTE

GUID = r"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
COMMON = f"""
  <xs:simpleType name="GUIDType"><xs:restriction base="xs:token"><xs:pattern value="{GUID}"/></xs:restriction></xs:simpleType>
  <xs:complexType name="CodesType"><xs:sequence><xs:element name="Code" type="CodeType" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
  <xs:complexType name="CodeType"><xs:sequence>
    <xs:element name="Description" type="xs:string" minOccurs="0"/>
    <xs:element name="Code" type="CodeType" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
    <xs:attribute name="guid" type="GUIDType" use="required"/><xs:attribute name="name" type="xs:string" use="required"/>
    <xs:attribute name="isCodable" type="xs:boolean" use="required"/></xs:complexType>
"""
SCHEMA = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="{PROJECT_NS}" targetNamespace="{PROJECT_NS}"
  elementFormDefault="qualified">
  <xs:element name="Project"><xs:complexType><xs:sequence>
    <xs:element name="Users" minOccurs="0"><xs:complexType><xs:sequence><xs:element name="User" maxOccurs="unbounded"><xs:complexType>
      <xs:attribute name="guid" type="GUIDType" use="required"/><xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="id" type="xs:string"/></xs:complexType></xs:element></xs:sequence></xs:complexType></xs:element>
    <xs:element name="CodeBook" minOccurs="0"><xs:complexType><xs:sequence><xs:element name="Codes" type="CodesType"/></xs:sequence></xs:complexType></xs:element>
    <xs:element name="Variables" minOccurs="0"><xs:complexType><xs:sequence><xs:element name="Variable" maxOccurs="unbounded"><xs:complexType>
      <xs:sequence><xs:element name="Description" type="xs:string" minOccurs="0"/></xs:sequence>
      <xs:attribute name="guid" type="GUIDType" use="required"/><xs:attribute name="name" type="xs:string" use="required"/>
      <xs:attribute name="typeOfVariable" use="required"><xs:simpleType><xs:restriction base="xs:token">
        <xs:enumeration value="Text"/><xs:enumeration value="Boolean"/><xs:enumeration value="Integer"/><xs:enumeration value="Float"/>
        <xs:enumeration value="Date"/><xs:enumeration value="DateTime"/></xs:restriction></xs:simpleType></xs:attribute>
      </xs:complexType></xs:element></xs:sequence></xs:complexType></xs:element>
    <xs:element name="Cases" minOccurs="0"><xs:complexType><xs:sequence><xs:element name="Case" maxOccurs="unbounded"><xs:complexType><xs:sequence>
      <xs:element name="Description" type="xs:string" minOccurs="0"/>
      <xs:element name="CodeRef" type="RefType" minOccurs="0" maxOccurs="unbounded"/>
      <xs:element name="VariableValue" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
        <xs:element name="VariableRef" type="RefType"/><xs:element name="TextValue" type="xs:string"/></xs:sequence></xs:complexType></xs:element>
      <xs:element name="SourceRef" type="RefType" minOccurs="0" maxOccurs="unbounded"/>
      <xs:element name="SelectionRef" type="RefType" minOccurs="0" maxOccurs="unbounded"/></xs:sequence>
      <xs:attribute name="guid" type="GUIDType" use="required"/><xs:attribute name="name" type="xs:string"/>
      </xs:complexType></xs:element></xs:sequence></xs:complexType></xs:element>
    <xs:element name="Sources" minOccurs="0"><xs:complexType><xs:choice maxOccurs="unbounded"><xs:element name="TextSource"><xs:complexType><xs:sequence>
      <xs:element name="Description" type="xs:string" minOccurs="0"/>
      <xs:element name="PlainTextContent" type="xs:string" minOccurs="0"/>
      <xs:element name="PlainTextSelection" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
        <xs:element name="Description" type="xs:string" minOccurs="0"/>
        <xs:element name="Coding" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence><xs:element name="CodeRef" type="RefType"/></xs:sequence>
          <xs:attribute name="guid" type="GUIDType" use="required"/></xs:complexType></xs:element></xs:sequence>
        <xs:attribute name="guid" type="GUIDType" use="required"/><xs:attribute name="name" type="xs:string"/>
        <xs:attribute name="startPosition" type="xs:integer" use="required"/><xs:attribute name="endPosition" type="xs:integer" use="required"/>
      </xs:complexType></xs:element></xs:sequence>
      <xs:attribute name="guid" type="GUIDType" use="required"/><xs:attribute name="name" type="xs:string"/>
      <xs:attribute name="plainTextPath" type="xs:string"/></xs:complexType></xs:element></xs:choice></xs:complexType></xs:element>
    <xs:element name="Description" type="xs:string" minOccurs="0"/>
  </xs:sequence>
  <xs:attribute name="name" type="xs:string" use="required"/><xs:attribute name="origin" type="xs:string"/>
  <xs:attribute name="creatingUserGUID" type="GUIDType"/></xs:complexType></xs:element>
  <xs:complexType name="RefType"><xs:attribute name="targetGUID" type="GUIDType" use="required"/></xs:complexType>
  {COMMON}
</xs:schema>"""
CODEBOOK_SCHEMA = f"""<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="{CODEBOOK_NS}" targetNamespace="{CODEBOOK_NS}"
  elementFormDefault="qualified">
  <xs:element name="CodeBook"><xs:complexType><xs:sequence><xs:element name="Codes" type="CodesType"/></xs:sequence>
    <xs:attribute name="origin" type="xs:string"/></xs:complexType></xs:element>
  {COMMON}
</xs:schema>"""
Q = {"q": PROJECT_NS}


def project(doc: dict) -> tuple[etree._Element, dict[str, str]]:
    with zipfile.ZipFile(io.BytesIO(qdpx_bytes(doc))) as archive:
        root = etree.fromstring(archive.read("project.qde"))
        texts = {n: archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("sources/")}
    return root, texts


def assert_valid(schema_text: str, root) -> None:
    schema = etree.XMLSchema(etree.fromstring(schema_text.encode()))
    assert schema.validate(root), schema.error_log


def assert_segments_match(doc: dict, root, texts: dict[str, str]) -> int:
    units = {u["id"]: u for u in doc["units"]}
    checked = 0
    for source in root.iterfind(".//q:TextSource", Q):
        text = texts["sources/" + source.get("plainTextPath").removeprefix("internal://")]
        for sel in source.iterfind("q:PlainTextSelection", Q):
            unit = units[sel.find("q:Description", Q).text.removeprefix("synth unit ")]
            assert text[int(sel.get("startPosition")):int(sel.get("endPosition"))] == unit["text"]
            assert unit["source"] == source.get("name")
            checked += 1
    return checked


def test_project_validates_and_every_segment_is_its_units_text(map_doc):
    root, texts = project(map_doc)
    assert_valid(SCHEMA, root)
    assert assert_segments_match(map_doc, root, texts) == len(map_doc["units"])


def test_every_reference_points_at_something_and_guids_are_unique(map_doc):
    root, _ = project(map_doc)
    guids = [e.get("guid") for e in root.iter() if e.get("guid")]
    assert len(guids) == len(set(guids))
    targets = {e.get("targetGUID") for e in root.iter() if e.get("targetGUID")} | {root.get("creatingUserGUID")}
    assert targets <= set(guids)


def test_codes_are_the_maps_stages_kinds_touchpoints_and_themes(map_doc):
    root, _ = project(map_doc)
    families = {c.get("name"): [k.get("name") for k in c.iterfind("q:Code", Q)] for c in root.iterfind("q:CodeBook/q:Codes/q:Code", Q)}
    assert families["Stages"] == [s["label"] for s in map_doc["stages"]]
    assert families["Kinds"] == [k["label"] for k in map_doc["kinds"]]
    assert families["Touchpoints"] == [t["label"] for t in map_doc["touchpoints"]]
    assert families["Themes"] == [t["label"] for t in map_doc["themes"]]


def test_participants_are_cases_with_attributes_and_their_segments(map_doc):
    root, _ = project(map_doc)
    variables = {v.get("guid"): v.get("name") for v in root.iterfind(".//q:Variable", Q)}
    participant = map_doc["participants"][0]
    case = root.find(f".//q:Case[@name='{participant['id']}']", Q)
    values = {variables[v.find("q:VariableRef", Q).get("targetGUID")]: v.find("q:TextValue", Q).text
              for v in case.iterfind("q:VariableValue", Q)}
    assert {k: values[k] for k in participant["attributes"]} == participant["attributes"]
    persona = next(p["name"] for p in map_doc["personas"] if p["id"] == participant["persona_id"])
    assert values["persona"] == persona
    assert len(case.findall("q:SelectionRef", Q)) == sum(u["participant_id"] == participant["id"] for u in map_doc["units"])


def test_a_unit_is_coded_with_its_stage_and_kinds(map_doc):
    root, _ = project(map_doc)
    names = {c.get("guid"): c.get("name") for c in root.iterfind(".//q:Code", Q)}
    unit = next(u for u in map_doc["units"] if u["stage"] and u["kinds"])
    sel = next(s for s in root.iterfind(".//q:PlainTextSelection", Q) if s.find("q:Description", Q).text.endswith(unit["id"]))
    coded = {names[c.find("q:CodeRef", Q).get("targetGUID")] for c in sel.iterfind("q:Coding", Q)}
    labels = {s["id"]: s["label"] for s in map_doc["stages"]} | {k["id"]: k["label"] for k in map_doc["kinds"]}
    assert {labels[unit["stage"]["id"]], *(labels[k["id"]] for k in unit["kinds"])} <= coded


def test_hostile_text_stays_text(map_doc):
    root, texts = project(map_doc)
    joined = "".join(texts.values())
    assert SCRIPT_QUOTE in joined and FORMULA_QUOTE in joined
    assert_segments_match(map_doc, root, texts)


def test_exports_are_byte_identical(pristine_map):
    assert qdpx_bytes(pristine_map) == qdpx_bytes(pristine_map)
    assert codebook_xml(pristine_map) == codebook_xml(pristine_map)


def test_codebook_validates(map_doc):
    root = etree.fromstring(codebook_xml(map_doc))
    assert_valid(CODEBOOK_SCHEMA, root)
    assert len(root.findall(".//{%s}Code" % CODEBOOK_NS)) == 4 + len(map_doc["stages"]) + len(map_doc["kinds"]) + len(
        map_doc["touchpoints"]) + len(map_doc["themes"])


@pytest.mark.skipif(not os.environ.get("SYNTH_REFI_PROJECT_XSD"), reason="set SYNTH_REFI_PROJECT_XSD to the published Project.xsd")
def test_project_validates_against_the_published_schema(map_doc):
    schema = etree.XMLSchema(etree.parse(os.environ["SYNTH_REFI_PROJECT_XSD"]))
    root, _ = project(map_doc)
    assert schema.validate(root), schema.error_log


@pytest.mark.slow
def test_demo_qdpx_validates_reimports_and_matches(demo_map, tmp_path):
    pyrefiqda = pytest.importorskip("pyrefiqda", reason="pyrefiqda (the independent REFI-QDA reader) is not installed")
    path = export(demo_map, "qdpx", tmp_path / "demo.qdpx")[0]
    root, texts = project(demo_map)
    assert_valid(SCHEMA, root)
    assert assert_segments_match(demo_map, root, texts) == len(demo_map["units"])
    loaded = pyrefiqda.RefiProject.load(path, extract_dir=str(tmp_path / "x"))
    sources = loaded.sources.text_source
    assert len(sources) == len(demo_map["sources"])
    assert sum(len(s.plain_text_selection) for s in sources) == len(demo_map["units"])
    assert len(loaded.cases.case) == len(demo_map["participants"])


def test_highlights_csv(map_doc, tmp_path):
    path = export(map_doc, "highlights", tmp_path / "h.csv")[0]
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    assert tuple(rows[0]) == HIGHLIGHT_COLUMNS and len(rows) == 1 + len(map_doc["units"])
    unit = next(u for u in map_doc["units"] if u["stage"] and u["kinds"])
    row = next(r for r in rows if r[-1] == unit["id"])
    stage = next(s["label"] for s in map_doc["stages"] if s["id"] == unit["stage"]["id"])
    assert row[0] == unit["text"] and f"Stage: {stage}" in row[1].split(", ")
    assert row[2:5] == [unit["participant_id"], unit["source"], unit["location"]]
    assert "'" + FORMULA_QUOTE in [r[0] for r in rows]


def test_evidence_csv_export_is_the_evidence_table_not_the_whiteboard(map_doc, tmp_path):
    path = export(map_doc, "evidence-csv", tmp_path / "e.csv")[0]
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("unit_id,participant_id,source,location")
    only = export(map_doc, "evidence-csv", tmp_path / "p.csv", persona="persona-2")[0]
    ids = [r[1] for r in csv.reader(io.StringIO(only.read_text(encoding="utf-8")))][1:]
    expected = {u["participant_id"] for u in map_doc["units"] if u["persona_id"] == "persona-2"}
    assert set(ids) == expected


@pytest.mark.slow
def test_exchange_files_of_the_demo_carry_no_pii(demo_run, tmp_path):
    """The sample inputs hold emails, phone numbers and names; none reaches the qdpx, qdc or highlights."""
    import json

    from tests.conftest import SAMPLE_INPUTS
    from tests.test_privacy import input_pii, leaks

    doc = json.loads((demo_run / "map.json").read_text(encoding="utf-8"))
    folder = tmp_path / "exchange"
    with zipfile.ZipFile(export(doc, "qdpx", tmp_path / "demo.qdpx")[0]) as archive:
        archive.extractall(folder)
    export(doc, "qdc", folder / "synth.qdc")
    export(doc, "highlights", folder / "highlights.csv")
    export(doc, "evidence-csv", folder / "evidence.csv")
    assert len(list(folder.rglob("*.txt"))) == len(doc["sources"])
    assert leaks(folder, *input_pii(SAMPLE_INPUTS)) == []
