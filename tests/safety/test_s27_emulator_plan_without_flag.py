"""A plan saved with `plan --emulator` and applied without --emulator is refused before
any connection, saying that it was made against the embedded emulator and to pass
--emulator. Before, apply first connected to the systems of the plan and stopped at
their missing credentials ("No JupiterOne API key... No xyOps API key... No OpenCTI
token"), which such a plan never needed."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.hostile.in_process import j1sync_here

ROOT = Path(__file__).resolve().parents[2]
REFUSED = (
    "Error: po.json: this plan was made against the embedded emulator (plan --emulator), "
    "not an account: pass --emulator to apply it\n"
)


def test_an_emulator_plan_applied_without_emulator_says_to_pass_it(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "examples" / "manifests", tmp_path / "manifests")
    made = j1sync_here(["plan", "manifests", "--emulator", "--out", "po.json"], {}, tmp_path)
    assert made.returncode == 0, made.stdout + made.stderr

    bare = j1sync_here(["apply", "--plan", "po.json", "--auto-approve"], {}, tmp_path)
    assert (bare.returncode, bare.stdout, bare.stderr) == (1, "", REFUSED)

    # with an account's settings at hand, still nothing is connected to: not this plan's
    settings = {
        "JUPITERONE_API_KEY": "s27-emu-Key-8f00aa",
        "JUPITERONE_ACCOUNT_ID": "s27-emu-account",
        "JUPITERONE_API_URL": "http://127.0.0.1:9/",  # nothing listens on the discard port
        "XYOPS_URL": "http://127.0.0.1:9/",
        "XYOPS_API_KEY": "s27-emu-xy-Key",
        "OPENCTI_URL": "http://127.0.0.1:9/",
        "OPENCTI_TOKEN": "s27-emu-token",
    }
    configured = j1sync_here(["apply", "--plan", "po.json", "--auto-approve"], settings, tmp_path)
    assert (configured.returncode, configured.stdout, configured.stderr) == (1, "", REFUSED)

    # as advised
    applied = j1sync_here(
        ["apply", "--plan", "po.json", "--auto-approve", "--emulator"], {}, tmp_path
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert applied.stdout.splitlines()[-1].startswith("Apply complete: "), applied.stdout
