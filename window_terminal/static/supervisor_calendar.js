// Calendar overrides: holidays, make-up working days and 节假日受理 duty days (their own hours,
// windows, appointment-only), entered by the supervisor.
"use strict";
(() => {
  const {t, api, el} = YC;
  const token = localStorage.getItem("yc.supervisor.token");
  const $ = (id) => document.getElementById(id);
  const MAX_RANGES = 4;  // as core/duty_days.py

  const toast = YC.toaster(6, 6);

  // A change that leaves bookings of the day without a seat comes back 409 with them: the
  // supervisor sees who (time, masked name, code, why) and decides; only a confirmed change is
  // saved, and then the hall cancels those bookings and texts each resident how to rebook.
  const STRANDS = "calendar_change_strands_bookings";
  let dismissConfirm = null;

  function confirmStranded(date, affected) {
    if (dismissConfirm) dismissConfirm();  // one question at a time: an older one is a "no"
    return new Promise((resolve) => {
      const done = (ok) => { dismissConfirm = null; box.remove(); resolve(ok); };
      const cols = ["time", "name", "code", "reason"].map((c) => el("th", {}, t("supervision.stranded_col_" + c)));
      const box = el("section", {id: "stranded", class: "card stranded", role: "alertdialog", "aria-labelledby": "stranded-title"},
        el("h2", {id: "stranded-title"}, t("supervision.stranded_title", {date, n: affected.length})),
        el("p", {}, t("supervision.stranded_intro")),
        el("table", {id: "stranded-list"}, el("tr", {}, ...cols), ...affected.map((a) => el("tr", {"data-code": a.code},
          el("td", {}, a.slot_start.slice(11, 16)), el("td", {}, a.resident_masked), el("td", {}, a.code),
          el("td", {}, t("supervision.stranded_reason_" + a.reason))))),
        el("div", {class: "form-line"},
          el("button", {type: "button", id: "stranded-confirm", class: "danger", onclick: () => done(true)}, t("supervision.stranded_confirm")),
          el("button", {type: "button", id: "stranded-back", class: "secondary", onclick: () => done(false)}, t("supervision.stranded_back"))));
      dismissConfirm = () => done(false);
      $("page").prepend(box);
      box.scrollIntoView({block: "start"});
      $("stranded-back").focus();  // Enter on a stray key press keeps the bookings
    });
  }

  // One day's change: the number of bookings the hall cancelled, or null when the supervisor
  // chose not to save. Any other refusal is thrown.
  async function put(date, body) {
    try {
      return (await api("PUT", "/calendar/overrides/" + date, token, body)).cancelled_bookings;
    } catch (e) {
      if (e.code !== STRANDS) throw e;
      if (!(await confirmStranded(date, e.details.affected || []))) return null;
    }
    return (await api("PUT", "/calendar/overrides/" + date, token, Object.assign({}, body, {affected_bookings: "cancel_and_notify"}))).cancelled_bookings;
  }

  async function save(date, body) {
    let cancelled;
    try { cancelled = await put(date, body); } catch (e) { toast(e.message); return false; }
    if (cancelled === null) { toast(t("supervision.stranded_not_saved", {date})); return false; }
    if (cancelled) toast(t("supervision.stranded_saved", {date, n: cancelled}), true);
    else toast(body.kind ? t("supervision.saved", {date, kind: t("supervision.day_kind_" + body.kind)}) : t("supervision.removed", {date}), true);
    refresh();
    return true;
  }

  // "09:00–11:30、14:00–16:00 · 1、2号窗口 · 仅接待预约"
  function dutyText(o) {
    const parts = [o.hours.map((h) => h.replace("-", "–")).join("、"), t("supervision.at_window", {n: o.windows.join("、")})];
    if (o.appointment_only) parts.push(t("supervision.duty_appointment_only"));
    return parts.join(" · ");
  }

  function rangeRow(start, end) {
    return el("div", {class: "duty-range"},
      el("input", {type: "time", class: "duty-start", value: start, "aria-label": t("supervision.field_duty_start")}),
      el("span", {}, "–"),
      el("input", {type: "time", class: "duty-end", value: end, "aria-label": t("supervision.field_duty_end")}));
  }

  function dutyFields(windows) {
    const ranges = el("div", {id: "duty-ranges"}, rangeRow("09:00", "11:30"));
    const add = el("button", {type: "button", id: "add-range", class: "secondary", onclick: () => {
      if (ranges.children.length < MAX_RANGES) ranges.appendChild(rangeRow("", ""));
      add.disabled = ranges.children.length >= MAX_RANGES;
    }}, t("supervision.add_range"));
    return el("fieldset", {id: "duty-fields", hidden: true},
      el("legend", {}, t("supervision.duty_legend")),
      el("div", {class: "duty-row"}, el("span", {class: "duty-label"}, t("supervision.field_duty_hours")), ranges, add),
      el("div", {class: "duty-row", id: "duty-windows"}, el("span", {class: "duty-label"}, t("supervision.field_duty_windows")),
        windows.map((w, i) => el("label", {class: "check"},
          el("input", {type: "checkbox", name: "duty-window", value: String(w.number), checked: i === 0}), w.name))),
      el("label", {class: "check"}, el("input", {type: "checkbox", id: "duty-appointment-only", checked: true}),
        t("supervision.field_duty_appointment_only")));
  }

  function dutyBody(note) {
    const hours = [];
    for (const row of document.querySelectorAll("#duty-ranges .duty-range")) {
      const start = row.querySelector(".duty-start").value, end = row.querySelector(".duty-end").value;
      if (start || end) hours.push(start + "-" + end);  // the server names a half-filled range
    }
    const windows = [...document.querySelectorAll("input[name=duty-window]:checked")].map((box) => Number(box.value));
    return {kind: "duty", note, hours, windows, appointment_only: $("duty-appointment-only").checked};
  }

  // A holiday runs for days (春节 7 days): one entry for the run, saved day by day.
  const MAX_RUN_DAYS = 31;
  function daysFrom(first, last) {
    const days = [];
    const d = new Date(first + "T00:00:00Z"), end = new Date(last + "T00:00:00Z");
    while (d <= end && days.length <= MAX_RUN_DAYS) { days.push(d.toISOString().slice(0, 10)); d.setUTCDate(d.getUTCDate() + 1); }
    return days;
  }

  async function saveRun(first, last, body) {
    const days = daysFrom(first, last);
    if (!days.length) { toast(t("supervision.date_order")); return; }
    if (days.length > MAX_RUN_DAYS) { toast(t("supervision.run_too_long", {n: MAX_RUN_DAYS})); return; }
    let cancelled = 0;
    try {
      for (const day of days) {
        const n = await put(day, body);
        if (n === null) { toast(t("supervision.stranded_not_saved", {date: day})); refresh(); return; }
        cancelled += n;
      }
      const saved = t("supervision.saved_run", {first, last, n: days.length, kind: t("supervision.day_kind_" + body.kind)});
      toast(cancelled ? saved + " " + t("supervision.stranded_saved_run", {n: cancelled}) : saved, true);
    } catch (e) { toast(e.message); }
    refresh();
  }

  // Bookings the hall's current hours, windows and seats have no seat for, whatever changed them
  // (the hall file between two starts, mostly): listed with one button that cancels exactly the
  // codes shown — a list gone stale meanwhile is refused by the server and drawn again.
  function strandedCard(stranded) {
    if (!stranded.length) return null;
    const cols = ["time", "name", "code", "reason"].map((c) => el("th", {}, t("supervision.stranded_col_" + c)));
    const cancel = el("button", {type: "button", id: "stranded-ahead-cancel", class: "danger", onclick: async () => {
      cancel.disabled = true;
      try {
        const done = await api("POST", "/appointments/stranded/cancel-and-notify", token, {codes: stranded.map((a) => a.code)});
        toast(t("supervision.stranded_ahead_done", {n: done.cancelled_bookings}), true);
      } catch (e) { toast(e.message); }
      refresh();
    }}, t("supervision.stranded_ahead_cancel", {n: stranded.length}));
    return el("section", {id: "stranded-ahead", class: "card stranded"},
      el("h2", {}, t("supervision.stranded_ahead_title", {n: stranded.length})),
      el("p", {}, t("supervision.stranded_ahead_intro")),
      el("table", {id: "stranded-ahead-list"}, el("tr", {}, ...cols), ...stranded.map((a) => el("tr", {"data-code": a.code},
        el("td", {}, a.slot_start.slice(5, 10) + " " + a.slot_start.slice(11, 16)), el("td", {}, a.resident_masked), el("td", {}, a.code),
        el("td", {}, t("supervision.stranded_reason_" + a.reason))))),
      el("div", {class: "form-line"}, cancel));
  }

  // Saves follow one another quickly, each with its own refresh: only the newest list draws, or an
  // older one arriving last would leave out the day just saved.
  const ask = YC.newest(() => Promise.all([api("GET", "/hall", token), api("GET", "/calendar/overrides", token),
    api("GET", "/appointments/stranded", token)]), drawPage);
  function refresh() {
    return ask().catch((e) => $("page").replaceChildren(el("div", {class: "card bad"},
      e.status === 401 || !token ? t("supervision.need_login") : e.message)));
  }

  function drawPage([hall, list, ahead]) {
    const banners = (hall.warnings || []).map((w) => el("div", {class: "sv-banner " + w.severity}, w.message));
    const kind = el("select", {id: "kind"},
      el("option", {value: "holiday"}, t("supervision.kind_holiday")), el("option", {value: "workday"}, t("supervision.kind_workday")),
      el("option", {value: "duty"}, t("supervision.kind_duty")));
    const duty = dutyFields(hall.windows || []);
    kind.addEventListener("change", () => { duty.hidden = kind.value !== "duty"; });
    const form = el("form", {id: "override-form"},
      el("div", {class: "form-line"},
        el("label", {}, t("supervision.field_date"), el("input", {id: "day", type: "date", required: true})),
        el("label", {}, t("supervision.field_last_day"), el("input", {id: "last-day", type: "date"})),
        el("label", {}, t("supervision.field_kind"), kind),
        el("label", {}, t("supervision.field_note"), el("input", {id: "note", maxlength: 100, size: 24})),
        el("button", {type: "submit", id: "save"}, t("supervision.save"))),
      duty);
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (!$("day").value) { toast(t("supervision.date_required")); return; }
      const note = $("note").value.trim();
      const body = kind.value === "duty" ? dutyBody(note) : {kind: kind.value, note};
      const last = $("last-day").value;
      if (last && last !== $("day").value) saveRun($("day").value, last, body);
      else save($("day").value, body);
    });
    const rows = list.overrides.map((o) => el("tr", {"data-date": o.date}, el("td", {}, o.date), el("td", {}, t("supervision.day_kind_" + o.kind)),
      el("td", {class: "duty-detail"}, o.kind === "duty" ? dutyText(o) : ""), el("td", {}, o.note || ""),
      el("td", {}, el("button", {class: "danger", onclick: () => save(o.date, {kind: null})}, t("supervision.remove")))));
    const stranded = strandedCard(ahead.stranded);
    $("page").replaceChildren(...banners, ...(stranded ? [stranded] : []),
      el("div", {class: "card"}, el("p", {}, t("supervision.calendar_intro")), el("p", {}, t("supervision.calendar_fallback")), el("p", {}, t("supervision.hours_note")), form),
      el("div", {class: "card"}, el("h2", {}, t("supervision.h_overrides")),
        rows.length ? el("table", {id: "overrides"}, rows) : el("p", {}, t("supervision.no_overrides"))));
  }

  YC.loadMessages(undefined, undefined, token).then(() => {  // the supervisor's own language
    document.title = t("supervision.calendar_title");
    $("title").textContent = t("supervision.calendar_title");
    $("back").textContent = t("supervision.back");
    refresh();
  });
})();
