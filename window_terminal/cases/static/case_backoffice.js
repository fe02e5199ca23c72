// The department's in-tray: sign for handed-over cases (签收) and then record the decision.
// The list is read again every 15 s and on every step; what the clerk is typing must survive
// that: each case keeps its own input boxes across refreshes (never rebuilt), and the box that
// had the focus gets it back with its caret where it was.
"use strict";
(() => {
  const token = YC.pageToken("yc-case-token");  // given once as ?token=, kept for the tab
  const {t, el, showError} = YC;
  const api = (method, path, body) => YC.api(method, path, token, body);
  const boxes = new Map();  // case_no -> {result, reasons}: the clerk's drafts, kept while the case is listed

  function boxesFor(caseNo) {
    if (!boxes.has(caseNo)) {
      boxes.set(caseNo, {
        result: el("input", {class: "result", maxlength: 500, "aria-label": t("ui_decision_result"), placeholder: t("ui_decision_result")}),
        reasons: el("textarea", {class: "reasons", maxlength: 1000, rows: 2, "aria-label": t("ui_decision_reasons"),
          placeholder: t("ui_decision_reasons")}),
      });
    }
    return boxes.get(caseNo);
  }

  function dueText(c) {
    if (c.working_days_left === null || c.working_days_left === undefined) return "";
    if (c.working_days_left < 0) return t("ui_days_over", {days: -c.working_days_left});
    if (c.working_days_left === 0) return t("ui_due_today");
    return t("ui_days_left", {days: c.working_days_left});
  }

  function decisionCell(c, act) {
    if (c.state !== "handed_over") return "";
    // 签收 first: a department decides only on a case it has signed for.
    if (!c.received_at) return el("button", {class: "receive", onclick: () => act("receive")}, t("ui_receive"));
    const b = boxesFor(c.case_no);
    return el("div", {class: "decide"},
      el("label", {}, el("span", {}, t("ui_decision_result")), b.result),
      el("label", {}, el("span", {}, t("ui_decision_reasons")), b.reasons),
      el("div", {}, el("button", {class: "approve", onclick: () => act("decide", {decision: "approved", result: b.result.value,
        reasons: b.reasons.value.trim() || null})}, t("ui_approve")),
      el("button", {class: "reject warn", onclick: () => act("decide", {decision: "rejected", result: b.result.value,
        reasons: b.reasons.value.trim() || null})}, t("ui_reject_decision"))));
  }

  // Read every 15 s and after every step: only the newest list draws, or an older one arriving last
  // would show a case as not yet signed for (or not yet decided) just after the clerk did it.
  const askInbox = YC.newest(() => api("GET", "/cases/inbox"), drawInbox);
  const refresh = () => askInbox().catch(showError);

  function drawInbox(data) {
    showError(null);
    document.getElementById("department").textContent = data.department || "";
    document.getElementById("empty").hidden = data.cases.length > 0;
    const focused = document.activeElement;
    const caret = focused && "selectionStart" in focused ? [focused.selectionStart, focused.selectionEnd] : null;
    const listed = new Set(data.cases.map((c) => c.case_no));
    for (const no of [...boxes.keys()]) if (!listed.has(no)) boxes.delete(no);  // decided or gone: draft done
    const rows = data.cases.map((c) => {
      const act = (path, body) => api("POST", `/cases/${c.case_no}/${path}`, body).then(refresh, showError);
      return el("tr", {"data-case": c.case_no},
        el("td", {class: "nowrap"}, c.case_no), el("td", {}, c.matter), el("td", {class: "nowrap"}, c.applicant),
        el("td", {class: "nowrap"}, c.state_label),
        el("td", {class: "nowrap" + (c.overdue ? " overdue" : "")}, c.due_date || "", el("br"), dueText(c)),
        el("td", {class: "work"}, decisionCell(c, act)));
    });
    document.querySelector("#inbox tbody").replaceChildren(...rows);
    if (focused && focused !== document.body && document.contains(focused) && document.activeElement !== focused) {
      focused.focus();
      if (caret) focused.setSelectionRange(caret[0], caret[1]);
    }
  }
  YC.loadMessages("/cases-ui/messages.json", "cases", token).then(refresh);
  setInterval(refresh, 15000);
})();
