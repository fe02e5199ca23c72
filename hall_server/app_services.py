"""Composition root of the hall server's core: one object holding every service.

Plain Python; the HTTP API and the CLI are adapters around it.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .core.clock import Clock, SystemClock
from .core.hall_config import HallConfig, pilot_hall_config
from .events.broker import MAX_STREAMS, MAX_STREAMS_PER_ADDRESS, MAX_STREAMS_PER_TOKEN, EventBroker
from .services.ab_roster import AbRoster
from .services.accounts import Accounts
from .services.appointments import Appointments
from .services.base import Services
from .services.booking_changes import BookingChanges
from .services.booking_watch import BookingWatch
from .services.calendar_bookings import CalendarBookings
from .services.calendar_watch import CalendarWatch
from .services.call_announcements import CallAnnouncements
from .services.case_back_office import CaseBackOffice
from .services.case_delivery import CaseDelivery
from .services.case_intake import CaseIntake
from .services.case_reads import CaseReads
from .services.case_steps import CaseSteps
from .services.context import HallRegistry
from .services.desk_view import DeskView
from .services.devices import Devices
from .services.duty_roster import DutyRoster
from .services.enrolment import Enrolment
from .services.follow_ups import FollowUps
from .services.hall_overview import HallOverview
from .services.hall_setup import install_hall
from .services.health import Health
from .services.home_visits import HomeVisits
from .services.matter_catalog import MatterCatalog
from .services.rating_appeals import RatingAppeals
from .services.rating_export import RatingExport
from .services.rating_figures import RatingFigures
from .services.ratings import Ratings
from .services.statistics import Statistics
from .services.stats_rollup import StatsRollups
from .services.stranded_bookings import StrandedBookings
from .services.ticketing import Ticketing
from .services.tokens import Tokens
from .services.window_desk import WindowDesk
from .storage.database import Database
from .storage.id_secret import default_secret_path, hashed_data_exist, load_or_create_secret

log = logging.getLogger(__name__)


@dataclass
class HallServer:
    db: Database
    clock: Clock = field(default_factory=SystemClock)
    poll_seconds: float = 0.25
    heartbeat_seconds: float = 15.0
    tick_seconds: float = 5.0
    max_streams: int = MAX_STREAMS
    max_streams_per_token: int = MAX_STREAMS_PER_TOKEN
    max_streams_per_address: int = MAX_STREAMS_PER_ADDRESS
    secret_file: Path | None = None  # default: storage/id_secret.default_secret_path

    def __post_init__(self) -> None:
        secret = load_or_create_secret(
            self.secret_file or default_secret_path(self.db.url), lambda: hashed_data_exist(self.db.engine)
        )
        self.services = Services(self.db, self.clock, HallRegistry(self.db), secret)
        self.broker = EventBroker(
            self.db, self.poll_seconds, self.max_streams, self.max_streams_per_token, self.max_streams_per_address
        )
        self.db.after_commit = self.broker.publish
        self.tickets = Ticketing(self.services)
        self.windows = WindowDesk(self.services)
        self.tokens = Tokens(self.services)
        self.appointments = Appointments(self.services)
        self.booking_changes = BookingChanges(self.appointments)  # the resident's own: code + phone tail
        self.booking_watch = BookingWatch(self.services, self.appointments)
        bookings = CalendarBookings(self.appointments)
        self.overview = HallOverview(self.services, bookings)
        # Bookings the hall file (changed between starts) or anything else left without a seat.
        self.stranded = StrandedBookings(self.services, bookings)
        self.overview.stranded_warning = self.stranded.warning
        self.home_visits = HomeVisits(self.services)  # 预约上门
        self.devices = Devices(self.services)
        self.enrolment = Enrolment(self.services, self.tokens)  # devices join with a one-time code
        self.catalog = MatterCatalog(self.services)  # 事项清单: the admin page and the workbook
        self.follow_ups = FollowUps(self.services)  # 好差评 closed loop
        self.accounts, self.ratings = Accounts(self.services, self.tokens), Ratings(self.services, self.follow_ups)
        self.appeals, self.figures = RatingAppeals(self.services), RatingFigures(self.services)
        self.rating_export = RatingExport(self.services, self.figures)
        self.windows.check_password = self.accounts.check_password  # taking over another person's post
        # 办件, one object per flow: intake at the window, the back office, delivery, and the read side.
        case_steps = CaseSteps(self.services)
        self.case_reads = CaseReads(case_steps)
        self.case_intake = CaseIntake(case_steps)
        self.case_office = CaseBackOffice(case_steps)
        self.case_delivery = CaseDelivery(case_steps, self.case_reads)
        self.health = Health(self.services, self.broker)
        self.desk = DeskView(self.services)
        self.announcements = CallAnnouncements(self.services)  # calls really said, for 过号
        self.calendar_watch = CalendarWatch(self.services)  # the year-without-calendar warning in the log
        # Statistics, with the period's 好差评 figures from the ratings work.
        self.stats_rollups = StatsRollups(self.services)
        self.stats = Statistics(self.services, self.figures.summary, self.figures.by_hall)
        self.duty = DutyRoster(self.services)  # 带班
        self.stats.duty_figures = self.duty.month_figures
        self.overview.duty_leader = self.duty.leader_now
        self.ab_roster = AbRoster(self.services)  # AB岗 plan and leave
        self.windows.handover_check = self.ab_roster.check_handover
        self.desk.shift_notes = self.ab_roster.notes
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    @classmethod
    def open(cls, url: str, halls: list[HallConfig] | None = None, **kwargs) -> HallServer:
        """Open the database, migrate it, and make sure the configured halls exist."""
        db = Database(url)
        try:
            secret = load_or_create_secret(
                kwargs.get("secret_file") or default_secret_path(url), lambda: hashed_data_exist(db.engine)
            )
        except Exception:
            db.dispose()
            raise
        db.migrate(secret)
        server = cls(db, **kwargs)
        for config in halls if halls else [pilot_hall_config()]:
            server.install(config)
        return server

    def install(self, config: HallConfig) -> int:
        return install_hall(self.services, config)

    def start_background(self) -> None:
        """Start the event pump, the hall open/closed ticker and WAL checkpoints (once per process)."""
        self.db.checkpoint_in_background()
        self.calendar_watch.check()
        self.stranded.check()
        self.broker.start()
        self._ticker = threading.Thread(target=self._tick_loop, name="hall-ticker", daemon=True)
        self._ticker.start()

    def _tick_loop(self) -> None:
        next_defaults = 0.0
        while True:
            try:
                self.overview.tick()
                self.calendar_watch.check()
                self.stranded.check()  # once a local day per hall
                self.stats_rollups.close_pending()  # cheap: checks each hall once a local day
                self.appointments.tick()  # 爽约 after slot + grace
            except Exception:  # a database hiccup must not stop the ticker for the day
                log.exception("hall status tick failed")
            try:
                self.follow_ups.retry_messages()
                if time.monotonic() >= next_defaults:  # 未评价 defaulting: hourly is plenty for a 7-day rule
                    next_defaults = time.monotonic() + 3600
                    for hall_id in self.services.halls.all_ids():
                        self.figures.default_unrated(self.services.halls.get(hall_id))
            except Exception:
                log.exception("rating retry or 未评价 defaulting failed")
            if self._stop.wait(self.tick_seconds):
                return

    def close(self) -> None:
        self._stop.set()
        self.broker.stop()
        self.db.dispose()
