"""Bridges between serial queue peripherals (caller keypads, evaluation pads) and the hall server.

Each bridge owns one serial line (``hardware.serial_devices.SerialBus``) and talks to the hall
server over its public HTTP API and event stream, like any other client: it can run on the
window PC the devices are cabled to.
"""

from .keypad import KeypadBridge
from .pad import PadBridge

__all__ = ["KeypadBridge", "PadBridge"]
