"""Loading manifests loads no output module: a plan loads its manifests while its first
request is on its way, and nothing that only prints a plan may load before that request
(test_first_request.py). The check of names that read alike (manifest/cross_checks)
imported output/text_diff on every load, so a small plan whose load ended first loaded
it early (a fresh-clone CI run failed test_first_request on it); it is now loaded only
when two names read alike."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).parents[2] / "examples" / "manifests"
PROBE = """
import json, sys
from j1sync.manifest.loader import load_manifests
load_manifests(sys.argv[1:])
print(json.dumps(sorted(m for m in sys.modules if m.startswith("j1sync.output"))))
"""


def test_loading_manifests_loads_no_output_module() -> None:
    folders = ["questions", "alert-rules", "iam-groups", "resource-groups"]
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *(str(EXAMPLES / f) for f in folders)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
