"""Finding a matter on the kiosk without Kivy: the hall's 常办事项 first, then by department or by
the pinyin initials of its name ("ylbx" → 城乡居民基本医疗保险参保登记).

Initials are computed here, on the kiosk, with ``pypinyin`` (the kiosk extra): the catalog is
small (a few dozen matters), the server needs no new field, and search keeps working offline.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field

from pypinyin import Style, lazy_pinyin

HIGH_FREQUENCY = "高频"
FREQUENT_LIMIT = 12  # big buttons for the elderly: more than this no longer fit one screen
QUERY_LIMIT = 10
RESULT_LIMIT = 8
LETTERS = string.ascii_uppercase

# Where a long matter name may break into two lines: after these characters, or before these
# words; never inside a word like 预约签|到. Nearest the middle wins.
BREAK_AFTER = "和与及、，,）)"
BREAK_BEFORE = (
    "申请",
    "参保",
    "缴费",
    "登记",
    "认定",
    "备案",
    "报销",
    "补贴",
    "申领",
    "挂失",
    "待遇",
    "资格",
    "（",
    "(",
)


def initials(text: str) -> str:
    """Lower-case pinyin initials of the Chinese characters, and letters/digits as they are."""
    out = []
    for part in lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default"):
        out.append("".join(ch for ch in part.lower() if ch.isascii() and ch.isalnum()))
    return "".join(out)


def two_lines(text: str) -> str | None:
    """``text`` broken once at the best place near its middle, or None when it has no good place."""
    if len(text) < 6 or "\n" in text:
        return None
    spots = {i + 1 for i, ch in enumerate(text) if ch in BREAK_AFTER}
    for word in BREAK_BEFORE:
        start = text.find(word, 1)
        while start > 0:
            spots.add(start)
            start = text.find(word, start + 1)
    spots = {i for i in spots if 2 <= i <= len(text) - 2}
    if not spots:
        return None
    best = min(spots, key=lambda i: abs(len(text) - 2 * i))
    if abs(len(text) - 2 * best) > len(text) * 0.6:
        return None  # so lopsided that one line is better
    return text[:best] + "\n" + text[best:]


def layouts(name: str) -> list[str]:
    """A matter name as a button may show it, preferred first: one line, then two at a good break."""
    broken = two_lines(name)
    return [name, broken] if broken else [name]


@dataclass
class MatterFinder:
    matters: list[dict]
    _keys: dict[int, tuple[str, str, tuple[str, ...]]] = field(default_factory=dict)

    def frequent(self) -> list[dict]:
        """The catalog's 高频 matters in catalog order: the first screen after 取号."""
        return [m for m in self.matters if m.get("class") == HIGH_FREQUENCY][:FREQUENT_LIMIT]

    def departments(self) -> list[tuple[str, str]]:
        """(domain, department) in catalog order; a button says the department's name."""
        seen: dict[str, str] = {}
        for m in self.matters:
            seen.setdefault(m["domain"], m["department"])
        return list(seen.items())

    def in_department(self, domain: str | None) -> list[dict]:
        items = [m for m in self.matters if m["domain"] == domain]
        return sorted(items, key=lambda m: m.get("class") != HIGH_FREQUENCY)  # stable: catalog order within

    def _search_keys(self, m: dict) -> tuple[str, str, tuple[str, ...]]:
        if m["id"] not in self._keys:
            self._keys[m["id"]] = (
                initials(m["name"]),
                initials(m.get("department", "")),
                tuple(initials(k) for k in m.get("keywords", [])),
            )
        return self._keys[m["id"]]

    def search(self, query: str) -> list[dict]:
        """Matters whose name's initials contain ``query`` (a prefix ranks first), then those whose
        keyword or department initials start with it: "ylbx", "sbk" (社保卡), "rss" (人社所)."""
        q = query.lower()
        if not q:
            return []
        ranked: list[tuple[int, int, dict]] = []
        for order, m in enumerate(self.matters):
            name, department, keywords = self._search_keys(m)
            if name.startswith(q):
                rank = 0
            elif q in name:
                rank = 1
            elif any(k.startswith(q) for k in keywords):
                rank = 2
            elif department.startswith(q):
                rank = 3
            else:
                continue
            ranked.append((rank, order, m))
        return [m for _, _, m in sorted(ranked, key=lambda r: r[:2])][:RESULT_LIMIT]


@dataclass
class SearchBox:
    """The letters typed on the kiosk's on-screen A–Z keyboard."""

    query: str = ""

    def press(self, key: str) -> None:
        if key == "del":
            self.query = self.query[:-1]
        elif key == "clear":
            self.query = ""
        elif len(key) == 1 and key.upper() in LETTERS and len(self.query) < QUERY_LIMIT:
            self.query += key.upper()
