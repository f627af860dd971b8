"""`j1sync github summary` and the size limit shared by every body."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from j1sync.cli import cli
from j1sync.github.body import truncate_body


def test_summary_appends_each_report(github_env: dict[str, str], tmp_path: Path) -> None:
    summary = Path(github_env["GITHUB_STEP_SUMMARY"])
    summary.write_text("# Earlier step\n")
    report = tmp_path / "plan.md"
    runner = CliRunner()

    report.write_text("## Plan\n1 to create")
    first = runner.invoke(cli, ["github", "summary", "--body-file", str(report)], env=github_env)
    report.write_text("## Apply\n1 applied\n")
    second = runner.invoke(cli, ["github", "summary", "--body-file", str(report)], env=github_env)

    assert first.exit_code == 0 and second.exit_code == 0, first.output + second.output
    assert summary.read_text() == "# Earlier step\n## Plan\n1 to create\n\n## Apply\n1 applied\n\n"


def test_plain_text_goes_into_a_fence_longer_than_its_backticks(
    github_env: dict[str, str], tmp_path: Path
) -> None:
    report = tmp_path / "apply.txt"
    report.write_text("  applied  create AlertRule/x\n  note: ```odd```\n")

    result = CliRunner().invoke(
        cli, ["github", "summary", "--code-block", "--body-file", str(report)], env=github_env
    )

    assert result.exit_code == 0, result.output
    written = Path(github_env["GITHUB_STEP_SUMMARY"]).read_text()
    assert written.startswith("````text\n  applied  create AlertRule/x\n")
    assert written.endswith("```odd```\n````\n\n")


def test_summary_outside_actions_is_a_clear_error(tmp_path: Path) -> None:
    report = tmp_path / "plan.md"
    report.write_text("x")
    result = CliRunner().invoke(
        cli, ["github", "summary", "--body-file", str(report)], env={"GITHUB_STEP_SUMMARY": ""}
    )

    assert result.exit_code == 1
    assert "GITHUB_STEP_SUMMARY is not set" in result.output


def test_short_bodies_are_kept_whole() -> None:
    assert truncate_body("abc", limit=100, prefix="<!-- m -->\n") == "<!-- m -->\nabc"


def test_truncation_fits_the_limit_and_cuts_at_a_line() -> None:
    text = "".join(f"line {n}\n" for n in range(5000))

    cut = truncate_body(text, limit=2000, prefix="P\n")

    assert len(cut) <= 2000
    assert cut.startswith("P\nline 0\n")
    kept = cut.split("\n\n---\n")[0]
    assert kept.endswith(tuple(f"line {n}" for n in range(5000)))
    whole = len("P\n" + text)  # the prefix is part of the body GitHub counts
    assert "Report truncated" in cut and f"{whole:,} characters" in cut
