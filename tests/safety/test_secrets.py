"""Secrets never printed, never written: credential fields are masked on both sides of
every change, in every output (text, Markdown, JSON, plan file, drift report, the GitHub
comment, issue and job summary), whether or not they came from `${env:}`; a plan file
holds neither a secret nor an unsalted hash of one; export writes `${env:NAME}`.

Everything runs through the real CLI against a real emulator on loopback; hand edits
are made with JupiterOne's official Python client.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from jupiterone import JupiterOneClient

from j1sync.cli import cli
from j1sync.providers.jupiterone.emulator import running_emulator
from tests.e2e.conftest import API_KEY, Account
from tests.github.fake_github import FakeGitHub

OLD_TOKEN = "old-token-1b9c55e0a7"
NEW_TOKEN = "new-token-6f2d08c3e1"
HOOK_PATH = "T0A1B2/secret-path-93c1"
HAND_TOKEN = "hand-token-d41e7a2c90"
HAND_URL = "https://evil.example.net/hand-url-5e8a1f"
SLACK_URL = "https://hooks.slack.com/services/T000/B000/literal-slack-7c3e9a"
JIRA_TOKEN = "literal-jira-token-2a7f4d"
GITHUB_TOKEN = "ghs_fake_secrets_test_0123456789"

RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: page-oncall
spec:
  question:
    queries:
      - name: q
        query: Find Host
  operations:
    - when:
        type: FILTER
        condition: [AND, [queries.q.total, ">", 0]]
      actions:
        - type: SET_PROPERTY
          targetProperty: alertLevel
          targetValue: HIGH
{actions}"""

WEBHOOK = """\
        - type: WEBHOOK
          endpoint: "https://hooks.example.com/${env:HOOK_PATH}"
          method: POST
          headers:
            Authorization: "Bearer ${env:HOOK_TOKEN}"
          body:
            text: "found {{queries.q.total}}"
            token: "${env:HOOK_TOKEN}"
"""

LITERAL_ACTIONS = f"""\
        - type: SEND_SLACK_MESSAGE
          webhookUrl: "{SLACK_URL}"
          channels: ["#alerts"]
        - type: CREATE_JIRA_TICKET
          project: SEC
          apiToken: "{JIRA_TOKEN}"
"""

ADDRESS = "AlertRule/page-oncall"


class SecretsAccount(Account):
    def rule(self, actions: str) -> None:
        self.write("rules/page-oncall.yaml", RULE.format(actions=actions))

    def official(self) -> JupiterOneClient:
        return JupiterOneClient(
            account=self.emu.account, token=self.emu.api_key, url=self.emu.graphql_url
        )

    def live_rule(self) -> dict[str, Any]:
        [rule] = [r for r in self.official().list_alert_rules() if r["name"] == "page-oncall"]
        return dict(rule)

    def live_actions(self) -> list[dict[str, Any]]:
        [rule] = self.emu.snapshot()["rules"]
        return list(rule["operations"][0]["actions"])


@pytest.fixture
def acc(tmp_path: Path) -> Iterator[SecretsAccount]:
    with running_emulator(db=":memory:", seed="none", api_key=API_KEY, page_size=7) as emu:
        yield SecretsAccount(emu=emu, tmp_path=tmp_path)


def token_env(token: str) -> dict[str, str]:
    return {"HOOK_TOKEN": token, "HOOK_PATH": HOOK_PATH}


def digests(secret: str) -> list[str]:
    """The secret and the unsalted hashes a plan file must not hold either."""
    forms = [secret, f"Bearer {secret}", f"https://hooks.example.com/{secret}"]
    return [secret] + [hashlib.sha256(f.encode()).hexdigest() for f in forms]


def assert_nowhere(texts: Iterable[str], *secrets: str) -> None:
    for text in texts:
        for secret in secrets:
            for form in digests(secret):
                assert form not in text, f"{form!r} leaked:\n{text}"


def files_text(root: Path) -> list[str]:
    """Every file j1sync wrote under `root` (the user's own manifests left out)."""
    return [
        p.read_text(encoding="utf-8", errors="replace")
        for p in root.rglob("*")
        if p.is_file() and "manifests" not in p.relative_to(root).parts
    ]


def output(result: Result) -> str:
    return result.stdout + result.stderr


def every_report(acc: SecretsAccount, env: dict[str, str], plan_file: Path) -> list[str]:
    """plan in each format, plan --out (and the file), drift in each format."""
    texts = []
    for command in ("plan", "drift"):
        for fmt in ("text", "markdown", "json"):
            result = acc.run(command, acc.manifests, "--format", fmt, env=env)
            assert result.exit_code in (0, 2), output(result)
            texts.append(output(result))
    saved = acc.run("plan", acc.manifests, "--out", str(plan_file), env=env)
    assert saved.exit_code == 0, output(saved)
    texts.append(output(saved))
    texts.append(plan_file.read_text(encoding="utf-8"))
    return texts


def rule_change(acc: SecretsAccount, env: dict[str, str]) -> dict[str, Any]:
    result = acc.run("plan", acc.manifests, "--format", "json", env=env)
    assert result.exit_code == 0, output(result)
    [change] = [c for c in json.loads(result.stdout)["changes"] if c["address"] == ADDRESS]
    return dict(change)


def test_a_rotated_env_secret_shows_as_changed_without_either_value(
    acc: SecretsAccount,
) -> None:
    acc.rule(WEBHOOK)
    applied = acc.run("apply", acc.manifests, "--auto-approve", env=token_env(OLD_TOKEN))
    assert applied.exit_code == 0, output(applied)
    assert acc.live_actions()[1]["headers"]["Authorization"] == f"Bearer {OLD_TOKEN}"

    env = token_env(NEW_TOKEN)
    plan_file = acc.tmp_path / "plan.json"
    texts = every_report(acc, env, plan_file)
    assert_nowhere([*texts, *files_text(acc.tmp_path)], OLD_TOKEN, NEW_TOKEN, HOOK_PATH)
    change = rule_change(acc, env)
    assert change["action"] == "update"
    assert change["changed_paths"] == [
        "operations[0].actions[1].body.token",
        "operations[0].actions[1].headers.Authorization",
    ]
    webhook_before = change["before"]["operations"][0]["actions"][1]
    webhook_after = change["after"]["operations"][0]["actions"][1]
    for side in (webhook_before, webhook_after):
        assert side["headers"] == {"Authorization": "(sensitive)"}
        assert side["endpoint"] == "(sensitive)"
        assert side["method"] == "POST"  # not a credential: shown
    text = texts[0]
    # the changed secret is named at its nested place, masked, never line-diffed
    assert re.search(r"^ +~ +headers:\n +~ +Authorization: \(sensitive\)$", text, re.M)

    # the saved plan re-resolves the new value from the applying environment
    saved = acc.run("apply", "--plan", str(plan_file), "--auto-approve", env=env)
    assert saved.exit_code == 0, output(saved)
    assert_nowhere([output(saved)], OLD_TOKEN, NEW_TOKEN)
    assert acc.live_actions()[1]["headers"]["Authorization"] == f"Bearer {NEW_TOKEN}"
    done = acc.run("plan", acc.manifests, "--detailed-exitcode", env=env)
    assert done.exit_code == 0, output(done)


def test_a_hand_edited_secret_is_masked_in_drift_and_makes_a_saved_plan_stale(
    acc: SecretsAccount,
) -> None:
    env = token_env(OLD_TOKEN)
    acc.rule(WEBHOOK)
    assert acc.run("apply", acc.manifests, "--auto-approve", env=env).exit_code == 0
    acc.write(
        "rules/page-oncall.yaml",
        RULE.format(actions=WEBHOOK).replace("spec:\n", "spec:\n  description: reviewed\n"),
    )
    plan_file = acc.tmp_path / "before-edit.json"
    assert acc.run("plan", acc.manifests, "--out", str(plan_file), env=env).exit_code == 0

    rule = acc.live_rule()
    hand_hook = {
        "type": "WEBHOOK",
        "endpoint": HAND_URL,
        "method": "POST",
        "headers": {"Authorization": f"Bearer {HAND_TOKEN}"},
        "body": {"text": "found {{queries.q.total}}", "token": HAND_TOKEN},
    }
    acc.official().update_alert_rule(
        rule_id=rule["id"],
        action_configs=[hand_hook],
        action_configs_op="OVERWRITE",
        ignore_previous_results=False,
        labels=[{"labelName": OLD_TOKEN, "labelValue": "a secret used as a key"}],
    )
    assert acc.live_actions()[1]["endpoint"] == HAND_URL

    texts = every_report(acc, env, acc.tmp_path / "after-edit.json")
    assert_nowhere([*texts, *files_text(acc.tmp_path)], OLD_TOKEN, HAND_TOKEN, HAND_URL)
    change = rule_change(acc, env)
    assert "operations[0].actions[1].endpoint" in change["changed_paths"]
    assert 'labels["(sensitive)"]' in change["changed_paths"]
    assert change["before"]["labels"] == {"(sensitive)": "a secret used as a key"}

    # the salted fingerprint still tells that the account moved on
    stale = acc.run("apply", "--plan", str(plan_file), "--auto-approve", env=env)
    assert stale.exit_code == 1, output(stale)
    assert "stale" in output(stale).lower()
    assert_nowhere([output(stale)], OLD_TOKEN, HAND_TOKEN, HAND_URL)


def test_removing_an_action_or_a_rule_that_holds_a_secret_shows_no_value(
    acc: SecretsAccount,
) -> None:
    env = token_env(OLD_TOKEN)
    acc.rule(WEBHOOK)
    assert acc.run("apply", acc.manifests, "--auto-approve", env=env).exit_code == 0

    acc.rule("")  # the webhook action is gone; its variables need not be set any more
    plan_file = acc.tmp_path / "removed-action.json"
    texts = every_report(acc, {}, plan_file)
    change = rule_change(acc, {})
    assert change["changed_paths"] == ["operations[0].actions[1]"]
    removed = change["before"]["operations"][0]["actions"][1]
    assert removed["endpoint"] == "(sensitive)"
    assert removed["body"] == {"text": "(sensitive)", "token": "(sensitive)"}

    (Path(acc.manifests) / "rules" / "page-oncall.yaml").unlink()
    acc.write("rules/other.yaml", RULE.replace("page-oncall", "other").format(actions=""))
    deleted = acc.run("plan", acc.manifests, "--format", "json")
    [delete] = [c for c in json.loads(deleted.stdout)["changes"] if c["address"] == ADDRESS]
    assert delete["action"] == "delete"
    texts += [output(deleted), output(acc.run("drift", acc.manifests, "--format", "markdown"))]
    assert_nowhere([*texts, *files_text(acc.tmp_path)], OLD_TOKEN, HOOK_PATH)


def test_a_literal_credential_is_masked_and_only_apply_paths_can_carry_it(
    acc: SecretsAccount,
) -> None:
    acc.rule(LITERAL_ACTIONS)
    plan_file = acc.tmp_path / "plan.json"
    texts = every_report(acc, {}, plan_file)
    assert_nowhere([*texts, *files_text(acc.tmp_path)], SLACK_URL, JIRA_TOKEN)
    warned = texts[-2]
    assert "apply --plan will refuse" in warned
    assert f"{ADDRESS}: operations[0].actions[1].webhookUrl" in warned
    assert f"{ADDRESS}: operations[0].actions[2].apiToken" in warned

    refused = acc.run("apply", "--plan", str(plan_file), "--auto-approve")
    assert refused.exit_code == 1, output(refused)
    message = output(refused)
    assert f"{ADDRESS}: operations[0].actions[1].webhookUrl" in message
    assert "${env:NAME}" in message
    assert acc.emu.snapshot().get("rules", []) == []  # refused before any change
    assert_nowhere([message], SLACK_URL, JIRA_TOKEN)

    direct = acc.run("apply", acc.manifests, "--auto-approve")
    assert direct.exit_code == 0, output(direct)
    assert_nowhere([output(direct)], SLACK_URL, JIRA_TOKEN)
    actions = acc.live_actions()
    assert actions[1]["webhookUrl"] == SLACK_URL and actions[2]["apiToken"] == JIRA_TOKEN
    assert acc.run("plan", acc.manifests, "--detailed-exitcode").exit_code == 0


def test_github_comment_issue_and_summary_carry_no_secret(
    acc: SecretsAccount, tmp_path: Path
) -> None:
    env = token_env(OLD_TOKEN)
    acc.rule(WEBHOOK)
    assert acc.run("apply", acc.manifests, "--auto-approve", env=env).exit_code == 0
    env = token_env(NEW_TOKEN)
    report = tmp_path / "report.md"
    planned = acc.run("plan", acc.manifests, "--format", "markdown", env=env)
    drifted = acc.run("drift", acc.manifests, "--format", "markdown", env=env)
    assert drifted.exit_code == 2
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"number": 7}}), encoding="utf-8")
    summary = tmp_path / "summary.md"
    with FakeGitHub(token=GITHUB_TOKEN, repository="acme/config") as fake:
        github = {
            "GITHUB_ACTIONS": "true",
            "GITHUB_TOKEN": GITHUB_TOKEN,
            "GITHUB_REPOSITORY": "acme/config",
            "GITHUB_API_URL": fake.url,
            "GITHUB_EVENT_PATH": str(event),
            "GITHUB_STEP_SUMMARY": str(summary),
        }
        posted = []
        for body, args in (
            (planned.stdout, ["comment"]),
            (planned.stdout, ["summary"]),
            (drifted.stdout, ["drift-issue", "--status", "drift"]),
        ):
            report.write_text(body, encoding="utf-8")
            result = CliRunner().invoke(
                cli, ["github", *args, "--body-file", str(report)], env=github
            )
            assert result.exit_code == 0, output(result)
            posted.append(output(result))
        bodies = [str(c["body"]) for c in fake.state.comments_on(7)]
        bodies += [str(i["body"]) for i in fake.state.issues.values()]
    assert len(bodies) >= 2 and all("(sensitive)" in b for b in bodies)
    assert_nowhere([*bodies, *posted, summary.read_text()], OLD_TOKEN, NEW_TOKEN, HOOK_PATH)


HAND_MADE_RULE = {
    "name": "page-oncall",
    "tags": ["team-sec"],
    "question": {"queries": [{"name": "q", "query": "Find Host", "version": "v1"}]},
    "operations": [
        {
            "when": {"type": "FILTER", "condition": ["AND", ["queries.q.total", ">", 0]]},
            "actions": [
                {"type": "SET_PROPERTY", "targetProperty": "alertLevel", "targetValue": "HIGH"},
                {
                    "type": "WEBHOOK",
                    "endpoint": f"https://hooks.example.com/{HOOK_PATH}",
                    "method": "POST",
                    "headers": {"Authorization": f"Bearer {OLD_TOKEN}"},
                    "body": {"text": "found {{queries.q.total}}", "token": OLD_TOKEN},
                },
                {"type": "SEND_SLACK_MESSAGE", "webhookUrl": SLACK_URL, "channels": ["#a"]},
                {"type": "CREATE_JIRA_TICKET", "project": "SEC", "apiToken": JIRA_TOKEN},
            ],
        }
    ],
}


def test_export_writes_env_placeholders_and_lists_the_variables(acc: SecretsAccount) -> None:
    acc.emu.seed_objects({"rules": [HAND_MADE_RULE]})  # made in the web app, unmanaged
    out = acc.tmp_path / "exported"
    exported = acc.run("export", "--out", str(out))
    assert exported.exit_code == 0, output(exported)
    secrets = (OLD_TOKEN, HOOK_PATH, SLACK_URL, JIRA_TOKEN)
    assert_nowhere([output(exported), *files_text(out)], *secrets)

    prefix = "J1_PAGE_ONCALL_OPERATIONS_0_ACTIONS_"
    variables = {
        f"{prefix}1_ENDPOINT": f"https://hooks.example.com/{HOOK_PATH}",
        f"{prefix}1_HEADERS_AUTHORIZATION": f"Bearer {OLD_TOKEN}",
        f"{prefix}1_BODY_TEXT": "found {{queries.q.total}}",
        f"{prefix}1_BODY_TOKEN": OLD_TOKEN,
        f"{prefix}2_WEBHOOKURL": SLACK_URL,
        f"{prefix}3_APITOKEN": JIRA_TOKEN,
    }
    manifest = (out / "alert-rules" / "page-oncall.yaml").read_text(encoding="utf-8")
    for name in variables:
        assert f"${{env:{name}}}" in manifest
        assert name in exported.stderr
    assert "#a" in manifest and "SEC" in manifest  # what is not a credential stays
    example = (out / ".env.example").read_text(encoding="utf-8")
    assert sorted(line for line in example.splitlines() if not line.startswith("#")) == sorted(
        f"{name}=" for name in variables
    )
    assert f"# {ADDRESS} operations[0].actions[1].headers.Authorization" in example

    unset = acc.run("plan", str(out))
    assert unset.exit_code == 1
    assert f"{prefix}1_ENDPOINT" in output(unset)

    # with the variables set, the first plan only adopts the rule (adds the managed tag)
    planned = acc.run("plan", str(out), "--format", "json", env=variables)
    assert planned.exit_code == 0, output(planned)
    changes = [c for c in json.loads(planned.stdout)["changes"] if c["action"] != "no-op"]
    assert [(c["address"], c["changed_paths"]) for c in changes] == [(ADDRESS, ["tags"])]
    plan_file = acc.tmp_path / "adopt.json"
    saved = acc.run("plan", str(out), "--out", str(plan_file), env=variables)
    assert saved.exit_code == 0, output(saved)
    assert "apply --plan will refuse" not in output(saved)  # every credential is ${env:}
    applied = acc.run("apply", "--plan", str(plan_file), "--auto-approve", env=variables)
    assert applied.exit_code == 0, output(applied)
    actions = [{k: v for k, v in a.items() if k != "id"} for a in acc.live_actions()]
    assert actions == HAND_MADE_RULE["operations"][0]["actions"]
    assert acc.run("plan", str(out), "--detailed-exitcode", env=variables).exit_code == 0
    assert_nowhere(
        [output(planned), output(saved), output(applied), plan_file.read_text()], *secrets
    )
