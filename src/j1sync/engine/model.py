"""The plan's data model: plain data that renderers, `plan --out` and `apply --plan` all read.

`to_dict()`/`from_dict()` are the plan file format (docs/architecture.md §6). A plan never holds a
secret: values from `${env:…}` and credential fields are masked, and each change keeps
the unresolved template of every masked `after` value by path so apply can re-resolve
it; a credential written literally is listed by path (`literal_secrets`) and its value
stays in memory. Live fingerprints are keyed with the plan's own random salt, and are
written only to a saved plan (`to_dict(saved=True)`), keyed again there with its signing
key (engine/fingerprint.py says why).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, TypedDict, TypeVar, cast

from j1sync.engine.contract import Action
from j1sync.errors import ConfigError

T = TypeVar("T")

FORMAT_VERSION = 1
ACTIONS: tuple[Action, ...] = ("create", "update", "delete", "no-op")
ACTIONABLE: frozenset[str] = frozenset({"create", "update", "delete"})


# A change's fields that are text: a hand-edited plan's other types are malformed.
_CHANGE_TEXTS = ("address", "kind", "name", "reason")


@dataclass
class Change:
    address: str
    kind: str
    name: str
    action: Action
    reason: str
    id: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    changed_paths: list[str] = field(default_factory=list)
    depends_on: list[str] = field(default_factory=list)
    live_fingerprint: str | None = None
    sensitive: dict[str, str] = field(default_factory=dict)  # after-path -> template
    literal_secrets: list[str] = field(default_factory=list)  # after-paths a file cannot hold
    # after-paths of literal credentials the live object holds alike: apply copies them
    account_secrets: list[str] = field(default_factory=list)
    # a created object's spec as its manifest wrote it, masked: what the plan shows
    manifest: dict[str, Any] | None = None
    # after-path -> value of both: this process only, never written or shown
    secret_values: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def actionable(self) -> bool:
        return self.action in ACTIONABLE

    def to_dict(self, *, saved: bool = False) -> dict[str, Any]:
        fingerprint = {"live_fingerprint": self.live_fingerprint} if saved else {}
        return {
            "address": self.address,
            "kind": self.kind,
            "name": self.name,
            "action": self.action,
            "reason": self.reason,
            "id": self.id,
            "before": self.before,
            "after": self.after,
            "changed_paths": list(self.changed_paths),
            "depends_on": list(self.depends_on),
            **fingerprint,
            "sensitive": dict(self.sensitive),
            "literal_secrets": list(self.literal_secrets),
            "account_secrets": list(self.account_secrets),
            "manifest": self.manifest,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Change:
        action = data["action"]
        if action not in ACTIONS:
            raise ConfigError(f"plan file: unknown action {action!r} for {data['address']}")
        for name in _CHANGE_TEXTS:  # read before the signature is checked (the kind's system)
            if not isinstance(data[name], str):
                raise ConfigError(f"plan file: a change's {name} is {data[name]!r}, not text")
        return cls(
            address=data["address"],
            kind=data["kind"],
            name=data["name"],
            action=cast(Action, action),
            reason=data["reason"],
            id=data.get("id"),
            before=data.get("before"),
            after=data.get("after"),
            changed_paths=list(data.get("changed_paths", [])),
            depends_on=list(data.get("depends_on", [])),
            live_fingerprint=data.get("live_fingerprint"),
            sensitive=dict(data.get("sensitive", {})),
            literal_secrets=list(data.get("literal_secrets", [])),
            account_secrets=list(data.get("account_secrets", [])),
            manifest=data.get("manifest"),
        )


# How an unmanaged object's note ends when the plan would have deleted it but a live object
# it leaves alone still uses it (engine/plan.py); the outputs list those.
STILL_USED = "still uses it; not deleted"


@dataclass
class UnmanagedObject:
    """A live object no manifest names and j1sync will not touch."""

    address: str
    kind: str
    name: str
    id: str | None
    note: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "kind": self.kind,
            "name": self.name,
            "id": self.id,
            "note": self.note,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> UnmanagedObject:
        return cls(data["address"], data["kind"], data["name"], data.get("id"), data.get("note"))


class Safety(TypedDict):
    """The safety gate's verdict, kept in the plan: blocked, and why."""

    blocked: bool
    messages: list[str]


def no_safety_concerns() -> Safety:
    return {"blocked": False, "messages": []}


class Pruning(TypedDict):
    """Whether the plan deletes live objects that no manifest declares; when not, why (a
    run over a part of the project: manifest/scope.py)."""

    enabled: bool
    reason: str | None


def pruning_on() -> Pruning:
    return {"enabled": True, "reason": None}


SUMMARY_COLUMNS = ("create", "update", "delete", "no-op", "unmanaged")


class SectionHead(TypedDict):
    """Which target a part of a plan is about: the system's name and title, the target."""

    system: str
    title: str
    target: str


class PlanSection(TypedDict):
    """One target's part of a plan over several (reconcile.py joins them): which system
    (`system`, its name; `title`, how outputs name it), which target (`target`: account or
    URL), its kinds (engine names), and its own safety verdict."""

    system: str
    title: str
    target: str
    kinds: list[str]
    safety: Safety


@dataclass
class Plan:
    j1sync_version: str
    account: str
    created_at: str  # ISO 8601, UTC
    changes: list[Change] = field(default_factory=list)
    unmanaged: list[UnmanagedObject] = field(default_factory=list)
    summary: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> column -> n
    safety: Safety = field(default_factory=no_safety_concerns)
    format_version: int = FORMAT_VERSION
    pruning: Pruning = field(default_factory=pruning_on)
    fingerprint_salt: str = ""  # hex; keys every change's live_fingerprint
    # a plan over several targets: one section per target (empty: one target)
    sections: list[PlanSection] = field(default_factory=list)
    # a saved plan's, once its signature is checked: the stretched signing key its live
    # fingerprints are keyed with again (engine/fingerprint.saved_fingerprint); this
    # process only, never written or shown
    fingerprint_key: bytes | None = field(default=None, repr=False, compare=False)

    @property
    def actionable(self) -> list[Change]:
        return [c for c in self.changes if c.actionable]

    def totals(self) -> dict[str, int]:
        """Summary columns added up over kinds."""
        totals = dict.fromkeys(SUMMARY_COLUMNS, 0)
        for counts in self.summary.values():
            for column in SUMMARY_COLUMNS:
                totals[column] += counts.get(column, 0)
        return totals

    def to_dict(self, *, saved: bool = False) -> dict[str, Any]:
        """The plan as `--format json` prints it; `saved`: as `plan --out` hands it to be
        signed (plan_signature), with the live fingerprints and their salt, which a printed
        plan never holds: with both, anyone could test guesses of a secret a live state
        holds against its fingerprint."""
        salt = {"fingerprint_salt": self.fingerprint_salt} if saved else {}
        return {
            "format_version": self.format_version,
            "j1sync_version": self.j1sync_version,
            "account": self.account,
            "created_at": self.created_at,
            **salt,
            "changes": [c.to_dict(saved=saved) for c in self.changes],
            "unmanaged": [u.to_dict() for u in self.unmanaged],
            "summary": {kind: dict(counts) for kind, counts in self.summary.items()},
            "safety": {
                "blocked": self.safety["blocked"],
                "messages": list(self.safety["messages"]),
            },
            "pruning": dict(self.pruning),
            **({"sections": [_section_dict(s) for s in self.sections]} if self.sections else {}),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Plan:
        """Read a plan file's data; a wrong version or shape is a ConfigError."""
        if not isinstance(data, dict):
            raise ConfigError("plan file: expected a JSON object")
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise ConfigError(
                f"plan file: format_version {version!r} is not supported "
                f"(this j1sync reads {FORMAT_VERSION})"
            )
        read = partial(_field, data)
        return cls(
            format_version=version,
            j1sync_version=read("j1sync_version", _same),
            account=read("account", _same),
            created_at=read("created_at", _same),
            fingerprint_salt=str(data.get("fingerprint_salt", "")),
            changes=read("changes", lambda v: [Change.from_dict(c) for c in v]),
            unmanaged=read("unmanaged", lambda v: [UnmanagedObject.from_dict(u) for u in v]),
            summary=read("summary", lambda v: {k: dict(c) for k, c in v.items()}),
            safety=read("safety", _safety),
            pruning=read("pruning", _pruning, None),
            sections=read("sections", lambda v: [_section(s) for s in v], []),
        )


_MISSING = object()


def _field(data: dict[str, Any], name: str, read: Callable[[Any], T], default: Any = _MISSING) -> T:
    """A plan file's top-level field `name`, `read`; one missing (without a `default`), or
    not of the shape this j1sync writes there (at any depth), is a one-line ConfigError
    naming it."""
    if name not in data:
        if default is _MISSING:
            raise ConfigError(f"plan file: malformed plan (no {name!r} field)")
        return read(default)
    try:
        return read(data[name])
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise malformed_field(name, exc) from exc


def malformed_field(name: str, exc: BaseException) -> ConfigError:
    """The error of a plan file whose field `name` is not of the shape j1sync writes there
    (`exc`: what reading it raised), in words: a KeyError names what is missing in it."""
    missing = f": no {exc.args[0]!r} in it" if isinstance(exc, KeyError) and exc.args else ""
    return ConfigError(
        f"plan file: malformed plan (its {name!r} field is not what a plan file holds "
        f"there{missing})"
    )


def _same(value: Any) -> Any:
    return value


def _safety(data: Any) -> Safety:
    return {"blocked": bool(data["blocked"]), "messages": list(data.get("messages", []))}


def _section_dict(section: PlanSection) -> dict[str, Any]:
    return {
        **section,
        "kinds": list(section["kinds"]),
        "safety": {
            "blocked": section["safety"]["blocked"],
            "messages": list(section["safety"]["messages"]),
        },
    }


def _section(data: Any) -> PlanSection:
    return {
        "system": str(data["system"]),
        "title": str(data["title"]),
        "target": str(data["target"]),
        "kinds": [str(k) for k in data["kinds"]],
        "safety": {
            "blocked": bool(data["safety"]["blocked"]),
            "messages": [str(m) for m in data["safety"]["messages"]],
        },
    }


def section_plan(plan: Plan, section: PlanSection) -> Plan:
    """The part of `plan` one section covers, as a plan of its own (what outputs render
    under the section's heading)."""
    kinds = set(section["kinds"])
    return Plan(
        j1sync_version=plan.j1sync_version,
        account=section["target"],
        created_at=plan.created_at,
        changes=[c for c in plan.changes if c.kind in kinds],
        unmanaged=[u for u in plan.unmanaged if u.kind in kinds],
        summary={k: dict(v) for k, v in plan.summary.items() if k in kinds},
        safety=section["safety"],
        format_version=plan.format_version,
        pruning=plan.pruning,
        fingerprint_salt=plan.fingerprint_salt,
    )


def _pruning(data: Any) -> Pruning:
    if data is None:
        return pruning_on()
    reason = data["reason"]
    return {"enabled": bool(data["enabled"]), "reason": None if reason is None else str(reason)}


def plan_has_changes(plan: Plan) -> bool:
    return any(c.actionable for c in plan.changes)
