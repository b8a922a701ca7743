"""REFI-QDA exchange files: a codebook (``.qdc``) and a project (``.qdpx``).

REFI-QDA (qdasoftware.org) is the format NVivo, ATLAS.ti, MAXQDA and QualCoder
import. The XML follows the published schemas: ``urn:QDA-XML:codebook:1.0``
(Codebook.xsd) and ``urn:QDA-XML:project:1.0`` (Project.xsd, March 2019), element
order as the schemas' sequences require.

- Codes: one parent code per family (Stages, Kinds, Touchpoints, Themes; not
  codable themselves) with the map's stages, kinds, touchpoints and themes
  under it, their ids in the description.
- Sources (qdpx only): one plain-text source per input file, made of its
  evidence units (the text synth cites, after redaction), each under a line
  naming its participant and location. The original inputs are not copied:
  they may hold what redaction removed.
- Coded segments: one ``PlainTextSelection`` per unit at its position in that
  text (character offsets, end exclusive, counted in Unicode code points, as
  the standard asks), coded with its stage, kinds, touchpoints and themes.
- Cases: one per participant, with their survey attributes and persona as
  variables, linked to their sources and segments.

GUIDs are UUID5 of stable keys and nothing carries a time, so the same map
gives byte-identical files. The zip is written with a fixed timestamp.
"""

from __future__ import annotations

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence
from xml.etree import ElementTree as ET

from synth.atomic import write_bytes
from synth.document import MapDocument, UnitEntry
from synth.export.view import as_document

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GUID_NAMESPACE = uuid.UUID("6f1c2d9e-5b7a-4c1e-9a43-2f0d8e6b1a57")
ORIGIN = "synth (journey-map drafts)"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def guid(*key: str) -> str:
    """A stable GUID for a key: the same code, source or segment gets the same GUID in every export."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(key)))


@dataclass(frozen=True)
class Segment:
    """One unit's place in its source's plain text: ``text[start:end]`` is the unit's text."""

    unit_id: str
    start: int
    end: int


@dataclass(frozen=True)
class SourceText:
    """The plain text exported for one source and where each unit sits in it."""

    source: str
    text: str
    segments: tuple[Segment, ...]


def source_texts(doc: MapDocument) -> list[SourceText]:
    """Per source (map.json order): its units, each under a 'P003 · line 12' line, and their offsets."""
    by_source: dict[str, list[UnitEntry]] = {s.path: [] for s in doc.sources}
    for unit in doc.units:
        by_source.setdefault(unit.source, []).append(unit)
    out = []
    for source, units in by_source.items():
        parts: list[str] = []
        segments, at = [], 0
        for unit in units:
            head = f"{unit.participant_id} · {unit.location}\n"
            parts += [head, unit.text, "\n\n"]
            start = at + len(head)
            segments.append(Segment(unit.id, start, start + len(unit.text)))
            at = start + len(unit.text) + 2
        out.append(SourceText(source, "".join(parts), tuple(segments)))
    return out


# ---------------------------------------------------------------- codes


def code_families(doc: MapDocument) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(family, [(key, name, description)]): the codes synth's tags become."""
    return [
        ("Stages", [(f"stage:{s.id}", s.label, f"{s.id}: {s.description}".strip()) for s in doc.stages]),
        ("Kinds", [(f"kind:{k.id}", k.label, k.id) for k in doc.kinds]),
        ("Touchpoints", [(f"touchpoint:{t.id}", t.label, t.id) for t in doc.touchpoints]),
        ("Themes", [(f"theme:{t.id}", t.label, f"{t.id} (stage {t.stage}, kind {t.kind})") for t in doc.themes]),
    ]


def unit_code_keys(unit: UnitEntry) -> list[str]:
    """The code keys one unit is coded with, in family order."""
    keys = [f"stage:{unit.stage.id}"] if unit.stage else []
    keys += [f"kind:{k.id}" for k in unit.kinds]
    keys += [f"touchpoint:{t.id}" for t in unit.touchpoints]
    return keys + [f"theme:{t}" for t in unit.themes]


def _codes(parent: ET.Element, ns: str, doc: MapDocument) -> None:
    codes = ET.SubElement(parent, f"{{{ns}}}Codes")
    for family, members in code_families(doc):
        if not members:
            continue
        top = ET.SubElement(codes, f"{{{ns}}}Code", guid=guid("family", family), name=family, isCodable="false")
        ET.SubElement(top, f"{{{ns}}}Description").text = f"synth {family.lower()}"
        for key, name, description in members:
            code = ET.SubElement(top, f"{{{ns}}}Code", guid=guid("code", key), name=name, isCodable="true")
            ET.SubElement(code, f"{{{ns}}}Description").text = description


def codebook_xml(document: MapDocument | Mapping[str, Any]) -> bytes:
    """The ``.qdc`` document: the codes alone."""
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin=ORIGIN)
    _codes(root, CODEBOOK_NS, as_document(document))
    return _serialise(root)


# ---------------------------------------------------------------- project


def _q(tag: str) -> str:
    return f"{{{PROJECT_NS}}}{tag}"


def variable_names(doc: MapDocument) -> list[str]:
    names = sorted({name for p in doc.participants for name in p.attributes})
    return ["persona", *[n for n in names if n != "persona"]]


def _cases(root: ET.Element, doc: MapDocument, selections: Mapping[str, str]) -> None:
    names = variable_names(doc)
    variables = ET.SubElement(root, _q("Variables"))
    for name in names:
        ET.SubElement(variables, _q("Variable"), guid=guid("variable", name), name=name, typeOfVariable="Text")
    personas = {p.id: p.name for p in doc.personas}
    source_ids = {s.id: s.path for s in doc.sources}
    by_participant: dict[str, list[str]] = {}
    for unit in doc.units:
        by_participant.setdefault(unit.participant_id, []).append(unit.id)
    if not doc.participants:
        return  # the schema wants at least one Case inside Cases
    cases = ET.SubElement(root, _q("Cases"))
    for participant in doc.participants:
        case = ET.SubElement(cases, _q("Case"), guid=guid("case", participant.id), name=participant.id)
        values = {**participant.attributes, "persona": personas.get(participant.persona_id or "", "")}
        for name in names:
            if values.get(name) not in (None, ""):
                value = ET.SubElement(case, _q("VariableValue"))
                ET.SubElement(value, _q("VariableRef"), targetGUID=guid("variable", name))
                ET.SubElement(value, _q("TextValue")).text = str(values[name])
        for source_id in participant.source_ids:
            if source_id in source_ids:
                ET.SubElement(case, _q("SourceRef"), targetGUID=guid("source", source_ids[source_id]))
        for unit_id in by_participant.get(participant.id, []):
            ET.SubElement(case, _q("SelectionRef"), targetGUID=selections[unit_id])


def _sources(root: ET.Element, doc: MapDocument, texts: Sequence[SourceText]) -> None:
    units = {u.id: u for u in doc.units}
    if not texts:
        return  # the schema wants at least one source inside Sources
    sources = ET.SubElement(root, _q("Sources"))
    for st in texts:
        source_guid = guid("source", st.source)
        source = ET.SubElement(sources, _q("TextSource"), guid=source_guid, name=st.source, plainTextPath=f"internal://{source_guid}.txt")
        for seg in st.segments:
            unit = units[seg.unit_id]
            selection = ET.SubElement(
                source,
                _q("PlainTextSelection"),
                guid=guid("selection", seg.unit_id),
                name=f"{unit.participant_id} · {unit.location}",
                startPosition=str(seg.start),
                endPosition=str(seg.end),
            )
            ET.SubElement(selection, _q("Description")).text = f"synth unit {seg.unit_id}"
            for key in unit_code_keys(unit):
                coding = ET.SubElement(selection, _q("Coding"), guid=guid("coding", seg.unit_id, key))
                ET.SubElement(coding, _q("CodeRef"), targetGUID=guid("code", key))


def project_xml(doc: MapDocument, texts: Sequence[SourceText]) -> bytes:
    """The ``project.qde`` document of a ``.qdpx``."""
    ET.register_namespace("", PROJECT_NS)
    user = guid("user", "synth")
    root = ET.Element(_q("Project"), name="synth journey-map drafts", origin=ORIGIN, creatingUserGUID=user)
    users = ET.SubElement(root, _q("Users"))
    ET.SubElement(users, _q("User"), guid=user, name="synth", id="synth")
    codebook = ET.SubElement(root, _q("CodeBook"))
    _codes(codebook, PROJECT_NS, doc)
    selections = {seg.unit_id: guid("selection", seg.unit_id) for st in texts for seg in st.segments}
    _cases(root, doc, selections)
    _sources(root, doc, texts)
    run = doc.run
    ET.SubElement(root, _q("Description")).text = (
        f"Exported by synth {run.synth_version}: machine drafts to check against the quotes. "
        f"Sources are the evidence units synth cites{' after redaction' if run.redacted else ''}."
    )
    return _serialise(root)


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"


def zip_bytes(entries: Iterable[tuple[str, bytes]]) -> bytes:
    """A deflated zip with fixed timestamps, entries in the given order."""
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return raw.getvalue()


def qdpx_bytes(document: MapDocument | Mapping[str, Any]) -> bytes:
    doc = as_document(document)
    texts = source_texts(doc)
    entries = [("project.qde", project_xml(doc, texts))]
    entries += [(f"sources/{guid('source', st.source)}.txt", st.text.encode("utf-8")) for st in texts]
    return zip_bytes(entries)


def write_qdpx(document: MapDocument | Mapping[str, Any], path: Path, *, persona: str | None = None, approved_only: bool = False) -> Path:
    """A REFI-QDA project: sources, coded segments, codes and participants as cases.

    The project holds the whole study (every unit is a coded segment);
    `persona` and `approved_only` are accepted for a uniform signature and
    do not narrow it, because a QDA project is where recoding starts.
    """
    write_bytes(Path(path), qdpx_bytes(document))
    return Path(path)


def write_qdc(document: MapDocument | Mapping[str, Any], path: Path, *, persona: str | None = None, approved_only: bool = False) -> Path:
    """A REFI-QDA codebook of the map's stages, kinds, touchpoints and themes."""
    write_bytes(Path(path), codebook_xml(document))
    return Path(path)
