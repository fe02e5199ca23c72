"""`yichuang announcer` (the hall's voice) and `yichuang ledbar` (window LED bars)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from hall_common.cli_parser import add_token_options
from hall_common.cli_parser import help_text as h
from hall_common.i18n import message


def register(subparsers) -> None:
    a = subparsers.add_parser("announcer", help=h("cli_help.announcer"), description=h("cli_help.announcer"))
    a.add_argument("--server", required=True, help=h("cli_help.announcer_server"))
    add_token_options(a, h("cli_help.announcer_token"))
    a.add_argument("--voice", default="cmn-latn-pinyin", help=h("cli_help.announcer_voice"))
    a.add_argument("--speed", type=int, default=160, help=h("cli_help.announcer_speed"))
    a.add_argument("--one", choices=("幺", "一"), help=h("cli_help.announcer_one"))
    a.add_argument("--device", default="announcer", help=h("cli_help.announcer_device"))
    a.add_argument("--no-report", action="store_true", help=h("cli_help.announcer_no_report"))
    a.add_argument("--clips", help=h("cli_help.announcer_clips"))
    a.add_argument("--stale-seconds", type=float, default=60.0, help=h("cli_help.announcer_stale"))
    a.add_argument("--repeat", type=int, default=2, help=h("cli_help.announcer_repeat"))
    a.add_argument("--call-text", help=h("cli_help.announcer_call_text"))
    a.add_argument("--recall-text", help=h("cli_help.announcer_recall_text"))
    a.add_argument("--windows", help=h("cli_help.announcer_windows"))
    a.add_argument("--out-dir", help=h("cli_help.announcer_out_dir"))
    a.add_argument("--log", help=h("cli_help.announcer_log"))
    a.add_argument("--no-sound", action="store_true", help=h("cli_help.announcer_no_sound"))
    a.add_argument("--last-event-id", type=int, help=h("cli_help.announcer_last_event_id"))
    a.add_argument("--pace", type=float, default=1.0, help=argparse.SUPPRESS)
    a.set_defaults(func=run_announcer)

    b = subparsers.add_parser("ledbar", help=h("cli_help.ledbar"), description=h("cli_help.ledbar"))
    b.add_argument("--server", required=True, help=h("cli_help.ledbar_server"))
    add_token_options(b, h("cli_help.ledbar_token"))
    b.add_argument("--port", required=True, help=h("cli_help.ledbar_port"))
    b.add_argument("--map", action="append", required=True, metavar="WINDOW=ADDRESS", help=h("serial.map_help"))
    b.set_defaults(func=run_ledbar)


def _say(text: str) -> None:
    print(text, flush=True)


def _stop_on_sigterm() -> None:
    # SIGTERM (systemd, tests) ends the program like Ctrl-C: queued announcements still finish.
    def handler(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, handler)


def _on_state(server: str):
    def report(connected: bool, detail: str) -> None:
        if connected:
            _say(message("announcer.connected", server=server, last=detail))
        else:
            error, _, seconds = detail.rpartition("|")
            _say(message("announcer.disconnected", error=error, seconds=seconds))

    return report


def run_announcer(args: argparse.Namespace) -> int:
    from hall_common.sse_client import EventStream

    from .announce_report import AnnouncementReporter
    from .announcer import AnnouncementLog, Announcer, Player, Voice, Wording, sound_command
    from .voices import ClipVoice, EspeakVoice, VoiceError

    try:
        wording = Wording(args.call_text, args.recall_text, args.repeat)
        windows = {int(w) for w in args.windows.split(",")} if args.windows else None
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    one = args.one or _hall_one(args.server, args.token)
    try:
        espeak = None
        try:
            espeak = EspeakVoice(args.voice, args.speed, one=one)
        except VoiceError:
            if not args.clips:
                raise
        if args.clips:
            voice: Voice = ClipVoice(Path(args.clips), espeak, one=one)
        elif espeak is not None:
            voice = espeak
        else:
            raise VoiceError(message("announcer.no_espeak"))
    except VoiceError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    out_dir = Path(args.out_dir) if args.out_dir else None
    command = None if args.no_sound else sound_command()
    if out_dir is None and command is None:
        print(message("announcer.no_output"), file=sys.stderr)
        return 2
    log_path = Path(args.log) if args.log else (out_dir / "announcements.jsonl" if out_dir else None)
    stream = EventStream(
        args.server,
        args.token,
        types=("ticket.called", "ticket.recalled"),
        last_event_id=args.last_event_id,
        on_state=_on_state(args.server),
    )
    reporter = None if args.no_report else AnnouncementReporter(args.server, args.token, args.device, _say)
    announcer = Announcer(
        voice,
        Player(out_dir, command, args.pace),
        AnnouncementLog(log_path),
        stream.clock,
        wording=wording,
        stale_seconds=args.stale_seconds,
        windows=windows,
        say=_say,
        report=reporter,
    ).start()
    _stop_on_sigterm()

    def stopped() -> None:
        announcer.stop()
        if reporter is not None:
            reporter.close()
        _say(message("announcer.stopped"))

    return _follow(stream, announcer.handle, stopped)


def _hall_one(server: str, token: str) -> str:
    """The hall file's reading of 1 ([announcer] one), from /hall; 幺 if the server cannot say."""
    from hall_common.hall_errors import HallError
    from hall_common.hall_http import HallHttp

    try:
        with HallHttp(server, token, connect_timeout=5, read_timeout=5) as hall:
            one = hall.get("/hall").get("announcer", {}).get("one", "幺")
    except (HallError, ValueError, AttributeError):
        one = "幺"
    one = one if one in ("幺", "一") else "幺"
    _say(message("announcer.hall_settings", one=one))
    return one


def _follow(stream, handle, on_close) -> int:
    """Hand every event to ``handle`` until stopped; exit code 2 if the token is refused."""
    from hall_common.hall_errors import HallForbidden, HallUnauthorized
    from hall_common.sse_client import AuthError

    try:
        for event in stream.events():
            handle(event)
    except (AuthError, HallUnauthorized, HallForbidden) as exc:
        print(message("announcer.bad_token", message=str(exc)), file=sys.stderr)
        return 2
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        stream.close()
        on_close()
    return 0


def run_ledbar(args: argparse.Namespace) -> int:
    from hall_common.device_status import SerialDeviceReporter
    from hall_common.hall_errors import HallForbidden, HallStatusError, HallUnauthorized, HallUnavailable
    from hall_common.hall_http import HallHttp
    from hall_common.sse_client import EventStream
    from hardware.serial_devices import LedBarDriver, SerialBus
    from hardware.serial_devices.window_map import WindowMapError, parse_window_map

    from .ledbar_bridge import LedBarBridge

    try:
        mapping = parse_window_map(args.map)
    except WindowMapError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    stream = EventStream(
        args.server,
        args.token,
        on_state=_on_state(args.server),
        types=(
            "ticket.called",
            "ticket.recalled",
            "ticket.started",
            "ticket.resumed",
            "ticket.finished",
            "ticket.no_show",
            "ticket.held",
            "ticket.transferred",
            "ticket.cancelled",
            "window.status",
        ),
    )

    hall = HallHttp(args.server, args.token)
    devices = SerialDeviceReporter(hall, args.port)

    def report_bar(window: int):
        return lambda address, online: devices.online(f"ledbar-{window}", "ledbar", address, online)

    bus = SerialBus(args.port, sorted(set(mapping.values())))
    bridge = LedBarBridge({w: LedBarDriver(bus, a, on_online=report_bar(w)) for w, a in mapping.items()})
    bus.start()
    _say(message("announcer.ledbar_started", port=args.port, mapping=", ".join(f"{w}→{a}" for w, a in mapping.items())))
    _stop_on_sigterm()
    first = threading.Event()

    def on_state(connected: bool, detail: str) -> None:
        _on_state(args.server)(connected, detail)
        if not connected or first.is_set():
            return
        # Subscribed already: show the present state now; later changes come as events. Until it
        # is shown, try again (the stream waits: its events are read only after this returns),
        # or the bars would stay blank until the next call at their window.
        delay = 0.5
        while not first.is_set():
            try:
                bridge.show_windows(hall.get("/windows")["windows"])
                first.set()
            except (HallUnauthorized, HallForbidden):
                raise  # the token: trying again cannot help (_follow says so and exits)
            except (HallUnavailable, HallStatusError, KeyError) as exc:
                _say(message("announcer.server_unreachable", server=args.server, error=exc))
                if stream.pause(delay):
                    return
                delay = min(delay * 2, 15.0)

    def stopped() -> None:
        bus.stop()
        devices.close()
        hall.close()

    stream.on_state = on_state
    return _follow(stream, bridge.handle, stopped)
