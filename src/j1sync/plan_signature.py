"""The signature of a saved plan: proof that a plan file is what `j1sync plan --out` wrote.

An HMAC-SHA256 over the plan's canonical JSON (every field but the signature itself),
keyed from a secret that both the plan and the apply job hold: J1SYNC_PLAN_KEY when it is
set, else the API key of the plan's (first) target. The key is stretched with PBKDF2 and a
random salt per plan, so the file holds neither the secret nor an unsalted hash of it, and
a hand edit cannot be re-signed without the secret. What the file holds that is made from
a secret's value is keyed with the stretched key too: each change's live fingerprint
(engine/fingerprint.saved_fingerprint) and each written variable's (VALUES_FIELD).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from j1sync.canonical import canonical_json, same_secret, text_bytes
from j1sync.credentials import ENV_PLAN_KEY
from j1sync.engine.fingerprint import SALT_BYTES, saved_fingerprint
from j1sync.errors import UntrustedPlan
from j1sync.providers.registry import systems

SCHEME = "j1sync-plan-hmac-sha256-v1"
SIGNATURE_FIELD = "signature"
KDF_ITERATIONS = 600_000  # PBKDF2-SHA256, OWASP's 2023 figure; ~0.1 s per plan or apply
_KDF_CONTEXT = b"j1sync plan signing key\x00"
_MESSAGE_CONTEXT = b"j1sync plan\x00"
_MAC_SLICE = 1 << 20  # characters of a plan's text encoded at a time for its HMAC

_RUN_PLAN_AGAIN = "run `j1sync plan --out` again and apply that plan"


def api_key_source() -> str:
    """How a signature names "the API key of the plan's target": the first system's
    credential variable, the name plans have always been signed under (one name for
    every system: which target's key it is, the plan's binding says)."""
    return systems()[0].credential_variables[0]


@dataclass(frozen=True)
class PlanKey:
    """The secret a plan is signed with, and where it came from (an env variable name).
    `api_key_name`: how messages name the API key of the command's (first) target, whose
    system the recorded source does not say (`xyOps API key (XYOPS_API_KEY)`)."""

    source: str
    secret: str = field(repr=False)
    api_key_name: str = "API key"

    @classmethod
    def choose(cls, api_key: str, env: Mapping[str, str], api_key_name: str = "API key") -> PlanKey:
        """J1SYNC_PLAN_KEY when set (plan and apply jobs may then hold different API
        keys), else the API key the command connects with."""
        plan_key = env.get(ENV_PLAN_KEY, "")
        if plan_key:
            return cls(ENV_PLAN_KEY, plan_key, api_key_name)
        return cls(api_key_source(), api_key, api_key_name)

    @property
    def name(self) -> str:
        return self.source if self.source == ENV_PLAN_KEY else self.api_key_name

    def derive(self, salt: bytes) -> bytes:
        return hashlib.pbkdf2_hmac(
            # surrogateescape: a variable's bytes that are not UTF-8 come back as they were
            "sha256",
            self.secret.encode("utf-8", "surrogateescape"),
            _KDF_CONTEXT + salt,
            KDF_ITERATIONS,
        )


def signed_content(data: Mapping[str, Any]) -> str:
    """The text the signature covers: every field but the signature, as canonical JSON.
    Reading back the file, whatever its layout, gives the same text."""
    content = {k: v for k, v in data.items() if k != SIGNATURE_FIELD}
    return canonical_json(content, allow_nan=False)


def _mac(stretched: bytes, content: Iterable[str]) -> str:
    """The HMAC of `content`'s pieces as UTF-8 (a lone surrogate as its three bytes), fed
    a slice at a time: a large plan's text is neither joined nor encoded whole (the bytes
    are the same)."""
    mac = hmac.new(stretched, _MESSAGE_CONTEXT, hashlib.sha256)
    for piece in content:
        for start in range(0, len(piece), _MAC_SLICE):
            mac.update(text_bytes(piece[start : start + _MAC_SLICE]))
    return mac.hexdigest()


@contextmanager
def _stretching(key: PlanKey, salt: bytes) -> Iterator[Callable[[], bytes]]:
    """`key` stretched for `salt` on a thread of its own, while the block encodes the plan:
    PBKDF2 (~0.1 s) lets go of the interpreter lock, so the two take one time, not the sum.
    The block calls what it is given for the stretched key (waiting for it if need be)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="j1sync-plan-key") as pool:
        stretched = pool.submit(key.derive, salt)
        yield stretched.result


def _signature(
    key: PlanKey, salt: bytes, stretched: bytes, content: Iterable[str]
) -> dict[str, str]:
    return {
        "scheme": SCHEME,
        "key": key.source,
        "salt": salt.hex(),
        "value": _mac(stretched, content),
    }


def sign(data: Mapping[str, Any], key: PlanKey) -> dict[str, Any]:
    """`data` with its live fingerprints keyed (`_saved_changes`) and its signature added."""
    salt = secrets.token_bytes(SALT_BYTES)
    with _stretching(key, salt) as stretched:
        data = _saved_changes(data, stretched())
        content = signed_content(data)
        return {**data, SIGNATURE_FIELD: _signature(key, salt, stretched(), [content])}


def signed_pieces(
    data: Mapping[str, Any], key: PlanKey, values: Mapping[str, str] | None = None
) -> list[str]:
    """The canonical JSON of `sign(data, key)`, in pieces: each field of `data` encoded
    once, a list's element at a time, so the signed content and the file share the
    pieces' texts and a large plan's text is never joined nor encoded whole (a plan file
    is the signed content with the signature in its sorted place).

    `values`: the `${env:}` variables the plan's changes write, by name: their keyed
    fingerprints are signed with the plan (VALUES_FIELD), so that `apply --plan` can tell
    that one holds another value than the plan was made with (`changed_values`)."""
    salt = secrets.token_bytes(SALT_BYTES)
    with _stretching(key, salt) as stretched:
        # the changes last: their live fingerprints wait for the stretched key
        fields = {
            name: _encoded(value)
            for name, value in data.items()
            if name not in (SIGNATURE_FIELD, _CHANGES)
        }
        if _CHANGES in data:
            fields[_CHANGES] = _encoded(_saved_changes(data, stretched())[_CHANGES])
        if values:
            fields[VALUES_FIELD] = _encoded(_value_fingerprints(stretched(), values))
        signature = _signature(key, salt, stretched(), _object_pieces(fields))
    fields[SIGNATURE_FIELD] = [canonical_json(signature)]
    return [_LONE_SURROGATE.sub(_json_escape, piece) for piece in _object_pieces(fields)]


_CHANGES = "changes"  # Plan.to_dict's list of changes, each with its `live_fingerprint`


def _saved_changes(data: Mapping[str, Any], stretched: bytes) -> Mapping[str, Any]:
    """`data` with each change's live fingerprint keyed with `stretched`: the file holds
    the fingerprints' salt, so keyed with the salt alone, each would let anyone holding the
    file test guesses of a secret the live state holds. `apply --plan` keys the live
    object's again to compare (engine/stale.check_stale)."""
    changes = data.get(_CHANGES)
    if not isinstance(changes, list):
        return data
    saved = [
        {**change, "live_fingerprint": saved_fingerprint(stretched, change["live_fingerprint"])}
        if isinstance(change, dict) and isinstance(change.get("live_fingerprint"), str)
        else change
        for change in changes
    ]
    return {**data, _CHANGES: saved}


def _encoded(value: Any) -> list[str]:
    """`canonical_json(value)` in pieces: a list's elements one each."""
    if not isinstance(value, list) or not value:
        return [canonical_json(value, allow_nan=False)]
    pieces = [f",{canonical_json(item, allow_nan=False)}" for item in value]
    pieces[0] = "[" + pieces[0][1:]
    pieces.append("]")
    return pieces


# A lone surrogate (a name an API answered as "\ud800") has no UTF-8: the plan file holds
# it as JSON's escape, read back as the same string; the signature covers it as it is.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_escape(found: re.Match[str]) -> str:
    return f"\\u{ord(found.group()):04x}"


def _object_pieces(fields: Mapping[str, list[str]]) -> Iterator[str]:
    """The canonical JSON of an object whose values are encoded already, in pieces."""
    yield "{"
    for index, name in enumerate(sorted(fields)):
        yield ("," if index else "") + canonical_json(name) + ":"
        yield from fields[name]
    yield "}"


# The fingerprints of the `${env:}` values a plan's changes write: keyed with the plan's
# stretched signing key, so the file lets no one test guesses of a value without the key.
VALUES_FIELD = "env_values"
_VALUE_CONTEXT = b"j1sync plan variable\x00"


def _value_fingerprints(stretched: bytes, values: Mapping[str, str]) -> dict[str, str]:
    return {name: _value_fingerprint(stretched, name, values[name]) for name in sorted(values)}


def _value_fingerprint(stretched: bytes, name: str, value: str) -> str:
    message = _VALUE_CONTEXT + text_bytes(name) + b"\x00" + value.encode("utf-8", "surrogateescape")
    return hmac.new(stretched, message, hashlib.sha256).hexdigest()


def changed_values(
    data: Mapping[str, Any], stretched: bytes, env: Mapping[str, str]
) -> list[str] | None:
    """The names among the plan's signed `${env:}` fingerprints (VALUES_FIELD) whose
    variable holds another value in `env`; None: the field is malformed.
    `stretched`: the key `verify` returned for this plan."""
    recorded = data.get(VALUES_FIELD, {})
    if not isinstance(recorded, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in recorded.items()
    ):
        return None
    return [
        name
        for name, fingerprint in sorted(recorded.items())
        # unset or empty: the variables' own check says so, naming what uses each
        if env.get(name)
        and not same_secret(_value_fingerprint(stretched, name, env[name]), fingerprint)
    ]


def verify(data: Mapping[str, Any], key: PlanKey, name: str) -> bytes:
    """Raise UntrustedPlan unless `data` carries a valid signature made with `key`; the
    stretched key it was signed with (`changed_values`)."""
    signature = data.get(SIGNATURE_FIELD)
    if signature is None:
        raise UntrustedPlan(
            f"{name}: refusing the plan: it carries no signature, so j1sync cannot tell "
            f"whether it was changed after it was written; {_RUN_PLAN_AGAIN}"
        )
    if not isinstance(signature, dict) or signature.get("scheme") != SCHEME:
        raise UntrustedPlan(
            f"{name}: refusing the plan: its signature is not one this j1sync writes "
            f"({SCHEME}); {_RUN_PLAN_AGAIN}"
        )
    source, salt_hex, value = (signature.get(k) for k in ("key", "salt", "value"))
    if source != key.source:
        raise UntrustedPlan(f"{name}: refusing the plan: {_key_mismatch(source, key)}")
    try:
        salt = bytes.fromhex(salt_hex) if isinstance(salt_hex, str) else b""
    except ValueError:
        salt = b""
    stretched = (
        _matches(data, key, salt, value)
        if len(salt) == SALT_BYTES and isinstance(value, str)
        else None
    )
    if stretched is None:
        raise UntrustedPlan(
            f"{name}: refusing the plan: its content does not match its signature: it was "
            f"changed after j1sync wrote it, or signed with another {key.name}; " + _RUN_PLAN_AGAIN
        )
    return stretched


def _matches(data: Mapping[str, Any], key: PlanKey, salt: bytes, value: str) -> bytes | None:
    """The stretched key when `value` is the signature of `data`, else None."""
    with _stretching(key, salt) as stretched:
        try:
            content = signed_content(data)
        except ValueError:  # NaN or infinity (valid to Python's JSON): nothing j1sync signs
            return None
        return stretched() if same_secret(_mac(stretched(), [content]), value) else None


def _key_mismatch(signed_with: object, key: PlanKey) -> str:
    if signed_with == ENV_PLAN_KEY:
        return (
            f"it was signed with {ENV_PLAN_KEY}, which is not set here; set the same "
            f"{ENV_PLAN_KEY} for the plan and the apply"
        )
    if signed_with == api_key_source():
        return (
            f"it was signed with the {key.api_key_name}, but {ENV_PLAN_KEY} is set here; set "
            f"{ENV_PLAN_KEY} for both the plan and the apply, or for neither"
        )
    return f"it names an unknown signing key {signed_with!r}; {_RUN_PLAN_AGAIN}"
