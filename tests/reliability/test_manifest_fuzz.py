"""Fuzzing the manifest loader: whatever the files hold (random structures, mutated real
manifests, random bytes, a random j1sync.yaml), loading either succeeds or raises
ManifestError with a message; `j1sync validate` exits 0 or 1 without a traceback."""

from __future__ import annotations

import io
import math
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from j1sync.cli import cli
from j1sync.errors import ManifestError
from j1sync.manifest import load_manifests
from j1sync.manifest.interpolation import resolve_document
from j1sync.manifest.plain_yaml import C_EXTENSION_MODULES, HAVE_CLIB, plain_load_all
from j1sync.manifest.yaml_source import YamlDocument, node_start
from j1sync.providers.jupiterone.models import KINDS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "manifests"
ENV = {"HOOK_TOKEN": "t0ken", "EMPTY": ""}
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_texts = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        ["", " ", "${env:HOOK_TOKEN}", "${env:MISSING}", "${env:", "a${env:EMPTY}b", "$${env:X}",
         "ONE_DAY", "GOOD", "v1", "\x00", "\t", "~", "null", "1e400", "- a", ": b", "'"]
    ),
)  # fmt: skip
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    _texts,
)
_values = st.recursive(
    _scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(_texts, children, max_size=4),
    ),
    max_leaves=20,
)
_documents = st.fixed_dictionaries(
    {},
    optional={
        "apiVersion": st.one_of(st.just("j1sync/v1"), _values),
        "kind": st.one_of(st.sampled_from(sorted(KINDS)), _values),
        "metadata": st.one_of(st.fixed_dictionaries({"name": _values}), _values),
        "spec": _values,
    },
)


def _example_documents() -> list[Any]:
    yaml = YAML(typ="safe")
    return [
        document
        for path in sorted(EXAMPLES.rglob("*.yaml"))
        for document in yaml.load_all(path.read_text(encoding="utf-8"))
    ]


EXAMPLE_DOCUMENTS = _example_documents()


def _dump(documents: list[Any]) -> str:
    yaml = YAML(typ="safe", pure=True)
    out = io.StringIO()
    yaml.dump_all(documents, out)
    return out.getvalue()


def _loads_cleanly(files: dict[str, bytes]) -> None:
    """Write the files to a fresh folder and load it: success or ManifestError only."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, data in files.items():
            (root / name).write_bytes(data)
        try:
            load_manifests([root], env=ENV)
        except ManifestError as exc:
            assert str(exc).strip()
            assert all(str(problem) for problem in exc.problems)


@st.composite
def _mutated_examples(draw: st.DrawFn) -> list[Any]:
    """Real manifests with a few random edits: a value replaced by anything, a key
    removed, an unknown key added."""
    documents = draw(st.lists(st.sampled_from(EXAMPLE_DOCUMENTS), min_size=1, max_size=3))
    documents = [_copy(d) for d in documents]
    for _ in range(draw(st.integers(1, 3))):
        containers = [c for d in documents for c in _containers(d)]
        target = draw(st.sampled_from(containers))
        if isinstance(target, dict) and target:
            key = draw(st.sampled_from(sorted(target, key=str)))
            action = draw(st.sampled_from(["replace", "delete", "add"]))
            if action == "replace":
                target[key] = draw(_values)
            elif action == "delete":
                del target[key]
            else:
                target[draw(_texts)] = draw(_values)
        elif isinstance(target, list) and target:
            index = draw(st.integers(0, len(target) - 1))
            target[index] = draw(_values)
    return documents


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _containers(value: Any) -> list[Any]:
    found: list[Any] = []
    if isinstance(value, dict | list):
        found.append(value)
        children = value.values() if isinstance(value, dict) else value
        for child in children:
            found.extend(_containers(child))
    return found


@FUZZ
@given(documents=st.lists(_documents, min_size=1, max_size=3))
def test_random_structures_load_or_fail_with_a_manifest_error(documents: list[Any]) -> None:
    _loads_cleanly({"random.yaml": _dump(documents).encode()})


@FUZZ
@given(documents=_mutated_examples())
def test_mutated_examples_load_or_fail_with_a_manifest_error(documents: list[Any]) -> None:
    _loads_cleanly({"mutated.yaml": _dump(documents).encode()})


@settings(max_examples=50, deadline=None)
@given(
    manifest=st.binary(max_size=300),
    project=st.one_of(st.none(), st.binary(max_size=120), _values.map(lambda v: _dump([v]))),
)
def test_random_bytes_and_project_files_fail_with_a_manifest_error(
    manifest: bytes, project: bytes | str | None
) -> None:
    files = {"bytes.yaml": manifest}
    if project is not None:
        files["j1sync.yaml"] = project.encode() if isinstance(project, str) else project
    _loads_cleanly(files)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    content=st.one_of(
        _mutated_examples().map(_dump),
        st.lists(_documents, min_size=1, max_size=2).map(_dump),
        st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    )
)
def test_validate_exits_0_or_1_with_a_message_never_a_traceback(content: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(content, encoding="utf-8", errors="surrogateescape")
        result = CliRunner().invoke(cli, ["validate", folder], env=ENV)
    assert result.exit_code in (0, 1), result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.output
    if result.exit_code == 1:
        assert "error" in result.output.lower()


def test_the_fuzzer_reaches_valid_and_invalid_manifests() -> None:
    """The strategies above are only worth something if both outcomes happen."""
    outcomes: list[str] = []
    check: Callable[[list[Any]], None] = lambda docs: outcomes.append(_outcome(docs))  # noqa: E731
    check(EXAMPLE_DOCUMENTS)
    check([{**EXAMPLE_DOCUMENTS[0], "spec": {"nope": math.pi}}])
    assert outcomes == ["ok", "ManifestError"]


def _outcome(documents: list[Any]) -> str:
    try:
        _loads_cleanly({"docs.yaml": _dump(documents).encode()})
        with tempfile.TemporaryDirectory() as folder:
            (Path(folder) / "docs.yaml").write_text(_dump(documents), encoding="utf-8")
            load_manifests([folder], env=ENV)
    except ManifestError:
        return "ManifestError"
    return "ok"


QUESTION = "apiVersion: j1sync/v1\nkind: Question\nmetadata: {name: x}\nspec:\n  title: %s\n"
TRICKY_YAML = {
    "deeply nested flow sequences": "a: " + "[" * 3000 + "]" * 3000 + "\n",
    "deeply nested mappings": "".join("  " * i + f"k{i}:\n" for i in range(300)),
    "an integer of 5000 digits": QUESTION % ("1" * 5000),
    "a python object tag": QUESTION % "!!python/object/apply:os.system ['true']",
    "a recursive alias": "&a [*a]\n",
    "a mapping as a key": "? {a: 1}\n: 2\n",
    "an unknown directive version": "%YAML 9.9\n---\nfoo\n",
    "a NUL character": QUESTION % '"a\\0b"',
}


@pytest.mark.parametrize("text", list(TRICKY_YAML.values()), ids=list(TRICKY_YAML))
def test_hostile_yaml_is_a_manifest_error(text: str) -> None:
    """The first two and the long integer raised RecursionError / ValueError before."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "hostile.yaml").write_text(text, encoding="utf-8")
        with pytest.raises(ManifestError) as raised:
            load_manifests([folder], env=ENV)
    assert "hostile.yaml:" in str(raised.value)


def _positions(node: Any, path: str = "") -> list[Any]:
    """Values, types and every line/column record of a round-trip document."""
    if isinstance(node, CommentedMap):
        found: list[Any] = [(path, "map", node.lc.line, node.lc.col)]
        for key in node:
            # a null value's own position is never used (locate() points at its key), and
            # the two parsers place an empty value differently
            value_at = node.lc.value(key) if node[key] is not None else None
            found.append((path, repr(key), node.lc.key(key), value_at))
            found += _positions(node[key], f"{path}.{key}")
        return found
    if isinstance(node, CommentedSeq):
        found = [(path, "seq", node.lc.line, node.lc.col)]
        for index, item in enumerate(node):
            found.append((path, index, node.lc.item(index)))
            found += _positions(item, f"{path}[{index}]")
        return found
    return [(path, type(node).__name__, repr(node))]


def _pure_documents(text: str) -> list[Any]:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return list(yaml.load_all(text))


def _located_road(text: str) -> list[Any]:
    """(index, plain data, secrets, start) per non-empty document, the located way."""
    found = []
    for index, root in enumerate(_pure_documents(text)):
        if root is None:
            continue
        start = node_start(root, "x.yaml")
        plain = resolve_document(YamlDocument("x.yaml", index, root, start), ENV, None)
        found.append((index, plain.data, plain.sensitive, (start.line, start.column)))
    return found


@FUZZ
@given(
    text=st.one_of(
        _mutated_examples().map(_dump),
        st.lists(_documents, min_size=1, max_size=3).map(_dump),
        st.text(alphabet="ab:- \n[]{}'\"#&*!|>%\t,?", max_size=60),
        st.text(max_size=40),
    )
)
def test_the_plain_road_gives_what_the_located_road_gives(text: str) -> None:
    plain = plain_load_all(text, ENV)
    if plain is None:
        return  # the loader takes the located road: nothing to compare
    quick = [(d.index, d.data, d.sensitive, (d.line, d.column)) for d in plain]
    assert repr(quick) == repr(_located_road(text))  # repr: NaN is not equal to itself


def test_the_plain_road_is_taken_for_the_examples() -> None:
    assert HAVE_CLIB, f"none of ruamel's C extensions ({', '.join(C_EXTENSION_MODULES)})"
    for path in sorted(EXAMPLES.rglob("*.yaml")):
        if path.name == "j1sync.yaml":
            continue
        text = path.read_text(encoding="utf-8")
        plain = plain_load_all(text, ENV)
        assert plain is not None, path
        quick = [(d.index, d.data, d.sensitive, (d.line, d.column)) for d in plain]
        assert repr(quick) == repr(_located_road(text))
