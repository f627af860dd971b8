"""The emulator's state: JSON objects per collection in one SQLite database.

One row per object, ordered by an insertion sequence so that cursor pagination stays
stable while objects are created and deleted. Every call takes the one lock, so the
store is safe to share between the HTTP server's threads.

Listings come from a write-through cache of decoded objects per collection: decoding a
whole collection on every page or name lookup made a 10,000-object account quadratic
(minutes to seed, seconds of CPU per page). `get()` still returns a fresh object.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import IO, Any

from j1sync.errors import ConfigError

JsonObject = dict[str, Any]

MEMORY = ":memory:"  # a store kept in memory (no file, no process lock)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (collection, id)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""
# The tables (and their columns) of an emulator's database, SQLite's own besides
_TABLES = {
    "objects": {"seq", "collection", "id", "body"},
    "meta": {"key", "value"},
    "sqlite_sequence": {"name", "seq"},
}
CREATED_KEY = "created"  # meta: the database was seeded (a restart does not seed it again)
SYSTEM_KEY = "system"  # meta: the title of the system whose emulator seeded the database
# meta: how that emulator kept its objects (its `layout`); none recorded: 1, the first
LAYOUT_KEY = "layout"


class Store:
    """Objects by (collection, id); `path` is a file name or ":memory:"."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.lock = threading.RLock()
        # collection -> id -> (seq, object), in seq order (dicts keep insertion order)
        self._cache: dict[str, dict[str, tuple[int, JsonObject]]] = {}
        self.writes = 0  # objects inserted, replaced or deleted since the store was opened
        try:
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            with self.lock:
                # Test state: no fsync per write (one per statement made a file-backed
                # emulator ~10x slower: 34 against 233 creates a second). An OS crash may
                # lose the last writes; the serving process's own view never differs.
                self._db.execute("PRAGMA synchronous = OFF")
                refuse_foreign(self._db, path)
                self._db.executescript(_SCHEMA)
                self.is_new = self.get_meta(CREATED_KEY) is None
                if not self.is_new:
                    _refuse_damaged(self._db, path)
        except sqlite3.Error as exc:
            raise StateFileError(_unusable(path, exc)) from exc
        except StateFileError:  # another program's database, or objects edited by hand
            self._db.close()
            raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """What the block stores, all of it or none: a block that raises (a Ctrl-C) is
        rolled back, one the process dies in is rolled back by SQLite on the next open."""
        with self.lock:
            self._db.execute("BEGIN")
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                self._cache.clear()  # it may hold what was rolled back
                raise
            self._db.execute("COMMIT")

    def mark_initialized(self, system: str, layout: int) -> None:
        """Record that `system`'s emulator (its title) seeded the account, keeping its
        objects as its `layout` says, so a restart does not seed it again and another
        system's emulator, or another layout's, refuses it (`check_system`)."""
        self.set_meta(SYSTEM_KEY, system)
        self.set_meta(LAYOUT_KEY, str(layout))
        self.set_meta(CREATED_KEY, "1")

    def check_system(self, system: str, layout: int) -> None:
        """A StateFileError when another system's emulator seeded this database (one made
        before the system was recorded passes), or a j1sync whose emulator kept its
        objects another way (an older or newer `layout`): read as it is, such a database
        answers wrongly, without a word."""
        holder = self.get_meta(SYSTEM_KEY)
        if holder is not None and holder != system:
            raise StateFileError(
                f"emulator database {self.path} holds the {holder} emulator's state, not "
                f"{system}'s; give each system's emulator a --db of its own"
            )
        kept = self.get_meta(LAYOUT_KEY) or "1"
        if kept != str(layout):
            which = "an older" if kept.isdigit() and int(kept) < layout else "another"
            raise StateFileError(
                f"emulator database {self.path} was written by {which} version of j1sync, "
                f"whose {system} emulator kept its objects another way; "
                f"`j1sync emulator reset --db {self.path}` starts it over (its state is lost)"
            )

    def close(self) -> None:
        with self.lock:
            self._db.close()

    def get_meta(self, key: str) -> str | None:
        with self.lock:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self.lock:
            self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def insert(self, collection: str, obj: JsonObject) -> None:
        body = json.dumps(obj)
        with self.lock:
            self.writes += 1
            cursor = self._db.execute(
                "INSERT INTO objects (collection, id, body) VALUES (?, ?, ?)",
                (collection, str(obj["id"]), body),
            )
            cached = self._cache.get(collection)
            if cached is not None and cursor.lastrowid is not None:
                cached[str(obj["id"])] = (cursor.lastrowid, _load(body))

    def replace(self, collection: str, obj: JsonObject) -> None:
        """Overwrite an existing object in place (keeps its position in listings)."""
        body = json.dumps(obj)
        with self.lock:
            self.writes += 1
            self._db.execute(
                "UPDATE objects SET body = ? WHERE collection = ? AND id = ?",
                (body, collection, str(obj["id"])),
            )
            cached = self._cache.get(collection)
            if cached is not None and str(obj["id"]) in cached:
                cached[str(obj["id"])] = (cached[str(obj["id"])][0], _load(body))

    def get(self, collection: str, object_id: str) -> JsonObject | None:
        with self.lock:
            row = self._db.execute(
                "SELECT body FROM objects WHERE collection = ? AND id = ?", (collection, object_id)
            ).fetchone()
        return None if row is None else _load(row[0])

    def delete(self, collection: str, object_id: str) -> bool:
        with self.lock:
            self.writes += 1
            cursor = self._db.execute(
                "DELETE FROM objects WHERE collection = ? AND id = ?", (collection, object_id)
            )
            self._cache.get(collection, {}).pop(object_id, None)
            return cursor.rowcount > 0

    def list_with_seq(self, collection: str) -> list[tuple[int, JsonObject]]:
        """Every object of a collection with its insertion sequence, oldest first.

        The objects are the cache's own: read them, copy before changing anything."""
        with self.lock:
            cached = self._cache.get(collection)
            if cached is None:
                rows = self._db.execute(
                    "SELECT seq, id, body FROM objects WHERE collection = ? ORDER BY seq",
                    (collection,),
                ).fetchall()
                cached = {str(id_): (int(seq), _load(body)) for seq, id_, body in rows}
                self._cache[collection] = cached
            return list(cached.values())

    def objects(self, collection: str) -> list[JsonObject]:
        return [obj for _, obj in self.list_with_seq(collection)]

    def snapshot(self) -> dict[str, list[JsonObject]]:
        """Every stored object per collection, exactly as stored."""
        with self.lock:
            rows = self._db.execute("SELECT collection, body FROM objects ORDER BY seq").fetchall()
        result: dict[str, list[JsonObject]] = {}
        for collection, body in rows:
            result.setdefault(str(collection), []).append(_load(body))
        return result


class StateFileError(ConfigError):
    """The emulator's database file cannot be opened or is not one."""


class ForeignDatabase(StateFileError):
    """The file is another program's SQLite database: never written, nor deleted by reset."""


# What SQLite may keep beside a database file, by suffix: its journal (a hot one, left by
# a crash, is rolled back into the next database of that name), write-ahead log, memory
SQLITE_SIDE_FILES = ("-journal", "-wal", "-shm")

SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file


def may_start_over(path: Path) -> bool:
    """Whether `emulator reset` may delete this unusable file: a damaged SQLite file, or
    any file in j1sync's own state folder (.j1sync/). Any other file given to --db (a
    seed, a manifest, a document, by mistake) is the user's: never deleted, nor is its
    deletion advised."""
    from j1sync.connection import EMULATOR_FOLDER

    if path.parent.name == EMULATOR_FOLDER.name:
        return True
    try:
        with path.open("rb") as file:
            return file.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False


def _unusable(path: str, exc: sqlite3.Error) -> str:
    """One line naming the file, what is wrong with it and how to start over."""
    file = Path(path)
    reset = f"j1sync emulator reset --db {path}"
    if file.is_dir():
        return f"emulator database {path} is a folder, not a database file; remove it"
    if "not a database" in str(exc) or "malformed" in str(exc):
        if not may_start_over(file):
            return (
                f"emulator database {path} is not a database file (no SQLite header): --db "
                "names the file the emulator keeps its state in, which it makes; give a path "
                "that holds nothing yet (or leave --db out), --seed the file to start from"
            )
        return (
            f"emulator database {path} is not a j1sync emulator database (corrupt?): "
            f"`{reset}` deletes it and starts over"
        )
    if "locked" in str(exc):
        return f"emulator database {path} is locked by another process (another emulator?)"
    if file.exists() and not os.access(file, os.R_OK | os.W_OK):
        return f"emulator database {path} cannot be read and written (permissions)"
    return f"emulator database {path} cannot be used: {exc}"


def refuse_foreign(db: sqlite3.Connection, path: str) -> None:
    """ForeignDatabase when `db` (at `path`) is another program's SQLite database (tables,
    or columns, an emulator's has not): an emulator would add its tables to it, or fail on
    the first object it stores, and `emulator reset` would delete it."""
    tables = [
        str(name) for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    for table in tables:
        columns = {str(row[1]) for row in db.execute(f'PRAGMA table_info("{table}")')}
        if table not in _TABLES or not columns <= _TABLES[table]:
            raise ForeignDatabase(
                f"emulator database {path} is another program's SQLite database (its table "
                f"{table!r} is not an emulator's); give the emulator a --db of its own"
            )


def _refuse_damaged(db: sqlite3.Connection, path: str) -> None:
    """A StateFileError naming the first stored object that is not a JSON object (the
    database edited by hand): every read of its collection failed, in JSON's words, as an
    error of the API ("Expecting property name enclosed in double quotes")."""
    try:
        found = db.execute(
            "SELECT collection, id FROM objects WHERE CASE WHEN json_valid(body) "
            "THEN json_type(body) != 'object' ELSE 1 END LIMIT 1"
        ).fetchone()
    except sqlite3.OperationalError as exc:
        if "no such function" in str(exc):  # an SQLite without JSON functions: unchecked
            return
        raise
    if found is not None:
        raise StateFileError(
            f"emulator database {path}: its {found[0]} object {found[1]} is not a JSON "
            f"object (edited by hand?); `j1sync emulator reset --db {path}` deletes the "
            "database and starts over"
        )


def was_seeded(path: str) -> bool:
    """Whether `path` is an emulator database seeded before: a start keeps its state, and
    a seed given then is not applied. Read only; anything unreadable is not."""
    if not Path(path).is_file():
        return False
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        with closing(sqlite3.connect(uri, uri=True)) as db:
            found = db.execute("SELECT 1 FROM meta WHERE key = ?", (CREATED_KEY,)).fetchone()
    except sqlite3.Error:
        return False
    return found is not None


def _load(body: str) -> JsonObject:
    loaded: JsonObject = json.loads(body)
    return loaded


class DatabaseInUse(StateFileError):
    """Another process holds the same emulator database: `holder` is what it is (one of
    HOLDERS, None when its lock file does not say), `pid` its process id."""

    def __init__(self, message: str, *, held: str, pid: str | None, holder: str | None) -> None:
        super().__init__(message)
        self.held = held  # the message's first part: whose, without what to do
        self.pid, self.holder = pid, holder


# What holds an emulator database, as its lock file says (after the pid, on its own line)
SERVING = "emulator serve"  # serves it until stopped: never waited for
RUNNING = "--emulator run"  # a plan, apply, drift or export: done within minutes
RESETTING = "emulator reset"  # deletes it, at once
HOLDERS = (SERVING, RUNNING, RESETTING)
# How long a `--emulator` run waits for another run (or a reset) to be done with the
# database before it gives up; and how often it looks again meanwhile.
DB_WAIT_LIMIT_S = 300.0
DB_WAIT_POLL_S = 0.1
# A lock file removed while it was being opened is opened again, this many times at most
_REPLACED_TRIES = 10


class _Busy(Exception):
    """The lock file is locked by another process (or was replaced while being locked)."""


class ProcessLock:
    """One process at a time per emulator database file (`<db>.lock`, holding the pid and
    what the process is: `holder`, one of HOLDERS; by default a run when it `wait`s, else a
    server).

    Each emulator process keeps a write-through cache of the file: two processes on one
    file would each miss the other's writes (a seed applied twice, an apply lock both
    think they hold). `wait`: while another run or a reset holds it, wait for it (after
    saying so on stderr) up to DB_WAIT_LIMIT_S; one held by `emulator serve`, which only
    Ctrl-C ends, fails at once. Without `wait`, any holder fails at once. Either way the
    failure is a DatabaseInUse naming the holder.

    The lock file may be removed by its holder (`emulator reset`, `remove_file`): a lock
    is only taken on the file the path still names, so a process that opened the removed
    file never holds the database beside a process that made a new one.
    A lock on a file that cannot be locked (no fcntl: not POSIX) is not taken."""

    def __init__(
        self,
        db: str,
        *,
        wait: bool,
        holder: str | None = None,
        wait_limit_s: float = DB_WAIT_LIMIT_S,
    ) -> None:
        self._file: IO[str] | None = None
        self._db = db
        self.path = Path(f"{db}.lock")
        try:
            import fcntl  # noqa: F401 - POSIX only
        except ImportError:  # pragma: no cover - not POSIX
            return
        role = holder or (RUNNING if wait else SERVING)
        if not wait:
            self._file = self._take()
        else:
            self._file = self._wait_and_take(wait_limit_s)
        self._file.seek(0)
        self._file.truncate()
        self._file.write(f"{os.getpid()}\n{role}\n")
        self._file.flush()

    def _take(self) -> IO[str]:
        """The lock file, opened and locked; DatabaseInUse when another process holds it."""
        try:
            return self._try_take()
        except _Busy:
            raise self._in_use() from None

    def _wait_and_take(self, limit_s: float) -> IO[str]:
        """As `_take`, waiting up to `limit_s` for a holder that is not a server; Ctrl-C
        ends the wait (KeyboardInterrupt)."""
        from tenacity import Retrying, retry_if_exception_type, stop_after_delay, wait_fixed

        said: list[bool] = []

        def still_waiting() -> IO[str]:
            try:
                return self._try_take()
            except _Busy:
                pid, holder = _holder(self.path)
                if holder == SERVING:
                    raise self._in_use() from None
                if not said:
                    said.append(True)
                    logging.getLogger("j1sync").warning(
                        "waiting (at most %s s): emulator database %s is in use by another "
                        "j1sync process%s",
                        f"{limit_s:g}",
                        self._db,
                        _described(pid, holder),
                    )
                raise

        retrying = Retrying(
            retry=retry_if_exception_type(_Busy),
            stop=stop_after_delay(limit_s),
            wait=wait_fixed(DB_WAIT_POLL_S),
            reraise=True,
        )
        try:
            return retrying(still_waiting)
        except _Busy:
            raise self._in_use(waited_s=limit_s) from None

    def _try_take(self) -> IO[str]:
        """The lock file, opened and locked without waiting (_Busy when another process
        holds it). One removed by its holder while being opened here is not the lock any
        more: the file the path names now is opened instead."""
        import fcntl

        for _ in range(_REPLACED_TRIES):
            try:
                handle = self.path.open("a+", encoding="utf-8")
            except OSError as exc:
                reason = f"emulator database {self._db}: cannot open {self.path}: {exc.strerror}"
                raise StateFileError(reason) from exc
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                handle.close()
                raise _Busy from None
            except BaseException:
                handle.close()
                raise
            if _names(self.path, handle):
                return handle
            handle.close()
        raise _Busy

    def _in_use(self, waited_s: float | None = None) -> DatabaseInUse:
        pid, holder = _holder(self.path)
        held = f"emulator database {self._db} is in use by another j1sync process"
        held += _described(pid, holder)
        if holder == SERVING:
            held += ", which holds it until it is stopped"
            remedy = "stop it, or use another --db"
        elif waited_s is not None:
            held += f", still after {waited_s:g} s"
            remedy = "wait for it to end (or stop it), then run again"
        else:
            remedy = "stop it, or use another --db"
        return DatabaseInUse(f"{held}; {remedy}", held=held, pid=pid, holder=holder)

    def remove_file(self) -> None:
        """Remove the lock file, held (so no process holds the database meanwhile): the
        next process makes a new one (`emulator reset`, a start that leaves nothing)."""
        if self._file is not None:
            self.path.unlink(missing_ok=True)

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases the lock
            self._file = None


def _names(path: Path, handle: IO[str]) -> bool:
    """Whether `path` still names the file `handle` has open."""
    try:
        return os.path.samestat(os.fstat(handle.fileno()), os.stat(path))
    except OSError:
        return False


def _holder(path: Path) -> tuple[str | None, str | None]:
    """The pid and what it is (HOLDERS), as the lock file says; None for what it does not
    (a lock file another j1sync wrote holds the pid alone)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None, None
    pid = lines[0].strip() if lines and lines[0].strip().isdigit() else None
    holder = lines[1].strip() if len(lines) > 1 and lines[1].strip() in HOLDERS else None
    return pid, holder


def _described(pid: str | None, holder: str | None) -> str:
    """ " (pid N), `j1sync emulator serve`", or what of it is known."""
    said = f" (pid {pid})" if pid else ""
    if holder == RUNNING:
        return f"{said}, a --emulator run"
    return f"{said}, `j1sync {holder}`" if holder else said
