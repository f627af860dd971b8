"""A report of several systems cut to fit GitHub keeps every system's head. It was cut
before the first change that did not fit, so with many xyOps changes first, the OpenCTI
section came after the cut: its heading, table, deletion warning and safety block were not
in the PR comment. Now only changes are left out, taken from the systems in turn, each
system that lost some says how many, and the note counts them all; the job summary is cut
by the same rule.

The report is made by the CLI against the three emulators (loopback) and posted by
`github comment` / `github summary` to the fake GitHub, at GitHub's real limits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from j1sync.cli import cli
from j1sync.github import body
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.opencti.emulator import running_opencti_emulator
from j1sync.providers.xyops.emulator import running_xyops_emulator

from .conftest import PR_NUMBER
from .fake_github import FakeGitHub

CONFIG = """\
paths: [manifests]
xyops: {safety: {minObjects: 5, maxChangePercent: 50}}
opencti: {prune: {Label: true}}
"""
QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: open-ports
spec:
  title: Which hosts have open ports?
  queries:
    - name: q
      query: Find Host with open=true
"""
LABELS = "---\n".join(
    f"apiVersion: opencti.j1sync/v1\nkind: Label\nmetadata:\n  name: label-{n:02d}\n"
    for n in range(12)
)
TAGS = "---\n".join(
    f"apiVersion: xyops.j1sync/v1\nkind: Tag\nmetadata:\n  name: tag_{n:03d}\n"
    f"spec:\n  title: Tag {n}\n  notes: {'n' * 3000}\n"
    for n in range(300)
)
CHANGE = "<!-- j1sync:section change -->"


@dataclass(frozen=True)
class Reports:
    markdown: Path
    text: str


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reports]:
    """One plan over three systems: a JupiterOne question to create, 300 xyOps tags with
    long notes to create, and the 12 applied OpenCTI labels whose manifests were removed
    (deletes blocked by the safety limit), as `plan --format markdown` writes it."""
    root = tmp_path_factory.mktemp("project")
    manifests = root / "manifests"
    (root / "j1sync.yaml").write_text(CONFIG, encoding="utf-8")
    (manifests / "opencti").mkdir(parents=True)
    (manifests / "opencti" / "labels.yaml").write_text(LABELS, encoding="utf-8")
    with (
        running_emulator(db=":memory:", seed="none") as j1,
        running_xyops_emulator() as xy,
        running_opencti_emulator() as octi,
        pytest.MonkeyPatch.context() as patch,
    ):
        patch.chdir(root)
        env = {
            "JUPITERONE_API_KEY": j1.api_key,
            "JUPITERONE_ACCOUNT_ID": j1.account,
            "JUPITERONE_API_URL": j1.url,
            "XYOPS_URL": xy.url,
            "XYOPS_API_KEY": xy.api_key,
            "OPENCTI_URL": octi.url,
            "OPENCTI_TOKEN": octi.token,
            "NO_COLOR": "1",
        }
        applied = CliRunner().invoke(cli, ["apply", "--auto-approve"], env=env)
        assert applied.exit_code == 0, applied.output
        (manifests / "opencti" / "labels.yaml").unlink()
        (manifests / "jupiterone").mkdir()
        (manifests / "jupiterone" / "question.yaml").write_text(QUESTION, encoding="utf-8")
        (manifests / "xyops").mkdir()
        (manifests / "xyops" / "tags.yaml").write_text(TAGS, encoding="utf-8")
        planned = CliRunner().invoke(cli, ["plan", "--format", "markdown"], env=env)
    assert planned.exit_code == 3, planned.output  # blocked by a safety limit
    text = planned.stdout  # far over every limit, OpenCTI last
    assert len(text) > 1_000_000 and text.count(CHANGE) == 313
    assert text.index("### xyOps: ") < text.index("### OpenCTI: ")
    markdown = root / "plan.md"
    markdown.write_text(planned.stdout, encoding="utf-8")
    yield Reports(markdown, planned.stdout)


def heads(report: str) -> list[str]:
    """What the report holds besides changes: its start, then each system's head (from its
    `###` heading to its first change: summary, table per kind, callouts)."""
    return [part.split(CHANGE)[0] for part in re.split(r"(?m)^(?=### )", report)]


def run(args: list[str], env: dict[str, str]) -> Result:
    return CliRunner().invoke(cli, args, env=env, catch_exceptions=False)


def test_the_pr_comment_keeps_every_systems_head_and_changes_of_each(
    report: Reports, fake_github: FakeGitHub, github_env: dict[str, str]
) -> None:
    result = run(["github", "comment", "--body-file", str(report.markdown)], github_env)

    assert result.exit_code == 0, result.output
    [posted] = fake_github.state.comments_on(PR_NUMBER)
    comment = posted["body"]
    assert len(comment) <= body.MAX_BODY_CHARS
    for head in heads(report.text):  # verbatim: heading, summary, table, callouts
        assert head.rstrip("\n") in comment
    opencti = comment[comment.index("### OpenCTI: ") :]
    assert "| opencti.Label | 0 | 0 | 12 | 0 | 0 |" in opencti
    assert "> [!WARNING]\n> This plan **would delete 12 objects** from the account:" in opencti
    assert "> [!CAUTION]\n> Blocked by a safety limit; apply refuses without `--force`:" in opencti
    assert "opencti.Label: every managed object would be deleted (12 of 12)" in opencti
    # taken in turn: the question and the 12 small deletes are all shown, the xyOps tags
    # fill the rest, in order, and the xyOps section says how many of its changes it lost
    assert "<code>+ create</code> Question/open-ports" in comment
    assert opencti.count("<code>- delete</code> opencti.Label/") == 12
    xyops = comment[comment.index("### xyOps: ") : comment.index("### OpenCTI: ")]
    tags = xyops.count("<code>+ create</code> xyops.Tag/")
    assert 0 < tags < 300
    assert f"xyops.Tag/tag_{tags - 1:03d}</summary>" in xyops
    assert f"_{300 - tags} of 300 changes of this target not shown here._" in xyops
    assert "of this target not shown here" not in comment.replace(xyops, "")
    shown = comment.count(CHANGE)
    assert shown == 1 + tags + 12
    assert f"**Report truncated**: {313 - shown} of 313 changes not shown here;" in comment
    assert comment.rstrip().endswith(
        "The full report is in the workflow run's log and job summary."
    )


def test_the_job_summary_is_cut_by_the_same_rule(
    report: Reports, github_env: dict[str, str]
) -> None:
    summary = Path(github_env["GITHUB_STEP_SUMMARY"])
    earlier = 1_000_000  # earlier steps' summaries: GitHub shows none of a step's over 1 MiB
    summary.write_text("x" * earlier, encoding="utf-8")

    result = run(["github", "summary", "--body-file", str(report.markdown)], github_env)

    assert result.exit_code == 0, result.output
    appended = summary.read_text(encoding="utf-8")[earlier:]
    assert len(appended.encode("utf-8")) <= body.MAX_SUMMARY_BYTES - earlier
    for head in heads(report.text):
        assert head.rstrip("\n") in appended
    assert "<code>+ create</code> Question/open-ports" in appended
    assert appended.count("<code>- delete</code> opencti.Label/") == 12
    shown = appended.count(CHANGE)
    assert 13 < shown < 313
    assert f"**Report truncated**: {313 - shown} of 313 changes not shown here;" in appended


# A report of several parts, as output/markdown.py writes one: heads and changes.
SECTION = st.builds(
    lambda size: f"{CHANGE}\n<details><summary>c</summary>\n\n{'é' * size}\n</details>\n\n",
    st.integers(min_value=0, max_value=300),
)
PART = st.tuples(st.integers(min_value=0, max_value=120), st.lists(SECTION, max_size=8))


@settings(max_examples=500, deadline=None)
@given(
    parts=st.lists(PART, min_size=2, max_size=4),
    limit=st.integers(min_value=300, max_value=4000),
    max_bytes=st.one_of(st.none(), st.integers(min_value=300, max_value=6000)),
)
def test_any_cut_keeps_every_head_and_the_first_changes_of_each_part(
    parts: list[tuple[int, list[str]]], limit: int, max_bytes: int | None
) -> None:
    heads = ["## j1sync plan\n\n"]
    heads += [
        f"{body.head_marker()}\n### Target {n}\n\n{'h' * size}\n\n"
        for n, (size, _) in enumerate(parts)
    ]
    text = heads[0] + "".join(
        head + "".join(s) for head, (_, s) in zip(heads[1:], parts, strict=True)
    )
    total = sum(len(sections) for _, sections in parts)

    cut = body.truncate_body(text, limit=limit, max_bytes=max_bytes)

    assert len(cut) <= limit and (max_bytes is None or len(cut.encode()) <= max_bytes)
    room = min(limit, max_bytes or limit) - 300  # the note, and a line per part
    if len("".join(heads).encode()) + 60 * len(parts) > room:
        return  # the heads alone do not fit: cut by characters
    assert all(head.rstrip("\n") in cut for head in heads)
    if cut == text or "characters not shown here" in cut:
        return  # whole, or folded: every change named
    kept = cut.split(body.head_marker())[1:]
    for (_, sections), part in zip(parts, kept, strict=True):
        shown = part.count(CHANGE)
        assert "".join(sections[:shown]).rstrip("\n") in part  # its first changes, whole
        if shown < len(sections):
            assert f"_{len(sections) - shown} of {len(sections)} change" in part
        else:
            assert "of this target not shown here" not in part
    assert f"{total - cut.count(CHANGE)} of {total} change" in cut
