// 预约上门 queue: open, assigned, done and overdue visits; the supervisor assigns staff and a time,
// the visitor records the case opened on the spot (or why not) and prints the visit sheet.
"use strict";
(() => {
  const {t, api, el} = YC;
  const token = localStorage.getItem("yc.supervisor.token");
  const $ = (id) => document.getElementById(id);

  function say(text, ok) { $(ok ? "done" : "error").textContent = text; $(ok ? "error" : "done").textContent = ""; }

  async function openSheet(code) {
    // The PDF needs the token: fetched here and shown from a blob, never a token in an address.
    const r = await fetch(`/api/v1/home-visits/${code}/sheet.pdf`, {headers: {Authorization: "Bearer " + token}});
    if (r.ok) window.open(URL.createObjectURL(await r.blob()), "_blank");
  }

  function row(v) {
    const actions = el("td", {});
    if (v.state === "open" || v.state === "assigned" || (v.state === "overdue" && v.status !== "visited")) {
      const who = el("input", {"class": "staff", placeholder: t("terminal.visits_staff_no"), maxlength: "32", value: v.staff_no || ""});
      const when = el("input", {"class": "when", type: "datetime-local", value: v.start.slice(0, 16)});
      const assign = el("button", {type: "button", "class": "assign"}, t("terminal.visits_assign"));
      assign.addEventListener("click", () => act(`/home-visits/${v.code}/assign`, {staff_no: who.value, start: when.value}, "terminal.visits_assigned"));
      actions.append(who, when, assign);
    }
    if (v.status === "assigned") {
      const caseNo = el("input", {"class": "case-no", placeholder: t("terminal.visits_case_no"), maxlength: "16"});
      const record = el("button", {type: "button", "class": "record"}, t("terminal.visits_record"));
      record.addEventListener("click", () => act(`/home-visits/${v.code}/outcome`, {case_no: caseNo.value.trim() || null,
        note: caseNo.value.trim() ? null : t("terminal.visits_no_case")}, "terminal.visits_recorded"));
      const sheet = el("button", {type: "button", "class": "sheet"}, t("terminal.visits_sheet"));
      sheet.addEventListener("click", () => openSheet(v.code));
      actions.append(caseNo, record, sheet);
    }
    // A day closed since (holiday entered, visit hours changed): the supervisor picks a new time.
    const state = el("td", {"class": "state-" + v.state}, t("terminal.visits_state_" + v.state));
    if (v.needs_new_date) state.append(el("span", {"class": "needs-new-date"}, t("terminal.visits_needs_new_date")));
    return el("tr", {"data-code": v.code, "class": v.needs_new_date ? "needs-new-date" : ""},
      el("td", {}, v.code), el("td", {}, v.resident), el("td", {}, v.place || ""),
      el("td", {}, t("terminal.visits_reason_" + v.reason)), el("td", {}, v.start.slice(0, 16).replace("T", " ")),
      el("td", {}, v.staff_name || ""), state,
      el("td", {}, v.case_no || v.note || ""), actions);
  }

  // Each step reads the list again, and steps follow one another quickly: only the newest list draws,
  // or an older one arriving last would undo on screen the step just taken.
  const refresh = YC.newest(() => api("GET", "/home-visits", token), (data) => {
    $("counts").textContent = t("terminal.visits_counts", data.counts) +
      (data.counts.needs_new_date ? "　" + t("terminal.visits_counts_new_date", data.counts) : "");
    const head = el("tr", {}, ...["code", "resident", "place", "reason", "time", "staff", "state", "outcome", "actions"]
      .map((k) => el("th", {}, t("terminal.visits_col_" + k))));
    $("visits").replaceChildren(head, ...data.visits.map(row));
  });

  async function act(path, body, done) {
    try { await api("POST", path, token, body); say(t(done), true); } catch (e) { say(e.message, false); }
    await refresh();
  }

  YC.loadMessages("/terminal/messages.json", "terminal", token).then(async () => {  // the supervisor's own language
    if (!token) { $("need-login").hidden = false; return; }
    $("desk").hidden = false;
    try {
      await refresh();
    } catch (e) { say(e.message, false); }
  });
})();
