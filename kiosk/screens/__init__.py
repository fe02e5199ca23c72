"""The kiosk's screens, one module per flow: widgets from the flow's state, taps straight to its
methods. Nothing here decides anything; see viewmodels/ for the behaviour."""

from __future__ import annotations

from kivy.uix.widget import Widget

from ..viewmodels.kiosk_model import KioskModel
from .booking import BookingScreens
from .checkin import CheckInScreens
from .closing_time import ClosingScreens
from .home import HomeScreens
from .matter_choice import MatterScreens
from .parts import Parts
from .progress import ProgressScreens
from .return_lane import ReturnScreens
from .ticket import TicketScreens

FLOWS: tuple[type[Parts], ...] = (
    HomeScreens,
    MatterScreens,
    TicketScreens,
    CheckInScreens,
    ProgressScreens,
    ReturnScreens,
    ClosingScreens,
    BookingScreens,
)
BY_SCREEN = {screen: flow for flow in FLOWS for screen in flow.screens}


def build_screen(vm: KioskModel, unit: float, portrait: bool = False, wide: bool = False) -> Widget:
    """The widgets of the screen the model is on; ``unit`` is 1 % of the window's shorter side."""
    screens = BY_SCREEN[vm.screen](vm, unit, portrait=portrait, wide=wide)
    return getattr(screens, f"build_{vm.screen.value}")()
