"""Fitting a report into GitHub's size limits without losing the fact that it was cut."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

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


def head_marker() -> str:
    """A hidden line that starts the head of one part of a report (a target's heading,
    summary, table per kind, deletions, safety verdict: what a reviewer must see): a cut
    keeps every head whole and leaves out sections only."""
    return "<!-- j1sync:head -->"


_SECTION = re.compile(r"^<!-- j1sync:section ([a-z][a-z ]*) -->$", re.MULTILINE)
_MARKER = re.compile(r"^<!-- j1sync:(?:section ([a-z][a-z ]*)|head) -->$", re.MULTILINE)
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
_DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)


def truncate_body(
    text: str,
    limit: int = MAX_BODY_CHARS,
    prefix: str = "",
    max_bytes: int | None = None,
    elsewhere: str = ELSEWHERE,
    chars_rule: str | None = None,
    bytes_rule: str | None = None,
) -> str:
    """Return `prefix + text`, cut so the whole fits in `limit` characters (and, when
    given, `max_bytes` bytes of UTF-8).

    A cut body ends with a note saying how much was dropped and by which limit (the one
    that cut more: the whole body's size in characters and `chars_rule`, default "GitHub
    allows LIMIT", or in bytes and `bytes_rule`), so a reader of a PR comment knows to
    open the job summary or the workflow log (`elsewhere`) for the rest. A report
    made of changes' sections (`section_marker`) has its longest changes folded to their
    summary line, each saying how much is not shown, as few as make it fit
    (`_fold_largest`); when even that does not fit, sections are left out, never a part's
    head (`head_marker`: a target's heading, table, deletions, safety verdict), each part
    keeping its first sections, taken from the parts in turn (`_cut_between_sections`).
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
    chars, size = len(full), _utf8_size(full)
    allowed = limit if max_bytes is None else max_bytes
    # the limit that cuts more is the one the note names: a 600,000-character report is
    # cut by a 500,000-character cap, not by the 1 MiB its bytes are within
    if max_bytes is not None and size * limit > chars * max_bytes:
        over = f"{size:,} bytes, {bytes_rule or f'GitHub allows {max_bytes:,}'}"
    else:
        over = f"{chars:,} characters, {chars_rule or f'GitHub allows {limit:,}'}"
    sections = list(_SECTION.finditer(text))
    folded = _fold_largest(text, sections, limit, prefix, max_bytes, elsewhere, over)
    if folded is not None:
        return folded
    cut = _cut_between_sections(text, prefix, limit, max_bytes, elsewhere, over)
    if cut is not None:
        return cut
    note = _note(over, elsewhere)
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
    over: str,
) -> str | None:
    """The report with the longest sections folded to their first two lines (a change's
    summary: `<details><summary>+ create Question/x</summary>`) and a line saying where
    the rest is, as few as make it fit; None when it fits only with sections cut. Cut
    before the first section that does not fit, one long change (a dashboard of many
    widgets) left every change after it out, unnamed; folded, every change is named."""
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
        note = _note(over, elsewhere, "change", len(stubs), len(spans), folded=True)
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


@dataclass
class _Part:
    """One part of a report: its head (the text before its first section; in a report of
    several targets, from a target's `head_marker`) and its sections, each with its noun."""

    head: str
    sections: list[str] = field(default_factory=list)
    nouns: list[str] = field(default_factory=list)


def _parts(text: str) -> list[_Part]:
    markers = list(_MARKER.finditer(text))
    parts = [_Part(text[: markers[0].start()] if markers else text)]
    for index, found in enumerate(markers):
        end = markers[index + 1].start() if index + 1 < len(markers) else len(text)
        piece = text[found.start() : end]
        if found.group(1) is None:
            parts.append(_Part(piece))
        else:
            parts[-1].sections.append(piece)
            parts[-1].nouns.append(found.group(1))
    return parts


def _cut_between_sections(
    text: str,
    prefix: str,
    limit: int,
    max_bytes: int | None,
    elsewhere: str,
    over: str,
) -> str | None:
    """The report with every part's head whole and, of each part, its first sections: one
    more of each part in turn, a part stopping at its first section that does not fit, so
    a later target's changes are shown beside an earlier one's rather than cut away with
    its deletions and safety verdict. In a report of several parts, a part that lost
    sections says how many; the note counts them all. None when no such cut fits (only
    blank lines kept, or the heads too long): the caller cuts by characters."""
    parts = _parts(text)
    total = sum(len(part.sections) for part in parts)
    if total == 0:
        return None
    several = len(parts) > 1
    measures: list[tuple[Callable[[str], int], int]] = [(len, limit)]
    measures += [] if max_bytes is None else [(_utf8_size, max_bytes)]
    fixed = [measure(prefix) + sum(measure(p.head) for p in parts) for measure, _ in measures]
    sizes = [[[measure(s) for measure, _ in measures] for s in p.sections] for p in parts]
    shown = [0] * len(parts)

    def left_out_line(index: int) -> str:
        part, count = parts[index], shown[index]
        if not several or count == len(part.sections):
            return ""
        before = part.sections[count - 1] if count else part.head
        lead = "\n" * max(0, 2 - _trailing_newlines(before))
        of = len(part.sections)
        nouns = part.nouns[count] if of == 1 else f"{part.nouns[count]}s"
        return f"{lead}_{of - count:,} of {of:,} {nouns} of this target not shown here._\n\n"

    def note() -> str:
        noun = next(p.nouns[n] for p, n in zip(parts, shown, strict=True) if n < len(p.sections))
        return _note(over, elsewhere, noun, total - sum(shown), total)

    def fits_shown(kept: list[int]) -> bool:
        lines = [left_out_line(index) for index in range(len(parts))]
        last, count = parts[-1], shown[-1]
        end = lines[-1] or (last.sections[count - 1] if count else last.head)
        stripped = _trailing_newlines(end)  # what `.rstrip("\n")` takes off the report
        return all(
            fixed[n] + kept[n] + sum(map(measure, lines)) - stripped + measure(note()) <= most
            for n, (measure, most) in enumerate(measures)
        )

    # sizes added up as sections are taken: a candidate made and measured per section was
    # quadratic (8,000 changes: 14 s a comment, as long again for the job summary)
    kept = [0] * len(measures)
    if not fits_shown(kept):
        return None
    taking = [index for index, part in enumerate(parts) if part.sections]
    while taking and sum(shown) < total - 1:
        for index in list(taking):
            if shown[index] == len(parts[index].sections) or sum(shown) == total - 1:
                taking.remove(index)
                continue
            more = [a + b for a, b in zip(kept, sizes[index][shown[index]], strict=True)]
            shown[index] += 1
            if fits_shown(more):
                kept = more
            else:
                shown[index] -= 1
                taking.remove(index)
    if not sum(shown) and not any(part.head.strip() for part in parts):
        return None
    pieces: list[str] = []
    for index, part in enumerate(parts):
        pieces += [part.head, *part.sections[: shown[index]], left_out_line(index)]
    candidate = prefix + "".join(pieces).rstrip("\n") + note()
    fits = all(measure(candidate) <= most for measure, most in measures)
    return candidate if fits else None


def _trailing_newlines(text: str) -> int:
    return len(text) - len(text.rstrip("\n"))


def _utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


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
    over: str,
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
    return f"\n\n---\n> **Report truncated**: {counted}{over}. {elsewhere}\n"
