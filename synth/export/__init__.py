"""Export: render the reviewed map into files people use.

Everything renders from one input, the reviewed `synth.document.MapDocument`
(map.json, contract `synth.map/2`), after the pipeline applied the reviewer's
decisions: exporters only render, from the document's typed entries
(`synth.export.view.MapView`). A writer given map.json's JSON data validates it
into the document first (`view.as_document`). Formats:

- ``evidence.csv`` (`write_evidence_csv`) and a whiteboard CSV (`write_whiteboard_csv`);
- ``journey_map.xlsx`` (`write_xlsx`);
- ``report.html`` (`write_report_html`);
- markdown: ``personas/<id>.md`` (`write_persona_markdown`) and the whole map (`write_markdown`);
- a user's template, text or .xlsx (`render_template`);
- REFI-QDA for NVivo, ATLAS.ti, MAXQDA, QualCoder: ``.qdpx`` project (`write_qdpx`), ``.qdc`` codebook (`write_qdc`);
- ``highlights.csv`` for research repositories such as Dovetail (`write_highlights_csv`).

`export` dispatches ``synth export --to xlsx|csv|md|html|evidence-csv|highlights|qdpx|qdc|TEMPLATE``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

import catalogue

from synth.document import MapDocument
from synth.errors import ConfigError

if TYPE_CHECKING:
    from synth.export.highlights import write_highlights_csv
    from synth.export.html import write_persona_pdf, write_report_html
    from synth.export.markdown import write_markdown, write_persona_markdown
    from synth.export.refiqda import write_qdc, write_qdpx
    from synth.export.tables import write_evidence_csv, write_evidence_export, write_whiteboard_csv
    from synth.export.template import is_template_path, render_template
    from synth.export.xlsx import write_xlsx

# format -> (module, writer): loaded on first use, so importing one exporter (or `synth.export.view`,
# which a fully cached run needs) does not import openpyxl, Jinja and WeasyPrint's helpers (0.65 s)
_FORMATS = {
    "xlsx": ("synth.export.xlsx", "write_xlsx"),
    "csv": ("synth.export.tables", "write_whiteboard_csv"),
    "md": ("synth.export.markdown", "write_markdown"),
    "html": ("synth.export.html", "write_report_html"),
    "evidence-csv": ("synth.export.tables", "write_evidence_export"),
    "highlights": ("synth.export.highlights", "write_highlights_csv"),
    "qdpx": ("synth.export.refiqda", "write_qdpx"),
    "qdc": ("synth.export.refiqda", "write_qdc"),
    "persona-pdf": ("synth.export.html", "write_persona_pdf"),
}
_HOMES = {name: module for module, name in _FORMATS.values()} | {
    "write_persona_markdown": "synth.export.markdown",
    "write_evidence_csv": "synth.export.tables",
    "is_template_path": "synth.export.template",
    "render_template": "synth.export.template",
}
FORMATS = tuple(_FORMATS)  # the built-in names `synth export --to` accepts


def _lazy_writer(module: str, name: str) -> Any:
    def writer(document: MapDocument | Mapping[str, Any], out: Path, **options: Any) -> Path:
        return getattr(importlib.import_module(module), name)(document, out, **options)

    writer.__name__ = name
    writer.synth_builtin = True  # type: ignore[attr-defined]  # given the MapDocument (a plug-in gets map.json's data)
    return writer


#: Exporters by `--to` name: a `catalogue` registry, so a plug-in package can add a format through the
#: `synth_exporters` entry-point group (a callable `(map_dict, out, *, persona, approved_only) -> Path`: a plug-in
#: is given map.json's JSON data, a stable contract like a user template's; the built-in ones the MapDocument).
#: The built-in ones are registered as loaders, so nothing heavy is imported until a format is used.
exporters = catalogue.create("synth", "exporters", entry_points=True)
for _format, (_module, _name) in _FORMATS.items():
    exporters.register(_format, func=_lazy_writer(_module, _name))

__all__ = [
    "FORMATS",
    "export",
    "exporters",
    "is_template_path",
    "render_template",
    "write_evidence_csv",
    "write_evidence_export",
    "write_highlights_csv",
    "write_markdown",
    "write_persona_markdown",
    "write_persona_pdf",
    "write_qdc",
    "write_qdpx",
    "write_report_html",
    "write_whiteboard_csv",
    "write_xlsx",
]


def __getattr__(name: str) -> Any:
    """Writers load on first use (PEP 562)."""
    if name in _HOMES:
        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'synth.export' has no attribute {name!r}")


def export(
    document: MapDocument | Mapping[str, Any], to: str, out: Path, *, persona: str | None = None, approved_only: bool = False
) -> list[Path]:
    """Write the reviewed map as `to` (xlsx, csv, md, html or a template path) to `out`; the files written."""
    from synth.export.view import as_document

    out, document = Path(out), as_document(document)
    if to in exporters:
        writer = exporters.get(to)  # an entry point with a built-in name replaces the built-in writer
        given = document if getattr(writer, "synth_builtin", False) else document.to_dict()  # a plug-in: map.json's data
        return [writer(given, out, persona=persona, approved_only=approved_only)]
    from synth.export.template import is_template_path, render_template

    if is_template_path(to):
        return [render_template(document, Path(to), out, persona=persona, approved_only=approved_only)]
    raise ConfigError(
        f"--to must be one of {', '.join(exporters.get_all())} or the path of a template file. Got {to!r} instead.",
        hint="templates end in .xlsx, .md, .html, .csv, .txt or .j2; see docs/templates.md",
    )
