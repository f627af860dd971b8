"""`import_rule_pack`: one of JupiterOne's published alert rule packs as AlertRule
manifests, written and checked as `export` writes them.

A rule pack (github.com/JupiterOne/jupiterone-alert-rules, rule-packs/*.json) is a JSON
list of rules: `{name, description, queries: [{name, query, version}], alertLevel?,
templates?, operations?}` (the repository's types.ts and scripts/validate.ts).
JupiterOne's own provisioner (`j1 -o provision-alert-rule-pack`, jupiterone-client-nodejs)
makes each an inline rule with the pack repository's default settings (index.js): polled
daily, outputs `queries.query0.total` and `alertLevel`, and one operation — when
`queries.query0.total > 0`, set `alertLevel` (the rule's, HIGH when it has none) and
create an alert. j1sync writes the same rule, except that:

- the condition and output count the rule's `query0`; a rule without one counts its
  `queryBAD`, else its first query (the defaults name `query0`, which not every rule has);
- a rule's own `operations` (and `outputs`, `pollingInterval`, ...) are kept: the
  provisioner replaces operations with the defaults;
- a query name a rule repeats gets a suffix (`queryBAD_2`): j1sync needs them unique.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from j1sync import json_input
from j1sync.errors import J1SyncError
from j1sync.export.naming import FileNamer, folder_of, unique_names
from j1sync.export.run import check_output_dir, validation_warnings, write_documents
from j1sync.json_input import json_type
from j1sync.manifest.model_base import MAX_NAME_LENGTH
from j1sync.providers.jupiterone.alert_rules import KIND
from j1sync.providers.jupiterone.export.specs import ordered_spec
from j1sync.providers.jupiterone.values import DEFAULT_QUERY_VERSION

ALERT_LEVELS = ("INFO", "LOW", "MEDIUM", "HIGH", "CRITICAL")  # validate.ts
DEFAULT_ALERT_LEVEL = "HIGH"  # index.js defaultAlertSettings
COUNTED_QUERIES = ("query0", "queryBAD")  # which query the default condition counts
QUERY_KEYS = ("name", "query", "version", "includeDeleted")
# Rule keys kept as written: a pack's rule may carry any AlertRuleSpec field.
PASSED_THROUGH = (
    "pollingInterval",
    "operations",
    "outputs",
    "tags",
    "labels",
    "templates",
    "notifyOnFailure",
    "triggerActionsOnNewEntitiesOnly",
    "ignorePreviousResults",
    "remediationSteps",
)
KNOWN_KEYS = frozenset({"name", "description", "queries", "alertLevel", *PASSED_THROUGH})
_SPACES = re.compile(r"\s+")


class RulePackError(J1SyncError):
    """The rule pack file cannot be read as one (not JSON, not a list, a rule lacking a
    field): one line naming the file and the rule."""


@dataclass(frozen=True)
class PackRule:
    """One rule of the pack as a manifest: `name` is its metadata.name."""

    index: int
    name: str
    spec: dict[str, Any]
    path: PurePosixPath
    kind: str = KIND


@dataclass(frozen=True)
class RulePackImport:
    source: Path
    out_dir: Path
    rules: list[PackRule]
    warnings: list[str] = field(default_factory=list)

    def summary(self, shown_dir: str | None = None) -> str:
        """`Imported 7 rules from armis.json to manifests/alert-rules/`"""
        if not self.rules:  # an empty pack (`[]`): no folder made, none named
            return f"Imported no rule: {self.source.name} holds none; nothing written"
        where = shown_dir if shown_dir is not None else str(self.out_dir)
        folder = f"{where.rstrip('/')}/{folder_of(KIND)}/"
        noun = "rule" if len(self.rules) == 1 else "rules"
        return f"Imported {len(self.rules)} {noun} from {self.source.name} to {folder}"


def read_pack(source: Path) -> list[Any]:
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise RulePackError(f"{source}: cannot read the rule pack: {reason}") from exc
    try:
        pack = json_input.loads(text)
    except json.JSONDecodeError as exc:
        raise RulePackError(
            f"{source}: not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from exc
    except json_input.TooDeepJSON as exc:
        raise RulePackError(f"{source}: not JSON a rule pack can be: {exc}") from exc
    if not isinstance(pack, list):
        raise RulePackError(f"{source}: a rule pack is a JSON list of rules, not {json_type(pack)}")
    return pack


class _Rule:
    """Reads one pack rule; every problem names the file and the rule."""

    def __init__(self, source: Path, index: int, total: int, raw: Any) -> None:
        self.where = f"{source}: rule {index + 1} of {total}"
        if not isinstance(raw, dict):
            self.fail(f"must be an object, not {json_type(raw)}")
        self.raw: dict[str, Any] = raw
        name = raw.get("name")
        if not isinstance(name, str) or not name:  # (only spaces: `convert_pack` names it)
            self.fail("missing 'name' (a non-empty string)")
        self.name = name
        self.where += f" ({name})"

    def fail(self, message: str) -> Any:
        raise RulePackError(f"{self.where}: {message}")

    def field(self, key: str, kind: type, what: str) -> Any:
        value = self.raw.get(key)
        if value is not None and not isinstance(value, kind):
            self.fail(f"'{key}' must be {what}, not {json_type(value)}")
        return value


def convert_rule(
    source: Path, index: int, total: int, raw: Any
) -> tuple[str, dict[str, Any], list[str]]:
    """A pack rule -> (its name, an AlertRule spec, notes for the user)."""
    rule = _Rule(source, index, total, raw)
    notes = [
        f"{rule.where}: '{key}' is not an alert rule field; left out"
        for key in raw
        if key not in KNOWN_KEYS
    ]
    queries = rule.field("queries", list, "a list")
    if not queries:
        said = "'queries' is empty" if queries == [] else "missing 'queries'"
        rule.fail(f"{said} (a list of {{name, query}}: at least one)")
    written = _queries(rule, queries, notes)
    level = rule.field("alertLevel", str, "a string")
    if level is not None and level not in ALERT_LEVELS:
        rule.fail(f"alertLevel '{level}' is not one of {', '.join(ALERT_LEVELS)}")
    rule.field("description", str, "a string")
    rule.field("templates", dict, "an object")
    rule.field("operations", list, "a list")
    counted = next(
        (name for name in COUNTED_QUERIES if any(q["name"] == name for q in written)),
        written[0]["name"],
    )
    spec: dict[str, Any] = {
        "description": raw.get("description"),
        "question": {"queries": written},
        "operations": default_operations(counted, level or DEFAULT_ALERT_LEVEL),
        "outputs": [f"queries.{counted}.total", "alertLevel"],
    }
    spec.update({key: raw[key] for key in PASSED_THROUGH if raw.get(key) is not None})
    return rule.name, ordered_spec(KIND, spec), notes


def _queries(rule: _Rule, queries: list[Any], notes: list[str]) -> list[dict[str, Any]]:
    written: list[dict[str, Any]] = []
    for position, query in enumerate(queries):
        where = f"queries[{position}]"
        if not isinstance(query, dict):
            rule.fail(f"{where} must be an object, not {json_type(query)}")
        for key in ("name", "query"):
            if not isinstance(query.get(key), str) or not query[key].strip():
                rule.fail(f"{where}: missing '{key}' (a non-empty string)")
        notes += [
            f"{rule.where}: {where}: '{key}' is not a query field; left out"
            for key in query
            if key not in QUERY_KEYS
        ]
        entry: dict[str, Any] = {"name": query["name"], "query": query["query"]}
        if query.get("version") not in (None, DEFAULT_QUERY_VERSION):
            entry["version"] = query["version"]
        if query.get("includeDeleted") is True:
            entry["includeDeleted"] = True
        written.append(entry)
    taken = {q["name"] for q in written}
    used: set[str] = set()
    for entry in written:
        name, number = entry["name"], 1
        # query names take [A-Za-z0-9_] (validate.ts): `_2`, not `-2`; never another's
        while name in used or (name != entry["name"] and name in taken):
            number += 1
            name = f"{entry['name']}_{number}"
        if name != entry["name"]:
            notes.append(f"{rule.where}: query name '{entry['name']}' repeated; renamed '{name}'")
            entry["name"] = name
        used.add(name)
    return written


def default_operations(query: str, level: str) -> list[dict[str, Any]]:
    """The pack repository's default operation (index.js), with the condition as a list."""
    return [
        {
            "when": {"type": "FILTER", "condition": ["AND", [f"queries.{query}.total", ">", 0]]},
            "actions": [
                {"type": "SET_PROPERTY", "targetProperty": "alertLevel", "targetValue": level},
                {"type": "CREATE_ALERT"},
            ],
        }
    ]


def safe_name(name: str, prefix: str | None) -> str:
    """The rule's name as a metadata.name: `prefix-` before it (no `-` when the prefix
    ends in punctuation or space), runs of spaces and control characters as one space,
    at most MAX_NAME_LENGTH characters."""
    if prefix:
        joint = "" if not prefix[-1].isalnum() else "-"
        name = f"{prefix}{joint}{name}"
    cleaned = "".join(" " if unicodedata.category(c) == "Cc" else c for c in name)
    return _SPACES.sub(" ", cleaned).strip()[:MAX_NAME_LENGTH].rstrip()


def convert_pack(
    source: Path, pack: Sequence[Any], prefix: str | None = None
) -> tuple[list[PackRule], list[str]]:
    """Every rule of the pack as a manifest (names unique, files named as export names
    them) and notes for the user. The first broken rule raises RulePackError."""
    converted = [convert_rule(source, i, len(pack), raw) for i, raw in enumerate(pack)]
    notes = [note for _, _, found in converted for note in found]
    wanted = [safe_name(name, prefix) for name, _, _ in converted]
    for index, name in enumerate(wanted):
        if not name:  # nothing but spaces and control characters
            wanted[index] = safe_name(f"rule {index + 1}", prefix)
            where = f"{source}: rule {index + 1} of {len(pack)}"
            notes.append(
                f"{where}: name {converted[index][0]!r} holds no text; named '{wanted[index]}'"
            )
    names = unique_names(wanted)
    namer = FileNamer()
    rules: list[PackRule] = []
    for index, ((original, spec, _), name) in enumerate(zip(converted, names, strict=True)):
        if name != wanted[index]:
            where = f"{source}: rule {index + 1} of {len(pack)}"
            notes.append(f"{where}: name '{original}' repeated; named '{name}'")
        file_name = namer.file_name(folder_of(KIND), name, fallback=KIND.lower())
        rules.append(PackRule(index, name, spec, PurePosixPath(folder_of(KIND), file_name)))
    return rules, notes


def import_rule_pack(
    source: Path, out_dir: Path, *, prefix: str | None = None, force: bool = False
) -> RulePackImport:
    """Write one AlertRule manifest per rule of the pack `source` into `out_dir` (folder
    alert-rules/, as export), never into a folder with files unless `force`; what
    `validate` would say about them (J1QL included) comes back as warnings."""
    pack = read_pack(source)
    rules, notes = convert_pack(source, pack, prefix)
    check_output_dir(out_dir, force)
    files = write_documents(out_dir, rules)
    warnings = validation_warnings(files, origin="imported as found in the pack")
    return RulePackImport(source, out_dir, rules, [*notes, *warnings])
