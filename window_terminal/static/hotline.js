// 热线预约: the clerk books for a resident on the phone and reads back the code; today's and
// tomorrow's appointments per slot beside it. Uses the window terminal's own log-in.
"use strict";
(() => {
  const {t, api, el} = YC;
  const N = document.body.dataset.window;
  const token = localStorage.getItem("yc.window." + N + ".token");
  const $ = (id) => document.getElementById(id);
  let chosen = null, days = null;

  const slotText = (a) => `${a.slot_start.slice(11, 16)}–${a.slot_end.slice(11, 16)}`;

  function showSlots(slots) {
    chosen = null;
    $("empty").hidden = slots.length > 0;
    $("slots").replaceChildren(...slots.map((s) => {
      const left = s.seats - s.taken;
      const b = el("button", {"class": "slot", type: "button", "data-start": s.start.slice(0, 16)},
        `${s.start.slice(11, 16)}–${s.end.slice(11, 16)}`,
        el("small", {}, left > 0 ? t("terminal.hotline_seats_left", {n: left}) : t("terminal.hotline_full")));
      b.disabled = left <= 0;
      b.addEventListener("click", () => {
        for (const x of $("slots").children) x.classList.remove("chosen");
        b.classList.add("chosen");
        chosen = b.dataset.start;
      });
      return b;
    }));
  }

  // Only the newest answer draws: a date picked while an older load runs wins.
  const loadSlots = YC.newest(() => {
    const q = new URLSearchParams();
    if (days) q.set("date", $("date").value);
    if ($("matter").value) q.set("matter_id", $("matter").value);
    return api("GET", `/appointments/slots?${q}`, token);
  }, (body) => {
    if (!days) {
      days = [];
      const [y, m, d] = body.today.split("-").map(Number);
      for (let i = 0; ; i++) {
        const iso = new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10);
        if (iso > body.last_day) break;
        days.push(iso);
        $("date").append(el("option", {value: iso}, iso));
      }
      $("date").value = body.date;
    }
    showSlots(body.slots);
  });

  // A date or matter picked: the slots on screen belong to the old choice until the new ones arrive,
  // so none stays chosen or can be chosen (the clerk would book the day the caller moved away from).
  function pickAgain() {
    chosen = null;
    for (const b of $("slots").children) { b.classList.remove("chosen"); b.disabled = true; }
    return loadSlots();
  }

  const loadList = YC.newest(async () => {
    const first = (await api("GET", "/appointments/slots", token)).today;
    const [y, m, d] = first.split("-").map(Number);
    const wanted = [0, 1].map((i) => new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10));
    return Promise.all(wanted.map((day) => api("GET", `/appointments?date=${day}`, token)));
  }, (lists) => {
    $("days").replaceChildren(...lists.map((list, i) => el("div", {"class": "day"},
      el("h3", {}, t(i === 0 ? "terminal.hotline_today" : "terminal.hotline_tomorrow", {date: list.date, n: list.appointments.length})),
      list.appointments.length ? el("table", {}, ...list.appointments.map((a) => el("tr", {},
        el("td", {}, slotText(a)), el("td", {}, a.resident_masked),
        el("td", {}, a.phone_tail ? t("terminal.hotline_tail", {tail: a.phone_tail}) : ""),
        el("td", {}, a.code), el("td", {}, t("terminal.hotline_status_" + a.status)))))
        : el("p", {"class": "hint"}, t("terminal.hotline_none")))));
  });

  async function book() {
    $("error").textContent = ""; $("booked").textContent = "";
    if (!chosen) { $("error").textContent = t("terminal.hotline_need_slot"); return; }
    try {
      const a = await api("POST", "/appointments", token, {
        channel: "hotline", resident_name: $("name").value.trim(), phone: $("phone").value.trim() || null,
        id_number: $("id-number").value.trim() || null, slot_start: chosen,
        matter_id: $("matter").value ? Number($("matter").value) : null,
      });
      $("booked").textContent = t("terminal.hotline_booked", {code: a.code, when: `${a.slot_start.slice(0, 10)} ${slotText(a)}`});
      for (const id of ["name", "phone", "id-number"]) $(id).value = "";
      await Promise.all([loadSlots(), loadList()]);
    } catch (e) { $("error").textContent = e.message; }
  }

  YC.loadMessages("/terminal/messages.json", "terminal", token).then(async () => {  // the clerk's own language
    if (!token) { $("need-login").hidden = false; return; }
    $("desk").hidden = false;
    // Listen before the first loads finish: a date picked while today's list still loads must count.
    $("date").addEventListener("change", pickAgain);
    $("matter").addEventListener("change", pickAgain);
    $("submit").addEventListener("click", book);
    try {
      const matters = (await api("GET", "/matters", token)).matters;
      $("matter").replaceChildren(el("option", {value: ""}, t("terminal.hotline_general")),
        ...matters.map((m) => el("option", {value: String(m.id)}, m.name)));
      await Promise.all([loadSlots(), loadList()]);
    } catch (e) { $("error").textContent = e.message; }
  });
})();
