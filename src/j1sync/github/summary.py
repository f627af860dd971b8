"""The job summary: Markdown appended to the file GitHub names in $GITHUB_STEP_SUMMARY."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

from j1sync.errors import ConfigError
from j1sync.github.body import MAX_SUMMARY_BYTES, MAX_SUMMARY_CHARS, truncate_body


def as_code_block(text: str) -> str:
    """Fence plain-text output (e.g. `apply`'s outcomes) so Markdown keeps its columns.
    The fence is longer than any run of backticks inside, so it cannot be closed early."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}text\n{text.rstrip()}\n{fence}\n"


def append_step_summary(
    body: str, env: Mapping[str, str] | None = None, code_block: bool = False
) -> Path:
    """Append `body` (and a blank line, so the next step's Markdown starts a new block)."""
    env = os.environ if env is None else env
    if code_block:
        body = as_code_block(body)
    target = env.get("GITHUB_STEP_SUMMARY", "").strip()  # blank is unset, not a file " "
    if not target:
        raise ConfigError("GITHUB_STEP_SUMMARY is not set: `summary` runs inside GitHub Actions")
    path = Path(target)
    try:
        with path.open("a", encoding="utf-8") as handle:
            # what the step's summary holds already counts towards its 1 MiB
            held = handle.tell()
            room = MAX_SUMMARY_BYTES - held - len("\n\n")
            written = f", of which the step's summary held {held:,} already" if held else ""
            try:
                text = truncate_body(
                    body,
                    limit=MAX_SUMMARY_CHARS,
                    max_bytes=room,
                    elsewhere="The full report is in the workflow run's log.",
                    chars_rule=f"j1sync puts at most {MAX_SUMMARY_CHARS:,} of a report "
                    "in a job summary",
                    bytes_rule=f"GitHub allows {MAX_SUMMARY_BYTES:,} in a step's job "
                    f"summary{written}",
                )
            except ValueError:
                raise ConfigError(
                    f"the job summary {path} already holds {handle.tell():,} bytes: GitHub "
                    f"shows none of a step's summary over {MAX_SUMMARY_BYTES:,}"
                ) from None
            handle.write(text if text.endswith("\n") else text + "\n")
            handle.write("\n")
    except OSError as exc:
        raise ConfigError(f"cannot append to the job summary {path}: {exc}") from exc
    return path
