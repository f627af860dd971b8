"""A cut report's note names the limit that cut it, with the size that limit measures: a
job summary's 500,000-character cap is j1sync's, not GitHub's 1 MiB; a comment's 65,536
characters are counted over the whole body GitHub receives, its hidden marker included
(a report of 65,530 characters was said to be over 65,536)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from j1sync.cli import cli

from .conftest import PR_NUMBER
from .fake_github import FakeGitHub


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def report(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "report.md"
    path.write_text(text, encoding="utf-8")
    return path


def note(body: str) -> str:
    return body.rsplit("> **Report truncated**: ", 1)[1]


def test_a_summary_over_the_character_cap_names_j1syncs_cap(
    github_env: dict[str, str], tmp_path: Path
) -> None:
    body = report(tmp_path, ("x" * 99 + "\n") * 6_000)  # 600,000 characters, as many bytes

    result = run(["github", "summary", "--body-file", str(body)], github_env)

    assert result.exit_code == 0, result.output
    written = Path(github_env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert note(written).startswith(
        "600,000 characters, j1sync puts at most 500,000 of a report in a job summary. "
    )
    assert "GitHub allows" not in written


def test_a_summary_over_one_mib_names_githubs_limit_and_what_the_step_held(
    github_env: dict[str, str], tmp_path: Path
) -> None:
    summary = Path(github_env["GITHUB_STEP_SUMMARY"])
    summary.write_text("# earlier\n", encoding="utf-8")
    body = report(tmp_path, ("規" * 59 + "\n") * 6_000)  # 360,000 characters, 1,068,000 bytes

    result = run(["github", "summary", "--body-file", str(body)], github_env)

    assert result.exit_code == 0, result.output
    assert note(summary.read_text(encoding="utf-8")).startswith(
        "1,068,000 bytes, GitHub allows 1,048,576 in a step's job summary, of which the "
        "step's summary held 10 already. "
    )


def test_a_comment_counts_its_marker_in_the_size_it_says(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    text = "".join(f"line {n}\n" for n in range(20_000))[:65_530]
    body = report(tmp_path, text)

    result = run(["github", "comment", "--body-file", str(body)], github_env)

    assert result.exit_code == 0, result.output
    [posted] = fake_github.state.comments_on(PR_NUMBER)
    whole = len("<!-- j1sync:plan -->\n") + 65_530
    assert note(str(posted["body"])).startswith(f"{whole:,} characters, GitHub allows 65,536. ")


def test_a_drift_issue_and_its_closing_comment_name_githubs_limit(
    fake_github: FakeGitHub, github_env: dict[str, str], tmp_path: Path
) -> None:
    body = report(tmp_path, "| rule | changed |\n" * 5_000)  # 95,000 characters
    drift = ["github", "drift-issue", "--body-file", str(body)]

    opened = run([*drift, "--status", "drift"], github_env)
    closed = run([*drift, "--status", "in-sync"], github_env)

    assert opened.exit_code == closed.exit_code == 0, opened.output + closed.output
    [issue] = fake_github.state.issues.values()
    assert note(str(issue["body"])).startswith("95,000 characters, GitHub allows 65,536. ")
    [closing] = fake_github.state.comments_on(int(str(issue["number"])))
    opening = str(closing["body"]).split("\n\n", 1)[0] + "\n\n"  # "back in sync ... Closing."
    closing_size = len(opening) + 95_000
    assert note(str(closing["body"])).startswith(f"{closing_size:,} characters, GitHub allows")
