"""Every problem of j1sync.yaml at once. A `prune` key for a kind prune does not take
(`AlertRule`, OpenCTI's `Feed`) was refused by a validator that stopped at the first such
key: a misspelt kind beside it (`IamGroups`, `Labels`) went unreported until the first was
fixed, and so did a second refused kind; `jupiterone:` hid every other problem of the file.
Each is now reported at its line, with its own words or "did you mean", in file order."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.hostile.in_process import j1sync_here
from tests.manifest.one_question import QUESTION

FEED = (
    "Feed takes no prune setting: OpenCTI Feed objects are deleted when they carry the "
    "marker line 'managed-by: <managedTag>' as the last line of the description and no "
    "manifest declares them, whatever prune says (the kinds prune takes: MarkingDefinition, "
    "Label, KillChainPhase, StatusTemplate)"
)
ALERT_RULE = (
    "AlertRule takes no prune setting: JupiterOne AlertRule objects are deleted when they "
    "carry the managed tag (managedTag) and no manifest declares them, whatever prune says "
    "(the kinds prune takes: IamGroup, ResourceGroup, Parameter, Dashboard)"
)

CASES = {
    "misspelt beside refused": (
        "opencti: {prune: {Labels: true, Feed: true}}\n"
        "prune: {AlertRule: false, IamGroups: true}\n",
        [
            "j1sync.yaml:2:19: j1sync.yaml: opencti.prune.Labels: unknown field 'Labels'; "
            "did you mean 'Label'?",
            f"j1sync.yaml:2:39: j1sync.yaml: opencti.prune.Feed: {FEED}",
            f"j1sync.yaml:3:20: j1sync.yaml: prune.AlertRule: {ALERT_RULE}",
            "j1sync.yaml:3:27: j1sync.yaml: prune.IamGroups: unknown field 'IamGroups'; "
            "did you mean 'IamGroup'?",
        ],
    ),
    "two refused": (
        "opencti: {prune: {label: true, Feed: true, Workflow: true}}\n",
        [
            "j1sync.yaml:2:19: j1sync.yaml: opencti.prune.label: unknown field 'label'; "
            "did you mean 'Label'?",
            f"j1sync.yaml:2:38: j1sync.yaml: opencti.prune.Feed: {FEED}",
            "j1sync.yaml:2:54: j1sync.yaml: opencti.prune.Workflow: Workflow takes no prune "
            "setting: OpenCTI Workflow objects are never deleted (the kinds prune takes: "
            "MarkingDefinition, Label, KillChainPhase, StatusTemplate)",
        ],
    ),
    "a jupiterone section beside others": (
        'jupiterone: {account: x}\nprune: {IamGroup: "yes"}\nmanagedTag: " x"\n',
        [
            "j1sync.yaml:2:1: j1sync.yaml: jupiterone: JupiterOne's settings are the "
            "top-level keys of j1sync.yaml (managedTag, account, region, prune, safety), not "
            "a section of their own",
            "j1sync.yaml:3:19: j1sync.yaml: prune.IamGroup: Input should be a valid boolean "
            "(got 'yes')",
            "j1sync.yaml:4:13: j1sync.yaml: managedTag: must not start or end with whitespace",
        ],
    ),
}


@pytest.mark.parametrize("command", [["validate"], ["plan", "--emulator"]])
@pytest.mark.parametrize("case", list(CASES))
def test_every_problem_of_the_file_at_its_line(
    tmp_path: Path, case: str, command: list[str]
) -> None:
    text, expected = CASES[case]
    (tmp_path / "manifests").mkdir()
    (tmp_path / "manifests" / "q.yaml").write_text(QUESTION)
    (tmp_path / "j1sync.yaml").write_text("paths: [manifests]\n" + text)
    done = j1sync_here(command, {}, tmp_path)
    assert done.returncode == 1, done.stdout
    problems = [line for line in done.stderr.splitlines() if line.startswith("j1sync.yaml:")]
    assert problems == expected, done.stderr


@pytest.mark.parametrize("command", [["validate"], ["plan", "--emulator"]])
def test_two_project_files_each_say_their_own_problems_too(
    tmp_path: Path, command: list[str]
) -> None:
    """With two j1sync.yaml in a run, "more than one j1sync.yaml in this run" was the only
    problem: a misspelt key in one of them came out only once the run had one."""
    for folder, settings in (("a", "managedTag: x\n"), ("b", "prune: {IamGroups: true}\n")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "q.yaml").write_text(QUESTION.replace("q1", f"q-{folder}"))
        (tmp_path / folder / "j1sync.yaml").write_text(settings)
    done = j1sync_here([*command, "a", "b"], {}, tmp_path)
    assert done.returncode == 1, done.stdout
    problems = [line for line in done.stderr.splitlines() if "j1sync.yaml:" in line]
    assert problems == [
        "a/j1sync.yaml:1:1: more than one j1sync.yaml in this run (a/j1sync.yaml, "
        "b/j1sync.yaml); give one manifests root",
        "b/j1sync.yaml:1:9: j1sync.yaml: prune.IamGroups: unknown field 'IamGroups'; "
        "did you mean 'IamGroup'?",
    ], done.stderr
