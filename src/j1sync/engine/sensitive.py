"""Values that came from `${env:NAME}`: masked in every plan, re-resolved at apply.

The loader hands over `resolved string -> template` ("Bearer s3cr3t" -> "Bearer
${env:HOOK_TOKEN}"). From each pair we also recover the variable's own value, so a
normalized state that holds the secret inside other text is masked as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from j1sync.engine.paths import PathPart, format_path
from j1sync.errors import ConfigError

MASK = "(sensitive)"

ENV_REFERENCE = re.compile(r"\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}")

# A bare variable value shorter than this is not hunted for inside other strings: masking
# every "1" or "on" in a plan would hide real changes and reveal nothing useful.
MIN_BARE_SECRET_LENGTH = 4


@dataclass(frozen=True)
class Secrets:
    """Longest first: `secret text -> the text with ${env:…} in its place`."""

    replacements: tuple[tuple[str, str], ...]

    @classmethod
    def from_sensitive(cls, sensitive: Mapping[str, str]) -> Secrets:
        pairs: dict[str, str] = {}
        for resolved, template in sensitive.items():
            if resolved:
                pairs[resolved] = template
            for name, value in _variable_values(resolved, template).items():
                if len(value) >= MIN_BARE_SECRET_LENGTH:
                    pairs.setdefault(value, f"${{env:{name}}}")
        ordered = sorted(pairs.items(), key=lambda kv: len(kv[0]), reverse=True)
        return cls(tuple(ordered))

    def template_for(self, text: str) -> str | None:
        """The unresolved form of `text`, or None when it holds no secret."""
        hit = False
        for secret, template in self.replacements:
            if secret in text:
                text = text.replace(secret, template)
                hit = True
        return text if hit else None


def _variable_values(resolved: str, template: str) -> dict[str, str]:
    """Recover NAME -> value by matching the template's literal text against `resolved`."""
    pattern: list[str] = []
    seen: set[str] = set()
    pos = 0
    for ref in ENV_REFERENCE.finditer(template):
        pattern.append(re.escape(template[pos : ref.start()]))
        name = ref.group(1)
        pattern.append(f"(?P={name})" if name in seen else f"(?P<{name}>.*?)")
        seen.add(name)
        pos = ref.end()
    pattern.append(re.escape(template[pos:]))
    match = re.fullmatch("".join(pattern), resolved, flags=re.DOTALL)
    return dict(match.groupdict()) if match else {}


def mask_state(state: Any, secrets: Secrets) -> tuple[Any, dict[str, str]]:
    """`state` with secret-bearing strings replaced by MASK (a copy when there is anything
    to mask; plan states are never mutated afterwards), and path -> template."""
    if not secrets.replacements:
        return state, {}
    templates: dict[str, str] = {}

    def walk(node: Any, parts: list[PathPart]) -> Any:
        if isinstance(node, dict):
            return {k: walk(v, [*parts, k]) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v, [*parts, i]) for i, v in enumerate(node)]
        if isinstance(node, str):
            template = secrets.template_for(node)
            if template is not None:
                templates[format_path(parts)] = template
                return MASK
        return node

    return walk(state, []), templates


def missing_variables(template: str, env: Mapping[str, str]) -> list[str]:
    return [name for name in ENV_REFERENCE.findall(template) if name not in env]


def resolve_template(template: str, env: Mapping[str, str]) -> str:
    """Put the environment's values into `${env:NAME}` references; unset is an error."""
    missing = missing_variables(template, env)
    if missing:
        raise ConfigError(f"environment variable {missing[0]} is not set")
    return ENV_REFERENCE.sub(lambda ref: env[ref.group(1)], template)
