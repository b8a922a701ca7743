"""Formula neutralising and markdown escaping: table-driven cases."""

from __future__ import annotations

import pytest

from synth.export.safety import code_span, escape_markdown, markdown_blockquote, neutralise_cell, neutralise_formula


@pytest.mark.parametrize(
    "text, expected",
    [
        ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
        ("+1 to that", "'+1 to that"),
        ("-£5 off", "'-£5 off"),
        ("@Basketful never answers", "'@Basketful never answers"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("plain text = fine", "plain text = fine"),
        ("'already quoted", "'already quoted"),
        ("", ""),
    ],
)
def test_neutralise_formula(text, expected):
    assert neutralise_formula(text) == expected


@pytest.mark.parametrize("value", [-0.4, 3, None, 0.0])
def test_numbers_are_not_neutralised(value):
    assert neutralise_cell(value) == value


@pytest.mark.parametrize(
    "text, expected",
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("*not bold* and _not italic_", r"\*not bold\* and \_not italic\_"),
        ("[a link](http://x)", r"\[a link\](http://x)"),
        ("a | table | cell", r"a \| table \| cell"),
        ("`code`", r"\`code\`"),
        ("# not a heading", r"\# not a heading"),
        ("- not a bullet", r"\- not a bullet"),
        ("1. not a list", r"1\. not a list"),
        ("@someone", r"\@someone"),
        ("mail a@b.example", "mail a@b.example"),
        ("&lt; stays literal", "&amp;lt; stays literal"),
        ("M&S is fine", "M&S is fine"),
        ("crème fraîche — 7–9pm 😩", "crème fraîche — 7–9pm 😩"),
    ],
)
def test_escape_markdown(text, expected):
    assert escape_markdown(text) == expected


def test_blockquote_quotes_every_line():
    assert markdown_blockquote("first\n\n> second") == "> first\n>\n> &gt; second"


@pytest.mark.parametrize("text, expected", [("a/b.txt", "`a/b.txt`"), ("we`ird.md", "``we`ird.md``"), ("`x`", "`` `x` ``")])
def test_code_span(text, expected):
    assert code_span(text) == expected
