"""Account data edited by hand into JSON nested thousands deep, where j1sync parses JSON
text read from the account: a secret parameter's fingerprint record (j1sync_fp_<name>)
and a dashboard widget's settings. Before, plan and drift were 'internal error:
RecursionError'; now that text is what it is (a record that no longer matches: the
secret is written again; settings that differ: drift), and apply puts it right."""

from __future__ import annotations

import copy
from pathlib import Path

from j1sync.providers.jupiterone.emulator.app import Emulator, running_emulator
from j1sync.providers.jupiterone.parameter_fingerprint import fingerprint_name
from tests.examples import copy_jupiterone_examples
from tests.hostile.running import jupiterone_env
from tests.reliability.processes import run_j1sync

API_KEY = "k4-deep-Key-73b1e9"
ACCOUNT = "k4-deep-account"
DEEP = "[" * 100_000
SECRET = (
    "apiVersion: j1sync/v1\nkind: Parameter\nmetadata:\n  name: k4secret\n"
    "spec:\n  secret: true\n  value: ${env:K4_DEEP_SECRET}\n"
)


def _edit(emu: Emulator, collection: str, name: str, change: dict[str, object]) -> None:
    (obj,) = [o for o in emu.store.objects(collection) if o.get("name") == name]
    edited = copy.deepcopy(obj)
    for key, value in change.items():
        target = edited
        *path, last = key.split(".")
        for part in path:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = value
    emu.store.replace(collection, edited)


def test_deep_json_edited_into_the_account_is_drift_not_an_internal_error(
    tmp_path: Path,
) -> None:
    manifests = copy_jupiterone_examples(tmp_path / "manifests")
    (manifests / "parameters" / "k4secret.yaml").write_text(SECRET, encoding="utf-8")
    with running_emulator(seed="demo", api_key=API_KEY, account=ACCOUNT) as emu:
        env = jupiterone_env(
            emu.url,
            API_KEY,
            ACCOUNT,
            SENSITIVE_CLASSIFICATIONS="restricted",
            K4_DEEP_SECRET="k4-deep-secret-value",
        )
        applied = run_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert applied.returncode == 0, applied.stdout + applied.stderr
        _edit(emu, "parameters", fingerprint_name("k4secret"), {"value": DEEP})
        _edit(emu, "dashboards", "Cloud posture", {"widgets.0.config.settings": DEEP})

        drift = run_j1sync(["drift", str(manifests)], env, tmp_path)
        assert drift.returncode == 2, drift.stdout + drift.stderr
        assert "internal error" not in drift.stderr and "Traceback" not in drift.stderr
        assert "~ Parameter/k4secret" in drift.stdout
        assert "~ Dashboard/Cloud posture" in drift.stdout

        again = run_j1sync(["apply", str(manifests), "--auto-approve"], env, tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        assert "updated Parameter/k4secret" in again.stdout
        plan = run_j1sync(["plan", str(manifests), "--detailed-exitcode"], env, tmp_path)
        assert plan.returncode == 0, plan.stdout + plan.stderr
