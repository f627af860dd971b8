"""`${env:NAME}`: how a manifest names an environment variable, for every part of j1sync
that resolves, finds or masks one."""

from __future__ import annotations

import re
from collections.abc import Mapping

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"

ENV_NAME = re.compile(rf"^{_NAME}$")
# Any reference, its name well-formed or not (the loader reports the malformed ones).
ENV_REFERENCE = re.compile(r"\$\{env:([^}]*)\}")
# A reference whose name is well-formed: what a loaded manifest's templates hold.
VALID_ENV_REFERENCE = re.compile(rf"\$\{{env:({_NAME})\}}")

# Text without it holds no reference: the loaders' quick test before the pattern.
ENV_MARKER = "${env:"


def has_value(name: str, env: Mapping[str, str]) -> bool:
    """`${env:NAME}` can be resolved: NAME is set, and not to an empty string. An empty
    value counts as unset: `${env:}` values are secrets, and a CI secret that is not
    defined (GitHub Actions' `${{ secrets.X }}`) expands to an empty string, which
    written to the account would replace the real secret with nothing."""
    return bool(env.get(name))


def unset_problem(name: str, env: Mapping[str, str]) -> str:
    """What a reference to `name` that has no value (`has_value`) is told."""
    if name in env:
        return f"environment variable {name} is set but empty"
    return f"environment variable {name} is not set"


def env_template(name: str) -> str:
    """The reference to variable `name`, as a manifest writes it: `${env:NAME}`."""
    return f"{ENV_MARKER}{name}}}"
