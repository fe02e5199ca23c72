"""`yichuang kiosk --server URL --token T --printer SPEC [--config FILE]`."""

from __future__ import annotations

import importlib.util
import sys

from hall_common.cli_parser import add_token_options
from hall_common.cli_parser import help_text as h
from hall_common.i18n import message


def register(subparsers) -> None:
    p = subparsers.add_parser("kiosk", help=h("kiosk.cli_help"), description=h("kiosk.cli_help"))
    p.add_argument("--server", help=h("cli_help.kiosk_server"))
    add_token_options(p, h("cli_help.kiosk_token"), required=False)
    p.add_argument(
        "--printer",
        help=h("cli_help.kiosk_printer"),
    )
    p.add_argument("--config", help=h("cli_help.kiosk_config"))
    p.add_argument("--kiosk-id", help=h("cli_help.kiosk_id"))
    p.add_argument("--windowed", action="store_true", help=h("cli_help.kiosk_windowed"))
    p.add_argument("--print-example-config", action="store_true", help=h("cli_help.kiosk_example"))
    p.set_defaults(func=run)


def kivy_installed() -> bool:
    # Looked up, not imported: Kivy must not be imported before prepare_environment().
    try:
        return importlib.util.find_spec("kivy") is not None
    except ValueError:  # a module entry without a spec: not usable either
        return False


def run(args) -> int:
    from hardware.printer import PrinterSpecError, printer_from_spec

    from .config import DEFAULT_CONFIG, KioskConfigError, load_config
    from .fonts import KioskFontMissing, find_kiosk_font

    if args.print_example_config:
        print(DEFAULT_CONFIG)
        return 0
    if not kivy_installed():
        print(message("kiosk.kivy_missing"), file=sys.stderr)
        return 2
    try:
        config = load_config(
            args.config,
            server_url=args.server,
            token=args.token,
            printer=args.printer,
            kiosk_id=args.kiosk_id,
            fullscreen=False if args.windowed else None,
        )
        font = find_kiosk_font(config.font)
        printer_from_spec(config.printer)  # a bad spec stops here, with its own clear message
    except (KioskConfigError, KioskFontMissing, PrinterSpecError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    from .kivy_setup import apply_kiosk_config, prepare_environment

    prepare_environment()
    apply_kiosk_config(config, font)
    from .app import KioskApp

    print(
        message(
            "kiosk.started", config.locale, kiosk=config.kiosk_id, server=config.server_url, printer=config.printer
        ),
        file=sys.stderr,
    )
    KioskApp(config).run()
    return 0
