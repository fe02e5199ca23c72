"""Resident identity helpers: ID-number checks and masking (boards and slips never show full data)."""

from __future__ import annotations

import hashlib

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


def valid_id_number(value: str) -> bool:
    """GB 11643 18-digit resident ID number with its check character."""
    v = value.strip().upper()
    if len(v) != 18 or not v[:17].isdigit() or v[17] not in "0123456789X":
        return False
    return _CHECK[sum(int(c) * w for c, w in zip(v[:17], _WEIGHTS, strict=False)) % 11] == v[17]


def id_number_hash(hall_code: str, value: str) -> str:
    return hashlib.sha256(f"yichuang:{hall_code}:{value.strip().upper()}".encode()).hexdigest()


def mask_name(name: str) -> str:
    """张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明."""
    name = name.strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_phone(phone: str) -> str:
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 11 else "*" * len(phone)
