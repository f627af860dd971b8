"""Two manifests of one kind whose names read the same printed but differ (`café` as one
code point and as `e` + U+0301 in another file, a Cyrillic letter for a Latin one, two
spaces for one) passed validate and plan in silence: no duplicate, so the plan created
two objects that read alike. It is a warning naming both documents; names that differ
otherwise (case, another kind) are not."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from j1sync.providers.jupiterone.emulator import running_emulator
from tests.export.conftest import BASE_SEED
from tests.hostile.in_process import j1sync_here
from tests.reliability.processes import run_j1sync

NFC = unicodedata.normalize("NFC", "café")
NFD = unicodedata.normalize("NFD", "café")


def question(name: str, kind: str = "Question") -> str:
    spec = "  title: T\n  queries: [{name: a, query: Find User}]\n"
    if kind == "AlertRule":
        spec = "  question: {queries: [{name: a, query: Find User}]}\n"
    return f'apiVersion: j1sync/v1\nkind: {kind}\nmetadata:\n  name: "{name}"\nspec:\n{spec}'


def write(folder: Path) -> None:
    folder.mkdir()
    (folder / "a.yaml").write_text(question(NFC))
    (folder / "b.yaml").write_text(question(NFD))
    (folder / "c.yaml").write_text(question("admin"))
    (folder / "d.yaml").write_text(question("\u0430dmin"))  # Cyrillic a
    (folder / "e.yaml").write_text(question("two  spaces") + "---\n" + question("two spaces"))
    (folder / "f.yaml").write_text(question("Admin") + "---\n" + question("admin", "AlertRule"))


WARNINGS = [
    "j1sync: warning: m/b.yaml:1:1: Question/cafe\\u0301 reads like Question/café "
    "(m/a.yaml:1:1): the names differ only in how Unicode spells a letter, a letter of "
    "another script or white space; they are two objects",
    "j1sync: warning: m/d.yaml:1:1: Question/\\u0430dmin reads like Question/admin "
    "(m/c.yaml:1:1): the names differ only in how Unicode spells a letter, a letter of "
    "another script or white space; they are two objects",
    "j1sync: warning: m/e.yaml:1:1: Question/two  spaces reads like Question/two spaces "
    "(m/e.yaml:9:1): the names differ only in how Unicode spells a letter, a letter of "
    "another script or white space; they are two objects",
]


def test_validate_warns_at_both(tmp_path: Path) -> None:
    write(tmp_path / "m")
    done = j1sync_here(["validate", "m"], {}, tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "8 manifests valid: 7 Question, 1 AlertRule\n"
    assert sorted(done.stderr.splitlines()) == sorted(WARNINGS)


def test_plan_too(tmp_path: Path) -> None:
    write(tmp_path / "m")
    with running_emulator(seed=BASE_SEED) as emu:
        env = {
            "JUPITERONE_API_KEY": emu.api_key,
            "JUPITERONE_ACCOUNT_ID": emu.account,
            "JUPITERONE_API_URL": emu.url,
        }
        done = run_j1sync(["plan", "m"], env, tmp_path)  # a process: its stderr as is
    assert done.returncode == 0, done.stderr
    for warning in WARNINGS:
        assert warning in done.stderr.splitlines()
