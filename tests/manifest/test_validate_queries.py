"""`j1sync validate` checks every J1QL query: an error names the file, the query's own
line and column (block and quoted scalars included) and puts a caret under the spot; a
doubtful query is a warning and validate still passes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from j1sync.cli import cli
from tests.manifest.conftest import EXAMPLES, WriteFile

QUESTION = """apiVersion: j1sync/v1
kind: Question
metadata:
  name: q
spec:
  title: Q
  queries:
    - name: a
      query: {query}
"""


@pytest.fixture(autouse=True)
def _not_in_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def _validate(*paths: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["validate", *paths])
    return result.exit_code, result.stdout, result.stderr


def test_the_examples_have_no_query_problem() -> None:
    code, _, stderr = _validate(str(EXAMPLES))
    assert code == 0 and "J1QL" not in stderr


@pytest.mark.parametrize(
    ("query", "line", "column", "excerpt"),
    [
        (  # a plain scalar
            "FIND User WITH name = 'bob",
            9,
            36,
            "          query: FIND User WITH name = 'bob\n" + " " * 39 + "^",
        ),
        (  # a double-quoted scalar: the quote shifts the column
            '"FIND User AS u RETURN x.name"',
            9,
            37,
            '          query: "FIND User AS u RETURN x.name"\n' + " " * 40 + "^",
        ),
        (  # a literal block: the error is on the query's third line
            "|\n        FIND User AS u\n          THAT IS Person\n        RETURN p.name",
            12,
            16,
            "            RETURN p.name\n" + " " * 19 + "^",
        ),
        (  # a folded block: line breaks become spaces, lines keep their place
            ">-\n        FIND DataStore WITH\n        encrypted = false AND\n        LIMIT 5",
            12,
            9,
            "            LIMIT 5\n" + " " * 12 + "^^^^^",
        ),
        (  # a single-quoted scalar with a doubled quote before the spot
            "'FIND (Host|Device) WITH a = ''x'' LIMIT -2'",
            9,
            55,
            "          query: 'FIND (Host|Device) WITH a = ''x'' LIMIT -2'\n" + " " * 58 + "^",
        ),
    ],
    ids=["plain", "double-quoted", "literal-block", "folded-block", "single-quoted"],
)
def test_a_query_error_is_located_in_the_file_with_a_caret(
    write: WriteFile, query: str, line: int, column: int, excerpt: str
) -> None:
    path = write("q.yaml", QUESTION.format(query=query))
    code, _, stderr = _validate(str(path))
    assert code == 1
    head, _, rest = stderr.partition("\n")
    assert head.startswith(f"{path}:{line}:{column}: Question/q: spec.queries[0].query: J1QL: ")
    assert rest.startswith(excerpt + "\n")
    assert stderr.endswith("1 manifest error\n")


def test_an_inline_rule_query_is_checked_too(write: WriteFile) -> None:
    path = write(
        "r.yaml",
        """apiVersion: j1sync/v1
kind: AlertRule
metadata:
  name: r
spec:
  question:
    queries:
      - name: q
        query: FIND User WITH
""",
    )
    code, _, stderr = _validate(str(path))
    assert code == 1
    assert stderr.startswith(
        f"{path}:9:30: AlertRule/r: spec.question.queries[0].query: J1QL: empty filter: "
        "WITH is followed by the end of the query\n"
    )


def test_a_doubtful_query_is_a_warning_and_validate_passes(write: WriteFile) -> None:
    path = write("q.yaml", QUESTION.format(query="FIND User AS u WITH active = true"))
    code, stdout, stderr = _validate(str(path))
    assert code == 0
    assert stdout == "1 manifest valid: 1 Question\n"
    assert f"{path}:9:29: Question/q: spec.queries[0].query: J1QL warning: WITH after AS" in stderr


def test_every_query_error_of_a_run_is_reported(write: WriteFile) -> None:
    write("a.yaml", QUESTION.format(query="FIND User LIMIT -1"))
    write("b.yaml", QUESTION.format(query="FIND User WITH ()").replace("name: q", "name: b"))
    code, _, stderr = _validate(str(write("c.yaml", "").parent))
    assert code == 1 and stderr.endswith("2 manifest errors\n")
