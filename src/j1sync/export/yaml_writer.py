"""One manifest document -> YAML text, as a person would write it.

Block style throughout (except rule conditions, which read as an expression in flow
style, as in the examples); multi-line strings as literal blocks; no line wrapping, so a
value is one line in a git diff; the yaml-language-server schema comment on top.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString

from j1sync.manifest.models import API_VERSION

SCHEMA_URL = (
    "https://raw.githubusercontent.com/j1sync/j1sync/main/schema/j1sync-manifest.schema.json"
)
HEADER = f"# yaml-language-server: $schema={SCHEMA_URL}\n"
NO_WRAP = 1 << 16


def manifest_document(kind: str, name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The envelope in its conventional key order."""
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": {"name": name}, "spec": spec}


def _flow_friendly(value: Any) -> bool:
    """A nested list of one-line scalars: safe and readable in flow style."""
    if isinstance(value, list):
        return all(_flow_friendly(item) for item in value)
    if isinstance(value, str):
        return "\n" not in value and value == value.strip() and value.isprintable()
    return value is None or isinstance(value, (bool, int, float))


def to_yaml_tree(value: Any, key: str | None = None) -> Any:
    """Plain data -> ruamel nodes: maps keep their order, multi-line strings become
    literal blocks (ruamel falls back to quotes where a block cannot hold the text)."""
    if isinstance(value, Mapping):
        node = CommentedMap()
        for item_key, item in value.items():
            node[item_key] = to_yaml_tree(item, str(item_key))
        return node
    if isinstance(value, list):
        seq = CommentedSeq(to_yaml_tree(item) for item in value)
        if key == "condition" and _flow_friendly(value):
            _set_flow(seq)
        return seq
    if isinstance(value, str) and "\n" in value and _block_safe(value):
        return LiteralScalarString(value)
    return value


def _block_safe(text: str) -> bool:
    """A literal block keeps every character but carriage returns and the other line
    breaks (YAML reads them as newlines): such text is written double-quoted instead."""
    return all(char.isprintable() or char in "\n\t" for char in text)


def _set_flow(seq: CommentedSeq) -> None:
    seq.fa.set_flow_style()
    for item in seq:
        if isinstance(item, CommentedSeq):
            _set_flow(item)


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = NO_WRAP
    yaml.allow_unicode = True
    return yaml


def render_manifest(document: Mapping[str, Any]) -> str:
    """The text of one manifest file."""
    stream = io.StringIO()
    _yaml().dump(to_yaml_tree(document), stream)
    return HEADER + stream.getvalue()
