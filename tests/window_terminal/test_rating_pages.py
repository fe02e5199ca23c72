"""The pad (1280×800) and the phone page behind the slip's QR (390×844): a chosen level is stored at
once and survives the time running out; 返回 corrects a mis-tap; nothing is clipped."""

from __future__ import annotations

import httpx
from playwright.sync_api import expect

from .conftest import issue


def _serve(hall, window: int) -> tuple[dict, dict]:
    issued = issue(hall, 1)[0]
    clerk = hall.client(f"clerk-{window}")
    ticket = clerk.post(f"/windows/{window}/call-next").json()["ticket"]
    clerk.post(f"/windows/{window}/start")
    clerk.post(f"/windows/{window}/finish")
    return issued, ticket


def _ratings(hall) -> list[tuple]:
    rows = hall.client("supervisor").get("/ratings").json()["ratings"]
    return [(r["ticket_id"], r["level"], r["tags"], r["phone"]) for r in rows]


def _clipped(page) -> list[str]:
    """Visible elements of the current screen that stick out of the viewport."""
    return page.evaluate(
        """() => {
          const vw = innerWidth, vh = innerHeight, bad = [];
          const screen = document.querySelector('.screen:not([hidden])');
          for (const node of screen.querySelectorAll('button, input, h1, .service, .countdown, p')) {
            const r = node.getBoundingClientRect();
            if (!r.width || !r.height) continue;
            if (r.left < 0 || r.top < 0 || r.right > vw + 0.5 || r.bottom > vh + 0.5 || node.scrollWidth > node.clientWidth + 1)
              bad.push((node.id || node.textContent.trim()).slice(0, 20) + ' ' + JSON.stringify([r.left, r.top, r.right, r.bottom]));
          }
          return bad;
        }"""
    )


def test_pad_keeps_the_chosen_level_when_the_time_runs_out_and_back_corrects_a_mis_tap(hall, device, shot):
    page = device(width=1280, height=800)
    page.clock.install()
    page.goto(f"{hall.base_url}/pad/2?token={hall.tokens['pad-2']}")
    expect(page.locator("#idle")).to_be_visible()
    _, ticket = _serve(hall, 2)
    expect(page.locator("#asking")).to_be_visible()
    assert _clipped(page) == []
    shot(page, "rating-pad-levels-1280x800")
    page.click("button[data-level='1']")
    expect(page.locator("#reasons")).to_be_visible()
    assert _ratings(hall) == [(ticket["id"], 1, [], None)]  # stored at once, before any reason
    expect(page.locator("#reasons-countdown")).to_contain_text("秒后自动结束")
    assert page.locator("#keys button").count() == 12
    assert _clipped(page) == []
    shot(page, "rating-pad-reasons-1280x800")
    page.click("#back")
    expect(page.locator("#asking")).to_be_visible()
    page.click("button[data-level='2']")
    expect(page.locator("#reasons")).to_be_visible()
    page.click("button[data-tag='等候时间长']")
    for digit in "139000011112":
        page.click(f"#keys button[data-digit='{digit}']")
    page.click("#keys button[data-key='backspace']")
    expect(page.locator("#phone")).to_have_value("13900001111")
    page.clock.fast_forward("02:05")
    expect(page.locator("#thanks")).to_be_visible()
    assert _ratings(hall) == [(ticket["id"], 2, ["等候时间长"], "139****1111")]


def test_phone_page_lists_levels_down_the_screen_and_keeps_the_level_when_time_runs_out(hall, device, shot):
    issued, ticket = _serve(hall, 3)
    hall.clock.advance(minutes=30)
    link = httpx.post(
        hall.base_url + "/api/v1/ratings/links", json={"ticket_id": ticket["id"], "key": issued["public_key"]}
    ).json()
    page = device(width=390, height=844)
    page.clock.install()
    page.goto(f"{hall.base_url}/rate/{link['token']}")
    expect(page.locator("#ask-service")).to_contain_text(ticket["number"])
    boxes = [page.locator(f"button[data-level='{n}']").bounding_box() for n in (5, 4, 3, 2, 1)]
    assert all(a["y"] < b["y"] for a, b in zip(boxes, boxes[1:], strict=False))  # one under the other
    assert _clipped(page) == []
    label = page.locator("button[data-level='1']")
    assert label.evaluate("b => b.getBoundingClientRect().height") < 80  # 非常不满意 on one line
    shot(page, "rating-phone-levels-390x844")
    page.click("button[data-level='1']")
    expect(page.locator("#reasons")).to_be_visible()
    assert _ratings(hall) == [(ticket["id"], 1, [], None)]
    expect(page.locator("#keys")).to_be_hidden()
    assert page.locator("#phone").get_attribute("inputmode") == "numeric"
    assert _clipped(page) == []
    shot(page, "rating-phone-reasons-390x844")
    page.click("#back")
    page.click("button[data-level='2']")
    page.click("button[data-tag='服务态度差']")
    page.fill("#phone", "13900002222")
    page.clock.fast_forward("02:05")
    expect(page.locator("#thanks")).to_be_visible()
    assert _ratings(hall) == [(ticket["id"], 2, ["服务态度差"], "139****2222")]
