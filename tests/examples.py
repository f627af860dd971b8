"""Where the tests find the repository's examples.

examples/manifests holds every system's examples, as the README's commands plan them:
JupiterOne's kind folders, and one folder per other system (`xyops/`, `opencti/`). A test about the
JupiterOne demo account runs against a JupiterOne emulator alone, so it reads
`jupiterone_examples()` (examples/manifests without the other systems' folders); a test
about the whole repository reads EXAMPLES with every system's emulator.
"""

from __future__ import annotations

import functools
import hashlib
import shutil
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "manifests"
# The folders of examples/manifests that hold another system's examples
OTHER_SYSTEM_FOLDERS = ("xyops", "opencti")
XYOPS_EXAMPLES = EXAMPLES / "xyops"
OPENCTI_EXAMPLES = EXAMPLES / "opencti"


def copy_jupiterone_examples(folder: Path) -> Path:
    """examples/manifests copied to `folder`, without the other systems' folders."""
    shutil.copytree(EXAMPLES, folder, ignore=_other_systems)
    return folder


def _other_systems(directory: str, names: list[str]) -> list[str]:
    top = Path(directory).resolve() == EXAMPLES.resolve()
    return [name for name in names if top and name in OTHER_SYSTEM_FOLDERS]


@functools.cache
def jupiterone_examples() -> Path:
    """A read-only copy of the JupiterOne examples, in a folder named `manifests` (plans
    name the same files the README's demo does). Its path is the same in every test
    process (test ids may hold it; xdist workers must collect the same ids): it is named
    by the examples' content, and made once (a process that loses the race to make it
    drops its own copy)."""
    digest = hashlib.sha256()
    for path in sorted(EXAMPLES.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(EXAMPLES).as_posix().encode())
            digest.update(path.read_bytes())
    root = Path(tempfile.gettempdir()) / f"j1sync-examples-{digest.hexdigest()[:16]}"
    if not root.exists():
        scratch = Path(tempfile.mkdtemp(prefix="j1sync-examples-"))
        copy_jupiterone_examples(scratch / "manifests")
        try:
            scratch.rename(root)
        except OSError:  # another process made it first
            shutil.rmtree(scratch, ignore_errors=True)
    return root / "manifests"
