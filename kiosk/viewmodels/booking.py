"""预约办理 at the kiosk without Kivy: what the resident has chosen so far, and the keypads for
the name and the phone.

A touchscreen has no Chinese keyboard, and the elderly do not type pinyin: the name is the
resident's surname, picked from big keys (the most common ones first, any other by the pinyin
initial of its reading as a surname), and 先生 or 女士 — "王女士" is how the window and the SMS
address the resident; the appointment is found again by its code or the phone.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from datetime import date, datetime

from pypinyin import Style, lazy_pinyin

from hall_common.i18n import message

# About 260 surnames in order of frequency (the first 100 cover some 85 % of residents).
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴"
    "霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑"
    "景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# Read as surnames these differ from their common reading (单 shàn, 曾 zēng, 解 xiè …).
SURNAME_INITIAL = {"单": "S", "曾": "Z", "解": "X", "仇": "Q", "查": "Z", "翟": "Z", "缪": "M", "覃": "Q", "区": "O"}
COMMON_SHOWN = 24  # keys shown before a letter is chosen
TITLES = ("先生", "女士")
PHONE_DIGITS = 11
MAX_DAYS = 8  # bookable days offered as big buttons: the next ones with a free seat


def surname_initial(surname: str) -> str:
    if surname in SURNAME_INITIAL:
        return SURNAME_INITIAL[surname]
    return lazy_pinyin(surname, style=Style.FIRST_LETTER)[0][:1].upper()


_BY_LETTER: dict[str, list[str]] = {}
for _s in SURNAMES:
    _BY_LETTER.setdefault(surname_initial(_s), []).append(_s)
# Only letters that begin some surname get a key (no I, U, V).
SURNAME_LETTERS = [letter for letter in string.ascii_uppercase if letter in _BY_LETTER]


def surnames_for(letter: str | None, limit: int = COMMON_SHOWN) -> list[str]:
    """The surname keys to show: the most common ones, or those whose reading starts with ``letter``."""
    found = _BY_LETTER.get(letter, []) if letter else list(SURNAMES)
    return found[:limit]


@dataclass
class DayChoice:
    day: date
    free: int  # seats left over the day's slots
    slots: list[dict]  # the day's slots as the server gave them


def free_seats(slot: dict) -> int:
    return max(0, int(slot["seats"]) - int(slot["taken"]))


@dataclass
class BookingDraft:
    """What the resident has chosen, screen by screen."""

    matter_id: int | None = None
    matter_name: str = ""
    days: list[DayChoice] = field(default_factory=list)
    loading: bool = False
    day: DayChoice | None = None
    slot: dict | None = None
    letter: str | None = None
    surname: str = ""
    title: str = ""
    phone: str = ""
    note: str = ""  # why the last step failed (red, on the screen where it happened)
    submitting: bool = False
    uncertain: bool = False  # an answer was lost: the booking may exist, so no second try here

    @property
    def name(self) -> str:
        return f"{self.surname}{self.title}" if self.surname and self.title else ""

    def free_slots(self) -> list[dict]:
        return [s for s in (self.day.slots if self.day else []) if free_seats(s) > 0]

    def press_phone(self, key: str) -> None:
        if key == "del":
            self.phone = self.phone[:-1]
        elif key == "clear":
            self.phone = ""
        elif key.isdigit() and len(key) == 1 and len(self.phone) < PHONE_DIGITS:
            self.phone += key

    @property
    def phone_complete(self) -> bool:
        return len(self.phone) == PHONE_DIGITS and self.phone.startswith("1")

    @property
    def phone_display(self) -> str:
        """138 0000 1234: read back in groups, as residents say their numbers."""
        p = self.phone
        return " ".join(part for part in (p[:3], p[3:7], p[7:]) if part)


def slot_time(slot: dict) -> str:
    start, end = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
    return f"{start:%H:%M}–{end:%H:%M}"


def day_button_label(day: date, today: date, locale: str = "zh_CN") -> str:
    """A day's button: 11月27日 周五, and 明天 / 后天 on a line of its own in the same large type
    (in brackets after the date it shrank with the line)."""
    m = lambda key, **kw: message(f"kiosk.{key}", locale, **kw)  # noqa: E731
    ahead = (day - today).days
    label = m("book_day", month=day.month, day=day.day, weekday=m(f"weekday_{day.weekday()}"), rel="")
    return label + "\n" + m(f"book_day_button_rel_{ahead}") if ahead in (1, 2) else label


def day_label(day: date, today: date, locale: str = "zh_CN") -> str:
    """11月27日 周五（明天）: the way a resident says a date."""
    m = lambda key, **kw: message(f"kiosk.{key}", locale, **kw)  # noqa: E731
    ahead = (day - today).days
    rel = m(f"book_day_in_{ahead}") if ahead in (1, 2) else ""
    return m("book_day", month=day.month, day=day.day, weekday=m(f"weekday_{day.weekday()}"), rel=rel)
