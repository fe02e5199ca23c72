"""Who may do what: roles, and the window a clerk's token is bound to."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import Forbidden

# county_admin: reads every hall's figures on a shared PostgreSQL, changes nothing.
ROLES = ("kiosk", "board", "pad", "clerk", "backoffice", "supervisor", "admin", "county_admin")


@dataclass(frozen=True)
class Principal:
    hall_id: int
    role: str
    label: str = ""
    window_number: int | None = None
    staff_id: int | None = None
    token_id: int | None = None

    def require(self, *roles: str) -> None:
        if self.role not in roles:
            raise Forbidden("forbidden_role", role=self.role)

    def require_window(self, number: int) -> None:
        """Clerks act only on their own window; supervisors and admins on any."""
        if self.role in ("supervisor", "admin"):
            return
        if self.role == "clerk" and self.window_number == number:
            return
        if self.role == "clerk":
            raise Forbidden("forbidden_window", window=number, own=self.window_number)
        raise Forbidden("forbidden_role", role=self.role)
