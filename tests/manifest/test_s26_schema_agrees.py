"""`j1sync schema` and `j1sync validate` agree on the changes test_s18c does not try.

docs/manifests.md: the schema holds each field's own rules as `validate` checks them. The
corpus: every valid document of examples/manifests, of README.md and docs/*.md, and
test_s18c's extra xyOps documents. Each is changed one place at a time:

- a whole number written with a fraction (`3.0` for `3`), at every int it holds and at
  every integer key its schema offers;
- an int at each bound the schema gives and one past it, and past GraphQL's Int and Long;
- every string (and every mapping's added key) as a reserved word of xyOps, `0`,
  `__proto__`, an `_xy_override_` launch key;
- a key added to every mapping (a copy of a value it holds): with a space, too long, empty,
  reserved, `${env:NAME}` (the loader never resolves a key);
- every string at the lengths the schema's and validate's limits sit at, and one past;
- a listed value with a trailing space, or cut short by one character.

Each variant is loaded by `validate`'s loader and checked against the kind's printed schema:
what validate accepts the schema accepts, and what validate refuses at the changed place the
schema refuses (test_s18c's LEFT_OUT and ALSO_LEFT_OUT aside), but for a fraction: JSON
Schema cannot tell `3.0` from `3` (docs/manifests.md), so only validate refuses one, and
this test holds validate to that.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from j1sync.providers.registry import systems
from j1sync.providers.xyops.values import RESERVED_KEY
from tests.docs.test_schema_blocks import DOCUMENTS as PAGE_AND_EXAMPLE_DOCUMENTS
from tests.manifest.test_s18c_schema_agreement import (
    BASES,
    Path_,
    _at,
    _at_field,
    _field,
    _get,
    _left_out,
    _load_together,
    _paths,
    _schema,
    _system,
    _with,
)

# The reserved words a test tries (RESERVED_KEY's, as validate's own constant has them).
RESERVED_WORDS = ["constructor", "0", "__proto__", "toString"]
assert all(RESERVED_KEY.fullmatch(word) for word in RESERVED_WORDS)
LAUNCH_KEY = "_xy_override_id"  # event_fields.RESERVED: never an Event param's key
# Keys a mapping is given beside its own.
BAD_KEYS = ["w 1", "k" * 100, "k" * 101, "", " k", "k.", "-k", LAUNCH_KEY, "${env:S26_KEY}"]
# Lengths validate or the schema limit a string to: each, and one past.
LENGTHS = [100, 101, 255, 256, 1000, 1001]
# Past GraphQL's Int (32-bit signed) and Long (64-bit signed).
FAR_INTS = [2**31, -(2**31) - 1, 2**63]
WHOLE_NUMBER = "Input should be a valid integer"

# Besides test_s18c's LEFT_OUT: rules validate checks that the schema leaves out, by system,
# kind, field (a regex over the field's path, list indexes as []) and message (a regex).
ALSO_LEFT_OUT: list[tuple[str, str, str, str, str]] = [
    # (system, kind, field, message, why)
    ("jupiterone", "*", r".*\.query", r"^J1QL", "J1QL: needs parsing (docs/manifests.md)"),
    (
        "xyops",
        "*",
        r".*",
        r"would be kept by xyOps as|beyond any number xyOps keeps",
        "an int no JavaScript double holds (beyond 2**53, not every one): an editor reads "
        "the number as a double itself, and no bound says which ones (docs/manifests.md)",
    ),
]


def _page_documents() -> list[dict[str, Any]]:
    """The documents of README.md and docs/*.md that the examples do not already hold."""
    known = {json.dumps(d, sort_keys=True) for d in BASES}
    found: list[dict[str, Any]] = []
    for name, document in PAGE_AND_EXAMPLE_DOCUMENTS:
        text = json.dumps(document, sort_keys=True, default=str)
        if name.startswith("examples/") or text in known or not isinstance(document, dict):
            continue
        known.add(text)
        found.append(document)
    return found


CORPUS = BASES + _page_documents()


def _schemas_at(system: str, kind: str, path: Path_) -> list[dict[str, Any]]:
    return _at(_schema(system, kind).schema, path)


def _integer_schema(alternatives: list[dict[str, Any]]) -> bool:
    """A strict int: the schema says integer, and no alternative takes any number."""
    types = {a.get("type") for a in alternatives}
    return "integer" in types and "number" not in types


def _strings(length: int, current: str) -> str:
    """A string of `length` that keeps the start of `current` (a `tag:` or `monitor:`
    prefix) and is otherwise letters: it breaks no pattern a name of its field has."""
    return (current + "a" * length)[:length] if current and current[-1].isalnum() else "a" * length


def _changes(document: dict[str, Any]) -> Iterator[tuple[Path_, str, Any, bool]]:
    """(place, how, value, a key added there): the changes tried at each place."""
    system, kind = _system(document), document["kind"]
    for path in _paths(document):
        if path[0] in ("apiVersion", "kind"):
            continue
        value = _get(document, path)
        here = _schemas_at(system, kind, path)
        if isinstance(value, int) and not isinstance(value, bool):
            if _integer_schema(here):  # (a free-form value takes any number)
                yield path, "with a fraction", float(value), False
            for bound in _bounds(here):
                yield path, f"= {bound}", bound, False
            for far in FAR_INTS:
                yield path, f"= {far}", far, False
        if isinstance(value, str):
            for word in [*RESERVED_WORDS, LAUNCH_KEY]:
                yield path, f"= {word!r}", word, False
            for length in LENGTHS + _lengths(here):
                yield path, f"{length} long", _strings(length, value), False
            for listed in _listed(here):
                yield path, f"= {listed!r} + ' '", f"{listed} ", False
                yield path, f"= {listed!r} cut", listed[:-1], False
    for path in [(), *_paths(document)]:
        node = _get(document, path)
        if not isinstance(node, dict) or path[:1] in (("apiVersion",), ("kind",)):
            continue
        if node:  # a key beside those it holds, with the value of one of them
            sample = copy.deepcopy(next(iter(node.values())))
            for key in BAD_KEYS + RESERVED_WORDS:
                yield (*path, key), f"key {key!r} added", sample, True
        for alternative in _schemas_at(system, kind, path):
            for key, property_schema in (alternative.get("properties") or {}).items():
                if key in node:
                    continue
                offered = _at(_schema(system, kind).schema, (*path, key))
                if _integer_schema([property_schema, *offered]):
                    yield (*path, key), "added with a fraction", 1.0, True


def _bounds(alternatives: list[dict[str, Any]]) -> list[int]:
    found = []
    for alternative in alternatives:
        for key, step in (("minimum", -1), ("maximum", 1)):
            if isinstance(alternative.get(key), int):
                found += [alternative[key], alternative[key] + step]
        for key in ("exclusiveMinimum", "exclusiveMaximum"):
            if isinstance(alternative.get(key), int):
                found += [alternative[key]]
    return sorted(set(found))


def _lengths(alternatives: list[dict[str, Any]]) -> list[int]:
    found = []
    for alternative in alternatives:
        if isinstance(alternative.get("maxLength"), int):
            found += [alternative["maxLength"], alternative["maxLength"] + 1]
        if isinstance(alternative.get("minLength"), int) and alternative["minLength"] > 0:
            found += [alternative["minLength"] - 1]
    return sorted(set(found) - set(LENGTHS))


def _listed(alternatives: list[dict[str, Any]]) -> list[str]:
    found: list[str] = []
    for alternative in alternatives:
        listed = alternative.get("enum", [alternative["const"]] if "const" in alternative else [])
        found += [v for v in listed if isinstance(v, str) and v and v not in found]
    return found


def _cases(system: str, kind: str) -> list[tuple[dict[str, Any], Path_, str, dict[str, Any]]]:
    cases = []
    for base in (d for d in CORPUS if (_system(d), d.get("kind")) == (system, kind)):
        for path, how, value, _ in _changes(base):
            cases.append((base, path, how, _with(base, path, value)))
    return cases


KINDS = [(s.name, kind) for s in systems() for kind in s.kinds]


@pytest.mark.parametrize(("system", "kind"), KINDS, ids=[f"{s}-{k}" for s, k in KINDS])
def test_schema_and_validate_agree_on_each_change(system: str, kind: str, tmp_path: Path) -> None:
    cases = _cases(system, kind)
    schema = _schema(system, kind)
    bases = list({id(base): base for base, _, _, _ in cases}.values())
    stricter, looser = [], []
    tried = 0
    for number, base in enumerate(bases):
        own = [(path, how, variant) for b, path, how, variant in cases if b is base]
        folder = tmp_path / f"base{number}"
        folder.mkdir()
        found = _load_together(base, [base] + [variant for _, _, variant in own], folder)
        if found[0] or not schema.is_valid(base):
            # a page's document that names one the corpus lacks: not a base to change
            assert base not in BASES, [str(p) for p in found[0]]
            continue
        tried += len(own)
        for (path, how, variant), problems in zip(own, found[1:], strict=True):
            errors = list(schema.iter_errors(variant))
            shown = f"{_field(path)} {how}"
            if not problems and errors:
                stricter.append(f"{shown}: the schema says {errors[0].message[:100]}")
            at_field = [p for p in problems if _at_field(p, _field(path))]
            kept = [p for p in at_field if not _left_out(system, kind, p) and not _also(kind, p)]
            if kept and not errors:
                fraction = "fraction" in how and all(WHOLE_NUMBER in p.message for p in kept)
                if not fraction:  # FRACTIONS aside: no JSON Schema tells 3.0 from 3
                    said = f"{kept[0].field}: {kept[0].message[:100]}"
                    looser.append(f"{shown}: validate says {said}")
            if "fraction" in how:
                assert at_field, f"{shown}: validate takes a whole number written with a fraction"
    assert stricter == [], "the schema refuses what validate accepts:\n" + "\n".join(stricter)
    assert looser == [], "the schema accepts what validate refuses:\n" + "\n".join(looser)
    assert tried > 20


def _also(kind: str, problem: Any) -> bool:
    field = re.sub(r"\[\d+\]", "[]", problem.field or "")
    return any(
        k in ("*", kind) and re.fullmatch(f, field) and re.search(m, problem.message)
        for _, k, f, m, _ in ALSO_LEFT_OUT
    )


def _holds(document: Any, path: Path_) -> bool:
    try:
        return isinstance(_get(document, path), int)
    except (KeyError, IndexError, TypeError):
        return False


def test_the_corpus_holds_every_kind_and_the_pages_documents() -> None:
    assert {(_system(d), d["kind"]) for d in CORPUS} == set(KINDS)
    assert len(CORPUS) - len(BASES) > 10


@pytest.mark.parametrize(
    ("system", "kind", "path", "value"),
    [
        ("jupiterone", "IntegrationSchedule", ("spec", "hour"), 3.0),
        ("jupiterone", "AlertRule", ("spec", "operations", 0, "when", "version"), 1.0),
        ("opencti", "MarkingDefinition", ("spec", "x_opencti_order"), 3.0),
        ("opencti", "KillChainPhase", ("spec", "x_opencti_order"), 3.0),
        ("opencti", "Group", ("spec", "group_confidence_level", "max_confidence"), 75.0),
    ],
)
def test_a_whole_number_with_a_fraction_only_validate_refuses(
    system: str, kind: str, path: Path_, value: float, tmp_path: Path
) -> None:
    """JSON Schema counts 3.0 an integer (draft 2020-12: a number with a zero fraction):
    no keyword tells it from 3, so the schema takes what validate refuses (documented)."""
    base = next(d for d in BASES if (_system(d), d["kind"]) == (system, kind) and _holds(d, path))
    variant = _with(base, path, value)
    assert _schema(system, kind).is_valid(variant)
    (problems,) = _load_together(base, [variant], tmp_path)
    assert [p.message for p in problems if _at_field(p, _field(path))] == [
        f"{WHOLE_NUMBER} (got float {value})"
    ]
    assert not _schema(system, kind).is_valid(_with(base, path, "3"))
