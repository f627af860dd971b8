"""`apply --plan` says when the manifests it finds are not those the plan was made from
(edited since, another commit or branch checked out): the plan records a digest of the
manifest files (the binding's manifests_sha256, signed with the rest), and apply warns,
naming the plan and the paths, before it makes the changes the plan shows. Before, a plan
saved on one commit was applied on another without a word, and the next plan showed the
manifests' own changes still to make."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from tests.hostile.in_process import j1sync_here

ROOT = Path(__file__).resolve().parents[2]
RULE = Path("manifests/alert-rules/public-s3-buckets-alert.yaml")
WARNING = (
    "Warning: po.json: the manifests under manifests are not those this plan was made from "
    "(changed since, or another commit): apply makes the changes the plan shows; "
    "`j1sync plan` shows what the manifests say now"
)


def _saved(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    shutil.copytree(ROOT / "examples" / "manifests", tmp_path / "manifests")
    made = j1sync_here(["plan", "manifests", "--emulator", "--out", "po.json"], {}, tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr
    return tmp_path / "po.json"


def _apply(tmp_path: Path) -> str:
    applied = j1sync_here(
        ["apply", "--plan", "po.json", "--emulator", "--auto-approve"], {}, tmp_path
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert applied.stdout.splitlines()[-1].startswith("Apply complete: "), applied.stdout
    return applied.stderr


def test_the_plan_records_its_manifests(tmp_path: Path) -> None:
    binding = json.loads(_saved(tmp_path).read_text())["binding"]
    assert re.fullmatch(r"[0-9a-f]{64}", binding["manifests_sha256"])
    assert WARNING not in _apply(tmp_path)  # the same manifests: nothing to say


def test_manifests_edited_since_the_plan_are_said(tmp_path: Path) -> None:
    _saved(tmp_path)
    rule = tmp_path / RULE
    rule.write_text(rule.read_text().replace("Alerts when", "Warns when"))
    assert WARNING in _apply(tmp_path).splitlines()

    # the plan's changes were made; the manifests' own change is still to make
    again = j1sync_here(["plan", "manifests", "--emulator"], {}, tmp_path)
    assert "Warns when" in again.stdout, again.stdout


def test_a_manifest_added_or_removed_is_said(tmp_path: Path) -> None:
    _saved(tmp_path)
    (tmp_path / RULE).unlink()
    assert WARNING in _apply(tmp_path).splitlines()


def test_the_digest_is_signed(tmp_path: Path) -> None:
    saved = _saved(tmp_path)
    data = json.loads(saved.read_text())
    data["binding"]["manifests_sha256"] = "0" * 64
    saved.write_text(json.dumps(data))
    refused = j1sync_here(
        ["apply", "--plan", "po.json", "--emulator", "--auto-approve"], {}, tmp_path
    )
    assert refused.returncode == 1
    assert "does not match its signature" in refused.stderr, refused.stderr
