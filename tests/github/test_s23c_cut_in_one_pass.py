"""github/body.truncate_body cuts a report of many changes in one pass. It made and
measured a candidate per section, from the last one back, until one fitted: quadratic in
the number of changes (a plan of 8,000 changes: 14 s for the PR comment, as long again for
the job summary and the drift issue; 20,000: ~90 s each). The sizes before each section
are now worked out once; the cut is the same, which this checks against that loop
(hypothesis: characters and bytes, multi-byte and astral characters, line breaks before a
section, a prefix)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from j1sync.github import body
from j1sync.github.body import section_marker, truncate_body


def cut_section_by_section(
    text: str, limit: int, prefix: str, max_bytes: int | None, elsewhere: str
) -> str | None:
    """The loop truncate_body ran before: the cut between sections, or None (by characters)."""

    def fits(candidate: str) -> bool:
        return len(candidate) <= limit and (
            max_bytes is None or len(candidate.encode("utf-8", "surrogatepass")) <= max_bytes
        )

    # the note names the limit that cuts more, with the whole body's size in its measure
    chars, size = len(prefix + text), len((prefix + text).encode("utf-8", "surrogatepass"))
    if max_bytes is not None and size * limit > chars * max_bytes:
        over = f"{size:,} bytes, GitHub allows {max_bytes:,}"
    else:
        over = f"{chars:,} characters, GitHub allows {limit:,}"
    sections = list(body._SECTION.finditer(text))
    for shown in range(len(sections) - 1, -1, -1):
        start = sections[shown].start()
        if shown == 0 and not text[:start].strip():
            break
        counted = (sections[shown].group(1), len(sections) - shown, len(sections))
        note = body._note(over, elsewhere, *counted)
        candidate = prefix + text[:start].rstrip("\n") + note
        if fits(candidate):
            return candidate
    return None


# pieces a report is made of: sections, line breaks, ASCII, é (2 bytes), 日 (3), 😀 (4)
PIECES = st.sampled_from(
    [section_marker("change") + "\n", "\n", "\n\n", "abc ", "é", "日本", "😀", "x" * 40]
)


@settings(max_examples=3000, deadline=None)
@given(
    pieces=st.lists(PIECES, max_size=60),
    limit=st.integers(min_value=200, max_value=900),
    max_bytes=st.one_of(st.none(), st.integers(min_value=200, max_value=1200)),
    prefix=st.sampled_from(["", "<!-- j1sync:plan -->\n", "é" * 30]),
)
def test_the_cut_between_sections_is_the_one_the_loop_made(
    pieces: list[str], limit: int, max_bytes: int | None, prefix: str
) -> None:
    text = "## j1sync plan\n\n" + "".join(pieces)
    elsewhere = body.ELSEWHERE
    expected = cut_section_by_section(text, limit, prefix, max_bytes, elsewhere)
    try:
        got = truncate_body(text, limit=limit, prefix=prefix, max_bytes=max_bytes)
    except ValueError:
        assert expected is None
        return
    full = prefix + text
    fits_whole = len(full) <= limit and (
        max_bytes is None or len(full.encode("utf-8", "surrogatepass")) <= max_bytes
    )
    if fits_whole:
        assert got == full
    elif expected is not None:
        assert got == expected
    else:  # cut by characters, as before: the note counts no sections
        assert "changes not shown here" not in got and "Report truncated" in got


def test_a_report_of_twenty_thousand_changes_is_cut_between_changes() -> None:
    section = section_marker("change") + "\n<details><summary>é</summary>\n\n```diff\n"
    section += "+ line\n" * 15 + "```\n</details>\n"
    text = "## j1sync plan\n\n" + section * 20_000
    comment = truncate_body(text)
    summary = truncate_body(text, limit=body.MAX_SUMMARY_CHARS, max_bytes=body.MAX_SUMMARY_BYTES)
    for cut, most in ((comment, body.MAX_BODY_CHARS), (summary, body.MAX_SUMMARY_CHARS)):
        assert len(cut) <= most
        shown = cut.count("<details>")
        assert shown > 0 and f"{20_000 - shown:,} of 20,000 changes not shown here" in cut
    assert len(summary.encode()) <= body.MAX_SUMMARY_BYTES
