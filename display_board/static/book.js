// The resident's booking page: pick a day and a free slot, book with channel "web", type the
// code texted to the phone, get the check-in code and its QR; look up, cancel or move a booking with the code and the phone's last 4 digits.
(function () {
  "use strict";
  const T = YC.useMessages(JSON.parse(document.getElementById("messages").textContent));
  const $ = (id) => document.getElementById(id);
  const t = YC.t;
  const WEEKDAYS = T.weekdays.split(",");
  let chosen = null;  // the chosen slot's start (the hall's local time, ISO)
  let loadedDates = false;

  function dayLabel(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    return t("day_label", {month: m, day: d, weekday: WEEKDAYS[weekday]});
  }

  function fillDates(today, lastDay) {
    const select = $("date");
    const [y, m, d] = today.split("-").map(Number);
    for (let i = 0; ; i++) {
      const iso = new Date(Date.UTC(y, m - 1, d + i)).toISOString().slice(0, 10);
      if (iso > lastDay) break;
      select.append(YC.el("option", {value: iso}, dayLabel(iso)));
    }
  }

  function fillMatters(matters) {
    const select = $("matter");
    for (const m of matters) select.append(YC.el("option", {value: String(m.id)}, m.name));
  }

  function showSlots(slots) {
    const box = $("slots");
    box.textContent = "";
    chosen = null;
    $("empty").hidden = slots.length > 0;
    for (const s of slots) {
      const left = s.seats - s.taken;
      const label = `${s.start.slice(11, 16)}–${s.end.slice(11, 16)}`;
      const button = YC.el("button", {"class": "slot", type: "button", "data-start": s.start.slice(0, 16)},
        label, YC.el("small", {}, left > 0 ? t("seats_left", {n: left}) : T.full));
      button.disabled = left <= 0;
      button.addEventListener("click", () => {
        for (const b of box.querySelectorAll(".slot")) b.classList.remove("chosen");
        button.classList.add("chosen");
        chosen = button.dataset.start;
      });
      box.append(button);
    }
  }

  // Only the newest answer draws: with two days picked quickly, the first day's slots arriving last
  // would show under the second day's date, and a resident could book the wrong day.
  const askSlots = YC.newest(() => {
    const params = new URLSearchParams();
    // The first load leaves the day to the server: the first day with a free slot.
    if (loadedDates) params.set("date", $("date").value);
    if ($("matter").value) params.set("matter_id", $("matter").value);
    return YC.api("GET", `/appointments/slots?${params}`);
  }, (body) => {
    if (!loadedDates) {
      loadedDates = true;
      $("hall").textContent = body.hall;
      fillDates(body.today, body.last_day);
      fillMatters(body.matters);
      $("date").value = body.date;
    }
    showSlots(body.slots);
  });

  // Until the new day's (or matter's) slots arrive, the ones shown belong to another choice: none
  // may stay chosen or be chosen, or 预约 would book the day the resident just left.
  function setAsideSlots() {
    chosen = null;
    for (const b of $("slots").querySelectorAll(".slot")) { b.classList.remove("chosen"); b.disabled = true; }
  }

  function loadSlots() {
    $("error").textContent = "";
    setAsideSlots();
    return askSlots().catch((e) => { $("error").textContent = e.message; });
  }

  $("date").addEventListener("change", loadSlots);
  $("matter").addEventListener("change", loadSlots);

  $("submit").addEventListener("click", async () => {
    $("error").textContent = "";
    if (!$("name").value.trim()) { $("error").textContent = T.need_name; return; }
    if (!chosen) { $("error").textContent = T.need_slot; return; }
    const body = {
      channel: "web",
      resident_name: $("name").value.trim(),
      phone: $("phone").value.trim(),
      id_number: $("id-number").value.trim() || null,
      matter_id: $("matter").value ? Number($("matter").value) : null,
      slot_start: chosen,
    };
    try {
      const appt = await YC.api("POST", "/appointments", null, body);
      if (appt.status === "held") askCode(appt);
      else showBooked(appt);
    } catch (e) {
      $("error").textContent = e.message;
      if (e.code === "slot_full") loadSlots();
    }
  });

  function showBooked(appt) {
    $("code").textContent = appt.code;
    $("when").textContent = `${dayLabel(appt.slot_start.slice(0, 10))} ${appt.slot_start.slice(11, 16)}–` +
      appt.slot_end.slice(11, 16);
    $("qr").src = `/book/qr/${appt.code}.svg`;
    $("form-card").hidden = true;
    $("verify").hidden = true;
    $("result").hidden = false;
    $("m-code").value = appt.code;
    $("m-tail").value = appt.phone_tail || "";
  }

  // The seat is held while the resident types the code texted to the phone; only then is it theirs
  // and the check-in code shown (a script without the phone holds seats for minutes, not for good).
  let holding = null;
  function askCode(appt) {
    holding = appt;
    const when = `${dayLabel(appt.slot_start.slice(0, 10))} ${appt.slot_start.slice(11, 16)}`;
    $("verify-sent").textContent = t("verify_sent", {tail: appt.phone_tail || "", when,
      until: appt.hold_expires_at.slice(11, 16)});
    $("sms-code").value = "";
    $("verify-error").textContent = "";
    $("form-card").hidden = true;
    $("verify").hidden = false;
    // The code step replaces the long form: show it from its title (the page was scrolled down to
    // 提交预约), with the field ready for the phone's keypad.
    window.scrollTo(0, 0);
    $("sms-code").focus({preventScroll: true});
  }

  $("verify-submit").addEventListener("click", async () => {
    $("verify-error").textContent = "";
    const typed = $("sms-code").value.replace(/\s/g, "");
    if (!/^[0-9]{6}$/.test(typed)) { $("verify-error").textContent = T.need_sms_code; return; }
    try {
      showBooked(await YC.api("POST", `/appointments/${holding.code}/confirm`, null, {sms_code: typed}));
    } catch (e) {
      $("verify-error").textContent = e.message;
    }
  });

  $("verify-back").addEventListener("click", () => {
    $("verify").hidden = true;
    $("form-card").hidden = false;
    loadSlots();
  });

  $("again").addEventListener("click", () => {
    $("result").hidden = true;
    $("form-card").hidden = false;
    loadSlots();
  });

  async function manage(action) {
    $("m-error").textContent = "";
    $("m-result").textContent = "";
    $("m-status").textContent = "";
    const code = $("m-code").value.trim();
    const tail = $("m-tail").value.trim();
    if (!/^[0-9]{6}$/.test(code)) { $("m-error").textContent = T.need_code; return; }
    if (!/^[0-9]{4}$/.test(tail)) { $("m-error").textContent = T.need_tail; return; }
    const body = {phone_tail: tail};
    if (action === "reschedule") {
      if (!chosen) { $("m-error").textContent = T.need_new_slot; return; }
      body.slot_start = chosen;
    }
    try {
      const appt = await YC.api("POST", `/appointments/${code}/${action}`, null, body);
      if (action === "lookup") { showStatus(appt); return; }
      const when = `${dayLabel(appt.slot_start.slice(0, 10))} ${appt.slot_start.slice(11, 16)}`;
      $("m-result").textContent = t(action === "cancel" ? "cancelled" : "rescheduled", {code: appt.code, when});
      $("result").hidden = true;
      $("form-card").hidden = false;
      loadSlots();
    } catch (e) {
      $("m-error").textContent = e.message;
    }
  }

  // A booking the hall cancelled (its calendar changed) says why and how to move it.
  function showStatus(appt) {
    const when = `${dayLabel(appt.slot_start.slice(0, 10))} ${appt.slot_start.slice(11, 16)}`;
    const lines = [t("lookup_result", {code: appt.code, when, status: T["status_" + appt.status] || appt.status})];
    if (appt.status === "hall_cancelled") {
      lines.push(t("hall_cancelled_hint", {reason: T["reason_" + appt.cancel_reason] || ""}));
    }
    $("m-status").textContent = lines.join("\n");
    $("m-status").className = appt.status === "hall_cancelled" ? "error" : "ok";
  }

  // The hall's SMS links here with ?code=: the resident only adds the phone's last 4 digits.
  const linked = new URLSearchParams(location.search).get("code");
  if (linked && /^[0-9]{6}$/.test(linked)) $("m-code").value = linked;

  $("lookup").addEventListener("click", () => manage("lookup"));
  $("cancel").addEventListener("click", () => manage("cancel"));
  $("reschedule").addEventListener("click", () => manage("reschedule"));
  loadSlots();
})();
