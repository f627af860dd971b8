"""One manifest document -> YAML text, as a person would write it.

Block style throughout (except rule conditions, which read as an expression in flow
style, as in the examples); multi-line strings as literal blocks; no line wrapping, so a
value is one line in a git diff; the yaml-language-server schema comment on top.

Exactness beats looks: every rendering is read back, and where ruamel's emitter would
change a value (it writes some odd strings, like `?x`, plain), the document is written
again with every string that is not obviously plain in double quotes.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Mapping
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from j1sync.env_reference import ENV_MARKER
from j1sync.errors import J1SyncError
from j1sync.manifest.plain_yaml import plain_load_all
from j1sync.providers.registry import (
    UNQUALIFIED_SYSTEM,
    manifest_kind,
    system_for_api_version,
    system_named,
    system_of_kind,
    systems,
)
from j1sync.terminal import escaped_hidden, hidden_escape, plain

SCHEMA_FOLDER_URL = "https://raw.githubusercontent.com/j1sync/j1sync/main/schema/"
# A system whose committed schema kept an older name says so: System.extras[SCHEMA_FILE].
SCHEMA_FILE = "schema_file"


def schema_file_name(system_name: str) -> str:
    """The committed JSON Schema of a system's manifests, in the repository's schema/
    (`j1sync schema --system NAME` prints it): `<name>-manifest.schema.json`, or the
    system's own name for it."""
    system = system_named(system_name)
    own: str | None = system.extras.get(SCHEMA_FILE) if system is not None else None
    return own or f"{system_name}-manifest.schema.json"


def header(api_version: object) -> str:
    """The first line of a manifest file: editors validate it against its system's schema."""
    system = system_for_api_version(api_version)
    name = system.name if system is not None else UNQUALIFIED_SYSTEM
    return f"# yaml-language-server: $schema={SCHEMA_FOLDER_URL}{schema_file_name(name)}\n"


HEADER = header(None)  # the first system's (a document without a known apiVersion)
NO_WRAP = 1 << 16
# Line breaks other than "\n" that ruamel writes raw inside single quotes or plain text,
# where a reader folds them into a space: such text is written double-quoted (escaped).
ODD_BREAKS = frozenset("\r\x85\u2028\u2029")
# Text that starts and goes on without any YAML indicator: ruamel's own quoting is trusted
# for it (it still quotes what would read as a number, boolean or date).
OBVIOUSLY_PLAIN = re.compile(r"\w[\w .,/@()+=-]*")
# YAML 1.1's reading of plain text (PyYAML's safe_load, yamllint's truthy rule, many CI
# tools): `yes`, `off`, `y`, `1:30`, `0777` are no strings there, though YAML 1.2 (ruamel,
# j1sync) reads them as such and ruamel writes them plain.
_YAML_1_1 = VersionedResolver(version=(1, 1))
_STRING_TAG = "tag:yaml.org,2002:str"


def manifest_document(kind: str, name: str, spec: Mapping[str, Any]) -> dict[str, Any]:
    """The envelope in its conventional key order, for an engine kind (`AlertRule`;
    `xyops.Event`: the apiVersion of its system, the bare kind: providers/registry.py).
    An empty spec is left out (an OpenCTI label with nothing but its name: the loader
    refuses `spec: {}`, and a kind whose spec fields all have defaults takes none)."""
    system = system_of_kind(kind) or systems()[0]  # a kind no system has: the first's
    document: dict[str, Any] = {
        "apiVersion": system.api_version,
        "kind": manifest_kind(kind) if system.owns(kind) else kind,
        "metadata": {"name": name},
    }
    if spec:
        document["spec"] = spec
    return document


def _flow_friendly(value: Any) -> bool:
    """A nested list of one-line scalars: safe and readable in flow style."""
    if isinstance(value, list):
        return all(_flow_friendly(item) for item in value)
    if isinstance(value, str):
        return "\n" not in value and value == value.strip() and value.isprintable()
    return value is None or isinstance(value, (bool, int, float))


def to_yaml_tree(value: Any, key: str | None = None, *, quote: bool = False) -> Any:
    """Plain data -> ruamel nodes: maps keep their order, multi-line strings become
    literal blocks; with `quote`, every string not obviously plain is double-quoted."""
    if isinstance(value, Mapping):
        node = CommentedMap()
        for item_key, item in value.items():
            node[_string(item_key, quote)] = to_yaml_tree(item, str(item_key), quote=quote)
        return node
    if isinstance(value, list):
        seq = CommentedSeq(to_yaml_tree(item, quote=quote) for item in value)
        if key == "condition" and _flow_friendly(value):
            _set_flow(seq)
        return seq
    return _string(value, quote)


def _string(value: Any, quote: bool) -> Any:
    if not isinstance(value, str):
        return value
    if not plain(value) and any(hidden_escape(char) for char in value):
        return DoubleQuotedScalarString(value)  # its hidden characters escaped (_dump)
    if _not_text_in_yaml_1_1(value):
        return SingleQuotedScalarString(value)
    if quote:
        return value if OBVIOUSLY_PLAIN.fullmatch(value) else DoubleQuotedScalarString(value)
    if "\n" in value and _block_safe(value):
        return LiteralScalarString(value)
    if ODD_BREAKS.intersection(value):
        return DoubleQuotedScalarString(value)
    return value


def _not_text_in_yaml_1_1(value: str) -> bool:
    """A YAML 1.1 reader would read `value`, written plain, as no string (a boolean, a
    number, a date; `On`, and `oN` alike: a key `on:` read as true is a known trap)."""
    return any(
        _YAML_1_1.resolve(ScalarNode, text, (True, False)) != _STRING_TAG
        for text in {value, value.lower()}
    )


def _block_safe(text: str) -> bool:
    """A literal block keeps every character but carriage returns and the other line
    breaks (YAML reads them as newlines): such text is written double-quoted instead."""
    return all(char.isprintable() or char in "\n\t" for char in text)


def _set_flow(seq: CommentedSeq) -> None:
    seq.fa.set_flow_style()
    for item in seq:
        if isinstance(item, CommentedSeq):
            _set_flow(item)


_DUMPERS = threading.local()  # a YAML instance holds its emitter's state: one a thread


def yaml_dumper(*, allow_unicode: bool = True, width: int = NO_WRAP) -> YAML:
    """The block-style round-trip dumper manifests are written with (maps indented by 2,
    list dashes by 2 inside 4), made once per thread and setting: making one costs more
    than a small document's dump."""
    made: dict[tuple[bool, int], YAML] = _DUMPERS.__dict__.setdefault("made", {})
    yaml = made.get((allow_unicode, width))
    if yaml is None:
        yaml = YAML(typ="rt")
        yaml.default_flow_style = False
        yaml.indent(mapping=2, sequence=4, offset=2)
        yaml.width = width
        yaml.allow_unicode = allow_unicode
        made[allow_unicode, width] = yaml
    return yaml


def _dump(document: Mapping[str, Any], quote: bool) -> str:
    """The YAML text; a hidden character (U+202E, U+200B: terminal.hidden_escape), which
    ruamel writes as it is, as its escape: only a double-quoted string holds one (_string),
    where YAML reads `\u202e` back as the character. A manifest read in a review shows
    what a name holds (Trojan Source, CVE-2021-42574)."""
    stream = io.StringIO()
    yaml_dumper().dump(to_yaml_tree(document, quote=quote), stream)
    text = stream.getvalue()
    if not text.isascii():
        text = escaped_hidden(text)
    return header(document.get("apiVersion")) + text


def reads_back(text: str, document: Mapping[str, Any]) -> bool:
    """`text` is one YAML document that j1sync's manifest loader reads as `document`:
    on its quick road (libyaml) where that road takes the text, else on the round-trip
    road (the road the loader takes then too). A text holding `${env:` is read by the
    round-trip road alone: the quick road would resolve the reference, not keep it."""
    if ENV_MARKER not in text:
        found = plain_load_all(text, {})
        if found is not None:
            return len(found) == 1 and found[0].data == document
    try:
        loaded = YAML(typ="rt").load(text)
    except Exception:  # any YAML error means "not exact"
        return False
    return bool(loaded == document)


def render_manifest(document: Mapping[str, Any]) -> str:
    """The text of one manifest file; reading it back gives `document` exactly."""
    for quote in (False, True):
        text = _dump(document, quote)
        if reads_back(text, document):
            return text
    name = document.get("metadata", {}).get("name")
    raise J1SyncError(f"{document.get('kind')}/{name}: cannot be written as exact YAML")
