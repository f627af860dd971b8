"""Shared paths and a helper to write manifests for the manifest tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "manifests"
BROKEN = Path(__file__).resolve().parent / "broken"
SCHEMA_FILE = REPO / "schema" / "j1sync-manifest.schema.json"

WriteFile = Callable[[str, str], Path]


@pytest.fixture
def write(tmp_path: Path) -> WriteFile:
    """write("sub/x.yaml", text) -> the path of that file under tmp_path."""

    def _write(relative: str, text: str) -> Path:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write
