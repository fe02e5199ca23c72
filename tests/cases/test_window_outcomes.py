"""The four window outcomes over real HTTP: 即办, 受理, 一次性告知 (and its second round), 不予受理."""

from __future__ import annotations

from tests.cases.conftest import all_submitted, open_case


def test_accepting_a_case_issues_a_numbered_notice_due_in_working_days(hall, matters):
    clerk = hall.client("clerk-1")
    case = open_case(clerk, matters["MZ003"])  # 临时救助申请, promised 10 working days
    assert case["case_no"] == "2026-00001" and case["state"] == "open" and case["owner_window"] == 1
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "accept",
            "materials": all_submitted(matters["MZ003"]),
            "identity_checked": True,
            "delivery_choice": "village_station",
            "village_station": "龙湾村代办点",
        },
    )
    assert r.status_code == 200, r.text
    accepted = r.json()
    assert accepted["state"] == "accepted"
    assert accepted["documents"]["acceptance"] == "斑受〔2026〕0001号"
    # Thursday 2026-11-26 + 10 working days (weekends skipped) = Thursday 2026-12-10.
    assert accepted["accepted_on"] == "2026-11-26" and accepted["due_date"] == "2026-12-10"
    assert accepted["working_days_left"] == 10


def test_an_immediate_matter_is_done_and_handed_over_at_the_window(hall, matters, signature_png):
    clerk = hall.client("clerk-2")
    case = open_case(clerk, matters["RS001"])  # 城乡居民基本养老保险参保登记, 即办
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "immediate",
            "materials": all_submitted(matters["RS001"]),
            "identity_checked": True,
            "result": "参保登记完成，打印参保凭证1份",
            "receipt": {"method": "window", "recipient": "张小三", "relation": "本人", "signature": signature_png},
        },
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["state"] == "closed" and done["outcome"] == "immediate"
    assert done["receipt"]["recipient"] == "张小三" and done["receipt"]["has_signature"]
    assert [s["action"] for s in done["history"]] == ["open", "immediate", "deliver", "close"]


def test_incomplete_materials_get_one_notice_listing_every_gap_then_the_case_continues(hall, matters):
    clerk = hall.client("clerk-1")
    matter = matters["MZ001"]  # 最低生活保障申请
    case = open_case(clerk, matter)
    names = [m["name"] for m in matter["materials"] if m["required"]]
    assert len(names) >= 4
    ticks = [
        {"name": names[0], "status": "submitted"},
        {"name": names[1], "status": "submitted"},
        {"name": names[2], "status": "defective", "note": "未按手印"},
    ]
    r = clerk.post(f"/cases/{case['case_no']}/outcome", json={"outcome": "supplement", "materials": ticks})
    assert r.status_code == 200, r.text
    notice = r.json()
    assert notice["state"] == "supplement_requested"
    assert [x["name"] for x in notice["supplement_list"]] == names[2:]
    assert notice["documents"]["supplement"] == "斑补〔2026〕0001号"
    assert notice["supplement_deadline"] == "2026-12-10"  # 10 working days to bring them

    # The resident comes back two days later, to another window: the same case continues.
    hall.clock.advance(days=2)
    other = hall.client("clerk-3")
    # Window 3 sees nothing of the case without the code on the resident's notice.
    assert other.get(f"/cases/{case['case_no']}").status_code == 403
    assert other.post(f"/cases/{case['case_no']}/resume").status_code == 403
    code = notice["query_code"]
    assert other.get(f"/cases/{case['case_no']}", params={"code": code}).json()["state"] == "supplement_requested"
    assert other.post(f"/cases/{case['case_no']}/resume", json={"query_code": code}).json()["state"] == "open"
    r = other.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "accept", "materials": all_submitted(matter), "identity_checked": True},
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["state"] == "accepted" and done["owner_window"] == 1  # 首问负责: window 1 still owns it
    assert done["case_no"] == case["case_no"]
    assert [s["action"] for s in done["history"]] == ["open", "supplement", "resume", "accept"]


def test_a_second_notice_cannot_add_materials_unless_a_supervisor_records_why(hall, matters):
    clerk = hall.client("clerk-1")
    matter = matters["MZ001"]
    names = [m["name"] for m in matter["materials"] if m["required"]]
    case = open_case(clerk, matter)
    everything_but_last = [{"name": n, "status": "submitted"} for n in names[:-1]]
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome", json={"outcome": "supplement", "materials": everything_but_last}
    )
    assert [x["name"] for x in r.json()["supplement_list"]] == names[-1:]
    clerk.post(f"/cases/{case['case_no']}/resume")
    # Back with the last one, but now the clerk finds the ID copy defective: a new item.
    ticks = [{"name": names[0], "status": "defective"}] + [{"name": n, "status": "submitted"} for n in names[1:]]
    r = clerk.post(f"/cases/{case['case_no']}/outcome", json={"outcome": "supplement", "materials": ticks})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "case_second_list"
    assert names[0] in r.json()["error"]["message"] and "负责人" in r.json()["error"]["message"]
    r = hall.client("supervisor").post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "supplement", "materials": ticks, "supervisor_reason": "身份证复印件模糊，首次未发现"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["documents"]["supplement"] == "斑补〔2026〕0002号"
    assert r.json()["history"][-1]["data"]["supervisor_reason"] == "身份证复印件模糊，首次未发现"


def test_a_clerk_cannot_turn_a_resident_away_but_a_supervisor_can_with_reasons(hall, matters):
    clerk = hall.client("clerk-2")
    case = open_case(clerk, matters["MZ004"])
    r = clerk.post(f"/cases/{case['case_no']}/outcome", json={"outcome": "reject", "reasons": "不符合条件"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "window_no_veto" and "窗口无否决权" in r.json()["error"]["message"]
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={"outcome": "escalate", "reasons": "申请人未满80周岁，是否符合条件不明"},
    )
    assert r.json()["state"] == "escalated"
    r = hall.client("supervisor").post(
        f"/cases/{case['case_no']}/review",
        json={
            "action": "reject",
            "reasons": "申请人未满80周岁，不符合高龄津贴申领条件。",
            "redirect_to": "如属困难家庭，可到民政办咨询临时救助",
        },
    )
    assert r.status_code == 200, r.text
    rejected = r.json()
    assert rejected["state"] == "rejected" and rejected["documents"]["rejection"] == "斑不〔2026〕0001号"
    progress = (
        hall.client("kiosk").get(f"/cases/progress/{case['case_no']}", params={"code": case["query_code"]}).json()
    )
    assert progress["state_label"] == "不予受理"


def test_a_bad_signature_on_an_immediate_case_leaves_the_case_untouched(hall, matters):
    clerk = hall.client("clerk-2")
    case = open_case(clerk, matters["RS001"])
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "immediate",
            "materials": all_submitted(matters["RS001"]),
            "identity_checked": True,
            "result": "参保凭证",
            "receipt": {
                "method": "window",
                "recipient": "张小三",
                "relation": "本人",
                "signature": "data:image/png;base64,bm90IGFuIGltYWdl",
            },
        },
    )
    assert r.status_code == 400 and "PNG 或 JPEG" in r.json()["error"]["message"]
    after = clerk.get(f"/cases/{case['case_no']}").json()
    assert after["state"] == "open" and after["documents"] == {}


def test_an_applicant_name_over_50_characters_is_refused_in_chinese_and_no_case_is_opened(hall, matters):
    clerk = hall.client("clerk-1")
    r = clerk.post("/cases", json={"matter_id": matters["MZ003"]["id"], "applicant_name": "张" * 51})
    assert r.status_code == 400 and r.json()["error"]["code"] == "field_too_long"
    assert "applicant_name" in r.json()["error"]["message"] and "最多 50 个字符" in r.json()["error"]["message"]
    assert clerk.get("/cases").json()["cases"] == []


def test_an_immediate_receipt_without_a_signature_is_refused_naming_the_field(hall, matters):
    clerk = hall.client("clerk-2")
    case = open_case(clerk, matters["RS001"])
    r = clerk.post(
        f"/cases/{case['case_no']}/outcome",
        json={
            "outcome": "immediate",
            "materials": all_submitted(matters["RS001"]),
            "identity_checked": True,
            "result": "参保凭证",
            "receipt": {"method": "window", "recipient": "张小三", "relation": "本人"},
        },
    )
    assert r.status_code == 400 and "receipt.signature" in r.json()["error"]["message"]
    assert clerk.get(f"/cases/{case['case_no']}").json()["state"] == "open"
