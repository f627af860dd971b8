"""A cursor-paged read against the emulator: its pages come in order, each asked once; a
page that fails ends the read with that request's own error; `abandon()` ends it at the
next page instead of letting it run to the last. The same with each page handed over as it
comes (`collect`'s each_page, `AlertRules.read_raw`'s): in order, on a thread of its own,
what the handler keeps kept, a handler's error ending the read."""

from __future__ import annotations

import re
import socket
import threading
import time
from typing import Any

import pytest
from benchmarks.accounts import Split, generated_account

from j1sync.errors import ApiError, RetryBudgetExceeded
from j1sync.http.session import pooled_session, signalling_sends
from j1sync.providers.jupiterone import client as client_module
from j1sync.providers.jupiterone.alert_rules import AlertRules
from j1sync.providers.jupiterone.client import PageHandler
from j1sync.providers.jupiterone.emulator import running_emulator
from j1sync.providers.jupiterone.questions import LIST_QUESTIONS
from tests.http_servers import QuietHandler, serving
from tests.providers.conftest import API_KEY, fast_client

QUERY = {"queries": [{"query": "Find User"}]}
QUESTIONS = {"questions": [{"title": f"t{i:02d}", "name": f"q{i:02d}", **QUERY} for i in range(10)]}
PATH = ("questions",)


def _names(pages: list[dict[str, Any]]) -> list[list[str]]:
    return [[q["name"] for q in page["questions"]] for page in pages]


def test_pages_come_in_order_each_asked_once() -> None:
    with running_emulator(seed=QUESTIONS, api_key=API_KEY, page_size=3) as emu:
        client = fast_client(emu)
        pages = list(client.paginate("graphql", LIST_QUESTIONS, {"limit": 100}, PATH))
        assert _names(pages) == [
            ["q00", "q01", "q02"],
            ["q03", "q04", "q05"],
            ["q06", "q07", "q08"],
            ["q09"],
        ]
        assert client.requests_sent == 4
        items = client.collect("graphql", LIST_QUESTIONS, {"limit": 100}, PATH, "questions")
        assert [q["name"] for q in items] == [f"q{i:02d}" for i in range(10)]
        assert client.requests_sent == 8


def test_a_failing_page_ends_the_read_with_its_own_error() -> None:
    with running_emulator(seed=QUESTIONS, api_key=API_KEY, page_size=3) as emu:
        client = fast_client(emu, retry_budget_s=0.3)
        # The first page is answered; every request after it fails (HTTP 503).
        emu.switches.after_field("questions", lambda: setattr(emu.switches, "fail_rate", 1.0))
        pages = client.paginate("graphql", LIST_QUESTIONS, {"limit": 100}, PATH)
        assert _names([next(pages)]) == [["q00", "q01", "q02"]]
        with pytest.raises(RetryBudgetExceeded) as raised:
            next(pages)
        # That request's own words: the budget spent on it, its last answer, its name.
        assert re.match(
            r"JupiterOne API: gave up after \d+ attempts in \d+\.\d s \(0\.3 s retry budget"
            r"(, the next wait beyond it)?\): JupiterOne API server error \(HTTP 503\) "
            r"\(J1SyncListQuestions; ",
            str(raised.value),
        )
        sent = client.requests_sent
        with pytest.raises(StopIteration):
            next(pages)  # the read is over: nothing more is asked
        assert client.requests_sent == sent


@pytest.mark.parametrize("each_page", [None, list], ids=["whole", "handed-over"])
def test_abandon_ends_a_read_at_the_next_page(each_page: PageHandler | None) -> None:
    with running_emulator(seed=QUESTIONS, api_key=API_KEY, page_size=1, latency_ms=100) as emu:
        client = fast_client(emu)
        outcome: list[BaseException | list[dict[str, Any]]] = []

        def read() -> None:
            try:
                vars = {"limit": 100}
                kept = client.collect("graphql", LIST_QUESTIONS, vars, PATH, "questions", each_page)
                outcome.append(kept)
            except ApiError as exc:
                outcome.append(exc)

        reader = threading.Thread(target=read)
        reader.start()
        while client.requests_sent < 2:  # the first page is in, the second asked
            time.sleep(0.01)
        abandoned = time.monotonic()
        client.abandon()
        reader.join(timeout=5)
        assert not reader.is_alive()
        assert time.monotonic() - abandoned < 1.0  # ten pages take ~1 s at 100 ms each
        (error,) = outcome
        assert isinstance(error, ApiError)
        assert str(error) == "JupiterOne API (graphql): request abandoned"
        assert client.requests_sent <= 3
        assert not [t for t in threading.enumerate() if t.name == "j1sync-pages"]


# -- pages handed over as they come (collect's each_page) ------------------------------


def test_each_page_is_handed_over_in_order_while_the_next_is_read() -> None:
    with running_emulator(seed=QUESTIONS, api_key=API_KEY, page_size=3, latency_ms=50) as emu:
        client = fast_client(emu)
        handed: list[tuple[list[str], str, int]] = []

        def each_page(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            time.sleep(0.02)  # while the next page is on its way
            name = threading.current_thread().name
            handed.append(([q["name"] for q in items], name, client.requests_sent))
            return items[:2]  # what is kept

        items = client.collect(
            "graphql", LIST_QUESTIONS, {"limit": 100}, PATH, "questions", each_page
        )
        assert [names for names, _, _ in handed] == [
            ["q00", "q01", "q02"],
            ["q03", "q04", "q05"],
            ["q06", "q07", "q08"],
            ["q09"],
        ]
        assert [q["name"] for q in items] == ["q00", "q01", "q03", "q04", "q06", "q07", "q09"]
        assert {thread for _, thread, _ in handed} == {"j1sync-pages"}  # not the reader
        # the first page was handled while the second was asked for (or already in)
        assert handed[0][2] >= 2
        assert client.requests_sent == 4  # each page asked once, as without a handler


def test_a_page_is_handled_once_the_next_pages_request_is_sent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # the next request on the wire first (the handler would hold the interpreter lock
    # while it is sent), however long it takes to send; the last page at once, no
    # request following it
    monkeypatch.setattr(client_module, "PAGE_WAIT_S", 30.0)  # never the reason here
    with running_emulator(seed=QUESTIONS, api_key=API_KEY, page_size=3) as emu:
        client = fast_client(emu)
        adapter = client._session.get_adapter(emu.url)
        send = adapter.send
        sent_at: list[float] = []

        def slow_send(*args: Any, **kwargs: Any) -> Any:
            time.sleep(0.2)  # a request slow to leave (a busy machine)
            sent_at.append(time.monotonic())
            return send(*args, **kwargs)

        monkeypatch.setattr(adapter, "send", slow_send)
        handled_at: list[float] = []

        def each_page(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            handled_at.append(time.monotonic())
            return items

        started = time.monotonic()
        client.collect("graphql", LIST_QUESTIONS, {"limit": 100}, PATH, "questions", each_page)
        assert time.monotonic() - started < 10  # the last page did not wait PAGE_WAIT_S
        assert len(sent_at) == len(handled_at) == 4
        for page in range(3):  # each page handled after the next page's request left
            assert handled_at[page] > sent_at[page + 1]


def test_sends_are_signalled_once_on_the_wire_before_the_answer() -> None:
    arrived, release = threading.Event(), threading.Event()

    class Slow(QuietHandler):
        def do_POST(self) -> None:
            self.read_body()
            arrived.set()
            release.wait(10)
            self.answer(200, b"{}")

    sent = threading.Event()
    with serving(Slow) as url:
        session = pooled_session(1)
        answered: list[int] = []

        def send() -> None:
            with signalling_sends(sent):
                answered.append(session.post(url, data=b"x", timeout=10).status_code)

        thread = threading.Thread(target=send)
        thread.start()
        assert sent.wait(10)  # set while the answer is still held back
        assert arrived.wait(10)
        assert not answered
        release.set()
        thread.join(10)
        assert answered == [200]
        sent.clear()  # outside the block: a request sets nothing
        assert session.post(url, data=b"x", timeout=10).status_code == 200
        assert not sent.is_set()
        session.close()


def test_a_page_comes_in_one_read_of_its_socket(monkeypatch: pytest.MonkeyPatch) -> None:
    # each read of the socket lets go of the interpreter lock, which a busy thread then
    # keeps ~0.5 ms: a page of ~100 KB is read at once when it has arrived, not in
    # http.client's 8 KiB buffer, a read past it and the rest (three reads at least). How
    # many reads it takes depends on how the loopback delivers it (32 KB first on a busy
    # machine): what is certain is that the first read has room for all of it.
    questions = {
        "questions": [
            {"title": f"t{i:03d}", "name": f"q{i:03d}", "description": "d" * 1000, **QUERY}
            for i in range(100)
        ]
    }
    with running_emulator(seed=questions, api_key=API_KEY, page_size=100) as emu:
        client = fast_client(emu)
        port = int(emu.url.rsplit(":", 1)[1])
        reads: list[tuple[int, int]] = []  # each read of the client's socket: room, bytes
        recv_into = socket.socket.recv_into

        def counted(sock: socket.socket, buffer: Any, *args: Any) -> int:
            got = recv_into(sock, buffer, *args)
            if sock.getpeername()[1] == port:  # the client's end, not the emulator's
                reads.append((args[0] if args and args[0] else len(buffer), got))
            return got

        monkeypatch.setattr(socket.socket, "recv_into", counted)
        pages = list(client.paginate("graphql", LIST_QUESTIONS, {"limit": 100}, PATH))
        assert len(pages) == 1 and len(pages[0]["questions"]) == 100
        total = sum(got for _, got in reads)
        assert total > 100_000  # the whole answer was read through the counted reads
        assert reads[0][0] >= total  # the first read could take it all (8 KiB before)


def test_a_request_is_written_at_once_a_large_one_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    # urllib3 writes the headers, then the body: one write, one call that lets go of the
    # interpreter lock (and one wake-up of the server); a body past what is gathered
    # goes as urllib3 writes it, every byte of it
    bodies: list[bytes] = []

    class Echo(QuietHandler):
        def do_POST(self) -> None:
            bodies.append(self.read_body())
            self.answer(200, b"{}")

    writes: list[int] = []
    sendall = socket.socket.sendall

    def counted(sock: socket.socket, data: Any, *args: Any) -> None:
        if sock.getpeername()[1] == port:  # the client's end, not the server's
            writes.append(len(data))
        sendall(sock, data, *args)

    with serving(Echo) as url:
        port = int(url.rsplit(":", 1)[1])
        session = pooled_session(1)
        monkeypatch.setattr(socket.socket, "sendall", counted)
        small, large = b'{"query": "x"}' * 100, b"y" * 300_000
        assert session.post(url, data=small, timeout=10).status_code == 200
        assert len(writes) == 1 and writes[0] > len(small)  # the headers with the body
        writes.clear()
        assert session.post(url, data=large, timeout=10).status_code == 200
        assert len(writes) == 2 and writes[1] == len(large)  # the headers, then the body
        assert bodies == [small, large]
        session.close()


def test_a_handler_that_fails_ends_the_read_with_its_error() -> None:
    # 100 ms a page: the failed handler (at once, on the first page) is seen while the
    # second or third page is in flight however busy the machine, never after the tenth
    with running_emulator(seed=QUESTIONS, api_key=API_KEY, page_size=1, latency_ms=100) as emu:
        client = fast_client(emu)

        def each_page(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            raise ValueError(f"cannot take {items[0]['name']}")

        with pytest.raises(ValueError, match="cannot take q00"):
            client.collect("graphql", LIST_QUESTIONS, {"limit": 100}, PATH, "questions", each_page)
        # the read stopped at the page in flight when the handler failed, not at the last
        assert client.requests_sent <= 3


def test_a_failing_page_ends_a_handed_over_read_with_its_own_error() -> None:
    with running_emulator(seed=QUESTIONS, api_key=API_KEY, page_size=3) as emu:
        client = fast_client(emu, retry_budget_s=0.3)
        emu.switches.after_field("questions", lambda: setattr(emu.switches, "fail_rate", 1.0))
        handed: list[list[dict[str, Any]]] = []

        def each_page(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            handed.append(items)
            return items

        with pytest.raises(RetryBudgetExceeded, match=r"HTTP 503\) \(J1SyncListQuestions; "):
            client.collect("graphql", LIST_QUESTIONS, {"limit": 100}, PATH, "questions", each_page)
        assert len(handed) <= 1  # the first page at most; nothing after the failure
        assert not [t for t in threading.enumerate() if t.name == "j1sync-pages"]


def test_rules_read_page_by_page_are_the_rules_read_at_once() -> None:
    rules_only = Split(rules=1.0, questions=0, iam_groups=0)
    generated = generated_account(12, split=rules_only, seeded=True)
    with running_emulator(seed=generated.seed, api_key=API_KEY, page_size=5) as emu:
        rules = AlertRules(fast_client(emu))
        pages: list[list[str]] = []
        by_page = rules.read_raw(lambda raws: pages.append([r["name"] for r in raws]))
        at_once = rules.read_raw()
    assert [len(page) for page in pages] == [5, 5, 2]
    assert [name for page in pages for name in page] == [r["name"] for r in at_once]
    assert by_page == at_once and len(at_once) == 12
