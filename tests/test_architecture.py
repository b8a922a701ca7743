"""Issue 15: the import graph keeps rendering, reviewing and computing apart.

A small AST walk over synth/ (every import, at module top or inside a function):
exporters only render (no arrow from export/ to review, synthesize, tag or embed);
the review is pure decisions (no arrow from review to synthesize or export); only
synth.workspace opens the run folder's files by name. And the style limits: no module
over 450 lines, no function over 70 (docs/architecture.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "synth"
FORBIDDEN = {
    "synth.export": ("synth.review", "synth.synthesize", "synth.tag", "synth.embed", "synth.pipeline", "synth.workspace",
                     "synth.cluster", "synth.representativeness"),
    "synth.review": ("synth.synthesize", "synth.export", "synth.pipeline", "synth.embed", "synth.cluster",
                     "synth.representativeness"),
    "synth.document": ("synth.export", "synth.review", "synth.synthesize", "synth.pipeline"),
}
RUN_FILES = ("map.draft.json", "review.yaml", "run.json")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, anywhere in the file."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return found


def graph() -> dict[str, set[str]]:
    return {module_name(p): imports_of(p) for p in sorted(PACKAGE.rglob("*.py"))}


def _hits(imported: set[str], banned: tuple[str, ...]) -> list[str]:
    return sorted(i for i in imported for b in banned if i == b or i.startswith(b + "."))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_no_forbidden_arrows(layer):
    offenders = {
        module: _hits(imported, FORBIDDEN[layer])
        for module, imported in graph().items()
        if module == layer or module.startswith(layer + ".")
    }
    assert {m: h for m, h in offenders.items() if h} == {}


def test_the_walk_sees_function_level_imports(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from synth.review import apply\n")
    assert _hits(imports_of(probe), FORBIDDEN["synth.export"]) == ["synth.review", "synth.review.apply"]


def test_only_the_workspace_names_run_folder_files():
    """Other modules reach map.draft.json, review.yaml and run.json through synth.workspace."""
    # review_file: review.yaml's header text and error paths; cli: help text; ingest: the names it skips as
    # input (never opens them)
    allowed = {"synth.workspace", "synth.review_file", "synth.cli", "synth.ingest"}
    named = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        strings = [n.value for n in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                   if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        hits = sorted({f for f in RUN_FILES for s in strings if s == f or s.endswith("/" + f)})
        if hits and module not in allowed:
            named[module] = hits
    assert named == {}


AFTER_SYNTHESIS = ("synth.export", "synth.review", "synth.review_themes", "synth.agreement", "synth.saturation",
                   "synth.competitors", "synth.timeline")
# the one boundary where JSON data leaves the document: a plug-in exporter is given map.json's data
TO_DICT_ALLOWED = {"synth.export": 1}


def to_dict_calls(path: Path) -> int:
    """How many `x.to_dict()` calls a module makes (a MapDocument turned back into a dict)."""
    return sum(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "to_dict"
               for n in ast.walk(ast.parse(path.read_text(encoding="utf-8"))))  # fmt: skip


def test_stages_after_synthesis_work_on_the_document_not_its_dict():
    """Exporters, the review, agreement and saturation read the typed MapDocument; none turns it into a dict."""
    calls = {module_name(p): to_dict_calls(p) for p in sorted(PACKAGE.rglob("*.py"))}
    found = {m: n for m, n in calls.items() if n and any(m == layer or m.startswith(layer + ".") for layer in AFTER_SYNTHESIS)}
    assert found == TO_DICT_ALLOWED


def test_the_to_dict_walk_sees_a_call(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f(doc):\n    return doc.to_dict()['units']\n")
    assert to_dict_calls(probe) == 1


MAX_MODULE_LINES, MAX_FUNCTION_LINES = 450, 70  # docs/architecture.md, "Rules for new code"


def size_offenders(path: Path) -> list[str]:
    """The limits a module breaks: more than 450 lines, or a function (method, nested function)
    longer than 70 from its `def` to its last line."""
    text = path.read_text(encoding="utf-8")
    shown = path.relative_to(PACKAGE.parent) if path.is_relative_to(PACKAGE.parent) else path
    found = []
    if len(text.splitlines()) > MAX_MODULE_LINES:
        found.append(f"module {shown}: {len(text.splitlines())} lines (limit {MAX_MODULE_LINES})")
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > MAX_FUNCTION_LINES:
                found.append(f"function {node.name} ({shown}:{node.lineno}): {length} lines (limit {MAX_FUNCTION_LINES})")
    return found


def test_no_module_or_function_is_over_the_limits():
    offenders = [o for path in sorted(PACKAGE.rglob("*.py")) for o in size_offenders(path)]
    assert not offenders, "split these along a seam (docs/architecture.md):\n" + "\n".join(offenders)


def test_the_size_walk_sees_a_long_module_and_function(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("class A:\n    def f(self):\n" + "        x = 1\n" * 70 + "\n" * 379)
    assert size_offenders(probe) == [f"module {probe}: 451 lines (limit 450)", f"function f ({probe}:2): 71 lines (limit 70)"]
    probe.write_text("def g():\n" + "    x = 1\n" * 69)
    assert size_offenders(probe) == []
