// 带班 roster (/supervisor/duty): a month calendar of half-days; click one to plan, swap, check in or note.
"use strict";
(() => {
  const {t, api, el} = YC;
  const $ = (id) => document.getElementById(id);
  const KEY = "yc.supervisor.token";
  // A ?token= serves this tab only (taken off the address bar, never stored for the browser);
  // otherwise the supervisor's log-in kept by the supervisor page.
  const token = YC.pageToken(KEY + ".tab") || localStorage.getItem(KEY);
  const params = YC.params;
  let roster = null, editing = null;

  const toast = YC.toaster();  // no timeout: a message stays until the page clears it

  function halfButton(day, half) {
    const s = roster.shifts.find((x) => x.date === day && x.half === half);
    const label = t("operations.duty_" + half) + (s ? "：" + s.leader.name : "");
    const cls = "half" + (s ? (s.checked_in_at ? " done" : " set") : "");
    return el("button", {class: cls, type: "button", "data-day": day, "data-half": half, onclick: () => open(day, half, s)}, label);
  }

  function render() {
    $("leaders").replaceChildren(...roster.leaders.map((l) => el("span", {class: "leader" + (l.below_minimum ? " below" : "")},
      t("operations.duty_leader_line", {name: l.name, title: l.title, n: l.half_days / 2}))));
    const [y, m] = roster.month.split("-").map(Number);
    const first = new Date(Date.UTC(y, m - 1, 1)), days = new Date(Date.UTC(y, m, 0)).getUTCDate();
    const head = el("tr", {}, [1, 2, 3, 4, 5, 6, 7].map((d) => el("th", {}, t("operations.weekday_" + d))));
    const rows = [head];
    let row = el("tr", {});
    for (let i = 1; i < ((first.getUTCDay() + 6) % 7) + 1; i++) row.append(el("td", {}));
    for (let d = 1; d <= days; d++) {
      const day = `${roster.month}-${String(d).padStart(2, "0")}`;
      row.append(el("td", {}, el("div", {class: "date"}, d), halfButton(day, "am"), halfButton(day, "pm")));
      if (row.children.length === 7) { rows.push(row); row = el("tr", {}); }
    }
    if (row.children.length) rows.push(row);
    $("calendar").replaceChildren(...rows);
  }

  function open(day, half, shift) {
    editing = {day, half};
    $("edit-title").textContent = `${day} ${t("operations.duty_" + half)}`;
    $("e-staff").value = shift ? shift.leader.staff_no : "";
    $("e-title").value = shift ? shift.leader.title : "";
    $("e-problems").value = shift ? shift.problems : "";
    $("e-actions").value = shift ? shift.actions : "";
    $("edit").showModal();
  }

  // A month's roster comes back from each load and each save: only the newest call's draws, or a
  // month picked while a save is under way would be drawn over by the saved day's month.
  const showRoster = YC.newest((answer) => answer, (r) => {
    roster = r;
    $("month").value = roster.month;
    render();
    document.body.dataset.loaded = "1";
  });

  async function save(checkIn) {
    const body = {staff_no: $("e-staff").value.trim() || null, title: $("e-title").value.trim() || null,
      problems: $("e-problems").value, actions: $("e-actions").value};
    if (checkIn) body.check_in = true;
    const saved = api("PUT", `/duty-roster/${editing.day}/${editing.half}`, token, body);
    try {
      await showRoster(saved);
      await saved;  // a refusal is told even if another month was asked for meanwhile and nothing drawn
      toast("");
    } catch (e) { toast(e.message); }
  }

  function load() {
    const month = $("month").value;
    return showRoster(api("GET", "/duty-roster" + (month ? "?month=" + month : ""), token)).catch((e) => toast(e.message));
  }

  async function main() {
    await YC.loadMessages(undefined, undefined, token);  // a staff member's own language
    $("title").textContent = t("operations.duty_title");
    $("l-month").textContent = t("operations.duty_month");
    $("go").textContent = t("operations.ui_go");
    $("h-leaders").textContent = t("operations.duty_leaders");
    for (const [id, key] of [["l-staff", "duty_staff_no"], ["l-title", "duty_title_field"], ["l-problems", "duty_problems"],
      ["l-actions", "duty_actions"], ["e-save", "duty_save"], ["e-checkin", "duty_check_in"], ["e-cancel", "duty_cancel"]]) {
      $(id).textContent = t("operations." + key);
    }
    $("edit-form").addEventListener("submit", (e) => {
      const how = e.submitter && e.submitter.value;
      if (how === "save" || how === "checkin") save(how === "checkin");
    });
    $("filter").addEventListener("submit", (e) => { e.preventDefault(); load(); });
    $("month").value = params.get("month") || "";
    if (!token) { toast(t("operations.ui_need_token")); return; }
    await load();
  }
  main();
})();
