"""`j1sync export --system xyops --from-file FILE` of an XYPDF file nested thousands of
levels deep (a hostile or broken export) is one error naming the file; before, 'internal
error: RecursionError' (the reader used json.loads, not json_input.loads as every other
JSON reader does)."""

from __future__ import annotations

from pathlib import Path

from tests.reliability.processes import run_j1sync


def test_a_deeply_nested_xypdf_file_is_a_one_line_error(tmp_path: Path) -> None:
    deep = tmp_path / "xyops-export.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    result = run_j1sync(
        ["export", "--system", "xyops", "--from-file", str(deep), "--out", "manifests"],
        {},
        tmp_path,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{deep}: not JSON j1sync can read: nested too deeply" in result.stderr
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "manifests").exists()
