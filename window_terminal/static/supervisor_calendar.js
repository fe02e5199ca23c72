// Calendar overrides: holidays, make-up working days and duty days, entered by the supervisor.
"use strict";
(() => {
  const {t, api, el} = YC;
  const token = localStorage.getItem("yc.supervisor.token");
  const $ = (id) => document.getElementById(id);

  function toast(text, ok) {
    const box = $("toast"); box.textContent = text; box.className = ok ? "ok" : ""; box.hidden = !text;
    clearTimeout(toast.timer); if (text) toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  async function save(date, kind, note) {
    try {
      await api("PUT", "/calendar/overrides/" + date, token, {kind, note});
      toast(kind ? t("supervision.saved", {date, kind: t("supervision.day_kind_" + kind)}) : t("supervision.removed", {date}), true);
    } catch (e) { toast(e.message); }
    refresh();
  }

  // A holiday runs for days (春节 7 days): one entry for the run, saved day by day.
  const MAX_RUN_DAYS = 31;
  function daysFrom(first, last) {
    const days = [];
    const d = new Date(first + "T00:00:00Z"), end = new Date(last + "T00:00:00Z");
    while (d <= end && days.length <= MAX_RUN_DAYS) { days.push(d.toISOString().slice(0, 10)); d.setUTCDate(d.getUTCDate() + 1); }
    return days;
  }

  async function saveRun(first, last, kind, note) {
    const days = daysFrom(first, last);
    if (!days.length) { toast(t("supervision.date_order")); return; }
    if (days.length > MAX_RUN_DAYS) { toast(t("supervision.run_too_long", {n: MAX_RUN_DAYS})); return; }
    try {
      for (const day of days) await api("PUT", "/calendar/overrides/" + day, token, {kind, note});
      toast(t("supervision.saved_run", {first, last, n: days.length, kind: t("supervision.day_kind_" + kind)}), true);
    } catch (e) { toast(e.message); }
    refresh();
  }

  async function refresh() {
    let hall, list;
    try { [hall, list] = await Promise.all([api("GET", "/hall", token), api("GET", "/calendar/overrides", token)]); }
    catch (e) { $("page").replaceChildren(el("div", {class: "card bad"}, e.status === 401 || !token ? t("supervision.need_login") : e.message)); return; }
    const banners = (hall.warnings || []).map((w) => el("div", {class: "sv-banner " + w.severity}, w.message));
    const form = el("form", {id: "override-form"},
      el("label", {}, t("supervision.field_date"), el("input", {id: "day", type: "date", required: true})),
      el("label", {}, t("supervision.field_last_day"), el("input", {id: "last-day", type: "date"})),
      el("label", {}, t("supervision.field_kind"), el("select", {id: "kind"},
        el("option", {value: "holiday"}, t("supervision.kind_holiday")), el("option", {value: "workday"}, t("supervision.kind_workday")))),
      el("label", {}, t("supervision.field_note"), el("input", {id: "note", maxlength: 100, size: 24})),
      el("button", {type: "submit", id: "save"}, t("supervision.save")));
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (!$("day").value) { toast(t("supervision.date_required")); return; }
      const last = $("last-day").value;
      if (last && last !== $("day").value) saveRun($("day").value, last, $("kind").value, $("note").value.trim());
      else save($("day").value, $("kind").value, $("note").value.trim());
    });
    const rows = list.overrides.map((o) => el("tr", {}, el("td", {}, o.date), el("td", {}, t("supervision.day_kind_" + o.kind)), el("td", {}, o.note || ""),
      el("td", {}, el("button", {class: "danger", onclick: () => save(o.date, null, "")}, t("supervision.remove")))));
    $("page").replaceChildren(...banners,
      el("div", {class: "card"}, el("p", {}, t("supervision.calendar_intro")), el("p", {}, t("supervision.calendar_fallback")), el("p", {}, t("supervision.hours_note")), form),
      el("div", {class: "card"}, el("h2", {}, t("supervision.h_overrides")),
        rows.length ? el("table", {id: "overrides"}, rows) : el("p", {}, t("supervision.no_overrides"))));
  }

  YC.loadMessages().then(() => {
    document.title = t("supervision.calendar_title");
    $("title").textContent = t("supervision.calendar_title");
    $("back").textContent = t("supervision.back");
    refresh();
  });
})();
