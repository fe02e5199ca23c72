// The department's in-tray: sign for handed-over cases and record the decision.
"use strict";
(() => {
  const token = YC.pageToken("yc-case-token");  // given once as ?token=, kept for the tab
  const {t, el, showError} = YC;
  const api = (method, path, body) => YC.api(method, path, token, body);
  async function refresh() {
    let data;
    try { data = await api("GET", "/cases/inbox"); showError(null); } catch (e) { showError(e); return; }
    document.getElementById("department").textContent = data.department || "";
    document.getElementById("empty").hidden = data.cases.length > 0;
    const rows = data.cases.map((c) => {
      const result = el("input", {class: "result", placeholder: t("ui_decision_result")});
      const reasons = el("input", {class: "reasons", placeholder: t("ui_reasons")});
      const act = (path, body) => api("POST", `/cases/${c.case_no}/${path}`, body).then(refresh, showError);
      const due = c.working_days_left === null ? "" : c.working_days_left < 0
        ? t("ui_days_over", {days: -c.working_days_left}) : t("ui_days_left", {days: c.working_days_left});
      return el("tr", {"data-case": c.case_no},
        el("td", {}, c.case_no), el("td", {}, c.matter), el("td", {}, c.applicant), el("td", {}, c.state_label),
        el("td", {class: c.overdue ? "overdue" : ""}, (c.due_date || "") + " " + due),
        el("td", {}, c.state === "handed_over" && !c.received_at
          ? el("button", {class: "receive", onclick: () => act("receive")}, t("ui_receive")) : ""),
        el("td", {}, c.state === "handed_over" ? [result, reasons,
          el("button", {class: "approve", onclick: () => act("decide", {decision: "approved", result: result.value, reasons: reasons.value || null})}, t("ui_approve")),
          el("button", {class: "reject", onclick: () => act("decide", {decision: "rejected", result: result.value, reasons: reasons.value || null})}, t("ui_reject_decision"))] : ""));
    });
    document.querySelector("#inbox tbody").replaceChildren(...rows);
  }
  YC.loadMessages("/cases-ui/messages.json", "cases").then(refresh);
  setInterval(refresh, 15000);
})();
