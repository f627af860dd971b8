"""Where the tests find the repository's examples.

examples/manifests holds every system's examples, as the README's commands plan them:
JupiterOne's kind folders, and one folder per other system (`xyops/`). A test about the
JupiterOne demo account runs against a JupiterOne emulator alone, so it reads
`jupiterone_examples()` (examples/manifests without the other systems' folders); a test
about the whole repository reads EXAMPLES with every system's emulator.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "manifests"
# The folders of examples/manifests that hold another system's examples
OTHER_SYSTEM_FOLDERS = ("xyops",)
XYOPS_EXAMPLES = EXAMPLES / "xyops"


def copy_jupiterone_examples(folder: Path) -> Path:
    """examples/manifests copied to `folder`, without the other systems' folders."""
    shutil.copytree(EXAMPLES, folder, ignore=_other_systems)
    return folder


def _other_systems(directory: str, names: list[str]) -> list[str]:
    top = Path(directory).resolve() == EXAMPLES.resolve()
    return [name for name in names if top and name in OTHER_SYSTEM_FOLDERS]


@functools.cache
def jupiterone_examples() -> Path:
    """One read-only copy per test process of the JupiterOne examples (a folder named
    `manifests`, so plans name the same files the README's demo does)."""
    root = Path(tempfile.mkdtemp(prefix="j1sync-examples-"))
    atexit.register(shutil.rmtree, root, True)
    return copy_jupiterone_examples(root / "manifests")
