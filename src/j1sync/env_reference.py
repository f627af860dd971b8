"""`${env:NAME}`: how a manifest names an environment variable, for every part of j1sync
that resolves, finds or masks one."""

from __future__ import annotations

import re

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"

ENV_NAME = re.compile(rf"^{_NAME}$")
# Any reference, its name well-formed or not (the loader reports the malformed ones).
ENV_REFERENCE = re.compile(r"\$\{env:([^}]*)\}")
# A reference whose name is well-formed: what a loaded manifest's templates hold.
VALID_ENV_REFERENCE = re.compile(rf"\$\{{env:({_NAME})\}}")

# Text without it holds no reference: the loaders' quick test before the pattern.
ENV_MARKER = "${env:"


def env_template(name: str) -> str:
    """The reference to variable `name`, as a manifest writes it: `${env:NAME}`."""
    return f"{ENV_MARKER}{name}}}"
