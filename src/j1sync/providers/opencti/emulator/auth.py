"""Who may call what: the capability each served field needs (cut from OpenCTI's `@auth`
directives, ../shared/reference/opencti/schema-6.9.17-auth.json, into auth.json beside
this module) and the errors OpenCTI answers when a caller lacks it.

A field with `@auth(for: [A, B])` needs one of A, B (all of them with `and: true`); plain
`@auth` needs a signed-in user; `@public` needs nobody. BYPASS passes every check. A user
holding a sub-capability (`SETTINGS_SETACCESSES`) holds its parents (`SETTINGS`), as the
platform's capability tree grants them (a guess: docs/api-fidelity.md, "OpenCTI").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from graphql import GraphQLError

AUTH_FILE = Path(__file__).with_name("auth.json")
BYPASS = "BYPASS"

# OpenCTI's errors (opencti-graphql src/config/errors.js): message, extensions.code and
# extensions.data; pycti raises ValueError with the message when `name` is absent.
FORBIDDEN_MESSAGE = "You are not allowed to do this."
AUTH_REQUIRED_MESSAGE = "You must be logged in to do this."


@dataclass(frozen=True)
class Requirement:
    """`public`: nobody needs to sign in; otherwise a user, holding one of `any_of` (all
    of them when `all_needed`); an empty `any_of`: any signed-in user."""

    public: bool = False
    any_of: tuple[str, ...] = ()
    all_needed: bool = False


_AUTH = re.compile(r"@auth(?:\((?P<args>.*)\))?")
_FOR = re.compile(r"for:\s*\[(?P<names>[^\]]*)\]")


def parse_directive(text: str) -> Requirement | None:
    """The requirement of one auth.json entry; None: no directive (the field is free once
    its parent could be read)."""
    text = text.strip()
    if not text:
        return None
    if text.startswith("@public"):
        return Requirement(public=True)
    match = _AUTH.match(text)
    if match is None:
        return None
    args = match.group("args") or ""
    names_match = _FOR.search(args)
    names = tuple(n.strip() for n in names_match.group("names").split(",")) if names_match else ()
    return Requirement(any_of=tuple(n for n in names if n), all_needed="and: true" in args)


@cache
def requirements() -> Mapping[str, Requirement]:
    """ "Type.field" -> requirement, for every served field that has a directive."""
    raw: dict[str, str] = json.loads(AUTH_FILE.read_text(encoding="utf-8"))
    parsed = {key: parse_directive(text) for key, text in raw.items()}
    return {key: req for key, req in parsed.items() if req is not None}


def holds(capabilities: Iterable[str], requirement: Requirement) -> bool:
    held = set(capabilities)
    if BYPASS in held:
        return True
    if not requirement.any_of:
        return True
    implied = held | {parent for name in held for parent in _parents(name)}
    if requirement.all_needed:
        return all(name in implied for name in requirement.any_of)
    return any(name in implied for name in requirement.any_of)


def _parents(name: str) -> list[str]:
    parts = name.split("_")
    return ["_".join(parts[:i]) for i in range(1, len(parts))]


def forbidden() -> GraphQLError:
    return GraphQLError(
        FORBIDDEN_MESSAGE,
        extensions={"code": "FORBIDDEN_ACCESS", "data": {"http_status": 403, "genre": "BUSINESS"}},
    )


def auth_required() -> GraphQLError:
    return GraphQLError(
        AUTH_REQUIRED_MESSAGE,
        extensions={"code": "AUTH_REQUIRED", "data": {"http_status": 401, "genre": "BUSINESS"}},
    )


def functional_error(message: str, **data: Any) -> GraphQLError:
    """OpenCTI's FunctionalError (a refused request: unknown id, bad input)."""
    return GraphQLError(
        message,
        extensions={
            "code": "FUNCTIONAL_ERROR",
            "data": {"http_status": 500, "genre": "BUSINESS", **data},
        },
    )


def already_deleted(ref: str) -> GraphQLError:
    """OpenCTI's AlreadyDeletedError: a delete of an id that is not (or no longer) there."""
    return GraphQLError(
        "Already deleted elements",
        extensions={
            "code": "ALREADY_DELETED_ERROR",
            "data": {"http_status": 500, "genre": "BUSINESS", "id": ref},
        },
    )
