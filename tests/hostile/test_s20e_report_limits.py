"""Reports too large for GitHub: cut cleanly with a note, never refused, never cut inside a
code block or a character. GitHub's limits: a comment or issue body holds 65,536
characters (422 "Body is too long" past it: the strict fake answers so); a step's job
summary holds 1 MiB ("$GITHUB_STEP_SUMMARY upload aborted, supports content up to a size
of 1024k": the whole summary is lost), counted in bytes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from j1sync.cli import cli

from .test_s20e_github_fakes import StrictGitHub, actions_env

MIB = 1_048_576
PR = 42


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def write(tmp_path: Path, text: str, name: str = "report.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def outside_code(text: str) -> str:
    """`text` without its fenced code blocks (``` or longer)."""
    kept, fence = [], None
    for line in text.split("\n"):
        run_ = re.match(r" {0,3}(`{3,})", line)
        if fence is None and run_:
            fence = run_.group(1)
        elif fence is not None and run_ and run_.group(1).startswith(fence):
            fence = None
        elif fence is None:
            kept.append(line)
    assert fence is None, "a code block is left open"
    return "\n".join(kept)


def test_one_huge_code_block_in_a_comment_is_closed_before_the_note(tmp_path: Path) -> None:
    lines = "".join(f"  applied  create AlertRule/rule-{n}\n" for n in range(5000))
    body = write(tmp_path, f"## j1sync apply\n\n```text\n{lines}```\n")
    with StrictGitHub() as github:
        result = run(
            ["github", "comment", "--body-file", str(body)], actions_env(github.url, tmp_path)
        )
        [posted] = github.state.comments_on(PR)

    assert result.exit_code == 0, result.output
    text = str(posted["body"])
    assert len(text) <= 65_536
    assert "**Report truncated**" in outside_code(text)


def test_an_open_details_block_is_closed_before_the_note(tmp_path: Path) -> None:
    rows = "".join(f"| rule-{n} | changed |\n" for n in range(6000))
    body = write(
        tmp_path, f"## drift\n\n<details><summary>All rules</summary>\n\n{rows}\n</details>\n"
    )
    with StrictGitHub() as github:
        result = run(
            ["github", "comment", "--body-file", str(body)], actions_env(github.url, tmp_path)
        )
        [posted] = github.state.comments_on(PR)

    assert result.exit_code == 0, result.output
    text = str(posted["body"])
    assert text.count("<details>") == text.count("</details>") == 1
    assert text.index("</details>") < text.index("**Report truncated**")


def test_a_code_block_summary_is_cut_with_its_fence_closed(tmp_path: Path) -> None:
    outcomes = "".join(f"  applied  update Question/question-{n} ``odd``\n" for n in range(30_000))
    report = write(tmp_path, outcomes, "apply.txt")
    env = actions_env("http://127.0.0.1:9", tmp_path)

    result = run(["github", "summary", "--code-block", "--body-file", str(report)], env)

    assert result.exit_code == 0, result.output
    written = Path(env["GITHUB_STEP_SUMMARY"]).read_bytes()
    assert len(written) <= MIB
    assert "**Report truncated**" in outside_code(written.decode("utf-8"))


def test_a_summary_of_multibyte_names_stays_within_one_mib(tmp_path: Path) -> None:
    rows = "".join(
        f"| {'規則監視' * 6}-{n} |\n" for n in range(14_000)
    )  # ~1.15 MB, 3-byte characters: within the 500,000-character cap, not within 1 MiB
    report = write(tmp_path, f"## j1sync drift\n\n{rows}")
    env = actions_env("http://127.0.0.1:9", tmp_path)

    result = run(["github", "summary", "--body-file", str(report)], env)

    assert result.exit_code == 0, result.output
    written = Path(env["GITHUB_STEP_SUMMARY"]).read_bytes()
    assert len(written) <= MIB
    text = written.decode("utf-8")  # strict: no character cut in its bytes
    assert "**Report truncated**" in text and "bytes, GitHub allows" in text


def test_what_the_step_summary_holds_already_counts(tmp_path: Path) -> None:
    env = actions_env("http://127.0.0.1:9", tmp_path)
    summary = Path(env["GITHUB_STEP_SUMMARY"])
    summary.write_text("# earlier in this step\n" + "x" * 900_000 + "\n")
    report = write(tmp_path, "".join(f"| rule-{n} | changed |\n" for n in range(20_000)))

    result = run(["github", "summary", "--body-file", str(report)], env)

    assert result.exit_code == 0, result.output
    assert summary.stat().st_size <= MIB
    assert summary.read_text().startswith("# earlier in this step\n")


def test_a_full_step_summary_is_a_clear_error(tmp_path: Path) -> None:
    env = actions_env("http://127.0.0.1:9", tmp_path)
    summary = Path(env["GITHUB_STEP_SUMMARY"])
    summary.write_text("x" * MIB)
    report = write(tmp_path, "## plan\n")

    result = run(["github", "summary", "--body-file", str(report)], env)

    assert result.exit_code == 1
    assert "already holds 1,048,576 bytes" in result.output
    assert "Traceback" not in result.output
    assert summary.stat().st_size == MIB


def test_a_blank_step_summary_variable_is_unset_not_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    report = write(tmp_path, "## plan\n")
    env = {**actions_env("http://127.0.0.1:9", tmp_path), "GITHUB_STEP_SUMMARY": "  "}

    result = run(["github", "summary", "--body-file", str(report)], env)

    assert result.exit_code == 1
    assert "GITHUB_STEP_SUMMARY is not set" in result.output
    assert not (tmp_path / "  ").exists()
