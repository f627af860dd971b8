"""docs/plan-output.md shows what j1sync prints today: regenerated, it is unchanged."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def load_tool(name: str) -> ModuleType:
    path = ROOT / "tools" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name.replace("-", "_"), path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_docs_plan_output_is_what_j1sync_prints_for_the_example_change_set() -> None:
    tool = load_tool("plan-output")
    expected = tool.render_doc(tool.example_outputs())
    committed = (ROOT / "docs" / "plan-output.md").read_text(encoding="utf-8")
    assert committed == expected, "docs/plan-output.md is out of date: python tools/plan-output.py"


def test_the_example_change_set_creates_updates_and_deletes_and_applies_cleanly() -> None:
    outputs = load_tool("plan-output").example_outputs()
    for sign in ("\n  + ", "\n  ~ ", "\n  - "):
        assert sign in outputs.text_plan
    assert "<details>" in outputs.markdown_plan and "```diff" in outputs.markdown_plan
    assert "\x1b[" not in outputs.text_plan + outputs.markdown_plan + outputs.apply_report
    assert outputs.apply_report.rstrip().endswith("0 failed.")


def test_the_doc_shows_the_screenshot_that_is_committed() -> None:
    doc = (ROOT / "docs" / "plan-output.md").read_text(encoding="utf-8")
    assert "](plan-output.png)" in doc
    png = (ROOT / "docs" / "plan-output.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
