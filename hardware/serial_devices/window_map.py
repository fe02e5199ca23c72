"""`--map` of the serial bridges (ledbar, keypad-bridge, pad-bridge): which device serves which window.

One form for all three: ``WINDOW=ADDRESS`` pairs, comma-separated or repeated (``--map 1=11,2=12``
or ``--map 1=11 --map 2=12``). Window first, because the hall names every device by its window
(the supervisor's device list, the staff's "the bar at window 2") and the address is only the
setting made on the device. The bridges used to write ``a:b`` in opposite orders (the LED bars
window:address, the keypads and pads address:window), so an old map cannot be read either way
without guessing: a ``:`` is refused with the expected form named, never reinterpreted.
"""

from __future__ import annotations

from collections.abc import Iterable

from hall_common.i18n import message

ADDRESSES = range(1, 255)  # set by DIP switch; 0 and 255 are broadcast / unconfigured (ff68.py)


class WindowMapError(ValueError):
    """The message says what was wrong and the expected form (Chinese)."""


def parse_window_map(values: str | Iterable[str]) -> dict[int, int]:
    """``"1=11,2=12"`` (or a list of such texts) → {window: device address}."""
    mapping: dict[int, int] = {}
    for value in [values] if isinstance(values, str) else values:
        for pair in value.split(","):
            pair = pair.strip()
            if ":" in pair:
                raise WindowMapError(message("serial.map_old_order", value=pair))
            window_text, sep, address_text = pair.partition("=")
            try:
                window, address = int(window_text), int(address_text)
            except ValueError:
                window = address = -1
            if not sep or window < 1 or address not in ADDRESSES:
                raise WindowMapError(message("serial.map_malformed", value=pair))
            if window in mapping or address in mapping.values():
                raise WindowMapError(message("serial.map_twice", value=pair))
            mapping[window] = address
    if not mapping:
        raise WindowMapError(message("serial.map_malformed", value=""))
    return mapping
