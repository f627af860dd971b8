import json
from dataclasses import replace

from j1sync.engine.model import Plan
from j1sync.engine.plan import build_plan
from j1sync.executor import ApplyResult, Outcome
from j1sync.github.body import truncate_body
from j1sync.output.apply_report import change_line, closing_line, styled
from j1sync.output.markdown import render_markdown
from j1sync.output.plan_json import render_json
from j1sync.output.text import render_text
from tests.engine.builders import KINDS, PROJECT, have, want

SECRET = "hunter2-very-secret"


def sample_plan() -> Plan:
    live = [
        have("AlertRule", "edit", "r1", managed=True, description="edited by hand", tags=["a"]),
        have("AlertRule", "legacy", "r2", managed=True),
        have("AlertRule", "hand-made", "r3"),
        have("Question", "same", "q1", title="t"),
    ]
    desired = [
        want("Question", "same", title="t"),
        want("Question", "new-q", title="Fresh", queries=[{"query": "Find Host"}]),
        want("AlertRule", "edit", description="from git", tags=["a", "j1sync"]),
        want("AlertRule", "hook", header=f"Bearer {SECRET}"),
    ]
    sensitive = {f"Bearer {SECRET}": "Bearer ${env:HOOK}"}
    return build_plan(desired, live, KINDS, PROJECT, "acct", sensitive)


def test_text_shows_symbols_field_changes_reasons_and_summary() -> None:
    text = render_text(sample_plan(), color=False)
    assert "+ create" in text
    assert "  + Question/new-q" in text
    assert "  ~ AlertRule/edit" in text
    assert '      ~ description: "edited by hand" -> "from git"' in text
    assert "      ~ tags:\n      +   - j1sync" in text
    assert "  - AlertRule/legacy" in text
    assert "managed tag 'j1sync'" in text
    assert "Unmanaged (never touched): AlertRule 1" in text
    assert text.endswith("Plan: 2 to create, 1 to update, 1 to delete, 1 unmanaged.")
    assert "Question/same" not in text
    assert "\x1b[" not in text


def test_text_with_color_uses_ansi_and_same_words() -> None:
    text = render_text(sample_plan(), color=True)
    assert "\x1b[" in text
    assert "AlertRule/edit" in text


def test_no_changes_message() -> None:
    plan = build_plan([], [have("Question", "q", "1")], KINDS, PROJECT, "a", {})
    text = render_text(plan, color=False)
    assert text.startswith("No changes. The account matches the manifests.")
    assert "Plan: 0 to create, 0 to update, 0 to delete, 1 unmanaged." in text


def test_blocked_plan_explains_why() -> None:
    live = [have("AlertRule", f"r{i}", str(i), managed=True) for i in range(10)]
    desired = [want("AlertRule", f"r{i}") for i in range(4, 10)]
    plan = build_plan(desired, live, KINDS, PROJECT, "a", {})
    assert "4 of 10 managed objects" in render_text(plan, color=False)
    assert "4 of 10 managed objects" in render_markdown(plan)
    everything = build_plan([], live, KINDS, PROJECT, "a", {})
    assert "every managed object would be deleted (10 of 10)" in render_text(everything, False)


def test_sensitive_values_appear_only_masked_in_every_format() -> None:
    plan = sample_plan()
    for rendered in (render_text(plan, False), render_markdown(plan), render_json(plan)):
        assert SECRET not in rendered
    assert "(sensitive)" in render_text(plan, False)
    assert "${env:HOOK}" in render_json(plan)


def test_json_is_the_plan_file_document_without_its_fingerprints() -> None:
    """--format json is the plan file's document, less what only `apply --plan` needs
    and no reader may have: the live fingerprints and their salt."""
    plan = sample_plan()
    shown = Plan.from_dict(json.loads(render_json(plan)))
    assert shown.fingerprint_salt == "" and plan.fingerprint_salt
    assert all(change.live_fingerprint is None for change in shown.changes)
    unkeyed = [replace(change, live_fingerprint=None) for change in plan.changes]
    assert replace(shown, fingerprint_salt=plan.fingerprint_salt) == replace(plan, changes=unkeyed)


def test_markdown_calls_out_deletions_and_tabulates_kinds() -> None:
    md = render_markdown(sample_plan(), title="j1sync plan")
    assert md.startswith("## j1sync plan")
    table = md.index("| Kind | Create | Update | Delete | Unchanged | Unmanaged |")
    warning = md.index("[!WARNING]")
    assert table < warning < md.index("### Changes")
    assert "`AlertRule/legacy`" in md[warning : md.index("### Changes")]
    assert "| AlertRule | 1 | 1 | 1 | 0 | 1 |" in md
    assert "<details><summary><code>~ update</code> AlertRule/edit</summary>" in md
    assert '~ description: "edited by hand" -> "from git"' in md


def test_markdown_of_2000_changes_is_cut_between_changes_to_fit_a_comment() -> None:
    desired = [
        want("AlertRule", f"rule-{i:04}", description="x" * 80, queries=[{"q": "Find " * 10}])
        for i in range(2000)
    ]
    plan = build_plan(desired, [], KINDS, PROJECT, "a", {})
    md = render_markdown(plan)
    assert md.count("<details>") == 2000  # the whole plan: the job summary holds it
    comment = truncate_body(md)
    assert len(comment) <= 65_536
    shown = comment.count("<details>")
    assert 0 < shown < 2000 and comment.count("</details>") == shown
    assert f"{2000 - shown:,} of 2,000 changes not shown here" in comment


def outcomes() -> ApplyResult:
    return ApplyResult(
        [
            Outcome("Question/q", "create", "failed", "BAD_USER_INPUT: nope | bad"),
            Outcome("AlertRule/r", "create", "skipped", "depends on Question/q (failed)"),
            Outcome("AlertRule/x", "update", "applied", "", "r-9"),
        ]
    )


def test_apply_report_lists_every_change_and_counts() -> None:
    """What apply prints per change and at the end (output/apply_report.py), plain."""
    result = outcomes()
    lines = [change_line(outcome).plain for outcome in result.outcomes]
    assert lines == [
        "failed  create Question/q: BAD_USER_INPUT: nope | bad",
        "skipped create AlertRule/r: depends on Question/q (failed)",
        "updated AlertRule/x",
    ]
    assert closing_line(result).plain == (
        "Apply failed: 0 created, 1 updated, 0 deleted, 1 failed, 1 skipped."
    )
    assert "\x1b[" in styled(closing_line(result), color=True)
    assert styled(closing_line(result), color=False) == closing_line(result).plain
