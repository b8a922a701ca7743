"""Render a map into a template: synth's built-in ones, or a user's own.

A user template is either a Jinja2 text file (.md, .html, .csv, .txt, .j2 ...;
autoescaped when it is HTML) or an .xlsx workbook whose cells hold placeholders
such as ``{{ persona.name }}`` or ``{{ stage.purchase.pain_points }}``. Each xlsx
sheet with placeholders is copied once per shown map (named after the persona)
and its placeholder cells are filled; lists become one line per item. The
context is described in `synth.export.context` and docs/templates.md.

A broken template (syntax error, unknown name, stage or lane) raises ConfigError
naming the template file and its line, or for xlsx the cell ("Sheet1!C4"). The
message never contains participant words: for errors raised outside Jinja2 only
the exception type is reported.
"""

from __future__ import annotations

import csv
import io
import re
import traceback
from copy import copy
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Mapping, TypeVar

from jinja2 import BaseLoader, Environment, FileSystemLoader, StrictUndefined, TemplateError, TemplateSyntaxError, Undefined
from jinja2.utils import missing, object_type_repr

from synth.atomic import write_bytes, write_text
from synth.document import Finding, JourneyEntry, MapDocument, UnitEntry
from synth.errors import ConfigError, SynthError
from synth.export.context import Lookup, UnitData, template_context
from synth.export.safety import code_span, escape_markdown, markdown_blockquote, neutralise_formula, one_line
from synth.export.view import ALL_MAP, MapView, build_view, emotion_word, finding_text, percent, quote_text

M = TypeVar("M", Finding, UnitEntry)
BUILTIN_DIR = Path(__file__).resolve().parent / "templates"
XLSX_SUFFIXES = frozenset({".xlsx"})
TEXT_SUFFIXES = frozenset({".md", ".markdown", ".html", ".htm", ".csv", ".tsv", ".txt", ".j2", ".jinja", ".jinja2"})
TEMPLATE_SUFFIXES = XLSX_SUFFIXES | TEXT_SUFFIXES
HTML_SUFFIXES = frozenset({".html", ".htm"})
SINGLE_EXPRESSION = re.compile(r"^\s*\{\{(?P<expr>(?:(?!\}\}|\{\{|\{%).)*)\}\}\s*$", re.DOTALL)
SAFE_NAME = re.compile(r"[A-Za-z_][\w-]{0,63}")
HINT = "fix that place in the template; docs/templates.md lists every placeholder"


class TemplateUndefined(StrictUndefined):
    """StrictUndefined whose message lists the valid stages, lanes or fields.

    A looked-up name that does not look like an identifier (it may be a quote a
    template used as a key) is not repeated in the message.
    """

    @property
    def _undefined_message(self) -> str:
        if self._undefined_hint:
            return self._undefined_hint
        obj, name = self._undefined_obj, self._undefined_name
        shown = repr(name) if isinstance(name, int) or (isinstance(name, str) and SAFE_NAME.fullmatch(name)) else "(a value)"
        if obj is missing:
            return f"{shown} is undefined"
        if isinstance(obj, Lookup):
            return f"unknown {obj.what} {shown}; expected one of: {', '.join(map(str, obj))}"
        what = "element" if isinstance(name, int) else "attribute"
        kind = "dict object" if isinstance(obj, UnitData) else object_type_repr(obj)  # `units` reads as the dict it stands for
        return f"{kind!r} has no {what} {shown}"


def finalize(value: Any) -> Any:
    """How a ``{{ value }}`` prints: none as empty, a list one item per line."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(finalize(v)) for v in value)
    return value


def csv_cell(value: Any) -> str:
    """One CSV field (quoted when needed), neutralised against formula injection."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([neutralise_formula(str(finalize(value)))])
    return buffer.getvalue()


def _typed(model: type[M], value: Any) -> M:
    """A template's plain map.json data (a unit in `quote_units`, say) as the document entry the text helpers take."""
    return model.model_validate(value) if isinstance(value, Mapping) else value


def _environment(loader: BaseLoader | None, *, html: bool) -> Environment:
    env = Environment(
        loader=loader,
        autoescape=html,
        undefined=TemplateUndefined,
        finalize=finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        {
            "md": escape_markdown,
            "blockquote": markdown_blockquote,
            "code": code_span,
            "one_line": one_line,
            "pct": percent,
            "finding": lambda f: finding_text(_typed(Finding, f)),
            "emotion_word": emotion_word,
            "csv": csv_cell,
            "quote": lambda u: quote_text(_typed(UnitEntry, u)),
            "lines": lambda items: "\n".join(str(i) for i in items),
        }
    )
    return env


@lru_cache(maxsize=2)
def builtin_environment(*, html: bool) -> Environment:
    """The environment of synth's own templates (synth/export/templates)."""
    return _environment(FileSystemLoader(str(BUILTIN_DIR)), html=html)


def user_environment(loader: BaseLoader | None, view: MapView, *, html: bool) -> Environment:
    """An environment for a user template, with helpers bound to the map."""
    env = _environment(loader, html=html)
    helpers: dict[str, Callable] = {
        "quotes": lambda ids: [quote_text(u) for u in view.known(list(ids))],
        "unit": lambda uid: view.units[uid].json_data() if uid in view.units else None,
    }
    env.globals.update(helpers)
    env.filters.update(helpers)
    return env


# ---------------------------------------------------------------- errors


def template_error(exc: BaseException, path: Path, *, cell: str | None = None) -> ConfigError:
    """A ConfigError naming the template and the line (or cell) at fault."""
    if isinstance(exc, TemplateError):
        reason = exc.message or type(exc).__name__
    elif isinstance(exc, UnicodeDecodeError):
        reason = "is not UTF-8 text"
    else:
        reason = f"{type(exc).__name__} while rendering (check the filters and values used there)"
    if cell is not None:
        return ConfigError(f"cell {cell}: {reason}", path=str(path), hint=HINT)
    if isinstance(exc, TemplateSyntaxError):
        return ConfigError(reason, path=exc.filename or str(path), line=exc.lineno, hint=HINT)
    filename, line = _template_frame(exc, Path(path).resolve().parent) or (str(path), None)
    return ConfigError(reason, path=filename, line=line, hint=HINT)


def _template_frame(exc: BaseException, folder: Path) -> tuple[str, int] | None:
    """File and line of the innermost template frame of a render error.

    Jinja2 rewrites tracebacks so that template code shows as frames of the
    template file at its template line; an included template shows as its own file.
    """
    found = None
    for frame in traceback.extract_tb(exc.__traceback__):
        frame_path = Path(frame.filename)
        if frame.lineno is not None and frame_path.suffix not in {"", ".py"} and frame_path.resolve().is_relative_to(folder):
            found = (frame.filename, frame.lineno)
    return found


# ---------------------------------------------------------------- text templates


def current_map(view: MapView, persona: str | None) -> JourneyEntry | None:
    """The map a text template sees as `map`: the persona's, else everyone's, else the first."""
    wanted = persona or ALL_MAP
    return next((m for m in view.maps if m.persona_id == wanted), view.maps[0] if view.maps else None)


def render_text_template(view: MapView, path: Path, persona: str | None) -> str:
    html = path.suffix.lower() in HTML_SUFFIXES or Path(path.stem).suffix.lower() in HTML_SUFFIXES
    env = user_environment(FileSystemLoader(str(path.parent)), view, html=html)
    try:
        return env.get_template(path.name).render(template_context(view, current_map(view, persona)))
    except SynthError:
        raise
    except Exception as exc:  # any failure inside a user's template is a template error
        raise template_error(exc, path) from None


# ---------------------------------------------------------------- xlsx templates


def load_template_workbook(path: Path):
    from openpyxl import load_workbook

    try:
        return load_workbook(path)
    except Exception as exc:
        raise ConfigError(
            f"is not a readable .xlsx workbook ({type(exc).__name__})",
            path=str(path),
            hint="save the template from Excel or LibreOffice as .xlsx",
        ) from None


def placeholder_cells(ws) -> list:
    return [c for row in ws.iter_rows() for c in row if isinstance(c.value, str) and ("{{" in c.value or "{%" in c.value)]


def compile_cells(env: Environment, ws, path: Path) -> dict[str, Callable[[dict], Any]]:
    """Coordinate -> function(context) -> value, for every placeholder cell of `ws`."""
    compiled = {}
    for cell in placeholder_cells(ws):
        where = f"{ws.title}!{cell.coordinate}"
        try:
            compiled[cell.coordinate] = _compile_cell(env, cell.value)
        except TemplateError as exc:
            raise template_error(exc, path, cell=where) from None
    return compiled


def _compile_cell(env: Environment, text: str) -> Callable[[dict], Any]:
    single = SINGLE_EXPRESSION.match(text)
    if single:
        expression = env.compile_expression(single.group("expr"), undefined_to_none=False)
        return lambda ctx: _value(expression(**ctx))
    template = env.from_string(text)
    return lambda ctx: template.render(ctx)


def _value(value: Any) -> Any:
    if isinstance(value, Undefined):
        str(value)  # raises the undefined error
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(finalize(value))


def fill_sheet(ws, compiled: Mapping[str, Callable], context: dict, path: Path, template_title: str) -> None:
    """Replace each placeholder cell of a copied sheet by its value for `context`."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for coordinate, render in compiled.items():
        try:
            value = render(context)
        except SynthError:
            raise
        except Exception as exc:  # a failure in one cell is a template error at that cell
            raise template_error(exc, path, cell=f"{template_title}!{coordinate}") from None
        cell = ws[coordinate]
        if isinstance(value, str):
            value = neutralise_formula(ILLEGAL_CHARACTERS_RE.sub(" ", value))
        cell.value = value
        if isinstance(value, str):
            cell.data_type = "s"
            if "\n" in value:
                alignment = copy(cell.alignment)
                alignment.wrap_text = True
                cell.alignment = alignment


def render_xlsx_template(view: MapView, path: Path) -> bytes:
    """The filled workbook: each placeholder sheet copied once per shown map."""
    from synth.export.xlsx import sheet_title, workbook_bytes

    wb = load_template_workbook(path)
    env = user_environment(None, view, html=False)
    sheets = [ws for ws in wb.worksheets if placeholder_cells(ws)]
    if not sheets:
        raise ConfigError("has no cell with a {{ placeholder }}", path=str(path), hint=HINT)
    compiled = {ws.title: compile_cells(env, ws, path) for ws in sheets}
    taken = {ws.title.casefold() for ws in wb.worksheets if ws not in sheets}
    for ws in sheets:
        position = wb.index(ws)
        for journey in view.maps:
            name = view.map_title(journey) if len(sheets) == 1 else f"{view.map_title(journey)} - {ws.title}"
            target = wb.copy_worksheet(ws)
            target.title = sheet_title(name, taken)
            target.freeze_panes = ws.freeze_panes
            fill_sheet(target, compiled[ws.title], template_context(view, journey), path, ws.title)
            wb.move_sheet(target, offset=position - wb.index(target))
            position += 1
        wb.remove(ws)
    return workbook_bytes(wb)


# ---------------------------------------------------------------- entry point


def is_template_path(to: str) -> bool:
    """True when `to` names a template file (it exists, or has a template suffix)."""
    path = Path(to)
    return path.is_file() or path.suffix.lower() in TEMPLATE_SUFFIXES


def render_template(
    document: MapDocument | Mapping[str, Any],
    template_path: Path,
    out_path: Path,
    *,
    persona: str | None = None,
    approved_only: bool = False,
) -> Path:
    """Fill a user's template (text or .xlsx) with the map and write `out_path` atomically."""
    path = Path(template_path)
    if not path.is_file():
        raise ConfigError("template not found", path=str(path), hint="pass the path of an existing template file")
    view = build_view(document, persona=persona, approved_only=approved_only)
    if path.suffix.lower() in XLSX_SUFFIXES:
        write_bytes(Path(out_path), render_xlsx_template(view, path))
    else:
        write_text(Path(out_path), render_text_template(view, path, persona))
    return Path(out_path)
