"""From ruamel nodes to plain JSON-like data, resolving `${env:NAME}` on the way.

Any string value may hold references, alone or inside text ("Bearer ${env:HOOK_TOKEN}").
Each resolved string is remembered with its template, so outputs can show `(sensitive)`
and plan files can keep the reference instead of the secret."""

from __future__ import annotations

import base64
import datetime
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import (
    CommentedMap,
    CommentedOrderedMap,
    CommentedSeq,
    CommentedSet,
    TaggedScalar,
)
from ruamel.yaml.tag import Tag

from j1sync.credentials import credential_variables
from j1sync.env_reference import (
    ENV_MARKER,
    ENV_NAME,
    ENV_REFERENCE,
    has_value,
    unset_problem,
)
from j1sync.errors import ManifestProblem
from j1sync.manifest.yaml_source import (
    CORE_TAG_PREFIX,
    FieldPath,
    YamlDocument,
    format_field_path,
    locate,
    not_finite_problem,
)

STRING_TAG = f"{CORE_TAG_PREFIX}str"


@dataclass
class PlainDocument:
    """A document as plain data, with what interpolation found."""

    data: Any
    sensitive: dict[str, str] = field(default_factory=dict)  # resolved -> template
    problems: list[ManifestProblem] = field(default_factory=list)


def resolve_document(
    document: YamlDocument, env: Mapping[str, str], address: str | None
) -> PlainDocument:
    """Convert the document; unset or malformed references become problems (the template
    is kept as the value, so the document's other errors are still found)."""
    result = PlainDocument(data=None)

    def problem(path: FieldPath, message: str) -> None:
        located = locate(document, path, at_value=True)
        result.problems.append(
            ManifestProblem(located.location, message, address, _dotted(located.path))
        )

    def convert(node: Any, path: FieldPath) -> Any:
        if isinstance(node, (CommentedMap, CommentedSeq)):
            tag = _collection_tag(node)
            if tag is not None:
                problem(path, _collection_tag_problem(tag, node))
        if isinstance(node, CommentedMap):
            return {_plain_key(key): convert(value, (*path, key)) for key, value in node.items()}
        if isinstance(node, CommentedSeq):
            return [convert(item, (*path, index)) for index, item in enumerate(node)]
        if isinstance(node, TaggedScalar):
            if str(node.tag) != STRING_TAG:
                problem(path, f"unsupported YAML tag {node.tag}")
            return convert(str(node.value), path)
        if isinstance(node, str):
            return _interpolate(str(node), path)
        if isinstance(node, bool) or node is None:
            return node
        if isinstance(node, int):
            return int(node)
        if isinstance(node, float):
            if not math.isfinite(node):
                problem(path, not_finite_problem(node))
            return float(node)
        if isinstance(node, datetime.datetime):
            # YAML's timestamp (`2024-01-01 10:00:00`, `...10:00:00.5Z`): its text is not
            # kept (ruamel keeps the moment), and the ISO form differs from what is written
            problem(path, _timestamp_problem(node))
            return node.isoformat()
        if isinstance(node, datetime.date):
            # an unquoted date: its ISO form is the text (YAML's date is YYYY-MM-DD)
            return node.isoformat()
        # what else a YAML tag makes: bytes (`!!binary`), a set (`!!set`), a list of pairs
        # (`!!pairs`). JSON holds none of them: a free-form field (an action's values,
        # templates, settings) took them as they were, and a plan then failed to write them
        # (bytes) or sent them changed (`!!binary aGVsbG8=` as 'hello')
        problem(path, _not_json_problem(node))
        return _as_json(node)

    def _interpolate(text: str, path: FieldPath) -> str:
        if ENV_MARKER not in text:
            return text
        failed = False

        def substitute(match: re.Match[str]) -> str:
            nonlocal failed
            name = match.group(1)
            if not ENV_NAME.match(name):
                problem(path, f"malformed environment reference '{match.group(0)}'")
                failed = True
                return match.group(0)
            if name in credential_variables():
                problem(path, f"{name} is one of j1sync's own credentials: no manifest may use it")
                failed = True
                return match.group(0)
            if not has_value(name, env):
                problem(path, unset_problem(name, env))
                failed = True
                return match.group(0)
            return env[name]

        resolved = ENV_REFERENCE.sub(substitute, text)
        if not failed:
            result.sensitive[resolved] = text
        return resolved

    result.data = convert(document.root, ())
    return result


def _timestamp_problem(moment: datetime.datetime) -> str:
    return (
        "YAML reads this unquoted date and time as a timestamp, whose text is not kept: "
        f"it would be sent as '{moment.isoformat()}', not as written; quote it to keep the text"
    )


def _collection_tag(node: CommentedMap | CommentedSeq) -> str | None:
    """The tag a mapping or list is written with, as written (`!!omap`, `!custom`); None
    for an untagged one, or one tagged with YAML's own `!!map` or `!!seq`."""
    if isinstance(node, CommentedOrderedMap):
        return "!!omap"
    tag = getattr(node, Tag.attrib, None)
    value = tag.value if tag is not None else None
    if not value or value in (f"{CORE_TAG_PREFIX}map", f"{CORE_TAG_PREFIX}seq"):
        return None
    return _shown_tag(str(value))


def _shown_tag(tag: str) -> str:
    """A tag as a manifest writes it: `!!omap`, `!custom`."""
    return "!!" + tag.removeprefix(CORE_TAG_PREFIX) if tag.startswith(CORE_TAG_PREFIX) else tag


def _collection_tag_problem(tag: str, node: CommentedMap | CommentedSeq) -> str:
    what = "mapping" if isinstance(node, CommentedMap) else "list"
    return f"unsupported YAML tag {tag}: j1sync reads a plain {what} only; write it without the tag"


def _not_json_problem(value: Any) -> str:
    """What a value no JSON document can hold is told (a YAML tag made it)."""
    if isinstance(value, (bytes, bytearray)):
        return (
            "YAML reads !!binary as bytes, not text, and JSON (plan files, the APIs) holds "
            "no bytes: write the text itself, without !!binary"
        )
    if isinstance(value, CommentedSet):
        return "YAML reads !!set as a set, which JSON cannot hold: write a list"
    if isinstance(value, list):  # ruamel's `!!pairs`: a list of (key, value) tuples
        return "YAML reads !!pairs as a list of pairs, which JSON cannot hold: write a mapping"
    return f"YAML reads this as a {type(value).__name__}, which JSON cannot hold"


def _as_json(value: Any) -> Any:
    """A stand-in JSON value for one refused above (its problem already refuses the
    document): the field's other checks see a value of the nearest kind."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, CommentedSet):
        return [str(item) for item in value]
    if isinstance(value, list):
        return [[str(item) for item in pair] for pair in value]
    return str(value)


def _plain_key(key: Any) -> Any:
    if isinstance(key, str):
        return str(key)
    if isinstance(key, bool) or key is None:
        return key
    if isinstance(key, int):
        return int(key)
    return key


def _dotted(path: FieldPath) -> str | None:
    return format_field_path(path) or None
