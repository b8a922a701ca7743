"""Markdown drafts: personas/<id>.md per persona, and the whole map in one file.

Quotes sit in blockquotes with their participant, source and location; every
piece of participant text is escaped (`safety.escape_markdown`), so a quote
renders as itself and ``<script>`` stays text in any markdown viewer.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Mapping

from synth.atomic import write_text
from synth.document import JourneyEntry, MapDocument
from synth.export.context import template_context
from synth.export.template import builtin_environment
from synth.export.view import build_view

UNSAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def persona_filename(persona_id: str) -> str:
    """A file name for a persona id that is safe on every OS."""
    return (UNSAFE_NAME.sub("_", persona_id).strip("._") or "persona") + ".md"


def render_persona_markdown(document: MapDocument | Mapping[str, Any], persona_id: str) -> str:
    """The markdown draft of one persona."""
    view = build_view(document, persona=persona_id)
    journey = next((m for m in view.maps if m.persona_id == persona_id), None)
    if journey is None:
        journey = JourneyEntry(persona_id=persona_id, name=view.personas[0].name, participants=0, stages=())
    return builtin_environment(html=False).get_template("persona.md.j2").render(template_context(view, journey))


def write_persona_markdown(
    document: MapDocument | Mapping[str, Any], folder: Path, *, persona: str | None = None, approved_only: bool = False
) -> list[Path]:
    """personas/<id>.md for every shown persona; returns the files written."""
    view = build_view(document, persona=persona, approved_only=approved_only)
    written = []
    for p in view.personas:
        path = Path(folder) / persona_filename(p.id)
        write_text(path, render_persona_markdown(view.doc, p.id))
        written.append(path)
    return written


def render_markdown(document: MapDocument | Mapping[str, Any], *, persona: str | None = None, approved_only: bool = False) -> str:
    view = build_view(document, persona=persona, approved_only=approved_only)
    return builtin_environment(html=False).get_template("map.md.j2").render(template_context(view, None))


def write_markdown(
    document: MapDocument | Mapping[str, Any], path: Path, *, persona: str | None = None, approved_only: bool = False
) -> Path:
    """The whole map (personas and every shown journey map) as one markdown file."""
    write_text(Path(path), render_markdown(document, persona=persona, approved_only=approved_only))
    return Path(path)
