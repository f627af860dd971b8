"""Reading the files `j1sync github` is handed (the event payload, a report) with a cap.

Read whole, /dev/zero, a FIFO or a runaway file grew memory until the process was killed
(or ended as "internal error: MemoryError"). Like j1sync.yaml's MAX_PROJECT_FILE_BYTES,
each kind of file has a named limit, and the message carries the numbers; here the read
itself stops one byte past it, so a file that is not a regular file (whose size stat
cannot tell) is refused too.
"""

from __future__ import annotations

from pathlib import Path

from j1sync.errors import ConfigError

MIB = 1 << 20

# GitHub caps a webhook's payload at 25 MB (larger events are not delivered); the file an
# Actions job reads in GITHUB_EVENT_PATH is that payload.
MAX_EVENT_FILE_BYTES = 32 * MIB

# A report is read whole and then shortened to what GitHub shows (body.truncate_body:
# 65,536 characters for a comment or issue, 500,000 for the job summary), so a plan of
# tens of thousands of changes still posts, folded; beyond this it is no report.
MAX_BODY_FILE_BYTES = 64 * MIB


def read_capped_text(path: Path, what: str, max_bytes: int) -> str:
    """The UTF-8 text of `path`, `what` naming it in messages ("--body-file"); a
    ConfigError, one line naming the file and the limit, when it holds more than
    `max_bytes` bytes, cannot be read or is not UTF-8."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise ConfigError(f"cannot read {what} {path}: {exc.strerror or exc}") from exc
    if len(data) > max_bytes:
        raise ConfigError(f"{what} {path} is over its limit of {max_bytes // MIB} MiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"cannot read {what} {path}: not UTF-8 text (byte {exc.start + 1} is "
            f"0x{data[exc.start]:02x})"
        ) from exc
    # line ends as reading in text mode (Path.read_text) gave them
    return text.replace("\r\n", "\n").replace("\r", "\n")
