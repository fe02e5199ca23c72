"""Working-day calendar: what clerks, residents and administrators notice.

Expected dates come from the State Council's 2026 holiday arrangement (春节 2月15日–23日 off,
2月14日(六)、2月28日(六) worked; 国庆节 10月1日–7日 off, 9月20日(日)、10月10日(六) worked),
from the weekday of a date, or from the override rows the test itself enters.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import chinese_calendar
import pytest

from hall_server.core import working_calendar as wc
from hall_server.core.working_calendar import (
    HOLIDAY,
    MAKEUP_WORKDAY,
    WEEKEND,
    WORKDAY,
    Override,
    WorkingCalendar,
)

D = dt.date
MESSAGES = Path(__file__).resolve().parents[2] / "hall_common" / "messages"

needs_2027_unpublished = pytest.mark.skipif(
    WorkingCalendar.has_official_data(2027),
    reason="the installed chinesecalendar already ships 2027 data",
)


@pytest.fixture
def cal() -> WorkingCalendar:
    return WorkingCalendar()


# --- official 2026 calendar ----------------------------------------------------------


def test_spring_festival_2026_makeup_saturdays_are_working_days(cal):
    for saturday in (D(2026, 2, 14), D(2026, 2, 28)):
        assert saturday.weekday() == 5
        info = cal.day_info(saturday)
        assert info.is_working_day
        assert info.kind == MAKEUP_WORKDAY
        assert info.source == "official"
        assert info.holiday_name == "春节"
        assert info.note == "调休上班"


def test_national_day_2026_makeup_sunday_is_a_working_day(cal):
    info = cal.day_info(D(2026, 9, 20))
    assert D(2026, 9, 20).weekday() == 6
    assert info.is_working_day and info.kind == MAKEUP_WORKDAY
    assert info.holiday_name == "国庆节"


def test_national_day_2026_is_a_holiday_with_its_chinese_name(cal):
    info = cal.day_info(D(2026, 10, 1))
    assert not info.is_working_day
    assert info.kind == HOLIDAY
    assert info.holiday_name == "国庆节"
    assert info.source == "official"


def test_weekend_inside_national_day_counts_as_holiday_not_plain_weekend(cal):
    # 2026-10-03/04 are Saturday/Sunday inside the 10月1日–7日 break
    for d in (D(2026, 10, 3), D(2026, 10, 4)):
        assert d.weekday() >= 5
        info = cal.day_info(d)
        assert info.kind == HOLIDAY and info.holiday_name == "国庆节"


def test_weekday_in_spring_festival_break_is_closed(cal):
    d = D(2026, 2, 18)  # a Wednesday
    assert d.weekday() == 2
    info = cal.day_info(d)
    assert not info.is_working_day
    assert info.holiday_name == "春节"


def test_ordinary_2026_weekend_and_weekday_follow_the_official_source(cal):
    saturday, thursday = D(2026, 11, 28), D(2026, 12, 31)
    assert saturday.weekday() == 5 and thursday.weekday() == 3
    assert cal.day_info(saturday).kind == WEEKEND and not cal.is_working_day(saturday)
    assert cal.day_info(thursday).kind == WORKDAY and cal.is_working_day(thursday)
    assert cal.day_info(thursday).source == "official"


def test_every_holiday_in_the_package_gets_a_chinese_name(cal):
    listed = {**chinese_calendar.holidays, **chinese_calendar.workdays}
    for day, english in listed.items():
        name = cal.day_info(day).holiday_name
        assert name in wc.HOLIDAY_NAMES.values(), (day, english, name)


def test_day_info_accepts_a_datetime(cal):
    assert cal.day_info(dt.datetime(2026, 10, 1, 9, 30)).holiday_name == "国庆节"


# --- supported range and the fallback ---------------------------------------------------


def test_official_range_matches_what_the_installed_package_accepts():
    years = wc.official_years()
    chinese_calendar.is_workday(D(years.stop - 1, 12, 31))  # must not raise
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(D(years.stop, 1, 4))
    assert WorkingCalendar.has_official_data(years.stop - 1)
    assert not WorkingCalendar.has_official_data(years.stop)


def test_first_year_without_data_is_served_by_weekday_fallback(cal):
    year = wc.official_years().stop
    monday = D(year, 1, 1) + dt.timedelta(days=(7 - D(year, 1, 1).weekday()) % 7)
    info = cal.day_info(monday)
    assert info.is_working_day and info.source == "fallback"
    sunday = monday - dt.timedelta(days=1)
    assert not cal.is_working_day(sunday)
    assert cal.day_info(sunday).kind == WEEKEND


@needs_2027_unpublished
def test_2027_monday_is_a_working_day_by_fallback(cal):
    d = D(2027, 1, 4)
    assert d.weekday() == 0
    info = cal.day_info(d)
    assert info.is_working_day
    assert info.kind == WORKDAY
    assert info.source == "fallback"
    assert cal.day_info(D(2027, 1, 2)).kind == WEEKEND


# --- admin warnings ---------------------------------------------------------------------


@needs_2027_unpublished
def test_admin_is_warned_in_late_november_2026_that_2027_has_no_official_calendar(cal):
    assert cal.missing_years(D(2026, 11, 25), 60) == [2027]
    (warning,) = cal.warnings(D(2026, 11, 25))
    assert warning.year == 2027
    assert warning.key == "calendar.year_missing"
    assert warning.severity == "error"
    assert "2027" in warning.message and "调休" in warning.message
    (english,) = cal.warnings(D(2026, 11, 25), locale="en")
    assert "2027" in english.message and "holiday" in english.message


@needs_2027_unpublished
def test_a_2027_date_produces_the_missing_data_warning(cal):
    (warning,) = cal.warnings(D(2027, 1, 4))
    assert warning.year == 2027 and warning.key == "calendar.year_missing"


def test_no_warning_when_the_horizon_stays_inside_an_official_year(cal):
    last = wc.official_years().stop - 1
    # 1 June + 90 days is still inside the same year
    assert cal.warnings(D(last, 6, 1)) == []
    assert cal.missing_years(D(last, 6, 1)) == []


def test_warning_reaches_across_new_year_only_within_the_horizon(cal):
    missing = wc.official_years().stop
    eve = D(missing - 1, 12, 31)
    assert cal.missing_years(eve - dt.timedelta(days=10), horizon_days=5) == []
    assert cal.missing_years(eve - dt.timedelta(days=10), horizon_days=11) == [missing]


@needs_2027_unpublished
def test_partial_2027_overrides_soften_the_warning_and_confirmation_clears_it():
    rows = {D(2027, 1, 1): ("holiday", "元旦")}
    (warning,) = WorkingCalendar(rows).warnings(D(2026, 11, 25))
    assert warning.key == "calendar.year_local_only"
    assert warning.severity == "warning"
    assert warning.params["count"] == 1 and "1" in warning.message
    assert WorkingCalendar(rows, confirmed_years=[2027]).warnings(D(2026, 11, 25)) == []


# --- overrides --------------------------------------------------------------------------


def test_new_year_2027_is_a_holiday_even_without_official_data_or_override():
    d = D(2027, 1, 1)  # a Friday: the weekday fallback alone would open the hall
    info = WorkingCalendar().day_info(d)
    assert d.weekday() == 4 and not info.is_working_day
    assert (info.kind, info.source, info.holiday_name) == (HOLIDAY, "fallback", "元旦")


def test_fixed_date_holidays_labour_day_and_national_day_2027_close_the_hall():
    cal = WorkingCalendar()
    closed = [D(2027, 5, 1), D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)]
    assert [cal.day_info(d).holiday_name for d in closed] == ["劳动节", "国庆节", "国庆节", "国庆节"]
    assert cal.is_working_day(D(2027, 10, 8))  # beyond the statutory three days: the override table decides


def test_override_makes_spring_festival_2027_a_holiday():
    d = D(2027, 2, 8)  # a Monday inside the lunar holiday: no fixed date can know it
    assert WorkingCalendar().is_working_day(d)
    info = WorkingCalendar({d: Override("holiday", "春节")}).day_info(d)
    assert not info.is_working_day
    assert info.kind == HOLIDAY
    assert info.source == "override"
    assert info.holiday_name == "春节"


def test_override_turns_a_2027_saturday_into_a_makeup_workday():
    d = D(2027, 2, 20)
    assert d.weekday() == 5
    info = WorkingCalendar({d: ("workday", "调休上班")}).day_info(d)
    assert info.is_working_day
    assert info.kind == MAKEUP_WORKDAY
    assert info.source == "override"
    assert info.note == "调休上班"


def test_override_wins_over_official_data():
    duty = D(2026, 10, 3)  # Saturday inside National Day
    closed = D(2026, 11, 25)  # ordinary Wednesday
    cal = WorkingCalendar({duty: {"kind": "workday", "note": "镇里值班日"}, closed: "holiday"})
    assert cal.is_working_day(duty) and cal.day_info(duty).note == "镇里值班日"
    assert not cal.is_working_day(closed) and cal.day_info(closed).source == "override"


def test_override_rows_from_the_database_shape_are_accepted():
    class Row:
        kind = "holiday"
        note = "春节"

    info = WorkingCalendar({"2027-02-08": Row()}).day_info(D(2027, 2, 8))
    assert not info.is_working_day and info.holiday_name == "春节"


def test_unknown_override_kind_is_rejected():
    with pytest.raises(ValueError):
        WorkingCalendar({D(2027, 1, 1): ("closed", "")})


def test_changed_override_table_takes_effect_in_a_new_calendar():
    d = D(2027, 2, 8)
    rows: dict = {}
    cal = WorkingCalendar(rows)
    assert cal.is_working_day(d)  # now cached
    rows[d] = ("holiday", "春节")  # the caller's dict changing does not leak in
    assert cal.is_working_day(d)
    updated = cal.with_overrides(rows)
    assert not updated.is_working_day(d)
    assert updated.add_working_days(D(2027, 2, 5), 1) == D(2027, 2, 9)
    assert cal.add_working_days(D(2027, 2, 5), 1) == d


# --- arithmetic -------------------------------------------------------------------------


def test_promise_accepted_on_national_day_eve_falls_due_after_the_break(cal):
    accepted = D(2026, 9, 30)
    assert cal.add_working_days(accepted, 1) == D(2026, 10, 8)
    assert cal.add_working_days(accepted, 2) == D(2026, 10, 9)
    assert cal.add_working_days(accepted, 3) == D(2026, 10, 10)  # the make-up Saturday counts


def test_promise_counts_from_the_day_after_acceptance(cal):
    # accepted Monday 2026-11-23: 5 working days are Tue..Fri + next Mon
    assert cal.add_working_days(D(2026, 11, 23), 5) == D(2026, 11, 30)


def test_instant_matter_is_due_on_the_same_day(cal):
    assert cal.add_working_days(D(2026, 10, 1), 0) == D(2026, 10, 1)
    with pytest.raises(ValueError):
        cal.add_working_days(D(2026, 10, 1), -1)


def test_promise_across_new_year_2027_skips_the_holiday_and_the_weekend():
    accepted = D(2026, 12, 30)  # Wednesday
    # 12-31 (Thu) is day 1; 01-01 元旦, 01-02/03 weekend; 01-04 (Mon) is day 2
    assert WorkingCalendar().add_working_days(accepted, 2) == D(2027, 1, 4)
    # an override that makes 01-02 a duty day moves it
    assert WorkingCalendar({D(2027, 1, 2): ("workday", "调休上班")}).add_working_days(accepted, 2) == D(2027, 1, 2)


def test_promise_across_an_entered_2027_makeup_saturday():
    rows = {D(2027, 2, 20): ("workday", "调休上班")}
    friday = D(2027, 2, 19)
    assert WorkingCalendar(rows).add_working_days(friday, 1) == D(2027, 2, 20)
    assert WorkingCalendar().add_working_days(friday, 1) == D(2027, 2, 22)


def test_legal_twenty_day_limit_spanning_national_day(cal):
    # accepted 2026-09-25 (Fri, 中秋 holiday itself). Working days after it:
    # 9/28 9/29 9/30 (3), 10/8 10/9 10/10 (6), 10/12–16 (11), 10/19–23 (16), 10/26–29 (20)
    assert cal.add_working_days(D(2026, 9, 25), 20) == D(2026, 10, 29)


def test_days_between_counts_working_days_after_the_first_date(cal):
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 8)) == 1
    assert cal.working_days_between(D(2026, 9, 30), D(2026, 10, 7)) == 0
    assert cal.working_days_between(D(2026, 10, 8), D(2026, 9, 30)) == -1
    assert cal.working_days_between(D(2026, 10, 8), D(2026, 10, 8)) == 0


def test_days_between_undoes_add_working_days_across_years():
    cal = WorkingCalendar({D(2027, 1, 1): ("holiday", "元旦")})
    start = D(2026, 9, 1)
    for offset in range(0, 150, 7):
        a = start + dt.timedelta(days=offset)
        for n in (0, 1, 5, 20, 60, 300):
            assert cal.working_days_between(a, cal.add_working_days(a, n)) == n


def test_next_working_day_skips_the_holiday_and_knows_makeup_days(cal):
    assert cal.next_working_day(D(2026, 9, 30)) == D(2026, 10, 8)
    assert cal.next_working_day(D(2026, 2, 13)) == D(2026, 2, 14)  # Friday -> make-up Saturday
    assert cal.next_working_day(D(2026, 10, 8)) == D(2026, 10, 9)
    assert cal.next_working_day(D(2026, 10, 8), inclusive=True) == D(2026, 10, 8)
    assert cal.next_working_day(D(2026, 10, 1), inclusive=True) == D(2026, 10, 8)


def test_module_level_helpers_use_the_official_calendar():
    assert not wc.is_working_day(D(2026, 10, 1))
    assert wc.next_working_day(D(2026, 9, 30)) == D(2026, 10, 8)
    assert wc.day_info(D(2026, 2, 14)).kind == MAKEUP_WORKDAY


# --- message catalog --------------------------------------------------------------------


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_label_the_calendar_can_show_exists_in_both_locales(locale):
    entries = tomllib.loads((MESSAGES / locale / "calendar.toml").read_text("utf-8"))
    needed = {"year_missing", "year_local_only"}
    needed |= {f"kind_{k}" for k in wc.KINDS}
    needed |= {f"source_{s}" for s in wc.SOURCES}
    needed |= {f"holiday_{code}" for code in wc.HOLIDAY_NAMES}
    assert needed <= set(entries)
    for key in ("year_missing", "year_local_only"):
        assert "{year}" in entries[key]
