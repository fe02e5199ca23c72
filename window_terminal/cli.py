"""`yichuang keypad-bridge` and `yichuang pad-bridge`: serial devices at the windows ↔ the hall API."""

from __future__ import annotations

import argparse
import threading

from hall_common.cli_parser import add_token_options
from hall_common.cli_parser import help_text as h
from hall_common.i18n import message


def _mapping(values: list[str]) -> dict[int, int]:
    """{device address: window} from the bridges' one --map form (window first, see window_map)."""
    from hardware.serial_devices.window_map import WindowMapError, parse_window_map

    try:
        return {address: window for window, address in parse_window_map(values).items()}
    except WindowMapError as exc:
        raise SystemExit(str(exc)) from None


def _run_until_interrupted(bridge, kind: str, port: str, server: str) -> int:
    bridge.start()
    print(message("terminal.bridge_running", kind=kind, port=port, server=server), flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        bridge.stop()
    return 0


def cmd_keypad_bridge(args: argparse.Namespace) -> int:
    from hardware.serial_devices import SerialBus

    from .bridges import KeypadBridge

    mapping = _mapping(args.map)
    bus = SerialBus(args.port, list(mapping))
    return _run_until_interrupted(KeypadBridge(args.server, args.token, bus, mapping), "keypad", args.port, args.server)


def cmd_pad_bridge(args: argparse.Namespace) -> int:
    from hardware.serial_devices import SerialBus

    from .bridges import PadBridge

    mapping = _mapping(args.map)
    if len(mapping) != 1:
        raise SystemExit(message("terminal.pad_one_window"))
    ((address, window),) = mapping.items()
    bus = SerialBus(args.port, [address])
    return _run_until_interrupted(
        PadBridge(args.server, args.token, bus, address, window), "pad", args.port, args.server
    )


def register(sub) -> None:
    for name, func, helptext in (
        ("keypad-bridge", cmd_keypad_bridge, h("cli_help.bridge_keypad")),
        ("pad-bridge", cmd_pad_bridge, h("cli_help.bridge_pad")),
    ):
        p = sub.add_parser(name, help=helptext, description=helptext)
        p.add_argument("--server", required=True, help=h("cli_help.bridge_server"))
        add_token_options(p, h("cli_help.bridge_token"))
        p.add_argument("--port", required=True, help=h("cli_help.bridge_port"))
        p.add_argument(
            "--map",
            action="append",
            required=True,
            metavar="WINDOW=ADDRESS",
            help=h("serial.map_help"),
        )
        p.set_defaults(func=func)
