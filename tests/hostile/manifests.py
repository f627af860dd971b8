"""Manifests the hostile-input tests share."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

# One valid JupiterOne manifest: the run gets past the loader to what a test breaks.
QUESTION = """\
apiVersion: j1sync/v1
kind: Question
metadata:
  name: users
spec:
  title: Users
  queries:
    - name: q
      query: Find User
"""


def question(name: str, title: str | None = None) -> str:
    """A valid Question manifest named `name` (titled "Question NAME" unless `title`)."""
    return (
        f"apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: {name}\nspec:\n"
        f"  title: {title or f'Question {name}'}\n  queries:\n    - name: q\n"
        "      query: Find User\n"
    )


def write_questions(folder: Path, names: Iterable[str]) -> None:
    """One Question manifest a name, each in its own file NAME.yaml in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / f"{name}.yaml").write_text(question(name), encoding="utf-8")
