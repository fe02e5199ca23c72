"""Finding the matter: the 常办事项, by department, by pinyin initials."""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.widget import Widget

from ..viewmodels.context import Screen
from ..viewmodels.kiosk_model import KioskModel
from ..viewmodels.matter_choice import BOOK
from ..viewmodels.matter_finder import LETTERS
from ..widgets import GREEN, GREY, INK, RED
from .parts import Parts


class MatterScreens(Parts):
    screens = (Screen.GROUPS, Screen.DEPARTMENTS, Screen.MATTERS, Screen.SEARCH)

    def __init__(self, vm: KioskModel, unit: float, portrait: bool = False, wide: bool = False) -> None:
        super().__init__(vm, unit, portrait, wide)
        # Matter buttons per row: three fit a 16:9 screen at ≥ 48 px type, two a 5:4 or portrait one.
        self.matter_cols = 3 if wide else 2
        # A 5:4 screen has room for four rows of two-line names at that size; the rest of the
        # 常办事项 stay one tap away (按部门查找, 按拼音首字母查找).
        self.frequent_shown = 8 if not (wide or portrait) else 12

    def build_groups(self) -> Widget:
        """After 取号: the hall's 常办事项 as big buttons, 综合业务, and the two ways to find any other matter."""
        vm = self.vm
        general = self.with_hint(
            self.t("general_matter"),
            self.t("general_matter_hint"),
            "general",
            lambda: vm.pick_matter(None),
            GREEN,
            5,
            ratio=0.72,  # the hint is what a resident unsure of the matter reads: 24 px was too small
        )
        general.size_hint_y, general.height = None, self.u * (16 if self.portrait else 13)
        grid = self.grid(self.matter_cols)
        for m in vm.finding.frequent_matters()[: self.frequent_shown]:
            grid.add_widget(self.matter_button(m, lambda i=m["id"]: vm.pick_matter(i)))
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY, size=4.6))
        row.add_widget(self.button(self.t("find_by_department"), "departments", vm.finding.open_departments, size=4.6))
        row.add_widget(self.button(self.t("find_by_pinyin"), "search", vm.finding.open_search, size=4.6))
        title = self.t("book_matter_title" if vm.finding.purpose == BOOK else "frequent_title")
        return self.column(self.title(title), general, grid, row, spacing=1.5)

    def build_departments(self) -> Widget:
        vm = self.vm
        grid = self.grid(2 if self.portrait else 3)
        for domain, department in vm.finding.groups():
            grid.add_widget(
                self.button(department, f"group-{domain}", lambda d=domain: vm.finding.choose_group(d), size=5.5)
            )
        return self.column(self.title(self.t("groups_title")), grid, self.back_row())

    def build_matters(self) -> Widget:
        vm = self.vm
        grid = self.grid(self.matter_cols)
        for m in vm.finding.group_matters():
            grid.add_widget(self.matter_button(m, lambda i=m["id"]: vm.pick_matter(i)))
        return self.column(self.title(self.t("matters_title")), grid, self.back_row())

    def build_search(self) -> Widget:
        """An A–Z keyboard for pinyin initials; matching matters appear as big buttons at once."""
        vm = self.vm
        query = vm.finding.search.query
        entry = self.typed(query, "search_entry")
        keys = self.grid(7 if self.portrait else 6, 1)
        for letter in LETTERS:
            keys.add_widget(
                self.button(letter, f"letter-{letter}", lambda k=letter: vm.finding.search_press(k), size=5)
            )
        # 删除 and 清空 get a row of their own: in a letter-sized key their words shrank too small.
        edit = BoxLayout(size_hint_y=None, height=self.u * 9, spacing=self.u * 1)
        edit.add_widget(
            self.button(self.t("checkin_delete"), "search-del", lambda: vm.finding.search_press("del"), GREY, 4.6)
        )
        edit.add_widget(
            self.button(self.t("checkin_clear"), "search-clear", lambda: vm.finding.search_press("clear"), GREY, 4.6)
        )
        keyboard = BoxLayout(orientation="vertical", spacing=self.u * 1)
        keyboard.add_widget(keys)
        keyboard.add_widget(edit)
        results = self.grid(2 if self.portrait else 1, 1)
        found = vm.finding.search_results()
        for m in found:
            results.add_widget(self.matter_button(m, lambda i=m["id"]: vm.pick_matter(i), size=4.4))
        if not found:
            note = self.t("search_no_result", query=query) if query else self.t("search_waiting")
            results.add_widget(self.text(note, 3.8, kid="search_note", color=RED if query else INK))
        hint = self.text(self.t("search_hint"), 3.4, kid="search_hint", size_hint_y=None, height=self.u * 8)
        if self.portrait:
            keyboard.size_hint_y = 1.1
            body = BoxLayout(orientation="vertical", spacing=self.u * 1.5)
            body.add_widget(results)
            body.add_widget(keyboard)
            left = None
        else:
            left = BoxLayout(orientation="vertical", spacing=self.u * 1.5, size_hint_x=0.55)
            left.add_widget(entry)
            left.add_widget(hint)
            left.add_widget(keyboard)
            body = BoxLayout(spacing=self.u * 2)
            body.add_widget(left)
            body.add_widget(results)
        row = BoxLayout(size_hint_y=None, height=self.u * 11, spacing=self.u * 2)
        row.add_widget(self.button(self.t("back"), "back", vm.back, color=GREY, size=4.6))
        if self.portrait:
            return self.column(self.title(self.t("search_title")), entry, hint, body, row, spacing=1.2)
        return self.column(self.title(self.t("search_title")), body, row, spacing=1.2)
