"""Where the kiosk breaks a Chinese sentence (hall_common/line_breaking.py, shared with the slips), with one
width unit per character: the real font's widths are checked on screen by the layout test."""

from __future__ import annotations

from hall_common.line_breaking import break_lines


def lines(text: str, width: int) -> list[str]:
    return break_lines(text, width, len)


def test_a_sentence_never_ends_with_a_lone_full_stop_or_character_on_its_own_line():
    assert lines("请输入完整。", 5) == ["请输入", "完整。"]
    assert lines("身份证号码是18位，请输入完整", 14) == ["身份证号码是18位，请输入", "完整"]


def test_punctuation_never_starts_a_line_and_an_opening_bracket_never_ends_one():
    for width in range(4, 30):
        for line in lines("请输入办件编号（如 2026-00001），再输入登记手机号的后4位。", width):
            assert line[0] not in "。，、；：？！）" and line[-1] not in "（“"


def test_a_case_number_stays_whole_and_is_not_pushed_down_by_the_space_before_it():
    text = "没有找到办件 2026-00001，请核对告知书上的办件编号和手机号后4位，或到窗口咨询。"
    assert lines(text, 20)[0] == "没有找到办件 2026-00001，请核"
    assert all("2026-00001" in line or "2026" not in line for line in lines(text, 12))


def test_newlines_of_the_text_are_kept():
    assert lines("最低生活保障申请\n11月27日 09:30", 40) == ["最低生活保障申请", "11月27日 09:30"]
