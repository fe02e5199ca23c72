"""Resident identity helpers: ID-number checks and masking (boards and slips never show full data)."""

from __future__ import annotations

import hashlib
import hmac

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_id_number(value: str) -> bool:
    """GB 11643 18-digit resident ID number with its check character."""
    v = value.strip().upper()
    if len(v) != 18 or not v[:17].isdigit() or v[17] not in "0123456789X":
        return False
    return _CHECK[sum(int(c) * w for c, w in zip(v[:17], _WEIGHTS, strict=False)) % 11] == v[17]


def id_number_hash(secret: bytes, hall_code: str, value: str) -> str:
    """Keyed hash of an ID number (HMAC-SHA256 with a secret kept outside the database), so a
    leaked database cannot be searched by trying the few million plausible ID numbers."""
    return rekey_id_hash(secret, _unkeyed_id_hash(hall_code, value))


def rekey_id_hash(secret: bytes, unkeyed: str) -> str:
    """The keyed hash from the unkeyed one stored before migration 0007: the HMAC's message is
    the old digest, so that migration re-keys stored rows without knowing any ID number."""
    return hmac.new(secret, unkeyed.encode(), hashlib.sha256).hexdigest()


def _unkeyed_id_hash(hall_code: str, value: str) -> str:
    return hashlib.sha256(f"yichuang:{hall_code}:{value.strip().upper()}".encode()).hexdigest()


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str | None) -> str | None:
    """138****5678: the first three and last four digits of a number of eight or more digits
    (mobile or landline, dashes and spaces dropped); a shorter number is all stars."""
    if not phone:
        return None
    digits = phone.replace("-", "").replace(" ", "")
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:] if len(digits) >= 8 else "*" * len(digits)
