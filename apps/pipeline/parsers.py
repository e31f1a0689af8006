"""Streaming readers for the files data managers bring: CSV field sheets and USGS RDB
(tab-separated, ``#`` comment header, a column-width line after the names, CRLF or LF).
Each yields ``(line_number, {column: value})`` one row at a time, so memory stays flat
whatever the file's size. Line numbers count every line of the file from 1."""

import csv
import io
from collections.abc import Iterator
from pathlib import Path

Row = dict[str, str]


class FileFormatError(ValueError):
    """The file as a whole cannot be read (not the fault of one row)."""


def _open_text(path: Path) -> io.TextIOWrapper:
    if not path.exists():
        raise FileFormatError(f"{path}: no such file")
    if path.is_dir():
        raise FileFormatError(f"{path}: is a folder, not a file")
    # utf-8-sig drops a byte-order mark if there is one; newline="" keeps CRLF for csv.
    return path.open("r", encoding="utf-8-sig", newline="")


def detect_format(path: Path) -> str:
    """ "usgs-rdb" when the first non-blank line is a comment or a tab-separated header
    naming USGS columns; otherwise "csv"."""
    with _open_text(path) as handle:
        try:
            for line in handle:
                stripped = line.strip()
                if not stripped:
                    continue
                if stripped.startswith("#") or ("\t" in line and "agency_cd" in line):
                    return "usgs-rdb"
                return "csv"
        except UnicodeDecodeError as exc:
            raise FileFormatError(f"{path}: not UTF-8 text ({exc.reason})") from None
    raise FileFormatError(f"{path}: the file is empty (no header row)")


def _decoded_lines(handle: io.TextIOWrapper, path: Path) -> Iterator[str]:
    line_number = 0
    try:
        for line in handle:
            line_number += 1
            yield line
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{path}: line {line_number + 1} is not UTF-8 text ({exc.reason})"
        ) from None


def read_csv(
    path: Path, *, aliases: dict[str, str] | None = None
) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    """The header (lower-cased, trimmed, ``aliases`` renamed) and an iterator over the
    data rows."""
    handle = _open_text(path)
    reader = csv.reader(_decoded_lines(handle, path))
    try:
        header = next(reader)
    except StopIteration:
        handle.close()
        raise FileFormatError(f"{path}: the file is empty (no header row)") from None
    aliases = aliases or {}
    columns = [aliases.get(name.strip().lower(), name.strip().lower()) for name in header]

    def rows() -> Iterator[tuple[int, Row]]:
        with handle:
            for values in reader:
                if not any(value.strip() for value in values):
                    continue  # a blank line
                yield reader.line_num, dict(zip(columns, (v.strip() for v in values), strict=False))

    return columns, rows()


def read_rows(
    path: Path, file_format: str, *, aliases: dict[str, str] | None = None
) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    """The columns and rows of a CSV or USGS RDB file."""
    if file_format == "csv":
        return read_csv(path, aliases=aliases)
    return read_rdb(path)


def read_rdb(path: Path) -> tuple[list[str], Iterator[tuple[int, Row]]]:
    """USGS RDB: skip ``#`` comments, take the column names, skip the width line."""
    handle = _open_text(path)
    lines = _decoded_lines(handle, path)
    line_number = 0
    columns: list[str] | None = None
    for line in lines:
        line_number += 1
        text = line.rstrip("\r\n")
        if not text.strip() or text.startswith("#"):
            continue
        columns = [name.strip().lower() for name in text.split("\t")]
        break
    if columns is None:
        handle.close()
        raise FileFormatError(
            f"{path}: no column header (an RDB file names its columns after the # comments)"
        )
    widths = next(lines, None)
    line_number += 1
    if widths is None:
        handle.close()
        return columns, iter(())
    first_width = widths.split("\t")[0].strip()
    if not first_width or not first_width[:-1].isdigit():
        handle.close()
        raise FileFormatError(
            f"{path}: line {line_number} should give column widths (e.g. 5s 15s ...), "
            f"got {widths.strip()[:40]!r}"
        )
    start = line_number

    def rows() -> Iterator[tuple[int, Row]]:
        number = start
        with handle:
            for line in lines:
                number += 1
                text = line.rstrip("\r\n")
                if not text.strip() or text.startswith("#"):
                    continue
                values = text.split("\t")
                yield number, dict(zip(columns, (v.strip() for v in values), strict=False))

    return columns, rows()


def data_lines(path: Path) -> int | None:
    """About how many data rows a file holds (lines that are not blank, comments or
    headers), for a progress bar's total and ETA; None when it cannot be read."""
    try:
        with path.open("rb") as handle:
            lines = sum(1 for line in handle if line.strip() and not line.startswith(b"#"))
        headers = 2 if detect_format(path) == "usgs-rdb" else 1  # RDB has a format line too
    except (OSError, FileFormatError):
        return None  # the import itself says what is wrong with the file
    return max(0, lines - headers)
