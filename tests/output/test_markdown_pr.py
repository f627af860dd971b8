"""The Markdown plan on a pull request (issue 11.4), through the CLI and the emulator:
summary table first, one folded diff per change, and a comment that fits GitHub."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from j1sync.github.body import MAX_BODY_CHARS, MAX_SUMMARY_CHARS, truncate_body
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account

CHANGES = 2000


@pytest.fixture
def empty_account(tmp_path: Path) -> Iterator[Account]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY, page_size=100) as emu:
        yield Account(emu=emu, tmp_path=tmp_path)


def question(index: int) -> str:
    spec = {
        "title": f"Question {index}",
        "description": "Why this matters.\nWhat to do about it.",
        "queries": [{"name": "q", "query": f"FIND aws_instance WITH n = {index}"}],
    }
    document = {
        "apiVersion": "j1sync/v1",
        "kind": "Question",
        "metadata": {"name": f"q-{index:04}"},
    }
    return json.dumps({**document, "spec": spec})


def test_the_markdown_of_2000_changes_fits_a_comment_with_a_truncation_note(
    empty_account: Account,
) -> None:
    empty_account.write("questions.yaml", "\n---\n".join(question(i) for i in range(CHANGES)))

    result = empty_account.run("plan", empty_account.manifests, "--format", "markdown")

    assert result.exit_code == 0, result.output
    md = result.stdout
    assert md.index("| Kind | Create |") < md.index("### Changes")  # the table comes first
    assert "| Question | 2000 | 0 | 0 | 0 | 0 |" in md
    assert md.count("<details>") == CHANGES  # the whole plan, for the job summary
    summary = truncate_body(md, limit=MAX_SUMMARY_CHARS)  # the job summary holds more
    comment = truncate_body(md, prefix="<!-- j1sync:plan -->\n")  # what `github comment` posts
    assert len(comment) <= MAX_BODY_CHARS
    shown = comment.count("<details>")
    assert 0 < shown < CHANGES and comment.count("</details>") == shown
    assert comment.count("```") % 2 == 0  # no code block left open
    assert f"**Report truncated**: {CHANGES - shown:,} of 2,000 changes not shown here" in comment
    assert "job summary" in comment
    assert summary.count("<details>") > 5 * shown


def test_each_change_is_a_folded_diff_block_and_secrets_never_show(
    empty_account: Account,
) -> None:
    token = "s3cr3t-hook-token-55aa"
    rule = {
        "question": {"queries": [{"name": "q", "query": "FIND Host"}]},
        "operations": [
            {
                "actions": [
                    {
                        "type": "WEBHOOK",
                        "endpoint": "https://hooks.example.com/${env:HOOK_TOKEN}",
                        "method": "POST",
                        "body": {"text": "alert", "token": "${env:HOOK_TOKEN}"},
                    }
                ]
            }
        ],
    }
    document = {"apiVersion": "j1sync/v1", "kind": "AlertRule", "metadata": {"name": "hook"}}
    empty_account.write("rule.yaml", json.dumps({**document, "spec": rule}))
    env = {"HOOK_TOKEN": token}
    applied = empty_account.run("apply", empty_account.manifests, "--auto-approve", env=env)
    assert applied.exit_code == 0, applied.output
    rule["operations"][0]["actions"][0]["method"] = "PUT"
    empty_account.write("rule.yaml", json.dumps({**document, "spec": rule}))

    outputs = [
        empty_account.run("plan", empty_account.manifests, *fmt, env={"HOOK_TOKEN": "rotated-9"})
        for fmt in ((), ("--format", "markdown"), ("--format", "json"))
    ]

    for result in outputs:
        assert result.exit_code == 0, result.output
        assert token not in result.output and "rotated-9" not in result.output
    md = outputs[1].stdout
    assert "<details><summary><code>~ update</code> AlertRule/hook</summary>" in md
    block = md[md.index("```diff") : md.index("```", md.index("```diff") + 3)]
    lines = block.splitlines()
    assert any(line.startswith("~ ") and 'method: "POST" -> "PUT"' in line for line in lines)
    assert any(line.startswith("~ ") and line.endswith("token: (sensitive)") for line in lines)
