"""Runs the real kiosk app offscreen and obeys JSON commands on stdin (one per line).

Kivy's window is process-global, so each test gets its own process: the test
sends "tap", "state", "screenshot", "glyphs" … and reads one JSON answer per
command from stdout.  Commands run on Kivy's main thread between frames.

    python -m tests.kiosk.kiosk_runner --server URL --token T --printer SPEC [--width W --height H]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
import traceback


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--printer", required=True)
    ap.add_argument("--width", type=int, default=1280)
    ap.add_argument("--height", type=int, default=1024)
    ap.add_argument("--idle-seconds", type=float, default=30)
    ap.add_argument("--read-timeout", type=float, default=5)
    ap.add_argument("--kiosk-id", default="kiosk-test")
    args = ap.parse_args()
    out = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
    sys.stdout = sys.stderr  # keep the answer channel clean of stray prints

    from kiosk.config import load_config
    from kiosk.fonts import find_kiosk_font
    from kiosk.kivy_setup import apply_kiosk_config, prepare_environment

    config = load_config(
        None,
        server_url=args.server,
        token=args.token,
        printer=args.printer,
        kiosk_id=args.kiosk_id,
        fullscreen=False,
        width=args.width,
        height=args.height,
        idle_seconds=args.idle_seconds,
        read_timeout=args.read_timeout,
        status_poll_seconds=5,
        appointment_hint="拨打 0564-7000000 预约",
    )
    prepare_environment()
    apply_kiosk_config(config, find_kiosk_font(config.font))
    from kivy.clock import Clock

    from kiosk.app import KioskApp

    app = KioskApp(config)
    remote = Remote(app)
    lock = threading.Lock()

    def answer(reply: dict) -> None:
        with lock:
            out.write(json.dumps(reply, ensure_ascii=False) + "\n")

    def run(cmd: dict, frames: int = 0) -> None:
        # Act like a person: only on a screen that has been built and laid out.
        if not remote.settled() and frames < 120:
            Clock.schedule_once(lambda _dt: run(cmd, frames + 1), 0)
            return
        try:
            reply = {"ok": True, **(getattr(remote, "cmd_" + cmd["cmd"])(**cmd.get("args", {})) or {})}
        except Exception as exc:
            reply = {"ok": False, "error": f"{exc}\n{traceback.format_exc()}"}
        answer(reply)

    def read_commands() -> None:
        for line in sys.stdin:
            if line.strip():
                cmd = json.loads(line)
                Clock.schedule_once(lambda _dt, c=cmd: run(c), 0)
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    def started(*_):
        answer({"ok": True, "started": True})
        threading.Thread(target=read_commands, daemon=True).start()

    app.bind(on_start=started)
    app.run()
    return 0


def walk(widget):
    yield widget
    for child in widget.children:
        yield from walk(child)


class Remote:
    def __init__(self, app) -> None:
        self.app = app
        self.offset = 0.0
        ctx = app.vm.ctx
        base = ctx.clock
        ctx.clock = lambda: base() + self.offset  # the idle timer's injectable clock

    def settled(self) -> bool:
        from kivy.uix.layout import Layout

        if self.app._render_pending:
            return False
        return not any(isinstance(w, Layout) and w._trigger_layout.is_triggered for w in walk(self.app.root_widget))

    def _widgets(self):
        return [w for w in walk(self.app.root_widget) if getattr(w, "kid", "")]

    def _find(self, kid: str):
        found = [w for w in self._widgets() if w.kid == kid]
        if not found:
            raise LookupError(
                f"no widget {kid!r} on screen {self.app.vm.screen.value}; have {[w.kid for w in self._widgets()]}"
            )
        return found[0]

    def cmd_state(self) -> dict:
        vm = self.app.vm
        return {
            "screen": vm.screen.value,
            "online": vm.ctx.online,
            "busy": vm.issuing.busy,
            "banners": vm.banners(),
            # What the resident reads; a sentence's added line breaks are not part of it.
            "texts": {w.kid: w._source if getattr(w, "wrap", False) else w.text for w in self._widgets()},
            "shown": {w.kid: w.text for w in self._widgets()},
            "issued_count": vm.issuing.issued_count,
            "print_state": vm.printing.state.value if vm.printing.state else None,
            "ticket": vm.issuing.ticket,
            "waiting": vm.hall.waiting,
            "admin_error": vm.ctx.admin_error,
            "printer_state": vm.printing.printer_status.state.value if vm.printing.printer_status else None,
            "keypad": vm.checkin.keypad.value,
            "case_pad": vm.progress.pad.value,
            "case_code": vm.progress.pad.code,
            "render_pending": self.app._render_pending,
            "appointment": vm.booking.appointment,
            "booking": {
                "days": [d.day.isoformat() for d in vm.booking.draft.days],
                "loading": vm.booking.draft.loading,
                "slots": [s["start"] for s in vm.booking.draft.free_slots()],
                "name": vm.booking.draft.name,
                "phone": vm.booking.draft.phone,
                "note": vm.booking.draft.note,
            },
            "return_case": vm.return_lane.pad.value,
            "return_tail": vm.return_lane.pad.code,
            "stream": self.app.stream.state,
            "refreshing": vm.hall.refreshing,
        }

    def cmd_tap(self, kid: str, times: int = 1) -> dict:
        """Real touches at the widget's centre, through the window's input dispatch."""
        from kivy.tests.common import UnitTestTouch

        widget = self._find(kid)
        x, y = widget.to_window(*widget.center)
        started = time.monotonic()  # CLOCK_MONOTONIC: comparable with other processes (benchmark)
        for _ in range(times):
            touch = UnitTestTouch(x, y)
            touch.touch_down()
            touch.touch_up()
        return {"t": started}

    def cmd_press(self, kid: str, times: int = 1) -> dict:
        """Dispatch on_press on the same Button object ``times`` times (a bouncing finger)."""
        widget = self._find(kid)
        for _ in range(times):
            widget.dispatch("on_press")
        return {}

    def cmd_scan(self, text: str) -> dict:
        """The keyboard-wedge QR scanner: each character typed into the window, then Enter."""
        from kivy.core.window import Window

        for ch in text:
            Window.dispatch("on_textinput", ch)
        Window.dispatch("on_key_down", 13, 40, "\r", [])
        return {}

    def cmd_advance(self, seconds: float) -> dict:
        self.offset += seconds
        self.app.vm.tick()
        return {}

    def cmd_screenshot(self, path: str) -> dict:
        self.app.render() if self.app._render_pending else None
        self.app.root_widget.export_to_png(path)
        return {"path": path}

    def cmd_show(self, screen: str) -> dict:
        """Put the model on ``screen`` with realistic, long content (the layout test's scenes)."""
        from kiosk.viewmodels.case_progress import ProgressText
        from kiosk.viewmodels.context import Screen
        from kiosk.viewmodels.printing import PrintState

        vm = self.app.vm
        vm.home()
        longest = max(vm.hall.matters, key=lambda m: len(m["name"]))
        if screen == "matters":
            vm.finding.group = max(vm.finding.groups(), key=lambda g: len(vm.hall.finder.in_department(g[0])))[0]
        elif screen == "search":
            for key in "YLBX":
                vm.finding.search.press(key)
        elif screen == "search_none":
            for key in "QQQQQQQQQQ":
                vm.finding.search.press(key)
            screen = "search"
        elif screen == "checkin":
            vm.checkin.error = "没有找到您的预约，请核对预约码，或到咨询台（导办台）请工作人员帮您查询"
        elif screen == "progress":
            vm.progress.note = "找不到办件号 2026-00001，请核对受理通知书上的办件号，或到窗口咨询。"
        elif screen == "progress_result":
            vm.progress.result = ProgressText(
                case_no="2026-00123",
                matter=longest["name"],
                stage="已送承办部门审批",
                stage_hint="材料已送到承办部门，部门正在审批。审批完成后结果会送回便民服务中心综合窗口。",
                tone="waiting",
                facts=[
                    ("申请人", "张*三"),
                    ("承办部门", "卫生健康办"),
                    ("受理日期", "2026年11月26日"),
                    ("承诺办结", "2026年12月10日前（还剩 9 个工作日）"),
                    ("结果领取", "送到您所在村的代办点，代办员会通知您"),
                ],
                steps=[(f"2026年11月{d}日", "材料已送到承办部门，部门正在审批") for d in range(18, 27)],
            )
        elif screen == "ticket":
            vm.issuing.ticket = {
                "number": "A123",
                "matter_name": longest["name"],
                "waiting_ahead": 18,
                "estimated_wait_minutes": 95,
            }
            vm.printing.state = PrintState.FAILED
            vm.printing.message = "出票失败：打印机缺纸。请记住您的号码 A123，留意叫号屏和语音呼叫，或请工作人员帮忙"
        elif screen == "consent":
            vm.closing.next_open_at = vm.hall.info["server_time"]
        elif screen == "closed":
            vm.closing.show_closed("closed", "当前不在服务时间，今天的取号已经结束", vm.hall.info["server_time"])
            return {}
        elif screen in ("refused", "uncertain"):
            vm.closing.notice(
                "暂时无法取号", "服务器响应太慢，不知道号码是否已经取到。请不要重复取号，请到咨询台请工作人员帮您查询。"
            )
        elif screen == "home_closed":
            vm.hall.info["status"] = {
                **vm.hall.info["status"],
                "state": "closed",
                "next_open_at": vm.hall.info["server_time"],
            }
            screen = "home"
        elif screen == "home_duty":
            today = {"duty_day": {"name": "国庆节", "note": "", "appointment_only": True, "hours": ["09:00-11:30"]}}
            vm.hall.info["status"] = {**vm.hall.info["status"], "today": today}
            screen = "home"
        elif screen.startswith("book_") or screen == "booked":
            self._booking_scene(vm, longest)
        elif screen == "return":
            vm.return_lane.pad.fill("2026-00123")
            vm.return_lane.note = "没有找到办件 2026-00123，请核对告知书上的办件编号和手机号后4位，或到窗口咨询。"
        elif screen == "refused_closing":
            vm.closing.notice("暂时不能取号", "今天的号已经发完（窗口下班前来不及办理）。下次开放时间：明天 09:00")
            vm.closing.offer_booking = True
            screen = "refused"
        elif screen == "ticket_return":
            vm.issuing.ticket = {
                "number": "F001",
                "matter_name": longest["name"],
                "waiting_ahead": 3,
                "channel": "return",
                "case_no": "2026-00123",
                "owner_window": 2,
                "estimated_wait_minutes": 12,
            }
            vm.printing.state, vm.printing.message = PrintState.PRINTED, "请取走凭条，在休息区等候叫号"
            screen = "ticket"
        elif screen == "ticket_late":
            # 17:22 on the pilot hall, consent given: only window 1 (延时服务) serves past 17:30.
            vm.issuing.ticket = {
                "number": "A005",
                "matter_name": longest["name"],
                "waiting_ahead": 4,
                "estimated_wait_minutes": 50,
                "late_risk_accepted": True,
                "closes_at": vm.hall.info["server_time"][:11] + "18:30:00+08:00",
                "serving_windows": [1],
            }
            vm.printing.state, vm.printing.message = PrintState.PRINTED, "请取走凭条，在休息区等候叫号"
            screen = "ticket"
        elif screen == "admin":
            vm.ctx.admin_error = (
                "自助机令牌无效（invalid_token），请管理员用 yichuang token create --role kiosk 重新生成"
            )
        vm.ctx.go(Screen(screen))
        return {}

    @staticmethod
    def _booking_scene(vm, longest: dict) -> None:
        """A full draft: the longest matter name, eight days, a full day of slots, a name, a phone."""
        from datetime import date, timedelta

        from kiosk.viewmodels.booking import BookingDraft, DayChoice
        from kiosk.viewmodels.matter_choice import BOOK
        from kiosk.viewmodels.printing import PrintState

        def slots(d: date) -> list[dict]:
            out = []
            for h, m in [
                (9, 0),
                (9, 30),
                (10, 0),
                (10, 30),
                (11, 0),
                (11, 30),
                (13, 30),
                (14, 0),
                (14, 30),
                (15, 0),
                (15, 30),
                (16, 0),
                (16, 30),
                (17, 0),
                (17, 30),
                (18, 0),
            ]:
                start = f"{d.isoformat()}T{h:02d}:{m:02d}:00+08:00"
                end_m = h * 60 + m + 30
                end = f"{d.isoformat()}T{end_m // 60:02d}:{end_m % 60:02d}:00+08:00"
                out.append({"start": start, "end": end, "window_numbers": [1, 2, 3], "seats": 6, "taken": 1})
            return out

        first = date(2026, 11, 27)
        days = [DayChoice(first + timedelta(days=i), 88, slots(first + timedelta(days=i))) for i in range(8)]
        vm.finding.purpose = BOOK
        vm.booking.draft = draft = BookingDraft(matter_id=longest["id"], matter_name=longest["name"], days=days)
        draft.day = days[0]
        draft.slot = days[0].slots[3]
        draft.surname, draft.title, draft.letter = "欧", "女士", "O"
        draft.phone = "1380000123"
        draft.note = "该时段已约满，请选择其他时段。"
        vm.booking.appointment = {
            "code": "482913",
            "slot_start": days[0].slots[3]["start"],
            "slot_end": days[0].slots[3]["end"],
        }
        vm.printing.state, vm.printing.message = (
            PrintState.FAILED,
            "预约凭条没有打印出来：打印机缺纸。请记下屏幕上的预约码 482913，到时凭预约码签到。",
        )

    def cmd_wrap(self, text: str, widths: list[int], height: int, font_size: float) -> dict:
        """The lines a kiosk sentence (TextLabel) is drawn in at each width, as Kivy laid them out."""
        from kiosk.widgets import TextLabel

        out = {}
        for width in widths:
            label = TextLabel(text, font_size=font_size, size_hint=(None, None), size=(width, height))
            label._fit()  # as a layout does when it sizes the label
            out[width] = ["".join(w.text for w in line.words).strip() for line in label._label._cached_lines]
        return {"lines": out}

    def cmd_layout(self) -> dict:
        """Every text that does not fit its widget, every widget outside the window, and every short
        label Kivy would have had to wrap by itself (a mid-word break such as 预约签/到)."""
        from kivy.core.text import Label as CoreLabel
        from kivy.core.text.markup import MarkupLabel
        from kivy.core.window import Window
        from kivy.uix.label import Label
        from kivy.uix.layout import Layout

        CLOSING = "。，、；：？！）」』”’》…"
        problems = []
        for w in walk(self.app.root_widget):
            if w.width <= 0 or w.height <= 0 or (isinstance(w, Label) and not w.text.strip()):
                continue
            name = getattr(w, "kid", "") or type(w).__name__
            x0, y0 = w.to_window(w.x, w.y)
            x1, y1 = w.to_window(w.right, w.top)
            if x0 < -1 or y0 < -1 or x1 > Window.width + 1 or y1 > Window.height + 1:
                problems.append(f"{name} leaves the window: {(x0, y0, x1, y1)}")
            parent = w.parent
            if isinstance(parent, Layout) and (
                w.x < parent.x - 1 or w.y < parent.y - 1 or w.right > parent.right + 1 or w.top > parent.top + 1
            ):
                # Boxes of fixed height that add up to more than their layout has spill over their
                # neighbours (the progress title over 办理经过 at 1280×1024).
                problems.append(f"{name} spills out of its {type(parent).__name__}")
            if not isinstance(w, Label):
                continue
            w.texture_update()
            tw, th = w.texture_size
            if tw > w.width + 1 or th > w.height + 1:
                problems.append(f"{name} {w.text[:20]!r}: text {tw:.0f}x{th:.0f} > widget {w.width:.0f}x{w.height:.0f}")
            if getattr(w, "wrap", False) and not w.markup:
                # The lines Kivy drew: no line of a sentence is one character (a lone "。").
                drawn = ["".join(word.text for word in line.words).strip() for line in w._label._cached_lines]
                drawn = [line for line in drawn if line]
                lone = [line for line in drawn if len(line.rstrip(CLOSING)) <= 1]
                if len(drawn) > 1 and lone:
                    problems.append(f"{name} {w.text[:20]!r}: a line with one character: {lone}")
            if not getattr(w, "wrap", True):
                core = MarkupLabel if w.markup else CoreLabel
                natural = core(text=w.text, font_size=w.font_size, bold=w.bold)
                natural.refresh()
                if natural.content_width > w.width + 1:
                    problems.append(f"{name} {w.text[:20]!r}: would wrap by itself at {w.width:.0f} px")
        sizes = [w.font_size for w in walk(self.app.root_widget) if getattr(w, "kid", "").startswith("matter-")]
        return {"problems": problems, "window": [Window.width, Window.height], "matter_font": min(sizes, default=None)}

    def cmd_sizes(self) -> dict:
        """The type size (px) each widget's text is drawn at: its font size, and the smallest
        [size=N] of its markup (a button's hint under its word)."""
        import re

        out = {}
        for w in self._widgets():
            if not str(w.text).strip():
                continue
            marked = [int(n) for n in re.findall(r"\[size=(\d+)\]", str(w.text))]
            out[w.kid] = {"font": round(w.font_size), "smallest": min([round(w.font_size), *marked])}
        return {"sizes": out}

    def cmd_filled(self) -> dict:
        """The largest vertical gap (px) no text reaches on the screen, from the status bar down to the
        bottom row of keys: a screen of fixed-height rows left half of a portrait kiosk blank."""
        from kivy.core.window import Window

        texts = [w for w in self._widgets() if str(w.text).strip() and w.kid not in ("center_name", "clock")]
        status = [w for w in self._widgets() if w.kid in ("center_name", "clock")]
        top = min((w.to_window(w.x, w.y)[1] for w in status), default=Window.height)
        bottom_row = min(texts, key=lambda w: w.to_window(w.x, w.y)[1])
        floor = bottom_row.to_window(bottom_row.x, bottom_row.top)[1]
        spans = []
        for w in texts:
            if w is bottom_row or w.to_window(w.x, w.y)[1] < floor - 1:
                continue
            _, cy = w.to_window(w.center_x, w.center_y)
            half = w.texture_size[1] / 2
            spans.append((cy - half, cy + half))
        edges = sorted(spans, key=lambda s: -s[1])
        gaps, cursor = [], top
        for low, high in edges:
            if high < cursor:
                gaps.append(cursor - high)
            cursor = min(cursor, low)
        gaps.append(cursor - floor)
        return {"largest_gap_px": round(max(gaps)), "window": [Window.width, Window.height]}

    def cmd_glyphs(self) -> dict:
        """Render each Chinese character on screen with the kiosk's font and compare with the
        font's missing-glyph box; the same check with Kivy's Latin-only Roboto is the control."""
        import kivy
        from kivy.core.text import Label as CoreLabel

        chars = sorted({ch for w in self._widgets() for ch in str(w.text) if "\u4e00" <= ch <= "\u9fff"})

        def pixels(ch: str, font: str | None) -> bytes:
            kw = {"font_name": font} if font else {}
            lbl = CoreLabel(text=ch, font_size=40, **kw)
            lbl.refresh()
            return bytes(lbl.texture.pixels)

        roboto = os.path.join(os.path.dirname(kivy.__file__), "data", "fonts", "Roboto-Regular.ttf")
        boxes = {font: pixels("\U0010fffd", font) for font in (None, roboto)}
        missing = [ch for ch in chars if pixels(ch, None) == boxes[None]]
        control = [ch for ch in chars if pixels(ch, roboto) == boxes[roboto]]
        distinct = len({pixels(ch, None) for ch in chars})
        return {"chars": len(chars), "missing": missing, "control_missing": len(control), "distinct": distinct}


if __name__ == "__main__":
    sys.exit(main())
