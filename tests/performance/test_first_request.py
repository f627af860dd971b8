"""What `j1sync plan` loads before its first request to the account: nothing that only
printing or saving the plan needs (the renderers, rich, the plan file's seal, GitHub, the
export writer), and no manifest model of a system the run has no manifest of. Each is
loaded when first used, after the plan is made, so the account's read starts sooner.
The renderer the command prints with is loaded while the account is read, after the
first request. Checked on the modules loaded when the first request leaves and when the
read is over, in a `j1sync plan` process of its own (no timed assertion)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.examples import jupiterone_examples
from tests.reliability.processes import _clean_env

# Runs `j1sync plan ARGS` as the console script does; the modules loaded when its first
# request is sent ("first"), when the plan takes the read's result ("read") and by the
# end ("end") go to the file given first.
PROBE = textwrap.dedent(
    """
    import atexit, json, sys
    from urllib3.connectionpool import HTTPConnectionPool
    out, args = sys.argv[1], sys.argv[2:]
    seen = {}
    urlopen = HTTPConnectionPool.urlopen
    def first_urlopen(self, *args, **kwargs):
        seen.setdefault("first", sorted(sys.modules))
        return urlopen(self, *args, **kwargs)
    HTTPConnectionPool.urlopen = first_urlopen
    from j1sync import reconcile
    result = reconcile._Reads.result
    def read_over(self, kinds):
        seen.setdefault("read", sorted(sys.modules))
        return result(self, kinds)
    reconcile._Reads.result = read_over
    def write():
        seen["end"] = sorted(sys.modules)
        with open(out, "w", encoding="utf-8") as f:
            json.dump(seen, f)
    atexit.register(write)
    sys.argv = ["j1sync", *args]
    from j1sync.entry import main
    main()
    """
)


def _probed(
    tmp_path: Path, *args: str
) -> tuple[subprocess.CompletedProcess[str], dict[str, set[str]]]:
    """`j1sync plan ARGS` of the examples against `--emulator`, in a process of its own:
    how it ended, and the modules PROBE saw loaded."""
    seen_file = tmp_path / "modules.json"
    command = ["plan", str(jupiterone_examples()), "--emulator", *args]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(seen_file), *command],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    seen = json.loads(seen_file.read_text(encoding="utf-8")) if seen_file.exists() else {}
    return done, {stage: set(modules) for stage, modules in seen.items()}


# Loaded only to print or save a plan: never before the first request of a plan that
# prints text to a pipe (stderr no terminal: no spinner) and saves nothing.
NOT_BEFORE_THE_FIRST_REQUEST = (
    "j1sync.output.text",
    "j1sync.output.markdown",
    "j1sync.output.change_lines",
    "j1sync.export",
    "j1sync.github",
    "j1sync.plan_binding",
    "rich",
)

# The manifest models of the systems a JupiterOne-only run has no manifest of (xyOps's,
# OpenCTI's and the kinds modules OpenCTI's are built from): never loaded by such a run,
# before its first request or after (registry.Imported loads them on first use).
OTHER_SYSTEMS_MODELS = (
    "j1sync.providers.xyops.models",
    "j1sync.providers.opencti.models",
    "j1sync.providers.opencti.kinds",
)


def test_a_plan_loads_no_renderer_before_its_first_request(tmp_path: Path) -> None:
    done, seen = _probed(tmp_path, "--detailed-exitcode")
    assert done.returncode == 2, done.stderr  # the examples plan changes
    assert done.stdout.rstrip().splitlines()[-1].startswith("Plan:")
    first, end = seen["first"], seen["end"]
    assert "j1sync.reconcile" in first and "j1sync.manifest.kind_scan" in first
    early = sorted(m for m in first if m.startswith(NOT_BEFORE_THE_FIRST_REQUEST))
    assert early == []
    # the run's own system's models were loaded (its manifests validated), no other's
    assert "j1sync.providers.jupiterone.models.documents" in first
    assert {"j1sync.providers.xyops.system", "j1sync.providers.opencti.system"} <= first
    assert sorted(m for m in end if m.startswith(OTHER_SYSTEMS_MODELS)) == []
    # the plan was printed as text, so its renderer was loaded then
    assert {"j1sync.output.text", "j1sync.output.change_lines"} <= end


RENDERERS = {
    "text": "j1sync.output.text",
    "markdown": "j1sync.output.markdown",
    "json": "j1sync.output.plan_json",
}


@pytest.mark.parametrize("fmt", RENDERERS)
def test_the_renderer_is_loaded_while_the_account_is_read(tmp_path: Path, fmt: str) -> None:
    """The renderer the command prints with is loaded while the account is read (after
    the first request, before the read is over), not once the plan is made."""
    done, seen = _probed(tmp_path, "--format", fmt)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    first, read = seen["first"], seen["read"]
    # none before the first request; the format's own (and no other) before the read's end
    assert not first & set(RENDERERS.values())
    assert read & set(RENDERERS.values()) == {RENDERERS[fmt]}
