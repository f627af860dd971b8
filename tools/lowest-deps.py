"""Print a pip constraints file that pins each direct dependency of pyproject.toml to its
lower bound (`name>=X` -> `name==X`), so CI can run the suite on the oldest versions the
project claims to support. The floors themselves live only in pyproject.toml.

Usage: python tools/lowest-deps.py [pyproject.toml] > constraints.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

import tomllib
from packaging.requirements import Requirement


def floors(pyproject: Path) -> list[str]:
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    pins: list[str] = []
    for line in project["dependencies"]:
        requirement = Requirement(line)
        lower = [s.version for s in requirement.specifier if s.operator in (">=", "==", "~=")]
        if not lower:
            sys.exit(f"{requirement.name}: no lower bound in {pyproject}; declare one")
        pins.append(f"{requirement.name}=={lower[0]}")
    return pins


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parents[1] / "pyproject.toml"
    print("\n".join(floors(path)))
