// The window's case panel: open a case (linked to the ticket being served), tick the checklist,
// choose the outcome, then carry the case round the front-window part of the loop: 转办,
// 取回登记, 通知群众, 送达 with a drawn signature. A supervisor opening the same page settles
// escalated cases (不予受理 / 退回窗口): the window itself has no veto.
"use strict";
(() => {
  const token = YC.pageToken("yc-case-token");  // given once as ?token=, kept for the tab
  const {t, el, showError} = YC;
  const api = (method, path, body) => YC.api(method, path, token, body);
  const $ = (id) => document.getElementById(id);
  const params = new URLSearchParams(location.search);
  const windowNo = document.body.dataset.window;
  const ticketId = Number(params.get("ticket")) || null;
  const FINAL = ["rejected", "closed"];
  let matters = [], current = null, role = "clerk", pad = null;
  const STATUSES = ["submitted", "missing", "defective", "not_applicable"];

  function renderChecklist(c) {
    const body = $("checklist").querySelector("tbody");
    body.replaceChildren(...c.materials.map((m, i) => el("tr", {"data-material": m.name, "data-required": m.required ? "1" : "0"},
      el("td", {}, el("strong", {}, m.name), m.required ? "" : " " + t("ui_optional"),
        el("div", {class: "req"}, t("ui_requirement") + "：" + m.requirement),
        m.sample ? el("div", {class: "req"}, t("ui_sample") + "：" + m.sample) : null),
      el("td", {}, el("div", {class: "statuses"}, ...STATUSES.map((s) => el("label", {class: "status"},
        el("input", {type: "radio", name: "m" + i, value: s, checked: m.status === s}), t("ui_status_" + s))))),
      el("td", {}, el("input", {class: "note", placeholder: t("ui_note"), value: m.note || ""})))));
  }

  // PDFs open in a new tab, which cannot send the token: a signed link good for 5 minutes and this
  // document only (GET …/documents/<kind>/link), fetched when shown and again when clicked.
  function pdfLink(c, kind) {
    const linkPath = `/cases/${encodeURIComponent(c.case_no)}/documents/${kind}/link`;
    const a = el("a", {href: "#", target: "_blank", rel: "noopener", "data-pdf": kind}, t("ui_print_pdf"));
    api("GET", linkPath).then((r) => { a.href = r.url; }, () => {});
    a.addEventListener("click", (ev) => {
      ev.preventDefault();
      const tab = window.open("", "_blank");
      api("GET", linkPath).then((r) => { a.href = r.url; if (tab) tab.location = r.url; },
        (e) => { if (tab) tab.close(); showError(e); });
    });
    return a;
  }

  function renderNotice(c) {
    const box = $("notice");
    const docs = Object.entries(c.documents);
    box.hidden = docs.length === 0;
    const parts = [];
    for (const [kind, number] of docs) {
      parts.push(el("div", {class: "doc", "data-kind": kind}, el("strong", {}, t("documents.title_" + kind)), " ", number, " ",
        pdfLink(c, kind)));
    }
    if (c.state === "supplement_requested" && c.supplement_list) {
      parts.push(el("ol", {class: "missing"}, ...c.supplement_list.map((m) =>
        el("li", {}, el("strong", {}, m.name), "（" + t("documents.status_" + m.status) + (m.note ? "：" + m.note : "") + "）", m.requirement))));
      parts.push(el("p", {}, t("ui_deadline") + "：" + c.supplement_deadline));
    }
    if (c.due_date && c.state !== "supplement_requested") parts.push(el("p", {}, t("ui_due") + "：" + c.due_date));
    box.replaceChildren(...parts);
  }

  // A line or two on where the case stands, for the states where the window only waits or reads.
  function stepInfo(c) {
    const lines = [];
    if (c.state === "escalated") lines.push(t("ui_info_escalated", {reason: c.escalation_reason || ""}));
    if (c.state === "rejected") {
      lines.push(t("ui_info_rejected", {reasons: c.reject_reasons || ""}));
      if (c.redirect_to) lines.push(t("ui_info_redirect", {to: c.redirect_to}));
    }
    if (c.state === "handed_over") lines.push(t(c.received_at ? "ui_info_received" : "ui_info_handed_over", {department: c.department}));
    if (c.decision && ["decided", "returned", "notified", "delivered", "closed"].includes(c.state)) {
      lines.push(t("ui_info_decision_" + c.decision, {department: c.department, result: c.result || ""}));
      if (c.decision_reasons) lines.push(t("ui_info_decision_reasons", {reasons: c.decision_reasons}));
    }
    if (c.receipt) lines.push(t("ui_info_delivered", {recipient: c.receipt.recipient, relation: c.receipt.relation,
      place: c.receipt.place, receipt_no: c.receipt.receipt_no}));
    $("step-info").hidden = lines.length === 0;
    $("step-info").replaceChildren(...lines.map((line) => el("p", {}, line)));
  }

  function renderNotifications(c) {
    $("notifications").replaceChildren(...c.notifications.map((n) => el("li", {class: "sms", "data-status": n.status},
      el("strong", {}, t("ui_sms_line", {channel: t("ui_channel_" + n.channel), recipient: n.recipient,
        status: t("ui_sms_status_" + n.status)})), el("div", {class: "req"}, n.text))));
  }

  function prepareDelivery(c) {
    // Defaults a clerk would type anyway: the applicant collects in person, or the station chosen at acceptance.
    $("recipient").value = c.applicant_name;
    $("relation").value = t("ui_relation_self");
    const station = c.delivery_choice === "village_station";
    $("method").value = station ? "village_station" : "window";
    $("place").value = station ? (c.village_station || "") : "";
    pad.clear();
  }

  function show(c) {
    const changed = !current || current.case_no !== c.case_no || current.state !== c.state;
    current = c;
    $("start").hidden = true;
    $("case").hidden = false;
    $("case-no").textContent = c.case_no;
    $("case-matter").textContent = c.matter;
    $("case-state").textContent = c.state_label;
    $("case-who").textContent = t("ui_case_who", {name: c.applicant_name, phone: c.phone_masked || "—",
      department: c.department, window: c.owner_window || "—"});
    $("case").dataset.state = c.state;
    const can = (a) => c.allowed_actions.includes(a);
    $("work").hidden = c.state !== "open";
    $("resume").hidden = c.state !== "supplement_requested";
    $("proxy-row").hidden = !c.proxy_name;
    $("review").hidden = !(c.state === "escalated" && ["supervisor", "admin"].includes(role));
    $("handover-box").hidden = !can("hand_over");
    $("return-box").hidden = !can("return");
    $("notify-box").hidden = !(can("notify") || c.notifications.length);
    $("notify").hidden = !can("notify");
    $("deliver-box").hidden = !can("deliver");
    if (changed) {
      renderChecklist(c);
      if (c.state === "open") chooseOutcome(c.matter_kind === "即办" ? "immediate" : "accept");
      if (can("deliver")) prepareDelivery(c);
    }
    renderNotifications(c);
    stepInfo(c);
    renderNotice(c);
  }

  // The outcome the clerk chose: only its fields and its button are shown. A 即办 matter starts
  // at 即办办结, any other at 受理 (what the window does most), one click to change.
  function chooseOutcome(outcome) {
    const radio = document.querySelector(`input[name=outcome][value=${outcome}]`);
    if (radio) radio.checked = true;
    document.querySelectorAll("#work .for").forEach((box) => { box.hidden = box.dataset.for !== outcome; });
    document.querySelectorAll("[data-outcome]").forEach((b) => { b.hidden = b.dataset.outcome !== outcome; });
    $("station-row").hidden = $("delivery").value !== "village_station";
    clearFieldErrors();
  }

  function clearFieldErrors() {
    document.querySelectorAll("#work .field-error").forEach((e) => { e.textContent = ""; });
  }

  // An error is shown beside the field it is about (or beside the buttons), where the clerk looks.
  function fieldError(input, text) {
    let box = input && input.parentElement.querySelector(".field-error");
    if (input && !box) { box = el("span", {class: "field-error", role: "alert"}); input.parentElement.append(box); }
    (box || $("outcome-error")).textContent = text;
    if (input) input.focus();
  }

  function submitOutcome(outcome) {
    clearFieldErrors();
    const missing = [...document.querySelectorAll(`#work [data-required=${outcome}]`)].find((i) => !i.value.trim());
    if (missing) { fieldError(missing, t("ui_field_needed", {field: missing.parentElement.querySelector("span").textContent})); return; }
    act(() => api("POST", `/cases/${current.case_no}/outcome`, {
      outcome, materials: ticks(), identity_checked: $("identity").checked,
      proxy_authorized: $("proxy-auth").checked, delivery_choice: $("delivery").value,
      village_station: $("station").value.trim() || null, result: $("result").value.trim() || null,
      reasons: $("reasons").value.trim() || null}).catch((e) => {
      // The server's word on a field goes beside that field; anything else beside the buttons.
      const about = {case_identity_unchecked: "identity", case_proxy_unauthorized: "proxy-auth"}[e.code];
      if (about) { fieldError($(about), e.message); e.message = ""; }
      throw e;
    }), $("outcome-error"));
  }

  function ticks() {
    return [...$("checklist").querySelectorAll("tr")].map((row) => ({
      name: row.dataset.material,
      status: (row.querySelector("input[type=radio]:checked") || {}).value || "missing",
      note: row.querySelector(".note").value.trim() || null,
    }));
  }

  // A case comes back from each step, each look-up and each live update: only the newest call's
  // draws, or a live update read just before a step, arriving after it, would put back the state the
  // step has just left (or reopen a case the clerk has just put aside with 新办件).
  const showCase = YC.newest((answer) => answer, (c) => { if (c) show(c); });

  let busy = false;
  // errorBox: where a refusal is shown (beside the step's button); the header line otherwise.
  async function act(fn, errorBox) {
    if (busy) return;  // a double click must not send the step twice
    busy = true;
    showError(null);
    if (errorBox) errorBox.textContent = "";
    try {
      const answer = fn();
      await showCase(answer);
      await answer;  // a refusal is told even if the clerk has moved on and nothing was drawn
    } catch (e) { if (errorBox) errorBox.textContent = e.message; else showError(e); } finally { busy = false; }
  }
  const post = (path, body) => act(() => api("POST", `/cases/${current.case_no}/${path}`, body));

  async function listWindowCases() {
    let cases = [];
    try { cases = (await api("GET", "/cases?window=" + windowNo)).cases.filter((c) => !FINAL.includes(c.state)); }
    catch (e) { return; }  // supervisors from another page still get the form
    $("window-cases").querySelector("tbody").replaceChildren(...cases.map((c) => el("tr", {"data-case": c.case_no},
      el("td", {}, el("button", {class: "neutral", onclick: () => act(() => api("GET", "/cases/" + c.case_no))}, c.case_no)),
      el("td", {}, c.matter), el("td", {}, c.applicant), el("td", {}, c.state_label))));
  }

  function backToStart() {
    showCase(null);  // a case still on its way is no longer wanted
    current = null;
    $("case").hidden = true;
    $("start").hidden = false;
    showError(null);
    listWindowCases();
  }

  // The back office decides on another PC: follow this case's changes live.
  function follow() {
    if (!token) return;
    YC.live(token, {types: "case.changed"}, (type, data) => {
      const c = data.case || {};
      if (current && c.case_no === current.case_no && c.state !== current.state && !busy) {
        showCase(api("GET", "/cases/" + current.case_no)).catch(showError);
      }
    });
  }

  async function init() {
    await YC.loadMessages("/cases-ui/messages.json", "cases", token);
    $("title").textContent = t("ui_panel_title", {number: windowNo});
    if (params.get("number")) {
      $("ticket-badge").hidden = false;
      $("ticket-badge").textContent = t("ui_ticket", {number: params.get("number")});
    }
    pad = SignaturePad($("signature"));
    $("relations").replaceChildren(...["ui_relation_self", "ui_relation_spouse", "ui_relation_child",
      "ui_relation_agent", "ui_relation_station"].map((k) => el("option", {value: t(k)})));
    // Listen before the loads below finish: a case looked up while the matter list still loads must open.
    $("open").addEventListener("click", () => act(() => api("POST", "/cases", {
      matter_id: Number($("matter").value) || 0, applicant_name: $("applicant").value, ticket_id: ticketId,
      phone: $("phone").value.trim() || null, id_number: $("id_number").value.trim() || null,
      proxy_name: $("proxy").value.trim() || null})));
    // Another window's case opens only with the query code on the resident's notice.
    const lookupCode = () => $("lookup-code").value.trim();
    $("load").addEventListener("click", () => act(() => api("GET", "/cases/" + encodeURIComponent($("lookup").value.trim())
      + (lookupCode() ? "?code=" + encodeURIComponent(lookupCode()) : ""))));
    $("new-case").addEventListener("click", backToStart);
    $("refresh").addEventListener("click", () => act(() => api("GET", "/cases/" + current.case_no)));
    $("resume").addEventListener("click", () => post("resume", {query_code: lookupCode() || null}));
    document.querySelectorAll("[data-outcome]").forEach((b) => b.addEventListener("click", () => submitOutcome(b.dataset.outcome)));
    document.querySelectorAll("input[name=outcome]").forEach((r) => r.addEventListener("change", () => chooseOutcome(r.value)));
    $("delivery").addEventListener("change", () => { $("station-row").hidden = $("delivery").value !== "village_station"; });
    // 全部已收: most residents bring everything; the clerk then marks only what is not right. Only the
    // required materials: an optional one (a 代办委托书 when the resident came in person) is ticked on
    // purpose, or the 受理通知书 would print as received a paper nobody handed over.
    $("all-submitted").addEventListener("click", () => {
      $("checklist").querySelectorAll("tr[data-required='1'] input[value=submitted]").forEach((r) => { r.checked = true; });
    });
    $("review-reject").addEventListener("click", () => post("review", {action: "reject",
      reasons: $("review-reasons").value.trim() || null, redirect_to: $("redirect-to").value.trim() || null,
      note: $("review-note").value.trim() || null}));
    $("review-back").addEventListener("click", () => post("review", {action: "back_to_window",
      note: $("review-note").value.trim() || null}));
    $("hand-over").addEventListener("click", () => post("hand-over", {note: $("handover-note").value.trim() || null}));
    $("return").addEventListener("click", () => post("return", {note: $("return-note").value.trim() || null}));
    $("notify").addEventListener("click", () => post("notify"));
    $("sig-clear").addEventListener("click", () => pad.clear());
    $("deliver").addEventListener("click", () => {
      if (pad.isEmpty()) { showError(new Error(t("ui_signature_missing"))); return; }
      post("deliver", {method: $("method").value, recipient: $("recipient").value.trim(),
        relation: $("relation").value.trim(), place: $("place").value.trim() || null, signature: pad.png()});
    });
    try { role = (await api("GET", "/auth/me")).role; } catch (e) { /* a device token: treat as the window */ }
    try { matters = (await api("GET", "/matters")).matters; } catch (e) { showError(e); }
    $("matter").replaceChildren(el("option", {value: ""}, t("ui_choose_matter")),
      ...matters.map((m) => el("option", {value: m.id}, `${m.name}（${m.kind}）`)));
    if (params.get("matter")) $("matter").value = params.get("matter");
    // Opened beside the queue inside the terminal: the terminal is right there, no way back needed.
    if (window.parent !== window) $("to-window").hidden = true;
    follow();
    if (params.get("case")) act(() => api("GET", "/cases/" + encodeURIComponent(params.get("case"))));
    else listWindowCases();
  }
  init();
})();
