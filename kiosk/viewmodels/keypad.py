"""The on-screen keypad for appointment check-in: a code (6 digits) or an ID number (18, last may be X)."""

from __future__ import annotations

from dataclasses import dataclass

CODE, ID_NUMBER = "code", "id"
LENGTH = {CODE: 6, ID_NUMBER: 18}


@dataclass
class Keypad:
    mode: str = CODE
    value: str = ""

    def set_mode(self, mode: str) -> None:
        self.mode, self.value = mode, ""

    def press(self, key: str) -> None:
        if key == "del":
            self.value = self.value[:-1]
        elif key == "clear":
            self.value = ""
        elif len(self.value) < LENGTH[self.mode]:
            # X is the ID number's check character, and only ever the last one.
            if key.isdigit() or (key == "X" and self.mode == ID_NUMBER and len(self.value) == 17):
                self.value += key

    @property
    def complete(self) -> bool:
        return len(self.value) == LENGTH[self.mode]

    @property
    def display(self) -> str:
        if self.mode == ID_NUMBER and len(self.value) > 10:
            # The screen faces the hall: hide the middle of an ID number (birth date).
            return self.value[:6] + "*" * (len(self.value) - 10) + self.value[-4:]
        return self.value
