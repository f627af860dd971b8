"""A word longer than a piece (no spaces to break at: a token, a blob, a minified JSON
value) is shown in pieces of WRAP characters, the last piece joined by what follows. The
pieces were cut by copying the rest of the word again for each piece (a 20-million-
character value held a plan for minutes); now the word is cut once. What a reader sees
is the same: the pieces join back to the line, none is longer than WRAP."""

from __future__ import annotations

import pytest

from j1sync.output.text_diff import WRAP, pieces


@pytest.mark.parametrize("length", [WRAP + 1, 2 * WRAP, 2 * WRAP + 1, 100 * WRAP + 7])
def test_a_long_word_in_pieces(length: int) -> None:
    word = "".join(chr(ord("a") + i % 26) for i in range(length))
    line = f"FIND x WITH token = '{word}' AND y = 1"
    shown, wrapped = pieces(line)
    assert wrapped
    assert "".join(shown) == line
    assert all(len(piece) <= WRAP for piece in shown)
    token = f"'{word}' "  # the word with what a space does not part from it
    cut = [token[at : at + WRAP] for at in range(0, len(token), WRAP)][:-1]
    assert all(piece in shown for piece in cut)  # pieces of exactly WRAP characters


def test_a_huge_value_keeps_its_every_character() -> None:
    word = "0123456789" * 200_000  # two million characters, no space
    shown, _ = pieces(word)
    assert len(shown) == len(word) // WRAP
    assert "".join(shown) == word
