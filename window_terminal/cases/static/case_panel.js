// The window's case panel: open a case, tick the checklist, choose the outcome, show the notice.
"use strict";
(() => {
  const {t, api, el, showError} = YCC;
  const $ = (id) => document.getElementById(id);
  const windowNo = document.body.dataset.window;
  let matters = [], current = null;
  const STATUSES = ["submitted", "missing", "defective", "not_applicable"];

  function renderChecklist(c) {
    const body = $("checklist").querySelector("tbody");
    body.replaceChildren(...c.materials.map((m, i) => el("tr", {"data-material": m.name},
      el("td", {}, el("strong", {}, m.name), m.required ? "" : " " + t("ui_optional"),
        el("div", {class: "req"}, t("ui_requirement") + "：" + m.requirement),
        m.sample ? el("div", {class: "req"}, t("ui_sample") + "：" + m.sample) : null),
      el("td", {}, ...STATUSES.map((s) => el("label", {class: "status"},
        el("input", {type: "radio", name: "m" + i, value: s, checked: m.status === s}), t("ui_status_" + s)))),
      el("td", {}, el("input", {class: "note", placeholder: t("ui_note"), value: m.note || ""})))));
  }

  function renderNotice(c) {
    const box = $("notice");
    const docs = Object.entries(c.documents);
    box.hidden = docs.length === 0;
    const parts = [];
    for (const [kind, number] of docs) {
      parts.push(el("div", {class: "doc", "data-kind": kind}, el("strong", {}, t("documents.title_" + kind)), " ", number, " ",
        el("a", {href: `/api/v1/cases/${c.case_no}/documents/${kind}.pdf?token=${encodeURIComponent(YCC.token)}`,
          target: "_blank"}, t("ui_print_pdf"))));
    }
    if (c.state === "supplement_requested" && c.supplement_list) {
      parts.push(el("ol", {class: "missing"}, ...c.supplement_list.map((m) =>
        el("li", {}, el("strong", {}, m.name), "（" + t("documents.status_" + m.status) + (m.note ? "：" + m.note : "") + "）", m.requirement))));
      parts.push(el("p", {}, t("ui_deadline") + "：" + c.supplement_deadline));
    }
    if (c.due_date && c.state !== "supplement_requested") parts.push(el("p", {}, t("ui_due") + "：" + c.due_date));
    box.replaceChildren(...parts);
  }

  function show(c) {
    current = c;
    $("start").hidden = true;
    $("case").hidden = false;
    $("case-no").textContent = c.case_no;
    $("case-matter").textContent = c.matter;
    $("case-state").textContent = c.state_label;
    $("case").dataset.state = c.state;
    $("work").hidden = c.state !== "open";
    $("resume").hidden = c.state !== "supplement_requested";
    $("proxy-row").hidden = !c.proxy_name;
    renderChecklist(c);
    renderNotice(c);
  }

  function ticks() {
    return [...$("checklist").querySelectorAll("tr")].map((row) => ({
      name: row.dataset.material,
      status: (row.querySelector("input[type=radio]:checked") || {}).value || "missing",
      note: row.querySelector(".note").value.trim() || null,
    }));
  }

  async function act(fn) {
    showError(null);
    try { show(await fn()); } catch (e) { showError(e); }
  }

  async function init() {
    await YCC.load();
    $("title").textContent = t("ui_panel_title", {number: windowNo});
    try { matters = (await api("GET", "/matters")).matters; } catch (e) { showError(e); }
    $("matter").replaceChildren(el("option", {value: ""}, t("ui_choose_matter")),
      ...matters.map((m) => el("option", {value: m.id}, `${m.name}（${m.kind}）`)));
    $("open").addEventListener("click", () => act(() => api("POST", "/cases", {
      matter_id: Number($("matter").value) || 0, applicant_name: $("applicant").value,
      phone: $("phone").value.trim() || null, id_number: $("id_number").value.trim() || null,
      proxy_name: $("proxy").value.trim() || null})));
    $("load").addEventListener("click", () => act(() => api("GET", "/cases/" + encodeURIComponent($("lookup").value.trim()))));
    $("resume").addEventListener("click", () => act(() => api("POST", `/cases/${current.case_no}/resume`)));
    document.querySelectorAll("[data-outcome]").forEach((b) => b.addEventListener("click", () => act(() =>
      api("POST", `/cases/${current.case_no}/outcome`, {
        outcome: b.dataset.outcome, materials: ticks(), identity_checked: $("identity").checked,
        proxy_authorized: $("proxy-auth").checked, delivery_choice: $("delivery").value,
        village_station: $("station").value.trim() || null, result: $("result").value.trim() || null,
        reasons: $("reasons").value.trim() || null}))));
  }
  init();
})();
