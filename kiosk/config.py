"""Kiosk settings: a TOML file, overridden by command-line flags, checked key by key.

A mistake names the key and what it should look like, in Chinese, because the
person reading it is the township's admin at the kiosk, not a developer.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hall_common.i18n import message

DEFAULT_CONFIG = """\
# 自助取号机配置示例（yichuang kiosk --config kiosk.toml）
[kiosk]
id = "kiosk-1"            # 上报打印机状态时的设备名前缀
locale = "zh_CN"
idle_seconds = 30         # 无人操作多少秒后回到首页

[server]
url = "http://127.0.0.1:8080"
token = ""                # yichuang token create --role kiosk
public_url = ""           # 凭条二维码里的地址（手机能访问的地址），默认同 url
connect_timeout = 2
read_timeout = 5

[printer]
spec = "network:192.168.1.50:9100"   # 或 serial:/dev/ttyUSB0?baudrate=9600、preview:/tmp/slips
status_poll_seconds = 60

[display]
fullscreen = true
width = 1080
height = 1920
font = ""                 # 留空自动查找 wqy-microhei 或思源黑体 SC
appointment_hint = "拨打预约电话或在“皖事通”上预约"
"""


class KioskConfigError(ValueError):
    """A setting that cannot be used; str() is Chinese, .message(locale) other languages."""

    def __init__(self, msg_key: str, /, **params: Any) -> None:
        self.msg_key, self.params = msg_key, params
        self.key = params.get("key", "")  # the setting at fault
        super().__init__(self.message("zh_CN"))

    def message(self, locale: str = "zh_CN") -> str:
        params = dict(self.params)
        if "expected_key" in params:
            params["expected"] = message(
                f"kiosk.{params.pop('expected_key')}", locale, **params.pop("expected_params", {})
            )
        return message(f"kiosk.{self.msg_key}", locale, **params)


@dataclass(frozen=True)
class KioskConfig:
    server_url: str
    token: str
    printer: str
    kiosk_id: str = "kiosk-1"
    locale: str = "zh_CN"
    idle_seconds: float = 30.0
    public_url: str = ""
    connect_timeout: float = 2.0
    read_timeout: float = 5.0
    status_poll_seconds: float = 60.0
    fullscreen: bool = True
    width: int = 1080
    height: int = 1920
    font: str = ""
    appointment_hint: str = ""

    @property
    def qr_base_url(self) -> str:
        return (self.public_url or self.server_url).rstrip("/")


# TOML table.key -> (field, kind, limits); the table layout is what admins edit.
_SCHEMA: dict[str, dict[str, tuple[str, str, tuple]]] = {
    "kiosk": {
        "id": ("kiosk_id", "text", ()),
        "locale": ("locale", "locale", ()),
        "idle_seconds": ("idle_seconds", "seconds", (5, 600)),
    },
    "server": {
        "url": ("server_url", "url", ()),
        "token": ("token", "text", ()),
        "public_url": ("public_url", "url_or_empty", ()),
        "connect_timeout": ("connect_timeout", "seconds", (0.1, 30)),
        "read_timeout": ("read_timeout", "seconds", (0.1, 60)),
    },
    "printer": {"spec": ("printer", "text", ()), "status_poll_seconds": ("status_poll_seconds", "seconds", (5, 3600))},
    "display": {
        "fullscreen": ("fullscreen", "bool", ()),
        "width": ("width", "size", (320, 8192)),
        "height": ("height", "size", (240, 8192)),
        "font": ("font", "text_or_empty", ()),
        "appointment_hint": ("appointment_hint", "text_or_empty", ()),
    },
}
_FLAGS = {"server_url": "--server", "token": "--token", "printer": "--printer"}
_TOML_NAMES = {"server_url": "[server] url", "token": "[server] token", "printer": "[printer] spec"}


def _check(source: str, key: str, kind: str, limits: tuple, value: Any) -> Any:
    def bad(expected_key: str, **expected_params: Any) -> KioskConfigError:
        return KioskConfigError(
            "config_invalid",
            source=source,
            key=key,
            value=repr(value),
            expected_key=expected_key,
            expected_params=expected_params,
        )

    if kind in ("text", "text_or_empty"):
        if not isinstance(value, str) or (kind == "text" and not value.strip()):
            raise bad("expected_text")
        return value.strip()
    if kind in ("url", "url_or_empty"):
        if not isinstance(value, str) or (value or kind == "url") and not value.startswith(("http://", "https://")):
            raise bad("expected_url")
        return value.rstrip("/")
    if kind == "locale":
        if value not in ("zh_CN", "en"):
            raise bad("expected_locale")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise bad("expected_bool")
        return value
    if kind in ("seconds", "size"):
        low, high = limits
        ok_type = (int, float) if kind == "seconds" else (int,)
        if isinstance(value, bool) or not isinstance(value, ok_type) or not low <= value <= high:
            raise bad(f"expected_{kind}", minimum=low, maximum=high)
        return value
    raise AssertionError(kind)


def read_toml(path: str | Path) -> dict[str, Any]:
    source = str(path)
    try:
        text = Path(path).read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KioskConfigError("config_unreadable", source=source, error=exc) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KioskConfigError("config_bad_toml", source=source, error=exc) from None


def load_config(path: str | Path | None = None, **flags: Any) -> KioskConfig:
    """Settings from ``path`` (optional) with non-None ``flags`` (field names) on top."""
    values: dict[str, Any] = {}
    if path is not None:
        source = str(path)
        data = read_toml(path)
        known = ", ".join(f"[{t}] {k}" for t, keys in _SCHEMA.items() for k in keys)
        for table, entries in data.items():
            if table not in _SCHEMA:
                raise KioskConfigError("config_unknown_key", source=source, key=f"[{table}]", known=known)
            if not isinstance(entries, dict):
                raise KioskConfigError(
                    "config_invalid",
                    source=source,
                    key=f"[{table}]",
                    value=repr(entries),
                    expected_key="expected_table",
                )
            for key, value in entries.items():
                if key not in _SCHEMA[table]:
                    raise KioskConfigError("config_unknown_key", source=source, key=f"[{table}] {key}", known=known)
                field, kind, limits = _SCHEMA[table][key]
                values[field] = _check(source, f"[{table}] {key}", kind, limits, value)
    by_field = {f: (f"{t}.{k}", kind, limits) for t, keys in _SCHEMA.items() for k, (f, kind, limits) in keys.items()}
    for field, value in flags.items():
        if value is None:
            continue
        _, kind, limits = by_field[field]
        values[field] = _check(message("kiosk.command_line"), _FLAGS.get(field, field), kind, limits, value)
    for field, flag in _FLAGS.items():
        if not values.get(field):
            raise KioskConfigError("config_missing", key=_TOML_NAMES[field], flag=flag)
    return KioskConfig(**values)
