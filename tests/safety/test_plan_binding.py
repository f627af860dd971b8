"""A saved plan is bound to where it was made and to what was shown (issue 9, point 4).

Through the real path: the CLI, the engine, HTTP, an emulator on loopback. Each refusal
comes before any change: the emulator's objects are compared before and after."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from j1sync.canonical import canonical_json
from j1sync.cli import cli
from j1sync.errors import UntrustedPlan
from j1sync.plan_signature import (
    SIGNATURE_FIELD,
    VALUES_FIELD,
    PlanKey,
    sign,
    signed_pieces,
    verify,
)
from j1sync.providers.jupiterone.emulator import Emulator
from tests.examples import jupiterone_examples

ROOT = Path(__file__).resolve().parents[2]
# the JupiterOne demo's examples (a JupiterOne emulator serves these tests)
EXAMPLES = jupiterone_examples()
API_KEY = "binding-Key-5c2e8a41f7"
HOOK_URL = "https://hooks.example.com/j1"
HOOK_TOKEN = "hook-token-9b1d"
WEBHOOK_RULE = """\
apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: public-buckets-webhook
spec:
  question:
    queries:
      - name: query0
        query: Find aws_s3_bucket with public=true
  operations:
    - when:
        type: FILTER
        condition: [AND, [queries.query0.total, ">", 0]]
      actions:
        - type: WEBHOOK
          method: POST
          endpoint: ${env:HOOK_URL}
          headers:
            Authorization: "Bearer ${env:HOOK_TOKEN}"
"""


@pytest.fixture(autouse=True)
def _no_plan_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("J1SYNC_PLAN_KEY", raising=False)


def manifests(tmp_path: Path) -> Path:
    """The examples without their IAM group (so security-engineers is unmanaged and prune
    is off), the resource group that names it and what is in that group (the board; the
    rule leaves it), plus a rule with a webhook whose URL and token come from the
    environment."""
    folder = tmp_path / "manifests"
    shutil.copytree(EXAMPLES, folder)
    shutil.rmtree(folder / "iam-groups")
    shutil.rmtree(folder / "resource-groups")
    shutil.rmtree(folder / "dashboards")
    grouped = folder / "alert-rules" / "unencrypted-critical-data.yaml"
    text = grouped.read_text(encoding="utf-8")
    grouped.write_text(text.replace("  resourceGroup: cloud-security\n", ""), encoding="utf-8")
    (folder / "alert-rules" / "webhook.yaml").write_text(WEBHOOK_RULE, encoding="utf-8")
    return folder


class Account:
    """An emulator and the CLI pointed at it."""

    def __init__(self, emu: Emulator) -> None:
        self.emu = emu

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "JUPITERONE_API_KEY": self.emu.api_key,
            "JUPITERONE_ACCOUNT_ID": self.emu.account,
            "JUPITERONE_API_URL": self.emu.url,
            "HOOK_URL": HOOK_URL,
            "HOOK_TOKEN": HOOK_TOKEN,
            "NO_COLOR": "1",
            **extra,
        }

    def run(self, *args: str, **env: str) -> Result:
        return CliRunner().invoke(cli, list(args), env=self.env(**env))

    def objects(self) -> dict[str, Any]:
        """What the account holds (the apply lock's parameter aside)."""
        return {k: v for k, v in self.emu.snapshot().items() if k != "parameters"}


@contextmanager
def emulated(account: str = "acct-a", port: int = 0) -> Iterator[Account]:
    emu = Emulator(db=":memory:", seed="demo", api_key=API_KEY, account=account, port=port)
    emu.start()
    try:
        yield Account(emu)
    finally:
        emu.stop()


@pytest.fixture
def account() -> Iterator[Account]:
    with emulated() as acc:
        yield acc


def save_plan(acc: Account, folder: Path, out: Path, expect: int = 0, **env: str) -> dict[str, Any]:
    result = acc.run("plan", str(folder), "--out", str(out), **env)
    assert result.exit_code == expect, result.output
    data: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    return path


def assert_refused(acc: Account, plan: Path, *needles: str, **env: str) -> str:
    """apply --plan exits 1 with a one-line message holding `needles`, changing nothing."""
    before = acc.objects()
    result = acc.run("apply", "--plan", str(plan), "--auto-approve", **env)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    message = result.output.strip()
    error_lines = [line for line in message.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1, message
    for needle in needles:
        assert needle in error_lines[0], message
    assert acc.objects() == before
    return error_lines[0]


def change(data: dict[str, Any], address: str) -> dict[str, Any]:
    found: dict[str, Any] = next(c for c in data["changes"] if c["address"] == address)
    return found


def sensitive_path(rule: dict[str, Any], ending: str) -> str:
    return next(p for p in rule["sensitive"] if p.endswith(ending))


# -- the happy path ----------------------------------------------------------------------


def test_saved_plan_applies_and_the_next_plan_is_empty(account: Account, tmp_path: Path) -> None:
    folder = manifests(tmp_path)
    out = tmp_path / "plan.json"
    save_plan(account, folder, out)
    text = out.read_text(encoding="utf-8")
    # one line of canonical JSON: valid, every object's keys sorted, no white space
    assert text.endswith("}\n") and text.count("\n") == 1
    assert canonical_json(json.loads(text)) == text[:-1]
    assert API_KEY not in text
    assert hashlib.sha256(API_KEY.encode()).hexdigest() not in text
    assert HOOK_TOKEN not in text and HOOK_URL not in text

    applied = account.run("apply", "--plan", str(out), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    again = account.run("plan", str(folder), "--detailed-exitcode")
    assert again.exit_code == 0, again.output


def test_plan_key_lets_plan_and_apply_share_a_secret(account: Account, tmp_path: Path) -> None:
    folder, out = manifests(tmp_path), tmp_path / "plan.json"
    data = save_plan(account, folder, out, J1SYNC_PLAN_KEY="team-plan-key-1")
    assert data[SIGNATURE_FIELD]["key"] == "J1SYNC_PLAN_KEY"
    text = out.read_text(encoding="utf-8")
    assert "team-plan-key-1" not in text
    assert hashlib.sha256(b"team-plan-key-1").hexdigest() not in text

    assert_refused(account, out, "J1SYNC_PLAN_KEY", "not set here")
    assert_refused(account, out, "signed with another", J1SYNC_PLAN_KEY="another-key")
    applied = account.run(
        "apply", "--plan", str(out), "--auto-approve", J1SYNC_PLAN_KEY="team-plan-key-1"
    )
    assert applied.exit_code == 0, applied.output


def test_a_plan_signed_with_the_api_key_is_refused_when_a_plan_key_is_set(
    account: Account, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    save_plan(account, manifests(tmp_path), out)
    signed_with = "signed with the JupiterOne API key (JUPITERONE_API_KEY), but"
    assert_refused(account, out, signed_with, J1SYNC_PLAN_KEY="team-plan-key-1")


# -- another account, region or API URL ----------------------------------------------------


def test_a_plan_for_another_account_is_refused(tmp_path: Path) -> None:
    folder, out = manifests(tmp_path), tmp_path / "plan.json"
    with emulated("acct-a") as first:
        port = int(first.emu.url.rsplit(":", 1)[1])
        save_plan(first, folder, out)
    # the same URL and key, another account behind it
    with emulated("acct-b", port=port) as second:
        assert second.emu.url == first.emu.url
        refused = assert_refused(second, out, "another target", "'acct-a'", "'acct-b'")
        assert "API URL" not in refused and "region" not in refused


def test_a_plan_for_another_api_url_is_refused(account: Account, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    save_plan(account, manifests(tmp_path), out)
    with emulated("acct-a") as other:
        assert_refused(other, out, "another target", "API URL", account.emu.url, other.emu.url)


def test_a_plan_for_another_region_is_refused(account: Account, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    save_plan(account, manifests(tmp_path), out)
    assert_refused(account, out, "region", "'us'", "'eu'", JUPITERONE_REGION="eu")


def test_an_emulator_plan_is_bound_to_its_state_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, out = manifests(tmp_path), tmp_path / "plan.json"
    env = {"HOOK_URL": HOOK_URL, "HOOK_TOKEN": HOOK_TOKEN, "NO_COLOR": "1"}
    for name in ("JUPITERONE_API_KEY", "JUPITERONE_ACCOUNT_ID", "JUPITERONE_API_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "here").mkdir()
    (tmp_path / "elsewhere").mkdir()
    runner = CliRunner()
    monkeypatch.chdir(tmp_path / "here")
    planned = runner.invoke(cli, ["plan", str(folder), "--emulator", "--out", str(out)], env=env)
    assert planned.exit_code == 0, planned.output

    monkeypatch.chdir(tmp_path / "elsewhere")
    refused = runner.invoke(
        cli, ["apply", "--plan", str(out), "--emulator", "--auto-approve"], env=env
    )
    assert refused.exit_code == 1, refused.output
    assert "another target" in refused.output and "emulator:" in refused.output

    monkeypatch.chdir(tmp_path / "here")
    applied = runner.invoke(
        cli, ["apply", "--plan", str(out), "--emulator", "--auto-approve"], env=env
    )
    assert applied.exit_code == 0, applied.output


# -- hand edits ------------------------------------------------------------------------------


def _outside_webhook(data: dict[str, Any]) -> None:
    rule = change(data, "AlertRule/public-buckets-webhook")
    rule["sensitive"][sensitive_path(rule, "endpoint")] = "https://attacker.example.net/c"


def _delete_iam_group(data: dict[str, Any]) -> None:
    data["changes"].append(
        {
            "address": "IamGroup/security-engineers",
            "kind": "IamGroup",
            "name": "security-engineers",
            "action": "delete",
            "reason": "prune",
            "id": None,
            "before": None,
            "after": None,
            "changed_paths": [],
            "depends_on": [],
            "live_fingerprint": None,
            "sensitive": {},
        }
    )


def _api_key_in_a_header(data: dict[str, Any]) -> None:
    rule = change(data, "AlertRule/public-buckets-webhook")
    rule["sensitive"][sensitive_path(rule, "Authorization")] = "Bearer ${env:JUPITERONE_API_KEY}"


def _added_change(data: dict[str, Any]) -> None:
    added = json.loads(json.dumps(change(data, "AlertRule/public-buckets-webhook")))
    added.update(address="AlertRule/added-by-hand", name="added-by-hand")
    data["changes"].append(added)


def _changed_summary(data: dict[str, Any]) -> None:
    data["summary"]["AlertRule"]["create"] = 0


HAND_EDITS = {
    "outside webhook URL": _outside_webhook,
    "delete of an IamGroup with prune off": _delete_iam_group,
    "JUPITERONE_API_KEY in a webhook header": _api_key_in_a_header,
    "an added change": _added_change,
    "a changed summary": _changed_summary,
}


@pytest.mark.parametrize("edit", list(HAND_EDITS))
def test_a_hand_edited_plan_is_refused(account: Account, tmp_path: Path, edit: str) -> None:
    out = tmp_path / "plan.json"
    data = save_plan(account, manifests(tmp_path), out)
    HAND_EDITS[edit](data)
    assert_refused(account, write(out, data), "changed after j1sync wrote it")


def test_a_plan_without_its_signature_is_refused(account: Account, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    data = save_plan(account, manifests(tmp_path), out)
    del data[SIGNATURE_FIELD]
    assert_refused(account, write(out, data), "carries no signature")


@pytest.mark.parametrize("layout", [{"separators": (",", ":")}, {"indent": 2, "sort_keys": True}])
def test_a_reformatted_plan_is_still_accepted(
    account: Account, tmp_path: Path, layout: dict[str, Any]
) -> None:
    """The signature covers the content, not the layout: a plan file written before plans
    were one line (indented, ASCII) applies as well."""
    folder, out = manifests(tmp_path), tmp_path / "plan.json"
    data = save_plan(account, folder, out)
    out.write_text(json.dumps(data, **layout), encoding="utf-8")
    applied = account.run("apply", "--plan", str(out), "--auto-approve")
    assert applied.exit_code == 0, applied.output
    assert account.run("plan", str(folder), "--detailed-exitcode").exit_code == 0


def test_signed_pieces_are_the_canonical_json_of_the_signed_data() -> None:
    """The file's text, each field encoded once, is what `sign` gives, written canonically:
    its signature verifies, whatever the fields' order and content."""
    key = PlanKey("J1SYNC_PLAN_KEY", "text-key-1")
    data = {
        "zeta": [3, 1.5, None, True],
        # longer than the slices the HMAC is fed, non-ASCII across their edges
        "changes": [{"b": "é ✓ \u2028" * 400_000, "a": {"y": 1, "x": [{}]}}, [], 2],
        "sections": [],
        "summary": {"AlertRule": {"create": 1}},
        "account": "acct",
    }
    text = "".join(signed_pieces(data, key))
    loaded = json.loads(text)
    assert canonical_json(loaded) == text
    assert {k: v for k, v in loaded.items() if k != SIGNATURE_FIELD} == data
    verify(loaded, key, "plan.json")
    long_text = loaded["changes"][0]["b"]
    for edited in (
        {**loaded, "account": "other"},
        {**loaded, "changes": [{**loaded["changes"][0], "b": long_text[:-1] + "x"}]},
    ):
        with pytest.raises(UntrustedPlan):
            verify(edited, key, "plan.json")


# -- edits signed with the key: what the plan may ask for is still checked ------------------

PLAN_KEY = "team-plan-key-2"


def forge(data: dict[str, Any], out: Path) -> Path:
    """Re-sign an edited plan with the plan key, as someone holding it could (its
    variables' fingerprints, keyed from the old signature's salt, left out)."""
    content = {k: v for k, v in data.items() if k not in (SIGNATURE_FIELD, VALUES_FIELD)}
    return write(out, sign(content, PlanKey("J1SYNC_PLAN_KEY", PLAN_KEY)))


def test_no_plan_may_send_j1syncs_own_credentials(account: Account, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    data = save_plan(account, manifests(tmp_path), out, J1SYNC_PLAN_KEY=PLAN_KEY)
    _api_key_in_a_header(data)
    data["binding"]["env_references"].append("JUPITERONE_API_KEY")
    forge(data, out)
    assert_refused(
        account, out, "${env:JUPITERONE_API_KEY}", "own credentials", J1SYNC_PLAN_KEY=PLAN_KEY
    )


def test_env_references_the_manifests_do_not_declare_are_refused(
    account: Account, tmp_path: Path
) -> None:
    out = tmp_path / "plan.json"
    data = save_plan(account, manifests(tmp_path), out, J1SYNC_PLAN_KEY=PLAN_KEY)
    rule = change(data, "AlertRule/public-buckets-webhook")
    rule["sensitive"][sensitive_path(rule, "Authorization")] = "Bearer ${env:HOME}"
    # declared in the plan's own list, but not in the manifests beside it
    data["binding"]["env_references"].append("HOME")
    forge(data, out)
    assert_refused(account, out, "${env:HOME}", "do not declare", J1SYNC_PLAN_KEY=PLAN_KEY)


def test_a_sensitive_value_without_a_reference_is_refused(account: Account, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    data = save_plan(account, manifests(tmp_path), out, J1SYNC_PLAN_KEY=PLAN_KEY)
    _outside_webhook(data)
    forge(data, out)
    assert_refused(account, out, "holds no ${env:} reference", J1SYNC_PLAN_KEY=PLAN_KEY)


DELETES = {
    "IamGroup/security-engineers": "prune is not enabled for IamGroup",
    "AlertRule/Root account login detected": "does not carry the managed tag 'j1sync'",
    "IntegrationSchedule/aws-staging": "never deleted",
}


@pytest.mark.parametrize("address", list(DELETES))
def test_deletes_the_prune_settings_forbid_are_refused(
    account: Account, tmp_path: Path, address: str
) -> None:
    out = tmp_path / "plan.json"
    data = save_plan(account, manifests(tmp_path), out, J1SYNC_PLAN_KEY=PLAN_KEY)
    kind, name = address.split("/", 1)
    _delete_iam_group(data)
    data["changes"][-1].update(address=address, kind=kind, name=name)
    forge(data, out)
    assert_refused(account, out, address, DELETES[address], J1SYNC_PLAN_KEY=PLAN_KEY)


def test_a_built_in_group_is_never_deleted_even_with_prune_on(
    account: Account, tmp_path: Path
) -> None:
    folder, out = manifests(tmp_path), tmp_path / "plan.json"
    (folder / "j1sync.yaml").write_text("prune:\n  IamGroup: true\n", encoding="utf-8")
    # deleting every managed group is blocked by the safety gate (exit 3) until --force
    data = save_plan(account, folder, out, expect=3, J1SYNC_PLAN_KEY=PLAN_KEY)
    assert change(data, "IamGroup/security-engineers")["action"] == "delete"
    _delete_iam_group(data)
    data["changes"][-1].update(address="IamGroup/Users", name="Users")
    forge(data, out)
    assert_refused(account, out, "IamGroup/Users is built in", J1SYNC_PLAN_KEY=PLAN_KEY)


def test_apply_reads_j1sync_yaml_beside_the_plans_manifests(
    account: Account, tmp_path: Path
) -> None:
    """prune on in j1sync.yaml: the saved plan's IamGroup delete is allowed and applied."""
    folder, out = manifests(tmp_path), tmp_path / "plan.json"
    (folder / "j1sync.yaml").write_text("prune:\n  IamGroup: true\n", encoding="utf-8")
    save_plan(account, folder, out, expect=3)
    applied = account.run("apply", "--plan", str(out), "--auto-approve", "--force")
    assert applied.exit_code == 0, applied.output
    groups = {g["name"] for g in account.emu.snapshot()["iam_groups"]}
    assert "security-engineers" not in groups


def test_without_the_manifests_apply_checks_the_signed_references_only(
    account: Account, tmp_path: Path
) -> None:
    """An apply job without the manifests (only the artifact) still applies the plan; the
    `${env:}` names it may use are the ones the signed plan recorded."""
    folder, out = manifests(tmp_path), tmp_path / "plan.json"
    save_plan(account, folder, out)
    folder.rename(tmp_path / "moved")
    applied = account.run("apply", "--plan", str(out), "--auto-approve")
    assert applied.exit_code == 0, applied.output


# -- malformed files -------------------------------------------------------------------------


def _truncated(valid: str) -> str:
    return valid[: len(valid) // 2]


MALFORMED = {
    "empty": lambda valid: "",
    "garbage": lambda valid: "this is not json {",
    "truncated": _truncated,
    "a JSON list": lambda valid: "[1, 2, 3]",
    "missing fields": lambda valid: json.dumps({"format_version": 1}),
    "wrong types": lambda valid: json.dumps({**json.loads(valid), "changes": "all of them"}),
    "wrong summary type": lambda valid: json.dumps({**json.loads(valid), "summary": {"A": 5}}),
    "wrong format_version": lambda valid: json.dumps({**json.loads(valid), "format_version": 99}),
    "wrong binding": lambda valid: json.dumps({**json.loads(valid), "binding": {"target": 1}}),
    "wrong signature": lambda valid: json.dumps({**json.loads(valid), "signature": "x"}),
}


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_plan_file_is_a_one_line_error(
    account: Account, tmp_path: Path, kind: str
) -> None:
    out = tmp_path / "plan.json"
    save_plan(account, manifests(tmp_path), out)
    out.write_text(MALFORMED[kind](out.read_text(encoding="utf-8")), encoding="utf-8")
    assert_refused(account, out, str(out))


def _edited(edit: Any) -> Any:
    def make(valid: str) -> str:
        data = json.loads(valid)
        edit(data)
        return json.dumps(data)

    return make


# a field of another shape: the message names it, in words, never Python's exception
NAMED_FIELDS = {
    "changes": (_edited(lambda d: d.update(changes="x")), "its 'changes' field is not"),
    "a change's address": (
        _edited(lambda d: d["changes"][0].pop("address")),
        "its 'changes' field is not what a plan file holds there: no 'address' in it",
    ),
    "no changes": (_edited(lambda d: d.pop("changes")), "no 'changes' field"),
    "safety": (_edited(lambda d: d.update(safety={"x": 1})), "no 'blocked' in it"),
    "summary": (_edited(lambda d: d.update(summary=[1])), "its 'summary' field is not"),
    "pruning": (_edited(lambda d: d.update(pruning=7)), "its 'pruning' field is not"),
    "sections": (_edited(lambda d: d.update(sections=[{}])), "its 'sections' field is not"),
    "binding": (_edited(lambda d: d.update(binding=[])), "its 'binding' field is not"),
    "binding's target": (
        _edited(lambda d: d["binding"].pop("target")),
        "its 'binding' field is not what a plan file holds there: no 'target' in it",
    ),
}


@pytest.mark.parametrize("field", list(NAMED_FIELDS))
def test_a_malformed_field_is_named_in_words(account: Account, tmp_path: Path, field: str) -> None:
    out = tmp_path / "plan.json"
    save_plan(account, manifests(tmp_path), out)
    edit, said = NAMED_FIELDS[field]
    out.write_text(edit(out.read_text(encoding="utf-8")), encoding="utf-8")
    line = assert_refused(account, out, str(out), "malformed plan", said)
    for internal in ("Error(", "TypeError", "KeyError", "AttributeError", "indices"):
        assert internal not in line.removeprefix("Error:"), line


def test_a_binary_plan_file_is_a_one_line_error(account: Account, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    out.write_bytes(b"\xff\xfe\x00garbage")
    assert_refused(account, out, "not a j1sync plan file")


@pytest.mark.parametrize("where", ["a directory", "missing", "a dangling link"])
def test_an_unreadable_plan_path_is_a_one_line_error(
    account: Account, tmp_path: Path, where: str
) -> None:
    path = tmp_path / "plan.json"
    if where == "a directory":
        path.mkdir()
    elif where == "a dangling link":
        path.symlink_to(tmp_path / "nowhere.json")
    assert_refused(account, path, "cannot read the plan", str(path))


# a plan file without read permission: tests/safety/test_s27_unreadable_plan.py (run as
# nobody when root, who reads any file)


def test_an_unwritable_out_path_is_a_one_line_error(account: Account, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    out = blocker / "plan.json"
    result = account.run("plan", str(manifests(tmp_path)), "--out", str(out))
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert errors == [errors[0]] and "cannot write the plan to" in errors[0], result.output


# -- manifests never name j1sync's credentials -----------------------------------------------


def test_a_manifest_may_not_use_the_api_key(account: Account, tmp_path: Path) -> None:
    folder = manifests(tmp_path)
    rule = folder / "alert-rules" / "webhook.yaml"
    rule.write_text(
        WEBHOOK_RULE.replace("${env:HOOK_TOKEN}", "${env:JUPITERONE_API_KEY}"), encoding="utf-8"
    )
    result = account.run("plan", str(folder))
    assert result.exit_code == 1, result.output
    assert f"{rule}:" in result.output and "JUPITERONE_API_KEY" in result.output
    assert "own credentials" in result.output
    assert API_KEY not in result.output
