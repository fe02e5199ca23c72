// Supervisor's case dashboard: open cases by stage, overdue and near-due cases, the two rates.
"use strict";
(() => {
  // Given once as ?token= (kept for the tab), or the supervisor's log-in when opened from /supervisor.
  const token = YC.pageToken("yc-case-token") || localStorage.getItem("yc.supervisor.token") || "";
  const {t, el, showError} = YC;
  const api = (method, path, body) => YC.api(method, path, token, body);
  const pct = (v) => v === null ? "—" : (v * 100).toFixed(1) + "%";
  function rows(list) {
    return list.map((c) => el("tr", {"data-case": c.case_no, class: c.overdue ? "overdue" : ""},
      el("td", {class: "nowrap"}, c.case_no), el("td", {}, c.matter), el("td", {class: "nowrap"}, c.department),
      el("td", {class: "nowrap"}, c.applicant),
      el("td", {class: "nowrap"}, c.owner_window ? t("ui_window_no", {n: c.owner_window}) : ""), el("td", {class: "nowrap"}, c.due_date),
      el("td", {class: "nowrap"}, c.working_days_left < 0 ? t("ui_days_over", {days: -c.working_days_left})
        : c.working_days_left === 0 ? t("ui_due_today") : t("ui_days_left", {days: c.working_days_left}))));
  }
  // Read every 30 s: on a slow line an answer may come after the next one, and only the newest draws.
  const askDashboard = YC.newest(() => api("GET", "/cases/dashboard"), drawDashboard);
  const refresh = () => askDashboard().catch(showError);

  function drawDashboard(d) {
    showError(null);
    document.getElementById("today").textContent = d.today;
    document.getElementById("stages").replaceChildren(...Object.entries(d.open_by_stage).map(([s, n]) =>
      el("div", {class: "stage", "data-stage": s}, el("div", {}, t("state_" + s)), el("div", {class: "big"}, n))));
    document.getElementById("rate-acceptance").textContent = pct(d.one_window_acceptance_rate);
    document.getElementById("rate-completion").textContent = pct(d.one_window_completion_rate);
    document.querySelector("#overdue tbody").replaceChildren(...rows(d.overdue));
    document.querySelector("#near-due tbody").replaceChildren(...rows(d.near_due));
  }
  YC.loadMessages("/cases-ui/messages.json", "cases", token).then(refresh);
  setInterval(refresh, 30000);
})();
