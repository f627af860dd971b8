"""Fitting a report into GitHub's size limits without losing the fact that it was cut."""

from __future__ import annotations

import re
from collections.abc import Callable

# GitHub rejects issue and comment bodies longer than this many characters (code points:
# 65,536 four-byte characters are taken, so a body within it is within any byte limit).
MAX_BODY_CHARS = 65_536

# A job summary may hold 1 MiB per step (the runner drops a larger one whole: "upload
# aborted, supports content up to a size of 1024k"), in bytes of UTF-8, what the step's
# file held before included. And at most this many characters of one report.
MAX_SUMMARY_BYTES = 1_048_576
MAX_SUMMARY_CHARS = 500_000

ELSEWHERE = "The full report is in the workflow run's log and job summary."


def section_marker(noun: str) -> str:
    """A hidden line that starts one section of a report (one change of a plan): a cut
    falls there, never inside a section, and the note counts the sections left out."""
    return f"<!-- j1sync:section {noun} -->"


_SECTION = re.compile(r"^<!-- j1sync:section ([a-z][a-z ]*) -->$", re.MULTILINE)
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)


def truncate_body(
    text: str,
    limit: int = MAX_BODY_CHARS,
    prefix: str = "",
    max_bytes: int | None = None,
    elsewhere: str = ELSEWHERE,
) -> str:
    """Return `prefix + text`, cut so the whole fits in `limit` characters (and, when
    given, `max_bytes` bytes of UTF-8).

    A cut body ends with a note saying how much was dropped, so a reader of a PR comment
    knows to open the job summary or the workflow log (`elsewhere`) for the rest. A report
    made of changes' sections (`section_marker`) has its longest changes folded to their
    summary line, each saying how much is not shown, as few as make it fit
    (`_fold_largest`); when even that does not fit, it is cut before the first section
    that does not.
    Any other cut falls between characters (never inside one's bytes), at a line when one
    is near, and closes the code block and the <details> it leaves open, so the note is
    not shown as code or folded away.
    """

    def fits(candidate: str) -> bool:
        return len(candidate) <= limit and (
            max_bytes is None or len(candidate.encode("utf-8", "surrogatepass")) <= max_bytes
        )

    full = prefix + text
    if fits(full):
        return full
    unit = "characters" if max_bytes is None else "bytes"
    size = len(text) if max_bytes is None else len(text.encode("utf-8", "surrogatepass"))
    allowed = limit if max_bytes is None else max_bytes
    sections = list(_SECTION.finditer(text))
    folded = _fold_largest(text, sections, limit, prefix, max_bytes, elsewhere, size, unit)
    if folded is not None:
        return folded
    # the size of `prefix + text[:start].rstrip("\n")` before each section, worked out in
    # one pass: a candidate made and measured per section was quadratic (8,000 changes:
    # 14 s a comment, as long again for the job summary and the drift issue)
    starts = [found.start() for found in sections]
    limits = [(len, limit)] + ([] if max_bytes is None else [(_utf8_size, max_bytes)])
    kept = [
        (measure, most, measure(prefix), _kept_sizes(text, starts, measure))
        for measure, most in limits
    ]
    for shown in range(len(sections) - 1, -1, -1):
        start = sections[shown].start()
        if shown == 0 and not text[:start].strip():
            break  # nothing before the first section: cut by characters instead
        counted = (sections[shown].group(1), len(sections) - shown, len(sections))
        note = _note(size, allowed, unit, elsewhere, *counted)
        if any(head + sizes[shown] + measure(note) > most for measure, most, head, sizes in kept):
            continue
        candidate = prefix + text[:start].rstrip("\n") + note
        if fits(candidate):
            return candidate
    note = _note(size, allowed, unit, elsewhere)
    if not fits(prefix + note):
        raise ValueError(f"limit {allowed} is too small for the truncation note")
    # the longest start of `text` that fits with what closes it and the note
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if fits(prefix + _closed(_at_line(text[:middle])) + note):
            low = middle
        else:
            high = middle - 1
    return prefix + _closed(_at_line(text[:low])) + note


def _fold_largest(
    text: str,
    sections: list[re.Match[str]],
    limit: int,
    prefix: str,
    max_bytes: int | None,
    elsewhere: str,
    size: int,
    unit: str,
) -> str | None:
    """The report with the longest sections folded to their first two lines (a change's
    summary: `<details><summary>+ create Question/x</summary>`) and a line saying where
    the rest is, as few as make it fit; None when it fits only with sections cut. Cut
    before the first section that does not fit, one long change (a dashboard of many
    widgets) left every change after it out, unnamed; folded, every change is named."""
    allowed = limit if max_bytes is None else max_bytes
    spans = [s for s in (_span(text, found) for found in sections) if s is not None]
    if not spans or len(spans) < len(sections):
        return None
    measures = [len] + ([] if max_bytes is None else [_utf8_size])
    mosts = [limit] + ([] if max_bytes is None else [max_bytes])
    totals = [measure(prefix + text) for measure in measures]
    stubs: dict[int, str] = {}
    for index in sorted(range(len(spans)), key=lambda i: (spans[i][0] - spans[i][2], -i)):
        _, keep, end = spans[index]
        stub = f"\n\n_{end - keep:,} characters not shown here. {elsewhere}_\n"
        stubs[index] = stub
        for n, measure in enumerate(measures):
            totals[n] -= measure(text[keep:end]) - measure(stub)
        note = _note(size, allowed, unit, elsewhere, "change", len(stubs), len(spans), folded=True)
        if all(
            total + measure(note) <= most
            for total, measure, most in zip(totals, measures, mosts, strict=True)
        ):
            pieces, previous = [prefix], 0
            for folded_index in sorted(stubs):
                _, cut, stop = spans[folded_index]
                pieces += [text[previous:cut], stubs[folded_index]]
                previous = stop
            candidate = "".join([*pieces, text[previous:].rstrip("\n"), note])
            if len(candidate) <= limit and (
                max_bytes is None or _utf8_size(candidate) <= max_bytes
            ):
                return candidate
    return None


def _span(text: str, section: re.Match[str]) -> tuple[int, int, int] | None:
    """(start, end of what a folded section keeps, start of its closing `</details>`) of a
    change's section (output/markdown.py: the marker, `<details><summary>...</summary>`,
    the reason and the diff, `</details>`), or None for any other."""
    head_end = text.find("\n", section.end() + 1)
    close = text.find("\n</details>", section.end())
    summary = text[section.end() + 1 : head_end]
    if head_end < 0 or close < 0 or not summary.startswith("<details><summary>"):
        return None
    if not summary.endswith("</summary>"):
        return None
    return section.start(), head_end, close


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def _kept_sizes(text: str, starts: list[int], measure: Callable[[str], int]) -> list[int]:
    """For each start, the size of `text[:start].rstrip("\n")`, in one pass over `text`."""
    sizes: list[int] = []
    total = previous = 0
    for start in starts:
        total += measure(text[previous:start])
        previous = start
        newlines = 0
        while newlines < start and text[start - newlines - 1] == "\n":
            newlines += 1
        sizes.append(total - newlines)  # a line break is one character and one byte
    return sizes


def _at_line(kept: str) -> str:
    """Cut at a line boundary when one is near, so a Markdown table row is not left
    half-open."""
    newline = kept.rfind("\n")
    return kept[:newline] if newline >= len(kept) // 2 else kept


def _closed(kept: str) -> str:
    """`kept` and what closes the code block and the <details> it leaves open."""
    fence: str | None = None
    details = 0
    for line in kept.split("\n"):
        found = _FENCE.fullmatch(line)
        if fence is None and found and not (found.group(1)[0] == "`" and "`" in found.group(2)):
            fence = found.group(1)
        elif fence is not None:
            if found and not found.group(2).strip() and found.group(1).startswith(fence):
                fence = None  # the same character, at least as many
        else:
            details += len(_DETAILS_OPEN.findall(line)) - len(_DETAILS_CLOSE.findall(line))
    if fence is not None:
        kept = kept.rstrip("\n") + "\n" + fence
    return kept + "\n</details>" * max(details, 0)


def _note(
    size: int,
    limit: int,
    unit: str,
    elsewhere: str,
    noun: str = "",
    left_out: int = 0,
    total: int = 0,
    folded: bool = False,
) -> str:
    counted = ""
    if noun:
        plural = noun if total == 1 else f"{noun}s"
        counted = f"{left_out:,} of {total:,} {plural} not shown here; "
        if folded:
            counted = f"the diffs of {left_out:,} of {total:,} {plural} not shown here; "
    return (
        f"\n\n---\n> **Report truncated**: {counted}{size:,} {unit}, GitHub allows "
        f"{limit:,}. {elsewhere}\n"
    )
