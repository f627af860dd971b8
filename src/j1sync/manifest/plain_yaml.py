"""The road for valid manifests, and the one module that uses ruamel.yaml's internals:
libyaml (ruamel's C extension) parses and composes, and a small builder turns the nodes
straight into the plain data that validation needs, with `${env:…}` resolved on the way,
without ruamel's round-trip objects and their line/column records.

Positions only matter when something is wrong, so this road only ever succeeds or gives
up: any construct it does not handle exactly as the located road (yaml_source: ruamel's
pure round-trip loader) does - timestamps, non-string keys, anchors, tags, merge keys,
duplicate keys, block-scalar keys, deep nesting, the texts where libyaml and ruamel's
parser were seen to differ -, any environment reference that cannot be resolved and any
parse error make it return None, and the caller loads the file the located way, whose
problems users see. Tests (tests/manifest/test_plain_road.py, the fuzz tests in
tests/reliability) check that the data it builds equals what the located road plus
`resolve_document` build.

ruamel ships its C extension in two packagings: `ruamel.yaml.clib` (module
`_ruamel_yaml`) and, from ruamel.yaml 0.19, `ruamel.yaml.clibz` (`_ruamel_yaml_clibz`);
either serves. Without one, every file takes the located road (slower, same results).
The internals used here (CParser's node API, `RoundTripConstructor`'s number
constructors, `VersionedResolver.versioned_resolver`, `Tag`, nodes' `ctag`) are those of
the ruamel.yaml versions pyproject.toml allows.
"""

from __future__ import annotations

import importlib
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    MappingStartEvent,
    ScalarEvent,
)
from ruamel.yaml.nodes import ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

from j1sync.credentials import credential_variables
from j1sync.env_reference import ENV_MARKER, ENV_NAME, ENV_REFERENCE, has_value
from j1sync.manifest.yaml_source import CORE_TAG_PREFIX, MAX_NESTING

C_EXTENSION_MODULES = ("_ruamel_yaml", "_ruamel_yaml_clibz")  # ruamel.yaml.clib, .clibz


def _c_parser() -> Any:
    """libyaml's parser from whichever of ruamel's C packagings is installed, or None."""
    for name in C_EXTENSION_MODULES:
        try:
            return importlib.import_module(name).CParser
        except (ImportError, AttributeError):
            continue
    return None


_CParser = _c_parser()
HAVE_CLIB = _CParser is not None

# Where libyaml (YAML 1.1 tokens) and ruamel's YAML 1.2 parser were found (by fuzzing) to
# disagree: directives, tags, anchors and aliases (1.2 allows ":" in their names), "?"
# keys, a comment glued to a block scalar header (">#"), tabs, the YAML 1.1 line breaks
# (NEL, LS, PS) and a byte-order mark. A text with any of them takes the located road;
# manifests rarely have them.
_PURE_ONLY = re.compile(
    r"^%|(?:^|[\s\[\]{},:?-])[!&*?]|[|>][-+0-9]*#|[\t\x85\u2028\u2029\ufeff]", re.MULTILINE
)
# A character every text that _PURE_ONLY finds holds: most texts have none, and looking
# for one is ten times quicker than trying _PURE_ONLY at every position.
_PURE_ONLY_CHARACTER = re.compile(r"[%!&*?#\t\x85\u2028\u2029\ufeff]")

_STR = VersionedResolver.DEFAULT_SCALAR_TAG
_SEQ = VersionedResolver.DEFAULT_SEQUENCE_TAG
_MAP = VersionedResolver.DEFAULT_MAPPING_TAG


class _GiveUp(Exception):
    """This text is for the round-trip road."""


_Resolvers = list[tuple[Tag, "re.Pattern[str]"]]


def _implicit_resolvers() -> dict[Any, _Resolvers]:
    """YAML 1.2's implicit resolvers by first character ("" for the empty scalar), with one
    shared Tag per type, so the builder can compare tags by identity (an explicit tag in
    the text would be a new Tag object, and is refused as unknown); the None entry holds
    the resolvers for any first character. Computed once: ruamel works out the YAML
    version again on every scalar, most of the cost of resolving. The patterns are
    ruamel's own, compiled: ruamel wraps each in a lazy proxy that costs a Python call
    on every use."""
    table: dict[Any, list[tuple[str, Any]]] = VersionedResolver(None).versioned_resolver
    tags: dict[str, Tag] = {}
    anywhere = table.get(None, [])
    return {
        first: [
            (tags.setdefault(tag, Tag(suffix=tag)), _compiled(regexp))
            for tag, regexp in (entries if first is None else [*entries, *anywhere])
        ]
        for first, entries in {**table, None: anywhere}.items()
    }


def _compiled(regexp: Any) -> re.Pattern[str]:
    """The pattern behind ruamel's lazy proxy (util.LazyEval), or the pattern itself."""
    unwrap = getattr(regexp, "lazy_self", None)
    pattern: re.Pattern[str] = unwrap() if unwrap is not None else regexp
    return pattern


_BY_FIRST_CHARACTER = _implicit_resolvers()
_ANY_FIRST_CHARACTER = _BY_FIRST_CHARACTER[None]


def _implicit_tag(name: str) -> Tag:
    for entries in _BY_FIRST_CHARACTER.values():
        for tag, _ in entries:
            if tag.suffix == name:
                return tag
    return Tag(suffix=name)  # a type this YAML version does not resolve: never matches


_BOOL = _implicit_tag(CORE_TAG_PREFIX + "bool")
_INT = _implicit_tag(CORE_TAG_PREFIX + "int")
_FLOAT = _implicit_tag(CORE_TAG_PREFIX + "float")
_NULL = _implicit_tag(CORE_TAG_PREFIX + "null")


class _NumberLoader:
    """What the round-trip constructor's number constructors ask of their loader: the
    YAML version (1.2: a text with a %YAML directive never takes this road) and the
    comment handling."""

    comment_handling = None

    class _resolver:  # the attribute ruamel's constructor reads
        processing_version = (1, 2)


# One constructor for every file, used only for numbers, so that they mean exactly what
# they mean on the round-trip road.
_NUMBERS = RoundTripConstructor(loader=_NumberLoader())

if HAVE_CLIB:

    class _CPlainLoader(_CParser):  # type: ignore[misc,valid-type]
        """libyaml's parser and composer with a cheap resolver."""

        def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
            if kind is ScalarNode:
                if implicit[0]:  # a plain scalar: null, bool, int, float...?
                    for tag, regexp in _BY_FIRST_CHARACTER.get(value[:1], _ANY_FIRST_CHARACTER):
                        if regexp.match(value):
                            return tag
                return _STR
            return _SEQ if kind is SequenceNode else _MAP

        def descend_resolver(self, current_node: Any, current_index: Any) -> None:
            pass  # no path resolvers

        def ascend_resolver(self) -> None:
            pass


@dataclass
class PlainDocument:
    """One document as plain data, with its root's position and the resolved secrets."""

    index: int  # 0-based position in the file, empty documents counted
    data: dict[str, Any]
    line: int  # 1-based, of the root mapping
    column: int
    sensitive: dict[str, str]  # resolved -> template


# libyaml composes a document recursively in C: nested some 30,000 levels deep (as many [
# or "- " on one line) it overflows the C stack and the process dies (a segmentation
# fault, no message). A document nests at most as deep as it has characters opening a
# level; one with more than this many takes the located road, whose parser is Python's
# (too deep: RecursionError, reported as nesting too deep).
MAX_C_OPENERS = 5_000


def may_nest_too_deep(text: str) -> bool:
    """Whether a document of `text` (parts between lines starting with ---) has more
    than MAX_C_OPENERS characters that may open a level ([, {, -, ?)."""
    for part in text.split("\n---"):
        if len(part) > MAX_C_OPENERS:
            openers = part.count("[") + part.count("{") + part.count("-") + part.count("?")
            if openers > MAX_C_OPENERS:
                return True
    return False


def nests_beyond(text: str, limit: int) -> tuple[int, int] | None:
    """Where a document of `text` first nests deeper than `limit` levels (a scalar one level
    below its collection, as yaml_source counts them): the line and column (from 1) of the
    value too deep, found by libyaml's events: no recursion, and it stops at the first
    level too deep, where ruamel's own parser takes seconds to reach the nesting of tens of
    thousands of `[` (its scanner is quadratic in the open flow levels). None when none
    does, or it cannot say: no C extension, a parse error, an anchor or alias, a
    collection as a mapping's key (the located road decides)."""
    if not HAVE_CLIB:
        return None
    parser = _CParser(text)
    # per open collection: None for a sequence, for a mapping [whether a key comes next]
    open_levels: list[list[bool] | None] = []
    try:
        while parser.check_event():
            event = parser.get_event()
            if isinstance(event, AliasEvent) or getattr(event, "anchor", None) is not None:
                return None
            if isinstance(event, CollectionEndEvent):
                open_levels.pop()
                continue
            if not isinstance(event, (CollectionStartEvent, ScalarEvent)):
                continue  # the stream's and documents' own
            collection = isinstance(event, CollectionStartEvent)
            mapping = open_levels[-1] if open_levels else None
            if mapping is not None:
                if mapping[0] and collection:
                    return None
                mapping[0] = not mapping[0]
            if len(open_levels) + 1 > limit:
                mark = event.start_mark
                return mark.line + 1, mark.column + 1
            if collection:
                open_levels.append([True] if isinstance(event, MappingStartEvent) else None)
    except Exception:  # a parse error, or any doubt: the located road says what it is
        return None
    finally:
        parser.dispose()
    return None


def plain_load_all(text: str, env: Mapping[str, str]) -> list[PlainDocument] | None:
    """Every non-empty document of `text` as plain data, or None: take the other road."""
    if not HAVE_CLIB or (_PURE_ONLY_CHARACTER.search(text) and _PURE_ONLY.search(text)):
        return None
    if may_nest_too_deep(text):
        return None
    try:
        loader = _CPlainLoader(text)
        try:
            documents: list[PlainDocument] = []
            index = 0
            while loader.check_node():
                node = loader.get_node()
                builder = _Builder(env)
                data = builder.value(node, 1)
                if data is not None:
                    if not isinstance(data, dict):
                        return None  # no manifest: the round-trip road says why
                    mark = node.start_mark
                    documents.append(
                        PlainDocument(
                            index, data, mark.line + 1, mark.column + 1, builder.sensitive
                        )
                    )
                index += 1
        finally:
            loader.dispose()
    except Exception:  # _GiveUp, or any doubt at all: the round-trip road decides
        return None
    return documents


class _Builder:
    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.sensitive: dict[str, str] = {}

    def value(self, node: Any, depth: int) -> Any:
        if depth > MAX_NESTING or node.anchor is not None:
            raise _GiveUp
        tag = node.ctag
        if tag is _STR:
            return self._text(node)
        if tag is _MAP:
            mapping: dict[str, Any] = {}
            inner = depth + 1
            for key_node, value_node in node.value:
                key = self.key(key_node)
                if key in mapping:
                    raise _GiveUp  # a duplicate key is an error the other road reports
                if value_node.ctag is _STR and inner <= MAX_NESTING:
                    if value_node.anchor is not None:
                        raise _GiveUp
                    mapping[key] = self._text(value_node)  # most values: no call to value()
                else:
                    mapping[key] = self.value(value_node, inner)
            return mapping
        if tag is _SEQ:
            return [self.value(item, depth + 1) for item in node.value]
        if tag is _NULL:
            return None
        if tag is _INT:
            return int(_NUMBERS.construct_yaml_int(node))
        if tag is _FLOAT:
            number = float(_NUMBERS.construct_yaml_float(node))
            if math.isfinite(number):
                return number
            raise _GiveUp  # .nan, .inf: the round-trip road reports them at their position
        if tag is _BOOL:
            found = _NUMBERS.construct_yaml_bool(node)
            if type(found) is bool:
                return found
        raise _GiveUp  # timestamps, merge keys, explicit tags: the round-trip road

    def _text(self, node: Any) -> str:
        text: str = node.value
        if node.style == ">":
            text = text.replace("\a", "")  # as ruamel's round-trip constructor does
        # interned: thousands of manifests repeat the same values (types, levels, names)
        return self._interpolated(text) if ENV_MARKER in text else sys.intern(text)

    @staticmethod
    def key(node: Any) -> str:
        if (
            node.ctag is not _STR
            or type(node) is not ScalarNode
            or node.anchor is not None
            or node.style in ("|", ">")
        ):
            raise _GiveUp
        key: str = node.value
        return key

    def _interpolated(self, text: str) -> str:
        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if (
                not ENV_NAME.match(name)
                or not has_value(name, self.env)
                or name in credential_variables()
            ):
                raise _GiveUp  # the round-trip road reports it at its position
            return self.env[name]

        resolved = ENV_REFERENCE.sub(substitute, text)
        self.sensitive[resolved] = text
        return resolved
