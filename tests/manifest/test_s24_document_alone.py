"""A problem found after the load in a file that took the quick road (a duplicate name, a
name the account does not hold) is placed by reading its document again, alone: the text
from its root to the next document marker, positions kept. Before, the whole file was
read again on the located road: a duplicate name in a file of 10,000 documents took
`validate` ~20 s instead of ~2 s. Where a document does not read alone as it did in
the file (a `%YAML` directive, CR line breaks), the whole file is read, as before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from j1sync.errors import SourceLocation
from j1sync.manifest.yaml_source import _document_alone, document_at, locate, read_documents


def _question(name: str, title: str = "Hosts") -> str:
    return (
        "apiVersion: j1sync/v1\nkind: Question\nmetadata:\n"
        f"  name: {name}\nspec:\n  title: {title}\n  queries:\n    - name: q\n"
        "      query: Find Host\n"
    )


LAYOUTS = {
    "plain": "---\n".join([_question("a"), _question("b"), _question("a", "Again")]),
    "comments and end markers": (
        "# first\n"
        + _question("a")
        + "...\n# between\n---\n# b's own\n"
        + _question("b")
        + "...\n---\n"
        + _question("a", "Again")
        + "# the end\n"
    ),
    "flow documents on their marker lines": (
        "--- {apiVersion: j1sync/v1, kind: Question, metadata: {name: a}, spec: {title: T,"
        " queries: [{name: q, query: Find Host}]}}\n"
        "--- {apiVersion: j1sync/v1, kind: Question, metadata: {name: b}, spec: {title: T,"
        " queries: [{name: q, query: Find Host}]}}\n"
        "---\n" + _question("a", "Again")
    ),
    "block scalars and quoted text with markers inside": (
        _question("a").replace("title: Hosts", "title: |\n    --- not a marker\n    ...")
        + "---\n"
        + _question("b")
        + "---\n"
        + _question("a", "'multi\n  --- line'")
    ),
    "a directive": "%YAML 1.2\n---\n" + _question("a") + "---\n" + _question("a", "Again"),
    "a line separator in a value": "---\n".join(
        [_question("a", "'one\u2028two'"), _question("a", "Again")]
    ),
    "CRLF line breaks": ("---\n".join([_question("a"), _question("a", "Again")])).replace(
        "\n", "\r\n"
    ),
}


READ_WHOLE = {
    "a directive",
    "CRLF line breaks",
    "a line separator in a value",
}  # each document is read with the file


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_each_document_reads_alone_as_in_the_whole_file(layout: str, tmp_path: Path) -> None:
    path = tmp_path / "questions.yaml"
    path.write_bytes(LAYOUTS[layout].encode())
    whole, problems = read_documents(path, str(path))
    assert not problems and len(whole) >= 2
    status = path.stat()
    stamp = (status.st_ino, status.st_size, status.st_mtime_ns)
    for expected in whole:
        alone = _document_alone(str(path), expected.start.line, stamp)
        assert (alone is None) == (layout in READ_WHOLE)
        found = document_at(expected.start)
        assert found is not None
        assert found.root == expected.root
        assert found.start == expected.start
        for field in (("metadata", "name"), ("spec", "title"), ("spec", "queries", 0, "query")):
            assert locate(found, field, at_value=True) == locate(expected, field, at_value=True)


def test_a_document_is_placed_though_another_no_longer_reads(tmp_path: Path) -> None:
    """The file changed since the load (a broken document appended): the document whose
    problem is placed still reads alone; the whole file no longer does."""
    path = tmp_path / "questions.yaml"
    path.write_text(_question("a") + "---\n" + _question("b"), encoding="utf-8")
    whole, _ = read_documents(path, str(path))
    second = whole[1].start
    with path.open("a", encoding="utf-8") as out:
        out.write("---\nkey: [never closed\n")
    assert read_documents(path, str(path))[1]  # the whole file: a syntax error now
    found = document_at(second)
    assert found is not None and found.root["metadata"]["name"] == "b"
    assert locate(found, ("spec", "title"), at_value=True).location == SourceLocation(
        str(path), 16, 10
    )


def test_a_duplicate_in_a_large_file_is_placed_at_both_documents(tmp_path: Path) -> None:
    documents = [_question(f"q-{i}", f"Question {i}") for i in range(2000)]
    documents.append(_question("q-5", "Again"))
    path = tmp_path / "questions.yaml"
    path.write_text("---\n".join(documents), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPITERONE_", "J1SYNC_"))}
    done = subprocess.run(
        [sys.executable, "-m", "j1sync", "validate", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "NO_COLOR": "1"},
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = 9  # each question is 9 lines, then its `---`
    second, first = 2000 * (lines + 1) + 4, 5 * (lines + 1) + 4
    expected = (
        f"{path}:{second}:9: Question/q-5: metadata.name: duplicate Question/q-5: also "
        f"defined at {path}:{first}:9"
    )
    assert expected in done.stdout + done.stderr, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
