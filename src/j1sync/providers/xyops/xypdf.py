"""xyOps's own export files (XYPDF) as the live objects they hold: `j1sync export --system
xyops --from-file FILE` writes them as manifests, so an existing xyOps setup is adopted in
one step without a connection to the server.

The format, from pixlcore/xyops at commit 8ec8b57349dabe3be5f3cd4758b53b09f05bd1d9
(docs/xypdf.md, "xyOps Portable Data Format", and the UI's importer in
htdocs/js/pages/PageUtils.class.js, which decides what xyOps accepts):

- JSON (compact or pretty-printed), plain (`.json`) or gzip-compressed (`.json.gz`);
- a top-level object: `type` `"xypdf"`, `version` `"1.0"` (the importer refuses any other),
  `xyops` (optional: the lowest xyOps version that may import it), `description`
  (optional) and `items`, a non-empty list of `{type, data}`;
- `data` is the object as the API returns it (server-set fields may be left out: the
  UI's workflow export removes `created`, `modified`, `revision`, `sort_order` and
  `username`); importing upserts by `data.id`;
- item types: alert, api_key, bucket, category, channel, event (workflows included),
  group, monitor, plugin, role, tag, web_hook. j1sync's kinds are nine of them, each its
  API noun (kinds.KIND_APIS); api keys, buckets and plugins are not managed: such items are
  reported and left out, as are types the format does not have.

Every problem names the file, the line and column, and the field (`items[2].data.id`).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic_core import PydanticCustomError

from j1sync import json_input
from j1sync.engine.contract import LiveObject
from j1sync.engine.paths import PathPart, format_path
from j1sync.engine.sensitive import CredentialPaths
from j1sync.errors import J1SyncError
from j1sync.export.run import ExportResult, check_output_dir, export_objects
from j1sync.json_input import json_type
from j1sync.providers.xyops.kinds import KIND_APIS, KindApi, credential_paths, live_object
from j1sync.providers.xyops.models import check_id
from j1sync.providers.xyops.stored import unmanaged_fields, unmanaged_note

FORMAT_TYPE = "xypdf"
FORMAT_VERSIONS = ("1.0",)  # what xyOps's importer accepts (PageUtils.class.js)
# XYPDF item type -> j1sync kind: a kind's API noun is its item type
ITEM_KINDS: dict[str, KindApi] = {api.noun: api for api in KIND_APIS.values()}
# Item types of the format that j1sync does not manage (docs/xypdf.md, Object Types)
UNMANAGED_TYPES: dict[str, str] = {
    "api_key": "API keys",
    "bucket": "storage buckets",
    "plugin": "plugins",
}
GZIP_MAGIC = b"\x1f\x8b"


class XypdfError(J1SyncError):
    """An XYPDF file that cannot be read as one: every problem, each located."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class XypdfContents:
    """What a file holds for j1sync: its objects (as live objects) and notes for the user
    (items and fields left out)."""

    objects: list[LiveObject]
    notes: list[str] = field(default_factory=list)


class _Located:
    """The file's text and where each value up to an item's data fields starts in it."""

    def __init__(self, source: Path, text: str) -> None:
        self.source = source
        self.text = text
        self.offsets: dict[tuple[PathPart, ...], int] = {}
        _walk(text, 0, (), self.offsets, depth=4)

    def where(self, path: Sequence[PathPart]) -> str:
        """`file:line:column: field:` of the value at `path` (its nearest located parent)."""
        parts = tuple(path)
        while parts and parts not in self.offsets:
            parts = parts[:-1]
        offset = self.offsets.get(parts, 0)
        line = self.text.count("\n", 0, offset) + 1
        column = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        name = f" {format_path(list(path))}:" if path else ""
        return f"{self.source}:{line}:{column}:{name}"


_SPACE = " \t\n\r"
_DECODER = json.JSONDecoder()


def _skip(text: str, index: int) -> int:
    while index < len(text) and text[index] in _SPACE:
        index += 1
    return index


def _walk(
    text: str,
    index: int,
    path: tuple[PathPart, ...],
    offsets: dict[tuple[PathPart, ...], int],
    depth: int,
) -> int:
    """Record where the value at `index` and (to `depth` levels) its members start; the
    index after it. `text` is valid JSON (json.loads read it first)."""
    index = _skip(text, index)
    offsets[path] = index
    opener = text[index]
    if depth == 0 or opener not in "{[":
        return _DECODER.raw_decode(text, index)[1]
    closer = "}" if opener == "{" else "]"
    index = _skip(text, index + 1)
    position = 0
    while text[index] != closer:
        key: PathPart = position
        if opener == "{":
            key, index = _DECODER.raw_decode(text, index)
            index = _skip(text, index) + 1  # the ':'
        index = _skip(text, _walk(text, index, (*path, key), offsets, depth - 1))
        if text[index] == ",":
            index = _skip(text, index + 1)
        position += 1
    return index + 1


def _read_text(source: Path) -> str:
    try:
        content = source.read_bytes()
        if content.startswith(GZIP_MAGIC):
            content = gzip.decompress(content)
        return content.decode("utf-8-sig")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise XypdfError([f"{source}: cannot read the XYPDF file: {reason}"]) from exc


def read_xypdf(source: Path, managed_tag: str) -> XypdfContents:
    """The objects of j1sync's kinds an XYPDF file holds, as live objects of those kinds
    (normalized as the provider normalizes what the API returns). Raises XypdfError with
    every problem found."""
    text = _read_text(source)
    try:
        document = json_input.loads(text)
    except json.JSONDecodeError as exc:
        raise XypdfError([f"{source}:{exc.lineno}:{exc.colno}: not JSON: {exc.msg}"]) from exc
    except json_input.TooDeepJSON as exc:
        raise XypdfError([f"{source}: not JSON j1sync can read: {exc}"]) from exc
    located = _Located(source, text)
    items = _envelope(document, located)
    objects: list[LiveObject] = []
    notes: list[str] = []
    problems: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(items):
        found = _item(item, index, located, managed_tag, notes, problems)
        if found is None:
            continue
        key = (found.kind, found.name)
        if key in seen:
            problems.append(
                f"{located.where(['items', index, 'data', 'id'])} "
                f"{item['type']} '{found.name}' is also items[{seen[key]}]: one object, "
                "one item"
            )
            continue
        seen[key] = index
        objects.append(found)
    if problems:
        raise XypdfError(problems)
    return XypdfContents(objects, notes)


def _envelope(document: Any, located: _Located) -> list[Any]:
    """The items of a well-formed file (type, version, xyops and items checked)."""
    what = "an XYPDF file is a JSON object with type 'xypdf', version '1.0' and items"
    if not isinstance(document, dict):
        raise XypdfError([f"{located.where([])} {what}, not {json_type(document)}"])
    problems: list[str] = []
    kind = document.get("type")
    if kind != FORMAT_TYPE:
        shown = "missing" if kind is None else f"{json.dumps(kind)} is not '{FORMAT_TYPE}'"
        problems.append(
            f"{located.where(['type'])} {shown}: not an xyOps Portable Data file ({what})"
        )
    version = document.get("version")
    if version not in FORMAT_VERSIONS:
        shown = "missing" if version is None else f"{json.dumps(version)} is not supported"
        problems.append(
            f"{located.where(['version'])} {shown}: j1sync reads XYPDF version "
            f"{', '.join(FORMAT_VERSIONS)} (as xyOps does)"
        )
    needs = document.get("xyops")
    if needs is not None and not isinstance(needs, str):
        problems.append(
            f"{located.where(['xyops'])} must be a version string such as '1.0.0', not "
            f"{json_type(needs)}"
        )
    items = document.get("items")
    if not isinstance(items, list) or not items:
        shown = "missing" if items is None else f"{json_type(items)}"
        if isinstance(items, list):
            shown = "empty"
        problems.append(
            f"{located.where(['items'])} {shown}: a non-empty list of {{type, data}} items"
        )
    if problems or not isinstance(items, list):
        raise XypdfError(problems)
    return items


def _item(
    item: Any,
    index: int,
    located: _Located,
    managed_tag: str,
    notes: list[str],
    problems: list[str],
) -> LiveObject | None:
    """One item as a live object; None when it is left out (noted) or broken (a problem)."""
    path: list[PathPart] = ["items", index]
    if not isinstance(item, dict):
        problems.append(f"{located.where(path)} must be an object, not {json_type(item)}")
        return None
    kind = item.get("type")
    if not isinstance(kind, str) or not kind:
        problems.append(
            f"{located.where([*path, 'type'])} missing: the item's object type "
            f"({', '.join(sorted([*ITEM_KINDS, *UNMANAGED_TYPES]))})"
        )
        return None
    data = item.get("data")
    if not isinstance(data, dict):
        shown = "missing" if data is None else f"must be an object, not {json_type(data)}"
        problems.append(f"{located.where([*path, 'data'])} {shown}")
        return None
    label = f"{kind} '{data.get('id')}'" if isinstance(data.get("id"), str) else kind
    if kind in UNMANAGED_TYPES:
        notes.append(
            f"{located.where(path)} {label}: j1sync does not manage "
            f"{UNMANAGED_TYPES[kind]}; left out"
        )
        return None
    api = ITEM_KINDS.get(kind)
    if api is None:
        notes.append(
            f"{located.where([*path, 'type'])} '{kind}' is not an XYPDF object type j1sync "
            f"knows ({', '.join(sorted([*ITEM_KINDS, *UNMANAGED_TYPES]))}); left out"
        )
        return None
    object_id = data.get("id")
    id_path = [*path, "data", "id"]
    if not isinstance(object_id, str):
        shown = "missing" if object_id is None else f"must be a string, not {json_type(object_id)}"
        problems.append(f"{located.where(id_path)} {shown}: the {kind}'s xyOps id")
        return None
    try:
        check_id(object_id)
    except PydanticCustomError as exc:
        problems.append(f"{located.where(id_path)} {exc.message()}")
        return None
    unknown = unmanaged_fields(api.kind, data)
    if unknown:
        notes.append(unmanaged_note(f"{located.where([*path, 'data'])} {label}", unknown))
    # named here, where the file holds them: export's own note of them would repeat it
    return live_object(api, {k: v for k, v in data.items() if k not in unknown}, managed_tag)


def credentials() -> dict[str, CredentialPaths]:
    """Per engine kind, where its objects hold credentials (kinds.credential_paths)."""
    return {api.engine_kind: _declared(api.kind) for api in KIND_APIS.values()}


def _declared(kind: str) -> CredentialPaths:
    return lambda state: credential_paths(kind, state)


def export_file(
    source: Path,
    out_dir: Path,
    kinds: Sequence[str] | None = None,
    *,
    force: bool = False,
    managed_only: bool = False,
    managed_tag: str,
) -> ExportResult:
    """Write the objects of `kinds` (engine kinds; every kind when None) an XYPDF file
    holds as manifests, as `export` writes a server's (export/run.export_objects): the
    file is read and checked before the output folder is."""
    contents = read_xypdf(source, managed_tag)
    check_output_dir(out_dir, force)
    wanted = tuple(
        api.engine_kind for api in KIND_APIS.values() if kinds is None or api.engine_kind in kinds
    )
    result = export_objects(
        contents.objects,
        out_dir,
        wanted,
        credentials(),
        managed_only=managed_only,
        managed_tag=managed_tag,
    )
    return ExportResult(
        result.out_dir,
        result.kinds,
        result.documents,
        [*contents.notes, *result.warnings],
        result.secret_variables,
    )
