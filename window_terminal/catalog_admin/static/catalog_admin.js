// The matter catalog page: every check is the server's (the Excel import's rules); this page
// only collects the fields and shows the server's Chinese messages beside the form.
"use strict";
(() => {
  const token = YC.pageToken("yc-admin-token");
  const $ = (sel) => document.querySelector(sel);
  const form = $("#form");
  let matters = [], choices = {}, editable = false, editing = null;

  const {t, el} = YC;
  const api = (method, path, body) => YC.api(method, path, token, body);
  const showError = (text) => { $("#error").textContent = text || ""; };
  const status = (text) => { $("#status").textContent = text || ""; };

  function renderList() {
    const q = $("#search").value.trim().toLowerCase();
    const shown = matters.filter((m) => !q || [m.code, m.name, m.department, ...(m.keywords || [])]
      .some((s) => String(s).toLowerCase().includes(q)));
    $("#matters tbody").replaceChildren(...shown.map((m) => el("tr",
      {class: (m.active ? "" : "inactive ") + (editing === m.code ? "selected" : ""), "data-code": m.code},
      el("td", {}, m.code), el("td", {}, m.name), el("td", {}, m.department), el("td", {}, m["class"]),
      el("td", {}, m.kind), el("td", {}, m.promised_days), el("td", {}, m.ticket_prefix),
      el("td", {}, m.active ? t("ui_yes") : t("ui_inactive")),
      el("td", {}, el("button", {type: "button", class: "edit", onclick: () => openForm(m)}, t("ui_edit"))))));
    $("#count").textContent = t("ui_count", {count: matters.length, shown: shown.length});
  }

  function materialRow(x) {
    x = x || {name: "", requirement: "", sample: "", original: false, copies: 0, required: true};
    const row = el("tr", {},
      el("td", {}, el("input", {"data-k": "name", value: x.name})),
      el("td", {}, el("input", {"data-k": "requirement", value: x.requirement})),
      el("td", {}, el("input", {"data-k": "sample", value: x.sample})),
      el("td", {}, el("input", {"data-k": "original", type: "checkbox", checked: x.original})),
      el("td", {}, el("input", {"data-k": "copies", class: "copies", inputmode: "numeric", value: x.copies})),
      el("td", {}, el("input", {"data-k": "required", type: "checkbox", checked: x.required})),
      el("td", {}, el("button", {type: "button", class: "remove", onclick: () => row.remove()}, t("ui_remove"))));
    return row;
  }

  // Codes (civil_affairs) are the catalog's keys; staff read their names (民政).
  function fillSelect(name, values) {
    form.elements[name].replaceChildren(...values.map((v) => el("option", {value: v},
      name === "domain" ? t("domain_" + v) : v)));
  }

  function openForm(m) {
    editing = m ? m.code : null;
    clearErrors();
    const f = form.elements;
    const v = m || {code: "", name: "", department: "", domain: choices.domain[0], "class": choices["class"][0],
      kind: choices.kind[0], promised_days: 0, legal_days: 0, ticket_prefix: "A", handling_minutes: 10,
      forward_to: "", conditions: "", legal_basis: "", keywords: [], materials: [], sort_order: "", active: true};
    for (const k of ["code", "name", "department", "domain", "class", "kind", "promised_days", "legal_days",
      "ticket_prefix", "handling_minutes", "forward_to", "conditions", "legal_basis", "sort_order"]) f[k].value = v[k];
    f.keywords.value = (v.keywords || []).join("、");
    f.active.checked = !!v.active;
    f.code.readOnly = !!m;
    $("#form-title").textContent = m ? t("ui_edit_title", {code: m.code}) : t("ui_new_title");
    $("#materials tbody").replaceChildren(...(v.materials || []).map(materialRow));
    for (const n of form.querySelectorAll("input, select, textarea, button")) if (n.id !== "cancel") n.disabled = !editable;
    $("#editor").hidden = false;
    renderList();
    (m ? f.name : f.code).focus();
  }

  function collect() {
    const f = form.elements;
    const body = {};
    for (const k of ["name", "department", "domain", "class", "kind", "promised_days", "legal_days",
      "ticket_prefix", "handling_minutes", "forward_to", "conditions", "legal_basis"]) body[k] = f[k].value;
    if (f.sort_order.value.trim() !== "") body.sort_order = f.sort_order.value;
    body.keywords = f.keywords.value;
    body.active = f.active.checked;
    body.materials = [...$("#materials tbody").rows].map((row) => {
      const x = {};
      for (const input of row.querySelectorAll("input")) x[input.dataset.k] = input.type === "checkbox" ? input.checked : input.value;
      return x;
    });
    return body;
  }

  function clearErrors() {
    $("#form-errors").hidden = true;
    $("#form-errors ul").replaceChildren();
    for (const n of form.querySelectorAll(".invalid")) n.classList.remove("invalid");
  }

  function showFormErrors(e) {
    const list = (e.details && e.details.errors) || [{field: e.details && e.details.field, label: "", message: e.message}];
    $("#form-errors ul").replaceChildren(...list.map((x) => el("li", {}, x.label ? x.label + "：" + x.message : x.message)));
    $("#form-errors").hidden = false;
    $(".actions").scrollIntoView({block: "nearest"});
    for (const x of list) {
      const m = /^materials\[(\d+)\]\.(\w+)$/.exec(x.field || "");
      const input = m ? $("#materials tbody").rows[+m[1]]?.querySelector(`[data-k="${m[2]}"]`) : form.elements[x.field];
      if (input && input.classList) input.classList.add("invalid");
    }
  }

  async function save(ev) {
    ev.preventDefault();
    clearErrors();
    const code = form.elements.code.value.trim();
    try {
      const saved = await api("PUT", "/catalog/matters/" + encodeURIComponent(code || "-"), collect());
      status(t(editing ? "saved" : "created", {code: saved.code}));
      await loadMatters();
      openForm(matters.find((m) => m.code === saved.code));
    } catch (e) {
      showFormErrors(e);
    }
  }

  async function loadMatters() {
    const data = await api("GET", "/catalog/matters");
    matters = data.matters; choices = data.choices; editable = data.editable;
    renderList();
  }

  async function start() {
    await YC.loadMessages("/admin/matters/messages.json", "catalog_admin");
    document.title = t("ui_title");
    $("#search").placeholder = t("ui_search");
    if (!token) { showError(t("ui_no_token")); return; }
    try {
      await loadMatters();
    } catch (e) { showError(e.message); return; }
    fillSelect("domain", choices.domain); fillSelect("class", choices["class"]); fillSelect("kind", choices.kind);
    if (!editable) { status(t("ui_read_only")); $("#new").disabled = true; }
    $("#search").addEventListener("input", renderList);
    $("#new").addEventListener("click", () => openForm(null));
    $("#cancel").addEventListener("click", () => { editing = null; $("#editor").hidden = true; renderList(); });
    $("#add-material").addEventListener("click", () => $("#materials tbody").append(materialRow()));
    form.addEventListener("submit", save);
    document.body.dataset.ready = "1";
  }
  start();
})();
