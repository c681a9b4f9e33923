"""The one stylesheet stays well-formed: every feature's block starts at the top level. A missing
brace once left the whole budgeting block (ballots, running total, code sheets) inside the panels'
``@media print`` rule, so it applied only on paper; browsers report no error for that."""

from __future__ import annotations

import re

from tests.conftest import ROOT

CSS = ROOT / "app" / "static" / "tinget.css"


def test_every_block_comment_in_the_stylesheet_is_at_the_top_level():
    text = CSS.read_text()
    depth, position = 0, 0
    for comment in re.finditer(r"/\*.*?\*/", text, flags=re.S):
        code = text[position : comment.start()]
        depth += code.count("{") - code.count("}")
        assert depth >= 0, (
            f"a stray closing brace before line {text.count(chr(10), 0, comment.start()) + 1}"
        )
        if comment.group().startswith(("/* ---", "/* ===")):
            line = text.count("\n", 0, comment.start()) + 1
            assert depth == 0, f"the section starting on line {line} is inside an unclosed rule"
        position = comment.end()
    rest = text[position:]
    assert depth + rest.count("{") - rest.count("}") == 0, "the stylesheet ends inside a rule"
