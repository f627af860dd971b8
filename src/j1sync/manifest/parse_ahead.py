"""The quick road's parse of a run's files, shared with a second process.

Parsing YAML is most of what loading thousands of manifests costs, and Python runs it on
one core at a time, the same core the account's read and the manifests' checks need. So,
in the `j1sync` process only (`entry.own_process`: a program or test runner that calls
j1sync in-process gets no process it did not ask for), on Linux, before any
thread has started, a run of at least `MIN_FILES` files forks one helper process that
parses them with the quick road (`plain_yaml.plain_load_all`, the same function) from the
last file backwards, while the load parses them from the first forwards: where the two
meet, the load takes the helper's documents for the rest and the helper is stopped.

The helper also makes the run's scan (kind_scan.scan_manifests: the files found and read,
the kinds and systems they name), when it is forked before it (`scan_for`): the scan is
what the first request waits for besides the connection's imports, and the two then run
at once, the scan in the helper, the imports here. The scan comes back as the helper's
first message; a helper that sends none leaves the scan to this process. In a run of
`MIN_FILES` or more the files' bytes follow as a message of their own, taken when the
load asks for its first file: the first request waits for the scan only (at 20,000 files
the bytes are ~9.5 MB, ~30 ms to read and unpickle).

Nothing depends on the helper: the load only ever takes documents the helper has
delivered whole, in one contiguous run down from the last file, and parses any other file
itself, so a helper that is slow, dies or is never started changes the time only. The
helper writes nothing but its pipe, ignores Ctrl-C (the load's process handles it) and is
killed and reaped when the load ends, however it ends.
"""

from __future__ import annotations

import contextlib
import mmap
import os
import pickle
import select
import signal
import struct
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from j1sync.entry import own_process
from j1sync.manifest.discovery import Discovery, decoded
from j1sync.manifest.kind_scan import ManifestScan, scan_manifests
from j1sync.manifest.plain_yaml import HAVE_CLIB, PlainDocument, plain_load_all

MIN_FILES = 64  # fewer: forking costs more than the helper saves
# How long a scan made by the helper is waited for before this process imports what the
# likely systems' connections need meanwhile: a repository of a thousand files or so is
# scanned by then, and its run imports only what its own systems need (a run of xyOps
# manifests no JupiterOne client); a larger one's scan takes longer than the imports.
SCAN_WAIT_S = 0.02
_PIPE_BYTES = 1 << 20  # the pipe's room, and what one read takes from it
# The helper's work has slack (the load mostly ends before the read) and the read's does
# not: at 20,000 objects on 2 cores, nice 10 took 0.5-0.8 s off the plan's wall time.
_NICE = 10
_FRAME_FILES = 8  # files per message of the helper
_LENGTH = struct.Struct("<Q")  # a message's length, before it
_TAKEN = struct.Struct("<q")  # shared: the first file the load has not taken yet


# What `take` returns for a file the helper has not delivered: parse it here.
NOT_PARSED: Any = object()


def scan_for(
    paths: Sequence[str | Path], env: Mapping[str, str], meanwhile: Callable[[], object]
) -> ManifestScan:
    """The scan of the files under `paths` (kind_scan.scan_manifests), with the load's
    helper running when this run takes one (`discovery.ahead`; `end_for` stops it): where
    a helper may run, it is forked first and makes the scan while this process runs
    `meanwhile` (what the first request needs besides: the connection's imports) unless
    the scan comes within SCAN_WAIT_S. Call before any thread starts."""
    ahead = ParseAhead.start(None, {}, env, paths)
    if ahead is None:
        return scan_manifests(paths)
    try:
        if not ahead.ready(SCAN_WAIT_S):
            meanwhile()
        scanned = ahead.scanned()
    except BaseException:
        ahead.close()
        raise
    if scanned is None:  # the helper failed: the scan is made here (its errors raised)
        ahead.close()
        return scan_manifests(paths)
    if len(scanned.discovery.found) < MIN_FILES:
        ahead.close()  # (it has stopped: too few files to parse ahead)
    else:
        scanned.discovery.ahead = ahead
    return scanned


def start_for(discovery: Discovery, env: Mapping[str, str]) -> None:
    """Start the helper of the load of `discovery`'s files with `env`, when this run
    takes one (`ParseAhead.start`); call before any thread starts."""
    if discovery.ahead is None:
        discovery.ahead = ParseAhead.start(discovery.texts, discovery.contents, env)


def end_for(discovery: Discovery) -> None:
    """Stop and reap the helper of `discovery`'s load, if it has one."""
    ahead, discovery.ahead = discovery.ahead, None
    if ahead is not None:
        ahead.close()


class ParseAhead:
    """The helper process of one load: `take(index)` for each file in order."""

    def __init__(
        self, pid: int, reader: int, shared: mmap.mmap, count: int, env: Mapping[str, str]
    ) -> None:
        self.env = env  # what the helper resolves `${env:…}` against
        self._pid, self._reader, self._shared = pid, reader, shared
        self._buffer = bytearray()
        self._parsed: dict[int, Any] = {}
        self._lowest = count  # the helper has delivered every file from here to the last
        self._ended = False  # its pipe is closed: nothing more will come
        # the scan's Discovery, while the files' bytes the helper sends after it are not
        # taken yet (`_take_contents`)
        self._contents_for: Discovery | None = None

    @classmethod
    def start(
        cls,
        texts: Sequence[str] | None,
        contents: Mapping[str, bytes],
        env: Mapping[str, str],
        paths: Sequence[str | Path] = (),
    ) -> ParseAhead | None:
        """A helper parsing `texts` (the files' paths; `contents`: the bytes already read
        of some) from the last backwards, or None when this run takes none. With `texts`
        None, the helper first scans the files under `paths` and sends the scan
        (`scanned`), then parses the files it found."""
        if not (
            own_process()
            and HAVE_CLIB
            and (texts is None or len(texts) >= MIN_FILES)
            and sys.platform.startswith("linux")
            and threading.active_count() == 1  # forking a threaded process may deadlock
        ):
            return None
        import fcntl  # Linux only, as is what follows

        shared = mmap.mmap(-1, _TAKEN.size)  # shared with the helper: MAP_SHARED
        reader, writer = os.pipe()
        with contextlib.suppress(OSError):  # room for messages while the load is busy
            fcntl.fcntl(reader, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)  # (Linux's default: 64 KiB)
        try:
            pid = os.fork()
        except OSError:
            os.close(reader)
            os.close(writer)
            shared.close()
            return None
        if pid == 0:  # the helper
            os.close(reader)
            _helper(texts, contents, env, writer, shared, paths)  # never returns
        os.close(writer)
        if texts is not None:
            os.set_blocking(reader, False)
        return cls(pid, reader, shared, 0 if texts is None else len(texts), env)

    def ready(self, wait_s: float) -> bool:
        """Whether the helper has begun to send (or ended) within `wait_s`; asked before
        anything is read from it."""
        return bool(select.select([self._reader], [], [], wait_s)[0])

    def scanned(self) -> ManifestScan | None:
        """The helper's scan (its first message, when it was started to scan), waited for;
        None when it sent none (the scan failed, or the helper died). In a run of
        MIN_FILES or more its Discovery's `contents` come with the load's first `take`."""
        message = self._wait_message()
        if message is None:
            return None
        scanned: ManifestScan = pickle.loads(message)
        self._lowest = len(scanned.discovery.found)
        if self._lowest >= MIN_FILES:  # (fewer: the helper has stopped, `scan_for` closes it)
            self._contents_for = scanned.discovery
        return scanned

    def _wait_message(self) -> bytearray | None:
        """The next whole message, waited for; None when the helper sends no more."""
        while (message := self._next_message()) is None:
            try:
                chunk = os.read(self._reader, _PIPE_BYTES)
            except OSError:
                chunk = b""
            if not chunk:
                self._ended = True
                return None
            self._buffer += chunk
        return message

    def _take_contents(self) -> None:
        """The files' bytes the helper read for its scan, its second message, into the
        scan's Discovery (waited for: they come right after the scan). None came (the
        helper died): the load reads the files itself."""
        discovery, self._contents_for = self._contents_for, None
        if discovery is not None and not self._ended:
            message = self._wait_message()
            if message is not None:
                discovery.contents.update(pickle.loads(message))
        os.set_blocking(self._reader, False)

    def take(self, index: int) -> list[PlainDocument] | Any | None:
        """File `index`'s documents as `plain_load_all` gives them, when the helper has
        them; else NOT_PARSED, and the helper will not parse it (the load does). Files
        are taken in order, each once."""
        if self._contents_for is not None:
            self._take_contents()
        if index < self._lowest and not self._ended:
            _TAKEN.pack_into(self._shared, 0, index + 1)
            if index % _FRAME_FILES == 0:
                self._receive()
        if index >= self._lowest:
            return self._parsed.pop(index)
        return NOT_PARSED

    def _receive(self) -> None:
        """What the helper has sent so far, without waiting."""
        while True:
            try:
                chunk = os.read(self._reader, _PIPE_BYTES)
            except BlockingIOError:
                break
            except OSError:
                chunk = b""
            if not chunk:
                self._ended = True
                break
            self._buffer += chunk
        while (message := self._next_message()) is not None:
            for index, documents in pickle.loads(message):
                self._parsed[index] = documents
                self._lowest = min(self._lowest, index)

    def _next_message(self) -> bytearray | None:
        """The first whole message received and not yet taken, taken; None if none."""
        buffer = self._buffer
        if len(buffer) < _LENGTH.size:
            return None
        (size,) = _LENGTH.unpack_from(buffer, 0)
        if len(buffer) - _LENGTH.size < size:
            return None
        message = buffer[_LENGTH.size : _LENGTH.size + size]
        del buffer[: _LENGTH.size + size]
        return message

    def close(self) -> None:
        """Stop the helper, whatever it is doing, and reap it."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)
        os.close(self._reader)
        self._shared.close()
        self._parsed.clear()


def _helper(
    texts: Sequence[str] | None,
    contents: Mapping[str, bytes],
    env: Mapping[str, str],
    writer: int,
    shared: mmap.mmap,
    paths: Sequence[str | Path],
) -> None:
    """The helper process: with `texts` None, first scan the files under `paths` and send
    the scan; then parse from the last file backwards until the load has taken the next
    one, sending each `_FRAME_FILES` files' documents; then leave at once (no exit
    handlers: they are the load's process's)."""
    try:  # any failure: the load parses what was not delivered (scans, if no scan came)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if texts is None:  # the scan, as soon as may be: the first request waits for it
            scanned = scan_manifests(paths)
            texts, contents = scanned.discovery.texts, scanned.discovery.contents
            if len(texts) < MIN_FILES:
                _send(writer, scanned)
                return
            scanned.discovery.contents = {}  # sent next: the scan is waited for alone
            _send(writer, scanned)
            _send(writer, contents)
        with contextlib.suppress(OSError):  # the read (and a local emulator) go first
            os.nice(_NICE)
        batch: list[tuple[int, Any]] = []
        for index in range(len(texts) - 1, -1, -1):
            (taken,) = _TAKEN.unpack_from(shared, 0)
            if index < taken:
                break
            text = texts[index]
            data = contents.get(text)
            try:
                documents = plain_load_all(
                    decoded(data if data is not None else Path(text).read_bytes()), env
                )
            except (OSError, UnicodeDecodeError):
                break  # the load reads it and reports the problem; the rest is its too
            batch.append((index, documents))
            if len(batch) == _FRAME_FILES:
                _send(writer, batch)
                batch = []
        if batch:
            _send(writer, batch)
    finally:
        os._exit(0)


def _send(writer: int, content: object) -> None:
    message = pickle.dumps(content, protocol=pickle.HIGHEST_PROTOCOL)
    data = memoryview(_LENGTH.pack(len(message)) + message)
    while data:
        data = data[os.write(writer, data) :]
