"""The systemd units `yichuang install` writes, one function per role, as text.

Every unit restarts after a crash with a pause (RestartSec) and gives up after a burst of
failures (StartLimit…) so a broken install shows as failed instead of spinning; it logs to the
journal under its own name. The sandbox is as tight as the role allows: the server, the backup,
the announcer and the bridges see a read-only system (ProtectSystem=strict) with only
/var/lib/yichuang writable; the kiosk and the board run a Wayland compositor (cage) on their own
virtual terminal with a logind session, which needs the display and input devices and a writable
runtime directory, so they get ProtectSystem=full (/usr, /boot, /etc read-only) instead.
"""

from __future__ import annotations

from pathlib import PurePosixPath

USER = "yichuang"
VENV = PurePosixPath("/opt/yichuang/venv")
YICHUANG = VENV / "bin" / "yichuang"
CONFIG = PurePosixPath("/etc/yichuang")
DATA = PurePosixPath("/var/lib/yichuang")
BACKUPS = DATA / "backups"
CAGE = PurePosixPath("/usr/bin/cage")
CHROMIUM = PurePosixPath("/usr/bin/chromium")
DISPLAY_TTY = "tty7"

# Chromium as a lobby screen: no crash bubble, no first-run or translate bars, no pinch or
# swipe-back a passer-by could use, no profile state carried over a restart.
CHROMIUM_FLAGS = (
    "--kiosk",
    "--noerrdialogs",
    "--disable-session-crashed-bubble",
    "--disable-infobars",
    "--no-first-run",
    "--incognito",
    "--disable-features=Translate",
    "--disable-pinch",
    "--overscroll-history-navigation=0",
    "--check-for-update-interval=31536000",
    "--ozone-platform=wayland",
    f"--user-data-dir={DATA}/chromium",
)

_BACKOFF = """\
StartLimitIntervalSec=600
StartLimitBurst=10"""

_RESTART = """\
RestartSec=10
TimeoutStopSec=30"""

_HARDENING_COMMON = """\
NoNewPrivileges=yes
PrivateTmp=yes
ProtectHome=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictSUIDSGID=yes
RestrictRealtime=yes
LockPersonality=yes
SystemCallArchitectures=native
UMask=0027"""

_HARDENING_STRICT = f"""\
ProtectSystem=strict
ReadWritePaths={DATA}
{_HARDENING_COMMON}
CapabilityBoundingSet=
RestrictNamespaces=yes"""


def _unit(description: str, after: str, service: str, install: str = "WantedBy=multi-user.target") -> str:
    return f"""\
# Written by `yichuang install`; running it again rewrites this file.
[Unit]
Description={description}
After={after}
Wants=network-online.target
{_BACKOFF}

[Service]
{service}

[Install]
{install}
"""


def server_unit() -> str:
    # Granian stops on SIGTERM (systemctl stop) and the command then exits 0; the database is
    # in WAL mode, so a stop mid-request loses nothing acknowledged.
    return _unit(
        "一窗 hall server (yichuang serve)",
        "network-online.target postgresql.service",
        f"""\
Type=simple
User={USER}
Group={USER}
EnvironmentFile={CONFIG}/server.env
ExecStart={YICHUANG} serve --host ${{YICHUANG_HOST}} --port ${{YICHUANG_PORT}} --data {DATA} \
--hall {CONFIG}/hall.toml --backup-at off
Restart=on-failure
{_RESTART}
SyslogIdentifier=yichuang-server
LimitNOFILE=65536
{_HARDENING_STRICT}
PrivateDevices=yes
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX""",
    )


def backup_unit() -> str:
    return f"""\
# Written by `yichuang install`; started by yichuang-backup.timer.
[Unit]
Description=一窗 daily backup (yichuang backup)
After=yichuang-server.service

[Service]
Type=oneshot
User={USER}
Group={USER}
ExecStart={YICHUANG} backup --data {DATA} --backup-dir {BACKUPS} --hall {CONFIG}/hall.toml
SyslogIdentifier=yichuang-backup
{_HARDENING_STRICT}
PrivateDevices=yes
"""


def backup_timer(at: str) -> str:
    # Persistent: a backup missed while the PC was off runs at the next boot.
    return f"""\
# Written by `yichuang install`.
[Unit]
Description=一窗 daily backup at {at}

[Timer]
OnCalendar=*-*-* {at}:00
Persistent=true
Unit=yichuang-backup.service

[Install]
WantedBy=timers.target
"""


def _display_session(description: str, command: str, restart: str, groups: str) -> str:
    # A logind session on its own virtual terminal (PAMName, TTYPath): cage gets the screen and
    # the touch input without a desktop, and comes back at the login prompt's place at boot.
    return _unit(
        description,
        f"systemd-user-sessions.service network-online.target getty@{DISPLAY_TTY}.service",
        f"""\
Type=simple
User={USER}
Group={USER}
SupplementaryGroups={groups}
PAMName=login
TTYPath=/dev/{DISPLAY_TTY}
TTYReset=yes
TTYVHangup=yes
TTYVTDisallocate=yes
StandardInput=tty-fail
StandardOutput=journal
StandardError=journal
UtmpIdentifier={DISPLAY_TTY}
UtmpMode=user
Environment=XDG_CACHE_HOME={DATA}/cache
EnvironmentFile={CONFIG}/{{env}}
ExecStart={CAGE} -d -s -- {command}
Restart={restart}
{_RESTART}
SyslogIdentifier=yichuang-{{name}}
ProtectSystem=full
ReadWritePaths={DATA}
{_HARDENING_COMMON}""",
        install="WantedBy=graphical.target multi-user.target",
    ).replace("Wants=network-online.target", f"Wants=network-online.target\nConflicts=getty@{DISPLAY_TTY}.service")


def kiosk_unit() -> str:
    # lp: a USB thermal printer (/dev/usb/lp*); dialout: one on a serial port.
    command = f"{YICHUANG} kiosk --server ${{YICHUANG_SERVER}} --printer ${{YICHUANG_PRINTER}} --token-file {CONFIG}/kiosk.token"
    text = _display_session("一窗 kiosk, full screen (yichuang kiosk)", command, "on-failure", "video input lp dialout")
    return text.replace("{env}", "kiosk.env").replace("{name}", "kiosk")


def board_unit() -> str:
    # Restart=always: a closed or crashed browser comes back; the page itself reconnects to the
    # server and redraws when the TV is switched off and on (cage keeps the output).
    command = f"{CHROMIUM} {' '.join(CHROMIUM_FLAGS)} ${{YICHUANG_PAGE_URL}}"
    text = _display_session("一窗 lobby screen in Chromium kiosk mode", command, "always", "video input")
    return text.replace("{env}", "board.env").replace("{name}", "board")


def announcer_unit() -> str:
    return _unit(
        "一窗 voice calls (yichuang announcer)",
        "network-online.target sound.target",
        f"""\
Type=simple
User={USER}
Group={USER}
SupplementaryGroups=audio
EnvironmentFile={CONFIG}/announcer.env
ExecStart={YICHUANG} announcer --server ${{YICHUANG_SERVER}} --token-file {CONFIG}/announcer.token \
--device ${{YICHUANG_DEVICE}}
Restart=on-failure
{_RESTART}
SyslogIdentifier=yichuang-announcer
{_HARDENING_STRICT}
DevicePolicy=closed
DeviceAllow=char-alsa rw
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX""",
    )


def bridge_unit() -> str:
    # One instance per serial device: yichuang-bridge@ledbar.service reads bridge-ledbar.env.
    # $YICHUANG_BRIDGE_ARGS unbraced: systemd splits it into one argument per word.
    return _unit(
        "一窗 serial bridge %i",
        "network-online.target",
        f"""\
Type=simple
User={USER}
Group={USER}
SupplementaryGroups=dialout
EnvironmentFile={CONFIG}/bridge-%i.env
ExecStart={YICHUANG} ${{YICHUANG_BRIDGE}} --server ${{YICHUANG_SERVER}} --token-file {CONFIG}/bridge-%i.token \
--port ${{YICHUANG_SERIAL_PORT}} $YICHUANG_BRIDGE_ARGS
Restart=on-failure
{_RESTART}
SyslogIdentifier=yichuang-bridge-%i
{_HARDENING_STRICT}
DevicePolicy=closed
DeviceAllow=char-ttyUSB rw
DeviceAllow=char-ttyS rw
DeviceAllow=char-ttyACM rw
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX""",
    )


def journald_dropin(max_use: str) -> str:
    return f"""\
# Written by `yichuang install`: the journal of every yichuang unit stays within this size.
[Journal]
SystemMaxUse={max_use}
"""
