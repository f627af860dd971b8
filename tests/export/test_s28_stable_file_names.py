"""File names changed when other objects appeared or disappeared: questions `dup`, `DUP`,
`dup-2`, `dup 2`, `question` and `-` were exported as dup.yaml = `DUP`, dup-2.yaml =
`dup`, dup-2-3.yaml = `dup-2`, question-7.yaml = `question` (question.yaml held `-`), and
deleting one and exporting again with --force rewrote four other files. Now a name that is
its own slug has that file, a colliding one a suffix of its own name's, and an export
again keeps each object in the file that declares it."""

from __future__ import annotations

from j1sync.export.naming import own_suffix
from tests.export.conftest import Account
from tests.export.test_options import load
from tests.export.test_s25_reserved_file_names import question

NAMES = ["dup", "DUP", "dup-2", "dup 2", "question", "-"]


def contents(account: Account) -> dict[str, str]:
    return {f: (account.out / f).read_text(encoding="utf-8") for f in account.files()}


def test_each_object_keeps_its_file_whatever_else_appears_or_goes(base: Account) -> None:
    base.emu.seed_objects({"questions": [question(name) for name in NAMES]})
    first = base.export("--kind", "Question")
    assert first.exit_code == 0, first.output
    files = {load(base.out / f)["metadata"]["name"]: f for f in base.files()}
    assert files["dup"] == "questions/dup.yaml"
    assert files["dup-2"] == "questions/dup-2.yaml"
    assert files["question"] == "questions/question.yaml"
    # the others: their slug and a suffix that is theirs, not a count of the others
    for name, slug in (("DUP", "dup"), ("dup 2", "dup-2"), ("-", "question")):
        assert files[name] == f"questions/{slug}-{own_suffix(name)}.yaml"
    before = contents(base)

    # one goes, another comes whose slug collides: no other file changes
    store = base.emu.backend.store
    gone = next(q for q in store.objects("questions") if q["name"] == "dup")
    store.delete("questions", gone["id"])
    base.emu.seed_objects({"questions": [question("Dup")]})
    again = base.export("--kind", "Question", "--force")
    assert again.exit_code == 0, again.output
    after = contents(base)
    assert {f: after[f] for f in before} == before  # dup.yaml kept, as it was (a warning)
    assert "questions/dup.yaml: kept from before" in again.output
    [new] = set(after) - set(before)
    assert load(base.out / new)["metadata"]["name"] == "Dup"
