"""The kiosk's matter finding rules without Kivy: pinyin initials, ranking, line breaks."""

from __future__ import annotations

from kiosk.viewmodels.matter_finder import MatterFinder, SearchBox, initials, two_lines

MATTERS = [
    {"id": 1, "name": "城乡居民基本养老保险参保登记", "department": "人社所", "domain": "ss", "class": "高频"},
    {
        "id": 2,
        "name": "社会保障卡申领",
        "department": "人社所",
        "domain": "ss",
        "class": "高频",
        "keywords": ["社保卡"],
    },
    {"id": 3, "name": "城乡居民基本医疗保险参保登记", "department": "医保工作站", "domain": "mi", "class": "高频"},
    {"id": 4, "name": "医疗救助申请", "department": "医保工作站", "domain": "mi", "class": "低频"},
]


def names(found: list[dict]) -> list[str]:
    return [m["name"] for m in found]


def test_initials_of_a_matter_name():
    assert initials("城乡居民基本医疗保险参保登记") == "cxjmjbylbxcbdj"


def test_ylbx_finds_medical_insurance_by_the_middle_of_its_name():
    assert "城乡居民基本医疗保险参保登记" in names(MatterFinder(MATTERS).search("YLBX"))


def test_a_name_starting_with_the_initials_ranks_first():
    assert names(MatterFinder(MATTERS).search("yl"))[0] == "医疗救助申请"


def test_keyword_and_department_initials_find_matters_too():
    finder = MatterFinder(MATTERS)
    assert names(finder.search("sbk")) == ["社会保障卡申领"]
    assert names(finder.search("ybgzz")) == ["城乡居民基本医疗保险参保登记", "医疗救助申请"]


def test_frequent_matters_are_the_high_frequency_class_in_catalog_order():
    assert [m["id"] for m in MatterFinder(MATTERS).frequent()] == [1, 2, 3]


def test_a_long_name_breaks_at_a_word_never_inside_one():
    assert two_lines("困难残疾人生活补贴和重度残疾人护理补贴申请") == "困难残疾人生活补贴和\n重度残疾人护理补贴申请"
    assert two_lines("城乡居民基本医疗保险参保登记") == "城乡居民基本医疗保险\n参保登记"
    assert two_lines("预约签到") is None


def test_search_box_takes_letters_only_and_a_bounded_query():
    box = SearchBox()
    for key in "ylb1x":
        box.press(key)
    assert box.query == "YLBX"
    box.press("del")
    assert box.query == "YLB"
    for _ in range(20):
        box.press("Q")
    assert len(box.query) == 10
    box.press("clear")
    assert box.query == ""
