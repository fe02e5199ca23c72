"""`yichuang catalog export FILE.xlsx` and `yichuang catalog import FILE.xlsx` (with a progress bar)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hall_common.cli_parser import help_text as h
from hall_common.i18n import message


def progress_bar(label: str, stream=None):
    """A text bar on stderr, redrawn in place: 检查 [##########----------] 22/44."""
    out = stream or sys.stderr

    def show(done: int, total: int) -> None:
        # On a terminal the bar is redrawn in place; in a log file only the final line is written.
        if done < total and not out.isatty():
            return
        width = 30
        filled = width * done // total if total else width
        out.write(f"\r{label} [{'#' * filled}{'-' * (width - filled)}] {done}/{total}")
        if done >= total:
            out.write("\n")
        out.flush()

    return show


def _open_server(args):
    from ..cli_support import open_hall

    server, ctx = open_hall(args)
    return server, ctx.id


def cmd_export(args: argparse.Namespace) -> int:
    from . import export_workbook

    server, hall_id = _open_server(args)
    try:
        entries = server.catalog.entries(hall_id)
        Path(args.file).write_bytes(export_workbook(entries))
    finally:
        server.close()
    print(message("catalog_io.exported", count=len(entries), path=args.file))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from . import CatalogImportError, read_workbook

    try:
        entries = read_workbook(Path(args.file), progress_bar(message("catalog_io.progress_read")))
    except CatalogImportError as exc:
        print(message("catalog_io.import_failed_in", path=args.file, count=len(exc.errors)), file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    server, hall_id = _open_server(args)
    try:
        counts = server.catalog.apply(hall_id, entries, progress_bar(message("catalog_io.progress_write")))
    finally:
        server.close()
    print(message("catalog_io.imported", "zh_CN", **counts))
    return 0


def register(subparsers) -> None:
    from ..cli_support import add_db_options, add_hall_options

    catalog = subparsers.add_parser("catalog", help=h("cli_help.catalog"), description=h("cli_help.catalog"))
    sub = catalog.add_subparsers(dest="catalog_command", required=True)
    for name, func, helptext in (
        ("export", cmd_export, h("cli_help.catalog_export")),
        ("import", cmd_import, h("cli_help.catalog_import")),
    ):
        p = sub.add_parser(name, help=helptext, description=helptext)
        p.add_argument("file", help=h("cli_help.catalog_file"))
        add_hall_options(p)
        add_db_options(p)
        p.set_defaults(func=func)
