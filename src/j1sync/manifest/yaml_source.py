"""The located road: reading YAML with positions. ruamel.yaml's round-trip loader (its
pure-Python parser, whose error messages users see) keeps, for every mapping key and
sequence item, the line and column it came from; `locate` walks a field path to them.
Valid files take the quicker road first (plain_yaml); this one finds and places problems.
Only ruamel's public API is used here, and two of its classes that YAML() takes as
settings (`YAML.Composer`, `YAML.Constructor`), extended: an anchor defined again is told
the j1sync way, and keys YAML tells apart that Python does not (`true:`, `1:`) are not
"duplicate keys"."""

from __future__ import annotations

import functools
import logging
import math
import os
import re
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq, merge_attrib
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MantissaNoDotYAML1_1Warning, MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.reader import ReaderError

from j1sync.errors import ManifestProblem, SourceLocation

FieldPath = tuple[str | int, ...]

log = logging.getLogger("j1sync.manifest")

# The prefix of YAML's own tags (tag:yaml.org,2002:str, ...:int, ...).
CORE_TAG_PREFIX = "tag:yaml.org,2002:"


@dataclass(frozen=True)
class ShadowedKey:
    """A key YAML 1.2 reads as distinct from an earlier one of its mapping, but Python as
    the same (`true:` and `1:`, `1:` and `1.0:`: True == 1 == 1.0): it could not be kept
    beside it. Neither is text, which a key must be; the loader says so of this one too
    (the mapping keeps the first, which validation finds)."""

    path: FieldPath  # the mapping's
    key: Any
    location: SourceLocation


@dataclass(frozen=True)
class YamlDocument:
    """One `---` document of a file, still as ruamel nodes (which carry positions)."""

    file: str
    index: int  # 0-based position in the file
    root: Any
    start: SourceLocation
    shadowed_keys: tuple[ShadowedKey, ...] = ()


class _Composer(Composer):
    """ruamel's composer, keeping an anchor defined again (`&a` twice: YAML 1.2 allows it,
    an alias means the nearest definition before it) in `reused_anchors` for j1sync to
    tell, where ruamel issued a Python warning naming "<unicode string>"."""

    def __init__(self, loader: Any = None) -> None:
        super().__init__(loader=loader)
        self.reused_anchors: list[tuple[str, Any, Any]] = []  # name, first mark, this mark

    def compose_node(self, parent: Any, index: Any) -> Any:
        if not self.parser.check_event(AliasEvent):
            anchor = self.parser.peek_event().anchor
            if anchor is not None and anchor in self.anchors:
                first = self.anchors.pop(anchor)  # defined anew below, without a warning
                mark = self.parser.peek_event().start_mark
                self.reused_anchors.append((anchor, first.start_mark, mark))
        return super().compose_node(parent, index)


class WrittenFloat(float):
    """A number a reader finds no finite float for (`.inf`, `.NaN`, `1.5e400`: beyond any
    double), with its text as written: what a message about it quotes."""

    written: str

    def __new__(cls, value: float, written: str) -> WrittenFloat:
        number = super().__new__(cls, value)
        number.written = written
        return number


def as_written(value: Any, written: str) -> Any:
    """`value`, a WrittenFloat of `written` when it is no finite float."""
    if isinstance(value, float) and not math.isfinite(value):
        return WrittenFloat(value, written)
    return value


def not_finite_problem(number: float) -> str:
    """What a number JSON has none of is told (JSON: plan files, the APIs, an emulator's
    seed), quoting it as written where the reader kept its text (WrittenFloat)."""
    named = ".nan" if math.isnan(number) else ("-.inf" if number < 0 else ".inf")
    written = getattr(number, "written", named)
    quote = f'write a finite number, or quote it ("{written}") to mean the text'
    if written.lstrip("+-.").lower() in ("inf", "nan", "infinity"):  # .inf, -.Inf, NaN ...
        return f"{written} is not a number JSON can hold (nor can the API take it): {quote}"
    return (
        f"{written} is beyond any number JSON can hold (it reads as {named}, which the API "
        f"cannot take either): {quote}"
    )


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, but for keys Python alone finds equal (True == 1
    == 1.0): kept in `shadowed` (the mapping, the key, its mark) where ruamel said
    'found duplicate key "1"' of two keys YAML 1.2 reads as different. A true duplicate
    is still an error."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.shadowed: list[tuple[Any, Any, Any]] = []
        self.undotted: list[tuple[Any, str]] = []

    def check_mapping_key(
        self, node: Any, key_node: Any, mapping: Any, key: Any, value: Any
    ) -> bool:
        if not isinstance(key, str) and key in mapping:
            kept = next((k for k in mapping if k == key), key)
            if key_type(kept) is not key_type(key):
                self.shadowed.append((mapping, key, key_node.start_mark))
                return False
        result: bool = super().check_mapping_key(node, key_node, mapping, key, value)
        return result

    def construct_yaml_float(self, node: Any) -> Any:
        """A float, with ruamel's warning of one a `%YAML 1.1` document writes without a
        dot (`1e3`) kept in `undotted` (its mark and text) instead of issued; one that is
        no finite number, with its text (WrittenFloat)."""
        if self.resolver.processing_version == (1, 2):
            return as_written(super().construct_yaml_float(node), str(node.value))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", MantissaNoDotYAML1_1Warning)
            value = super().construct_yaml_float(node)
        if any(issubclass(w.category, MantissaNoDotYAML1_1Warning) for w in caught):
            self.undotted.append((node.start_mark, str(node.value)))
        return as_written(value, str(node.value))


_Constructor.add_constructor(f"{CORE_TAG_PREFIX}float", _Constructor.construct_yaml_float)


def key_type(key: Any) -> type:
    """The type YAML reads a key as: bool, int and float apart (Python's bool is an int);
    ruamel's own kinds of a number (ScalarFloat, HexInt) as the number."""
    for kind in (bool, int, float):
        if isinstance(key, kind):
            return kind
    return type(key)


def _round_trip_yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Composer = _Composer
    yaml.Constructor = _Constructor
    return yaml


def read_documents(
    path: Path, display: str, *, say_warnings: bool = False
) -> tuple[list[YamlDocument], list[ManifestProblem]]:
    """Every non-empty document of a file, or the file's one syntax problem. With
    `say_warnings` (the load that reports the file, not one that reads it again to place
    a problem), what the file may mean otherwise than it seems is logged as a warning: an
    anchor defined twice.

    A file with a syntax error yields no documents at all: what parsed before the error
    would only produce confusing follow-on errors."""
    if path.exists() and not path.is_file() and not path.is_dir():
        # a pipe would block the run for ever; a folder gets the OS's own message below
        reason = "cannot read file: not a regular file (a pipe, socket or device)"
        return [], [ManifestProblem(SourceLocation(display, 1, 1), reason)]
    try:
        data = path.read_bytes()
        text = data.decode("utf-8")
    except OSError as exc:
        return [], [ManifestProblem(SourceLocation(display, 1, 1), f"cannot read file: {exc}")]
    except UnicodeDecodeError as exc:
        return [], [_not_utf8_problem(exc, data, display)]
    deep_at = _nests_too_deep(text)
    if deep_at is not None:
        return [], [_too_deep_problem(display, SourceLocation(display, *deep_at))]
    yaml = _round_trip_yaml()
    try:
        roots = list(yaml.load_all(text))
    except MarkedYAMLError as exc:
        return [], [_syntax_problem(exc, display)]
    except ReaderError as exc:  # a character YAML does not allow (NUL, most controls)
        return [], [_reader_problem(exc, text, display)]
    except YAMLError as exc:  # unmarked: rare, but must not become a traceback
        return [], [ManifestProblem(SourceLocation(display, 1, 1), f"YAML error: {exc}")]
    except RecursionError:  # found by fuzzing: thousands of nested [ or mappings
        return [], [_too_deep_problem(display, _deep_at(text, display))]
    except ValueError as exc:  # found by fuzzing: an integer of more than 4300 digits
        return [], [_value_problem(exc, text, display)]
    except AssertionError:  # ruamel asserts a %YAML 1.x directive's minor part is 1 or 2
        return [], [_directive_problem(text, display)]
    if say_warnings:
        for name, first, again in yaml.composer.reused_anchors:
            log.warning("warning: %s", _reused_anchor_warning(name, first, again, display))
        for mark, written in yaml.constructor.undotted:
            where = SourceLocation(display, mark.line + 1, mark.column + 1)
            log.warning(
                "warning: %s: %s is read as a number, though YAML 1.1 (the file's %%YAML "
                "directive) wants a dot in its mantissa (1.0e3); quote it to mean the text",
                where,
                written,
            )
    documents = []
    scalar_starts = _scalar_starts(text, roots, display)
    shadowed = yaml.constructor.shadowed
    for index, root in enumerate(roots):
        if root is None:  # an empty document (a bare `---`) declares nothing
            continue
        start = scalar_starts.get(index) or node_start(root, display)
        deep = _too_deep_in(root, MAX_NESTING)
        if deep is not None:  # where libyaml says, as the other roads do; else its collection
            where = _deep_at(text, display) or node_start(deep[0], display)
            return [], [_too_deep_problem(display, where)]
        if aliases_expand_beyond(root, MAX_ALIASED_VALUES):
            return [], [_too_aliased_problem(display, start)]
        keys = _shadowed_keys(root, shadowed, display) if shadowed else ()
        documents.append(YamlDocument(display, index, root, start, keys))
    return documents, []


def _reused_anchor_warning(name: str, first: Any, again: Any, display: str) -> str:
    where = SourceLocation(display, again.line + 1, again.column + 1)
    return (
        f"{where}: YAML anchor &{name} is defined again (first at line {first.line + 1}, "
        f"column {first.column + 1}): an alias *{name} below means this value, one above "
        "it the first; give each anchor a name of its own"
    )


def _shadowed_keys(
    root: Any, shadowed: list[tuple[Any, Any, Any]], display: str
) -> tuple[ShadowedKey, ...]:
    """The keys of `shadowed` (_Constructor) whose mapping is in this document, with the
    path to that mapping."""
    paths = _paths_of(root, {id(mapping) for mapping, _, _ in shadowed})
    return tuple(
        ShadowedKey(
            paths[id(mapping)], key, SourceLocation(display, mark.line + 1, mark.column + 1)
        )
        for mapping, key, mark in shadowed
        if id(mapping) in paths
    )


def _paths_of(root: Any, wanted: set[int]) -> dict[int, FieldPath]:
    """The path to each collection of `root` whose id is `wanted` (the first path found,
    through aliases too)."""
    found: dict[int, FieldPath] = {}
    seen: set[int] = set()
    stack: list[tuple[Any, FieldPath]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in seen:
            continue
        seen.add(id(node))
        if id(node) in wanted:
            found.setdefault(id(node), path)
        if isinstance(node, dict):
            stack.extend((value, (*path, _step(key))) for key, value in node.items())
        else:
            stack.extend((item, (*path, index)) for index, item in enumerate(node))
    return found


def _step(key: Any) -> str:
    """A mapping key as a step of a field path: as YAML writes it."""
    if isinstance(key, str):
        return str(key)
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def _value_problem(exc: ValueError, text: str, display: str) -> ManifestProblem:
    """A scalar the YAML reader could not make into its value: an integer longer than
    Python converts (sys.get_int_max_str_digits(), 4,300 digits), placed at its line."""
    limit = sys.get_int_max_str_digits()
    found = re.search(rf"(?<![\w.])[-+]?\d{{{limit + 1},}}", text) if limit else None
    if found is None:
        return ManifestProblem(SourceLocation(display, 1, 1), f"YAML value error: {exc}")
    digits = len(found.group().lstrip("+-"))
    message = (
        f"an integer of {digits:,} digits is too long to read (at most {limit:,}); "
        "quote it to keep it as text"
    )
    return ManifestProblem(_at_offset(text, found.start(), display), message)


def _scalar_starts(text: str, roots: list[Any], display: str) -> dict[int, SourceLocation]:
    """Where each document whose root is a scalar (`just text`, not a manifest) starts:
    ruamel keeps no position for a scalar, and its problem must not point at the file's
    first line. The file is composed again for that, only when it holds such a document
    (it parsed already: an error now is unexpected, and leaves the file's start)."""
    if all(r is None or isinstance(r, (CommentedMap, CommentedSeq)) for r in roots):
        return {}
    try:
        nodes = list(_round_trip_yaml().compose_all(text))
    except (YAMLError, RecursionError, ValueError):
        return {}
    return {
        index: SourceLocation(display, node.start_mark.line + 1, node.start_mark.column + 1)
        for index, (root, node) in enumerate(zip(roots, nodes, strict=False))
        if root is not None and not isinstance(root, (CommentedMap, CommentedSeq))
    }


def _nests_too_deep(text: str) -> tuple[int, int] | None:
    """Where a text nested far too deep goes beyond MAX_NESTING (line, column), told before
    ruamel's parser spends seconds on it; None when it does not (or cannot be told so)."""
    from j1sync.manifest import plain_yaml  # it builds on this module's constants

    if not plain_yaml.may_nest_too_deep(text):
        return None
    return plain_yaml.nests_beyond(text, MAX_NESTING)


# Deeper structures are never a manifest, and would exhaust the recursion of the code that
# validates and interpolates them.
MAX_NESTING = 64


def _deep_at(text: str, display: str) -> SourceLocation | None:
    """Where `text` goes beyond MAX_NESTING, asked of libyaml's events whatever the text
    looks like (ruamel's recursion ran out on it), when they can tell."""
    from j1sync.manifest import plain_yaml

    at = plain_yaml.nests_beyond(text, MAX_NESTING)
    return None if at is None else SourceLocation(display, *at)


def _too_deep_problem(display: str, where: SourceLocation | None = None) -> ManifestProblem:
    """A text nested too deep, at the collection (or value) that goes beyond MAX_NESTING
    when known: else the file's start (ruamel's own recursion ran out)."""
    return ManifestProblem(
        where or SourceLocation(display, 1, 1),
        f"YAML nests more than {MAX_NESTING} levels deep; no manifest needs that",
    )


# Aliases (`*name`) repeat what an anchor (`&name`) marks, and each repeat may hold more
# aliases: nine lines of them ("billion laughs") expand to hundreds of millions of values,
# which every later step (interpolation, validation) would walk for ever. A document that
# uses aliases may expand to this many values; one without them is never limited.
MAX_ALIASED_VALUES = 100_000


def _too_aliased_problem(display: str, start: SourceLocation) -> ManifestProblem:
    return ManifestProblem(
        start,
        f"YAML aliases (*name) expand this document to more than {MAX_ALIASED_VALUES:,} "
        "values; no manifest needs that",
    )


def aliases_expand_beyond(root: Any, limit: int) -> bool:
    """Whether the document, with every alias expanded, holds more than `limit` values
    while aliases repeat some of them. Counted without expanding: each mapping or list is
    sized once (its children's sizes summed), however many aliases name it."""
    sizes: dict[int, int] = {}
    entered: set[int] = set()
    distinct = 0
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, (dict, list)) or id(node) in sizes:
            continue
        children = list(node.values() if isinstance(node, dict) else node)
        if not children_done:
            if id(node) in entered:  # an alias inside the node it names: a cycle
                continue
            entered.add(id(node))
            stack.append((node, True))
            stack.extend((c, False) for c in children if isinstance(c, (dict, list)))
            continue
        distinct += 1 + len(children)
        # a child still unsized is an alias of a node that encloses it (a cycle): unbounded
        sizes[id(node)] = 1 + sum(
            sizes.get(id(c), limit + 1) if isinstance(c, (dict, list)) else 1 for c in children
        )
    total = sizes.get(id(root), 1)
    return total > limit and total > distinct


def depth_exceeds(root: Any, limit: int) -> bool:
    """Whether `root` (a document, or any decoded value) nests deeper than `limit` levels, a
    scalar one level below its collection. Iterative (a recursive walk is what must not
    happen); aliases are followed once."""
    return _too_deep_in(root, limit) is not None


def _too_deep_in(root: Any, limit: int) -> list[Any] | None:
    """The collection holding the first value found nested deeper than `limit` levels (in
    a list of one: it may be empty), or None (depth_exceeds' walk)."""
    stack: list[tuple[Any, int, Any]] = [(root, 1, root)]
    seen: set[int] = set()
    while stack:
        node, depth, parent = stack.pop()
        if depth > limit:
            return [parent]
        if id(node) in seen or not isinstance(node, (dict, list)):
            continue
        seen.add(id(node))
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1, node) for child in children)
    return None


def _at_offset(content: str | bytes, offset: int, display: str) -> SourceLocation:
    """Where `offset` lies in a file's text (its column in characters) or bytes (in
    bytes)."""
    newline: Any = b"\n" if isinstance(content, bytes) else "\n"
    line = content.count(newline, 0, offset) + 1
    column = offset - (content.rfind(newline, 0, offset) + 1) + 1
    return SourceLocation(display, line, column)


def _not_utf8_problem(exc: UnicodeDecodeError, data: bytes, display: str) -> ManifestProblem:
    """The first byte that is not UTF-8, at its line and column (a column in bytes)."""
    return ManifestProblem(
        _at_offset(data, exc.start, display),
        f"cannot read file: not UTF-8 text (byte 0x{data[exc.start]:02x}: {exc.reason}); "
        "save it as UTF-8",
    )


def _reader_problem(exc: ReaderError, text: str, display: str) -> ManifestProblem:
    """`unacceptable character #x0000` at its line and column (ruamel gives an offset)."""
    position = exc.position if isinstance(exc.position, int) else 0
    character = exc.character if isinstance(exc.character, int) else 0
    return ManifestProblem(
        _at_offset(text, position, display),
        f"YAML syntax error: character #x{character:04x} is not allowed in YAML ({exc.reason})",
    )


def _directive_problem(text: str, display: str) -> ManifestProblem:
    """A `%YAML 1.x` directive of a version YAML never had (1.0, 1.3): at its line."""
    lines = text.splitlines()
    line = next((n for n, written in enumerate(lines, 1) if written.startswith("%YAML")), 1)
    written = lines[line - 1].strip() if lines else ""
    return ManifestProblem(
        SourceLocation(display, line, 1),
        f"unsupported YAML version ({written!r}): write %YAML 1.2 or 1.1, or no directive",
    )


def _syntax_problem(exc: MarkedYAMLError, display: str) -> ManifestProblem:
    mark = exc.problem_mark or exc.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = str(exc.problem or exc.context or "invalid YAML")
    if "'\\t'" in problem:
        problem = "tab character: YAML indentation must use spaces"
    elif exc.context and exc.problem:
        problem = f"{problem} (while {str(exc.context).removeprefix('while ')})"
    return ManifestProblem(
        SourceLocation(display, line, column), f"YAML syntax error: {' '.join(problem.split())}"
    )


def node_start(node: Any, display: str) -> SourceLocation:
    if isinstance(node, (CommentedMap, CommentedSeq)):
        return SourceLocation(display, node.lc.line + 1, node.lc.col + 1)
    return SourceLocation(display, 1, 1)


@dataclass(frozen=True)
class Located:
    """Where a field path ends up in the file, and the path that really exists there."""

    location: SourceLocation
    path: FieldPath  # the given path minus steps that are not in the YAML (union tags)
    raw: Any  # the node found at the end of the path (ruamel node or scalar), or None

    def skipped_steps(self, path: Sequence[str | int]) -> bool:
        return len(self.path) < len(path)


def key_position(mapping: CommentedMap, key: Any, at: int = 0) -> tuple[int, int]:
    """(line, column), 0-based, of `key` in `mapping` (`at` 2: of its value). A key that
    a merge (`<<: *anchor`) brought in is placed where its anchored mapping holds it;
    ruamel keeps the positions of a mapping's own keys only, and no record at all (None)
    for a mapping whose only key is a merge (`- <<: {name: q}`)."""
    for source in (mapping, *_merged(mapping)):
        position = (source.lc.data or {}).get(key)
        if position is not None:
            return position[at], position[at + 1]
    return mapping.lc.line, mapping.lc.col


def _merged(mapping: CommentedMap) -> list[CommentedMap]:
    """The mappings `mapping` merges, nearest first, and those they merge. ruamel.yaml
    0.18.0 to 0.18.x keeps them as (position, mapping) pairs, later releases as the
    mappings themselves (both within pyproject's range)."""
    found: list[CommentedMap] = []
    for each in getattr(mapping, merge_attrib, None) or ():
        source = each[1] if isinstance(each, tuple) and len(each) == 2 else each
        if isinstance(source, CommentedMap):
            found += [source, *_merged(source)]
    return found


def locate(
    document: YamlDocument,
    path: Sequence[str | int],
    *,
    at_value: bool,
    missing_field: bool = False,
) -> Located:
    """Walk `path` (pydantic's `loc` or our own) through the document's nodes.

    Steps absent from the YAML are dropped (pydantic adds union member names such as
    'str' or 'list[...]'), except, with `missing_field`, the last one: the name of a
    missing field, reported at its parent. With `at_value` a scalar's own column is used,
    else its key's."""
    node = document.root
    line, column = document.start.line, document.start.column
    kept: list[str | int] = []
    found: Any = node
    for position, step in enumerate(path):
        last = position == len(path) - 1
        if isinstance(node, CommentedMap) and step in node:
            child = node[step]
            use_value = at_value and last and not isinstance(child, (CommentedMap, CommentedSeq))
            if use_value and child is None:
                # an empty value has no position of its own (ruamel gives the next token's):
                # the key; a null written on the key's line (`null`, `~`): the value
                use_value = key_position(node, step, 2)[0] == key_position(node, step)[0]
            pair = key_position(node, step, 2 if use_value else 0)
            line, column = pair[0] + 1, pair[1] + 1
            kept.append(str(step))  # a mapping key, even `1:`, is a name, not an index
            node = found = child
        elif isinstance(node, CommentedSeq) and isinstance(step, int) and 0 <= step < len(node):
            line, column = node.lc.item(step)[0] + 1, node.lc.item(step)[1] + 1
            kept.append(step)
            node = found = node[step]
        elif last and missing_field and isinstance(node, CommentedMap):
            kept.append(step)  # a missing field: point at its parent
            found = None
        # anything else is a union tag or a step into an absent node: skip it
    return Located(SourceLocation(document.file, line, column), tuple(kept), found)


def document_at(source: SourceLocation) -> YamlDocument | None:
    """The document of a manifest file that starts at `source`, read again: for a problem
    found after the load (a name the account does not hold, a duplicate name of a
    manifest that took the quick road) to point at its field. None when the file no
    longer reads or holds no document there.

    The document is read alone first (`_document_alone`): placing one problem in a file
    of 10,000 documents read them all, ~20 s. Should it not read alone as it did in the
    file, the whole file is read."""
    try:
        status = os.stat(source.file)
    except OSError:
        return None
    stamp = (status.st_ino, status.st_size, status.st_mtime_ns)
    alone = _document_alone(source.file, source.line, stamp)
    if alone is not None:
        return alone
    documents = _documents_again(source.file, stamp)
    return next((d for d in documents if d.start.line == source.line), None)


# A line that ends a document in any YAML context (`---` or `...` at its start, then a
# space or the line's end): no scalar may hold one (YAML 1.2, c-forbidden).
_DOCUMENT_MARKER = re.compile(r"^(?:---|\.\.\.)(?:[ \t\r]|$)", re.MULTILINE)
_DIRECTIVE = re.compile(r"^%", re.MULTILINE)
# line breaks other than LF that a YAML reader may count (libyaml counts NEL, LS and PS)
_OTHER_BREAKS = re.compile("[\r\x85\u2028\u2029]")


# Kept while the file is the same, as `_documents_again`: one document's many problems
# (3,000 members a group names that the account does not have) parse it once.
@functools.lru_cache(maxsize=64)
def _document_alone(file: str, line: int, stamp: tuple[int, int, int]) -> YamlDocument | None:
    """The document of `file` whose root starts at `line`, parsed alone: the file's text
    from that line to the next document marker, after as many empty lines as come before
    it (so every position is the file's). None unless that gives one document whose root
    starts at `line`, as the whole file's would; None too for a file with a directive
    (`%YAML 1.1`) or a line break other than LF (the whole file is read instead)."""
    lines = _file_lines(file, stamp)
    if lines is None or not 1 <= line <= len(lines.starts):
        return None
    begin = lines.starts[line - 1]
    after = lines.text.find("\n", begin)
    found = _DOCUMENT_MARKER.search(lines.text, len(lines.text) if after < 0 else after + 1)
    end = found.start() if found is not None else len(lines.text)
    text = "\n" * (line - 1) + lines.text[begin:end]
    try:
        roots = [r for r in _round_trip_yaml().load_all(text) if r is not None]
    except (YAMLError, RecursionError, ValueError):
        return None
    if len(roots) != 1 or not isinstance(roots[0], CommentedMap):
        return None
    start = node_start(roots[0], file)
    if start.line != line:
        return None
    if depth_exceeds(roots[0], MAX_NESTING) or aliases_expand_beyond(roots[0], MAX_ALIASED_VALUES):
        return None
    return YamlDocument(file, -1, roots[0], start)


@dataclass(frozen=True)
class _Lines:
    text: str
    starts: list[int]  # the offset each line starts at (LF line breaks)


@functools.lru_cache(maxsize=8)
def _file_lines(file: str, stamp: tuple[int, int, int]) -> _Lines | None:
    """A file's text and where its lines start, while it is the same (`stamp`)."""
    try:
        text = Path(file).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if _OTHER_BREAKS.search(text) or _DIRECTIVE.search(text) or _nests_too_deep(text) is not None:
        # lines as the YAML readers count them differ; a directive (`%YAML 1.1`) would be
        # left out; or the whole file's road says what is wrong
        return None
    starts = [0]
    starts.extend(m.end() for m in re.finditer("\n", text))
    return _Lines(text, starts)


# A file's problems found after the load come together, and each is placed by reading the
# file again (several members of one IAM group the account does not have: one read, not
# one per member; 3,000 of them took a plan 25 s). Kept while the file is the same
# (`stamp`: inode, size, modification time), only the last few files.
@functools.lru_cache(maxsize=8)
def _documents_again(file: str, stamp: tuple[int, int, int]) -> list[YamlDocument]:
    documents, _ = read_documents(Path(file), file)
    return documents


def field_problem(
    source: SourceLocation | None,
    address: str,
    path: Sequence[str | int],
    message: str,
    value: Any = None,
) -> str:
    """`file:line:column: address: field: message` for a problem found after the load (a
    name the account does not hold), at the field as its manifest writes it (with `value`,
    at that item of a list field), found by reading the document again; at the document's
    start when it no longer reads."""
    where: list[str | int] = list(path)
    document = document_at(source) if source is not None else None
    if document is None:
        head = f"{source}: {address}" if source is not None else address
        return f"{head}: {format_field_path(where)}: {message}"
    found = locate(document, where, at_value=True)
    if value is not None and isinstance(found.raw, list) and value in found.raw:
        where.append(found.raw.index(value))
        found = locate(document, where, at_value=True)
    return f"{found.location}: {address}: {format_field_path(where)}: {message}"


def format_field_path(path: Sequence[str | int]) -> str:
    """("spec", "operations", 0, "when") -> "spec.operations[0].when"."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        else:
            text += f".{step}" if text else str(step)
    return text
