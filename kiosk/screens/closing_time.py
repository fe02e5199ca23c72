"""The screens that say no: closed, closing (the consent, booking instead), refused, uncertain."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from ..viewmodels.context import Screen
from ..widgets import GREEN, GREY, TEAL
from .parts import Parts


class ClosingScreens(Parts):
    screens = (Screen.REFUSED, Screen.UNCERTAIN, Screen.CLOSED, Screen.CONSENT)

    def _notice_screen(self, extra: list[Widget] | None = None) -> Widget:
        return self.column(
            self.title(self.vm.closing.title),
            self.text(self.vm.closing.text, 4, kid="notice"),
            *(extra or []),
            self.back_row(),
        )

    def build_refused(self) -> Widget:
        if not self.vm.closing.offer_booking:
            return self._notice_screen()
        # Today's numbers are gone (closing): booking another day is the answer, not a dead end.
        row = BoxLayout(size_hint_y=None, height=self.u * 11)
        row.add_widget(self.button(self.t("closed_book"), "refused_book", self.vm.book_instead, color=TEAL))
        return self._notice_screen([row])

    def build_uncertain(self) -> Widget:
        return self._notice_screen()

    def build_closed(self) -> Widget:
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("closed_book"), "closed_book", self.vm.book_instead, color=TEAL))
        row.add_widget(self.button(self.t("closed_checkin"), "closed_checkin", self.vm.checkin.open, color=GREEN))
        return self._notice_screen([row])

    def build_consent(self) -> Widget:
        vm = self.vm
        parts = [
            self.title(self.t("consent_title")),
            self.text(
                self.t(
                    "consent_text",
                    ahead=vm.closing.ahead if vm.closing.ahead is not None else "—",
                    closes=vm.hall.when(vm.closing.closes).split(" ")[-1],
                ),
                4,
                kid="consent_text",
            ),
        ]
        if vm.closing.next_open_at:
            parts.append(
                self.text(
                    self.t("consent_next_open", when=vm.hall.when(vm.closing.next_open_at)),
                    3.6,
                    size_hint_y=None,
                    height=self.u * 7,
                )
            )
        row = BoxLayout(size_hint_y=None, height=self.u * 13, spacing=self.u * 2)
        row.add_widget(self.button(self.t("consent_decline"), "decline", vm.home, color=GREY))
        row.add_widget(self.button(self.t("consent_accept"), "accept", vm.issuing.accept_late, color=GREEN))
        parts.append(row)
        book = BoxLayout(size_hint_y=None, height=self.u * 11)
        book.add_widget(self.button(self.t("consent_book"), "consent_book", vm.book_instead, color=TEAL))
        parts.append(book)
        return self.column(*parts)
