"""`emulator serve --seed FILE` with YAML aliases that expand without bound ("billion
laughs") stops at once with an error naming the file; it used to expand them (a JSON
copy of the seed) until memory or patience ran out. A seed with a few anchors loads."""

from __future__ import annotations

import time
from pathlib import Path

from tests.reliability.processes import run_j1sync, served_emulator


def _laughs() -> str:
    lines = ['x-a: &a ["x","x","x","x","x","x","x","x","x"]']
    previous = "a"
    for name in "bcdefghi":
        lines.append(f"x-{name}: &{name} [{','.join([f'*{previous}'] * 9)}]")
        previous = name
    return "\n".join(lines) + "\n"


def test_a_seed_whose_aliases_explode_is_refused(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(_laughs(), encoding="utf-8")
    started = time.monotonic()
    result = run_j1sync(
        ["emulator", "serve", "--port", "0", "--db", str(tmp_path / "e.db"), "--seed", str(seed)],
        {},
        tmp_path,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert f"cannot read seed file {seed}: its YAML aliases (*name) expand it" in result.stderr
    assert time.monotonic() - started < 30


def test_a_seed_with_a_few_anchors_loads(tmp_path: Path) -> None:
    seed = tmp_path / "seed.yaml"
    seed.write_text(
        "questions:\n"
        "  - &q {id: q1, title: First, tags: [a], queries: [{name: q, query: Find User}]}\n"
        "  - {id: q2, title: Second, tags: [a], queries: [{name: q, query: Find Host}]}\n",
        encoding="utf-8",
    )
    with served_emulator(tmp_path, str(seed), "k-seed-1", "acct-seed") as emulator:
        titles = sorted(q["title"] for q in emulator.snapshot().get("questions", []))
    assert titles == ["First", "Second"]
