"""What `j1sync plan` loads before its first request to the account: nothing that only
printing or saving the plan needs (the renderers, rich, the plan file's seal, GitHub, the
export writer), and no manifest model of a system the run has no manifest of. Each is
loaded when first used, after the plan is made, so the account's read starts sooner.
Checked on the modules loaded when the first request leaves, in a `j1sync plan` process
of its own (no timed assertion)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.examples import jupiterone_examples
from tests.reliability.processes import _clean_env

# Runs `j1sync plan ARGS` as the console script does; the modules loaded when its first
# request is sent, and those loaded by the end, go to the file given first.
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
    seen_file = tmp_path / "modules.json"
    args = ["plan", str(jupiterone_examples()), "--emulator", "--detailed-exitcode"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(seen_file), *args],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2, done.stderr  # the examples plan changes
    assert done.stdout.rstrip().splitlines()[-1].startswith("Plan:")
    seen = json.loads(seen_file.read_text(encoding="utf-8"))
    first, end = set(seen["first"]), set(seen["end"])
    assert "j1sync.reconcile" in first and "j1sync.manifest.kind_scan" in first
    early = sorted(m for m in first if m.startswith(NOT_BEFORE_THE_FIRST_REQUEST))
    assert early == []
    # the run's own system's models were loaded (its manifests validated), no other's
    assert "j1sync.providers.jupiterone.models.documents" in first
    assert {"j1sync.providers.xyops.system", "j1sync.providers.opencti.system"} <= first
    assert sorted(m for m in end if m.startswith(OTHER_SYSTEMS_MODELS)) == []
    # the plan was printed as text, so its renderer was loaded then
    assert {"j1sync.output.text", "j1sync.output.change_lines"} <= end
