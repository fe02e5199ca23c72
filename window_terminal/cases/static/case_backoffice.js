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

  // A missing field is said beside its box, and the box gets the focus.
  function fieldError(box, text) {
    const label = box.closest("label");
    let note = label.querySelector(".field-error");
    if (!text) { if (note) note.remove(); return; }
    if (!note) { note = el("span", {class: "field-error", role: "alert"}); label.append(note); }
    note.textContent = text;
    box.focus();
  }

  // 同意 and 不予批准 are final for the department: asked once more, with what will be recorded, in
  // the page's own dialog. A refusal needs its reasons first (《行政许可法》第三十八条: a refusal of a
  // licence states its reasons and the applicant's right to review or sue).
  function decide(c, decision, act) {
    const b = boxesFor(c.case_no);
    const result = b.result.value.trim(), reasons = b.reasons.value.trim();
    fieldError(b.result, ""); fieldError(b.reasons, "");
    if (!result) return fieldError(b.result, t("ui_field_needed", {field: t("ui_decision_result")}));
    if (decision === "rejected" && !reasons) return fieldError(b.reasons, t("ui_reasons_needed"));
    const approve = decision === "approved";
    const dialog = document.getElementById("confirm");
    const ok = el("button", {type: "button", id: "confirm-ok", class: approve ? "approve" : "reject warn"},
      t(approve ? "ui_confirm_approve" : "ui_confirm_reject"));
    const error = el("p", {class: "field-error", role: "alert"});
    dialog.replaceChildren(el("h2", {}, t(approve ? "ui_confirm_approve_title" : "ui_confirm_reject_title")),
      el("p", {}, t("ui_confirm_case", {case_no: c.case_no, matter: c.matter, applicant: c.applicant})),
      el("p", {}, t("ui_confirm_result", {result})),
      reasons ? el("p", {}, t("ui_confirm_reasons", {reasons})) : null, error,
      el("div", {class: "row"}, el("button", {type: "button", id: "confirm-back", class: "neutral", onclick: () => dialog.close()},
        t("ui_confirm_back")), ok));
    ok.addEventListener("click", async () => {
      ok.disabled = true;  // a double tap records once
      try {
        await act("decide", {decision, result, reasons: reasons || null});
        dialog.close();
        done(t(approve ? "ui_decided_approved" : "ui_decided_rejected", {case_no: c.case_no, result}));
      } catch (e) { error.textContent = e.message; ok.disabled = false; }
    });
    dialog.showModal();
    ok.focus();
  }

  function done(text) {
    const line = document.getElementById("done");
    line.textContent = text;
    line.hidden = false;
  }

  function decisionCell(c, act) {
    if (c.state !== "handed_over") return "";
    // 签收 first: a department decides only on a case it has signed for.
    if (!c.received_at) return el("button", {class: "receive", onclick: () => act("receive").catch(showError)}, t("ui_receive"));
    const b = boxesFor(c.case_no);
    return el("div", {class: "decide"},
      el("label", {}, el("span", {}, t("ui_decision_result")), b.result),
      el("label", {}, el("span", {}, t("ui_decision_reasons")), b.reasons),
      el("div", {}, el("button", {class: "approve", onclick: () => decide(c, "approved", act)}, t("ui_approve")),
        el("button", {class: "reject warn", onclick: () => decide(c, "rejected", act)}, t("ui_reject_decision"))));
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
      // The step's refusal goes back to whoever asked (the dialog shows it); the list is read again either way.
      const act = (path, body) => api("POST", `/cases/${c.case_no}/${path}`, body).finally(refresh);
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
