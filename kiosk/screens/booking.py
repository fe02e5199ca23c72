"""预约办理: the day, the slot, the name, the phone with the summary, and the booking made."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from ..viewmodels.booking import (
    COMMON_SHOWN,
    SURNAME_LETTERS,
    TITLES,
    day_button_label,
    day_label,
    free_seats,
    slot_time,
    surnames_for,
)
from ..viewmodels.context import Screen
from ..widgets import BLUE, FIELD, GREEN, GREY, INK, RED, TEAL, TextLabel
from .parts import Parts


class BookingScreens(Parts):
    screens = (Screen.BOOK_DAY, Screen.BOOK_SLOT, Screen.BOOK_NAME, Screen.BOOK_PHONE, Screen.BOOKED)

    def _book_note(self) -> TextLabel:
        b = self.vm.booking.draft
        failed = b.note and not b.submitting and not b.loading
        return self.text(
            b.note, 3.4, kid="book_note", color=RED if failed else INK, size_hint_y=None, height=self.u * 8
        )

    def build_book_day(self) -> Widget:
        """The next days with a free seat, as big buttons: the date as residents say it, seats left."""
        vm, b = self.vm, self.vm.booking.draft
        today = vm.hall.today()
        # Four a row on a 16:9 screen: two a row made its eight buttons too short for 可约 N 人 at reading size.
        grid = self.grid(4 if self.wide else 2, 1.5)
        for i, day in enumerate(b.days):
            grid.add_widget(
                self.with_hint(
                    day_button_label(day.day, today, vm.ctx.locale),
                    self.t("book_day_free", free=day.free),
                    f"day-{day.day.isoformat()}",
                    lambda i=i: vm.booking.choose_day(i),
                    TEAL,
                    5,
                    ratio=0.75,  # 可约 N 人 decides the day: it was drawn at ~20 px
                )
            )
        body: Widget = grid
        if b.loading:
            body = self.text(self.t("book_loading"), 4.2, kid="book_loading")
        parts = [
            self.title(self.t("book_day_title")),
            self.text(b.matter_name, 4, kid="book_matter", bold=True, size_hint_y=None, height=self.u * 7),
            body,
        ]
        if b.note or not b.days:
            parts.append(self._book_note())
        parts.append(self.back_row())
        return self.column(*parts, spacing=1.2)

    def build_book_slot(self) -> Widget:
        vm, b = self.vm, self.vm.booking.draft
        today = vm.hall.today()
        day = day_label(b.day.day, today, vm.ctx.locale) if b.day else ""
        slots = b.free_slots()
        grid = self.grid(3 if self.portrait else 4, 1.5)
        for slot in slots:
            hint = self.t("book_slot_free", free=free_seats(slot))
            if slot.get("window_numbers"):
                windows = "、".join(str(w) for w in slot["window_numbers"])
                hint += " · " + self.t("book_slot_windows", windows=windows)
            grid.add_widget(
                self.with_hint(
                    slot_time(slot),
                    hint,
                    f"slot-{slot['start'][11:16]}",
                    lambda start=slot["start"]: vm.booking.choose_slot(start),
                    TEAL,
                    5,
                )
            )
        for _ in range((-len(slots)) % grid.cols or 0):
            grid.add_widget(Widget())  # a short last row keeps its buttons' size
        parts = [self.title(self.t("book_slot_title", day=day), kid="book_slot_title")]
        if slots:
            parts.append(grid)
        else:
            parts.append(self.text(self.t("book_no_slots"), 4.2, kid="book_no_slots"))
        if b.note:
            parts.append(self._book_note())
        parts.append(self.back_row())
        return self.column(*parts, spacing=1.2)

    def build_book_name(self) -> Widget:
        """Surname keys (common first, or by pinyin initial) and 先生/女士: no typing Chinese."""
        vm, b = self.vm, self.vm.booking.draft
        top = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        shown = b.name or (b.surname + "…" if b.surname else self.t("book_name_none"))
        top.add_widget(
            self.text(
                shown,
                6 if b.surname else 4.2,
                kid="book_name",
                bold=bool(b.surname),
                wrap=False,
                background=FIELD,
                size_hint_x=0.5,
            )
        )
        for title in TITLES:
            top.add_widget(
                self.button(
                    title,
                    f"title-{title}",
                    lambda t=title: vm.booking.name_title(t),
                    color=TEAL if b.title == title else GREY,
                    size=6,
                    size_hint_x=0.25,
                )
            )
        surnames = self.grid(6, 1)
        for name in surnames_for(b.letter):
            surnames.add_widget(
                self.button(
                    name,
                    f"surname-{name}",
                    lambda n=name: vm.booking.name_surname(n),
                    color=TEAL if b.surname == name else BLUE,
                    size=6.5,
                )
            )
        for _ in range(COMMON_SHOWN - len(surnames.children)):
            surnames.add_widget(Widget())  # a letter with few surnames keeps the keys' size
        letters = self.grid(7 if self.portrait else 5, 0.8)
        for letter in SURNAME_LETTERS:
            letters.add_widget(
                self.button(
                    letter,
                    f"initial-{letter}",
                    lambda k=letter: vm.booking.name_letter(None if b.letter == k else k),
                    color=TEAL if b.letter == letter else GREY,
                    size=4.6,
                )
            )
        caption = self.t("book_name_letter", letter=b.letter) if b.letter else self.t("book_name_common")
        left = BoxLayout(orientation="vertical", spacing=self.u)
        left.add_widget(self.text(caption, 3.4, kid="surname_caption", size_hint_y=None, height=self.u * 5))
        left.add_widget(surnames)
        right = BoxLayout(orientation="vertical", spacing=self.u)
        right.add_widget(
            self.text(self.t("book_name_by_letter"), 3.2, kid="letter_caption", size_hint_y=None, height=self.u * 7)
        )
        right.add_widget(letters)
        body = BoxLayout(orientation="vertical" if self.portrait else "horizontal", spacing=self.u * 2)
        left.size_hint = (1, 1.3) if self.portrait else (0.58, 1)
        right.size_hint = (1, 0.9) if self.portrait else (0.42, 1)
        body.add_widget(left)
        body.add_widget(right)
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY))
        row.add_widget(
            self.button(self.t("book_next"), "name_next", vm.booking.name_done, color=GREEN if b.name else GREY)
        )
        return self.column(self.title(self.t("book_name_title")), top, body, self._book_note(), row, spacing=1.2)

    def build_book_phone(self) -> Widget:
        vm, b = self.vm, self.vm.booking.draft
        today = vm.hall.today()
        summary = self.t(
            "book_summary",
            matter=b.matter_name,
            day=day_label(b.day.day, today, vm.ctx.locale) if b.day else "",
            time=slot_time(b.slot) if b.slot else "",
            name=b.name,
        )
        info = BoxLayout(orientation="vertical", spacing=self.u)
        info.add_widget(
            self.text(
                summary, 4, kid="book_summary", background=(0.9, 0.96, 0.96, 1), size_hint_y=None, height=self.u * 13
            )
        )
        info.add_widget(self.text(self.t("book_phone_prompt"), 3.2, size_hint_y=None, height=self.u * 7))
        info.add_widget(
            self.text(
                b.phone_display or " ",
                6.5,
                kid="phone_entry",
                wrap=False,
                background=FIELD,
                size_hint_y=None,
                height=self.u * 11,
            )
        )
        info.add_widget(self._book_note())
        pad = self.digit_pad("phone-key", vm.booking.phone_press, "clear", "del")
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY))
        row.add_widget(
            self.button(
                self.t("book_confirm"),
                "book_confirm",
                vm.booking.confirm,
                color=GREEN if b.phone_complete and not b.submitting else GREY,
            )
        )
        if self.portrait:
            info.size_hint_y = None
            info.height = self.u * 42
            return self.column(self.title(self.t("book_phone_title")), info, pad, row, spacing=1.2)
        body = BoxLayout(spacing=self.u * 2)
        info.size_hint_x, pad.size_hint_x = 0.55, 0.45
        info.add_widget(Widget())
        body.add_widget(info)
        body.add_widget(pad)
        return self.column(self.title(self.t("book_phone_title")), body, row, spacing=1.2)

    def build_booked(self) -> Widget:
        vm, appt, b = self.vm, self.vm.booking.appointment or {}, self.vm.booking.draft
        today = vm.hall.today()
        when = self.t(
            "booked_when",
            day=day_label(b.day.day, today, vm.ctx.locale) if b.day else "",
            time=slot_time({"start": appt.get("slot_start", ""), "end": appt.get("slot_end", "")})
            if appt.get("slot_start")
            else "",
        )
        parts: list[Widget] = [
            self.title(self.t("booked_title")),
            self.text(b.matter_name, 4.2, kid="matter", size_hint_y=None, height=self.u * 7),
            self.text(self.t("booked_code_caption"), 3.4, size_hint_y=None, height=self.u * 5),
            self.text(
                appt.get("code", ""),
                13,
                kid="code",
                bold=True,
                color=TEAL,
                wrap=False,
                size_hint_y=None,
                height=self.u * 14,
            ),
            self.text(when, 4.6, kid="booked_when", bold=True, wrap=False, size_hint_y=None, height=self.u * 7),
        ]
        windows = (b.slot or {}).get("window_numbers") or []
        if windows:
            parts.append(
                self.text(
                    self.t("booked_windows", windows="、".join(str(w) for w in windows)),
                    4,
                    kid="booked_windows",
                    size_hint_y=None,
                    height=self.u * 6,
                )
            )
        parts.append(self.text(self.t("booked_hint"), 3.4, kid="booked_hint"))
        note, color, bg = self.print_note("")
        parts.append(
            self.text(note, 3.4, kid="print_note", color=color, background=bg, size_hint_y=None, height=self.u * 10)
        )
        parts.append(self.back_row("done", "ticket_done"))
        return self.column(*parts, spacing=1)
