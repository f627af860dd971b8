"""From ruamel nodes to plain JSON-like data, resolving `${env:NAME}` on the way.

Any string value may hold references, alone or inside text ("Bearer ${env:HOOK_TOKEN}").
Each resolved string is remembered with its template, so outputs can show `(sensitive)`
and plan files can keep the reference instead of the secret."""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq, TaggedScalar

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
                problem(path, _not_finite(node))
            return float(node)
        if isinstance(node, datetime.datetime):
            # YAML's timestamp (`2024-01-01 10:00:00`, `...10:00:00.5Z`): its text is not
            # kept (ruamel keeps the moment), and the ISO form differs from what is written
            problem(path, _timestamp_problem(node))
            return node.isoformat()
        if isinstance(node, datetime.date):
            # an unquoted date: its ISO form is the text (YAML's date is YYYY-MM-DD)
            return node.isoformat()
        return node

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


def _not_finite(number: float) -> str:
    """What a `.nan` or `.inf` is told: JSON (plan files, the APIs) has no such number."""
    written = ".nan" if math.isnan(number) else ("-.inf" if number < 0 else ".inf")
    return (
        f"{written} is not a number JSON can hold (nor can the API take it): write a finite "
        f'number, or quote it ("{written}") to mean the text'
    )


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
