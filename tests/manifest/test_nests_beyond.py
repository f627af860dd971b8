"""plain_yaml.nests_beyond: libyaml's events tell a text nested too deep before ruamel's
parser spends seconds on it (50,000 `[`: 7 s before, under half a second now); it counts
levels as yaml_source does (a scalar one below its collection), and says nothing (False)
where it cannot be sure: anchors, aliases, parse errors."""

from __future__ import annotations

import time
from io import StringIO
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from j1sync.cli import cli
from j1sync.manifest.plain_yaml import HAVE_CLIB, nests_beyond
from j1sync.manifest.yaml_source import MAX_NESTING, depth_exceeds, read_documents

SHAPES = [
    "a: 1\n",
    "a: [1]\n",
    "a: [[1]]\n",
    "a: [[[]]]\n",
    "a: {b: {c: {}}}\n",
    "a:\n  b:\n    c:\n      d: 1\n",
    "- - - - x\n",
    "- - - - []\n",
    "x\n",
    "[]\n",
    "a: 1\n---\nb: [[[[1]]]]\n",
    "a: [[1], [[2]], [[[3]]]]\n",
    "a: |\n  [[[[[[ not a level\n",
    "a: '[[[[[[[ text'\n",
    "a: !tag [[[1]]]\n",
]
# where it cannot be sure, it says False and the located road decides: never True when
# the located road would find the text shallow enough
UNSURE = [
    "? [[1]]\n: v\n",
    "{[[1]]: v}\n",
    "a: &x [[[1]]]\nb: *x\n",
    "a: b: [[[1]]]\n",
    "\ta: [[[1]]]\n",
]


def _old(text: str, limit: int) -> bool:
    roots = YAML(typ="rt").load_all(StringIO(text))
    return any(root is not None and depth_exceeds(root, limit) for root in roots)


@pytest.mark.skipif(not HAVE_CLIB, reason="ruamel.yaml's C extension is not installed")
@pytest.mark.parametrize("text", SHAPES)
@pytest.mark.parametrize("limit", [1, 2, 3, 4, 5])
def test_it_counts_levels_as_the_located_road_does(text: str, limit: int) -> None:
    assert (nests_beyond(text, limit) is not None) == _old(text, limit)


@pytest.mark.skipif(not HAVE_CLIB, reason="ruamel.yaml's C extension is not installed")
@pytest.mark.parametrize("text", UNSURE)
@pytest.mark.parametrize("limit", [2, 3, 4])
def test_what_it_cannot_be_sure_of_is_left_to_the_located_road(text: str, limit: int) -> None:
    assert nests_beyond(text, limit) is None


def test_fifty_thousand_brackets_are_refused_at_once(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("spec:\n  title: " + "[" * 50_000 + "]" * 50_000 + "\n", encoding="utf-8")
    started = time.process_time()
    documents, problems = read_documents(deep, "deep.yaml")
    spent = time.process_time() - started
    assert documents == []
    assert [p.message for p in problems] == [
        f"YAML nests more than {MAX_NESTING} levels deep; no manifest needs that"
    ]
    print(f"refused in {spent:.3f} s of CPU")


def _nested_block(levels: int) -> str:
    """A Question whose spec nests `levels` mappings below `deep:`, a key a line."""
    lines = ["apiVersion: j1sync/v1", "kind: Question", "metadata:", "  name: q", "spec:"]
    lines += ["  deep:", *(f"{'  ' * (i + 2)}k{i}:" for i in range(levels))]
    return "\n".join(lines) + " v\n"


def _nested_flow(levels: int) -> str:
    value = "x"
    for _ in range(levels):
        value = "{a: " + value + "}"
    return f"apiVersion: j1sync/v1\nkind: Question\nmetadata:\n  name: q\nspec:\n  deep: {value}\n"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        # the document is level 1, spec 2, deep's mapping 3, k{i}'s value i + 4: the
        # first beyond MAX_NESTING is k{MAX_NESTING - 3}'s, on its line (7 + that i; a
        # mapping starts at its first key)
        (_nested_block(MAX_NESTING + 6), 7 + MAX_NESTING - 3),
        (_nested_flow(MAX_NESTING + 6), 6),  # all on `deep:`'s line
        ("spec:\n  title: " + "[" * 5_000 + "]" * 5_000 + "\n", 2),
    ],
    ids=["block", "flow", "brackets"],
)
def test_validate_says_the_line_where_the_nesting_goes_too_deep(
    tmp_path: Path, text: str, line: int
) -> None:
    """Not the file's first line: where the value too deep is (its line, in an editor)."""
    folder = tmp_path / "manifests"
    folder.mkdir()
    (folder / "deep.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    said = f"deep.yaml:{line}:"
    message = f"YAML nests more than {MAX_NESTING} levels deep"
    assert any(said in row and message in row for row in result.output.splitlines()), result.output
