"""Choosing a renderer and writing plan files: shared by plan, apply and drift."""

from __future__ import annotations

import json
from pathlib import Path

from j1sync.commands._common import use_color
from j1sync.engine.plan import Plan
from j1sync.output import render_json, render_markdown, render_text


def render_plan(plan: Plan, fmt: str, *, title: str) -> str:
    if fmt == "json":
        return render_json(plan)
    if fmt == "markdown":
        return render_markdown(plan, title=title)
    return render_text(plan, color=use_color())


def write_plan_file(plan: Plan, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(plan.to_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def read_plan_file(path: Path) -> Plan:
    return Plan.from_dict(json.loads(path.read_text(encoding="utf-8")))
