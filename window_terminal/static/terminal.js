// The clerk's window terminal: log in, take the A/B post, serve the line. All state lives on
// the server: a reload just asks for the desk again, and a double click meets a busy button.
"use strict";
(() => {
  const {t, api, el, hhmm} = YC;
  const N = Number(document.body.dataset.window);
  const KEY = "yc.window." + N;
  YC.takeUrlToken();  // the terminal logs in by password: a ?token= is only taken off the address bar
  let token = localStorage.getItem(KEY + ".token");
  let me = null, desk = null, busy = false, es = null, refreshTimer = null;
  const $ = (id) => document.getElementById(id);

  function show(section) {
    for (const id of ["login", "signin", "desk"]) $(id).hidden = id !== section;
    $("sign-out").hidden = section !== "desk";
  }

  const toast = YC.toaster(3, 8);

  function forget() {
    token = null; me = null;
    localStorage.removeItem(KEY + ".token");
    if (es) { es.close(); es = null; }
    closeCase();
    $("language").hidden = true;
    followAccountLanguage(null).catch(() => {});  // the next person starts in the page's language
    show("login");
    $("staff-no").focus();
  }

  async function call(method, path, body) {
    try {
      return await api(method, path, token, body);
    } catch (e) {
      if (e.status === 401) forget();
      throw e;
    }
  }

  // --- log-in and AB post ---------------------------------------------------------------
  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return;
    busy = true; $("login-submit").disabled = true;
    try {
      const r = await api("POST", "/auth/login", null, {staff_no: $("staff-no").value.trim(),
        password: $("password").value, window: N});
      token = r.token; me = r;
      localStorage.setItem(KEY + ".token", token);
      $("password").value = "";
      toast("");
      await enter();
    } catch (e) {
      toast(e.message);
      $("password").select();
    } finally {
      busy = false; $("login-submit").disabled = false;
    }
  });

  async function enter() {
    if (!me) me = await call("GET", "/auth/me");
    await followAccountLanguage(me.language);
    $("language").hidden = false;
    await YC.loadHall(token);  // times are shown in the hall's zone
    await refresh();
    if (!es) {
      es = YC.live(token, {}, onEvent, (up) => {
        $("live").className = "live" + (up ? "" : " off");
        $("live").textContent = up ? t("terminal.live_on") : t("terminal.live_off");
        if (up) scheduleRefresh();
      });
    }
  }

  function onDuty() {
    const staff = desk && desk.window.staff;
    return staff && me && me.staff && staff.staff_no === me.staff.staff_no;
  }

  function renderSignin() {
    const staff = desk.window.staff;
    $("signin-current").replaceChildren(...(staff ? YC.keepTogether(t("terminal.signin_current",
      {name: staff.name, staff_no: staff.staff_no, post: staff.post}), [staff.name]) : [t("terminal.signin_empty")]));
    $("takeover-box").hidden = !staff;
    $("signin-submit").textContent = staff ? t("terminal.take_over") : t("terminal.sign_in");
    if (staff) {
      const other = staff.post === "A" ? "B" : "A";
      document.querySelector(`input[name=post][value=${other}]`).checked = true;
    }
    showPlan(staff).catch(() => {});
  }

  // AB岗 roster: the planned person is offered first; anyone else must give a reason.
  let plan = null;
  async function showPlan(staff) {
    plan = staff ? await call("GET", `/windows/${N}/takeover-options`) : null;
    const box = $("takeover-plan");
    box.hidden = !(plan && plan.planned);
    if (box.hidden) return;
    const p = plan.planned;
    box.textContent = t("operations.ui_ab_planned", {name: p.name, staff_no: p.staff_no, post: p.post}) + " "
      + t(plan.you_are_planned ? "operations.ui_ab_you" : "operations.ui_ab_not_you");
    box.className = plan.you_are_planned ? "plan ok" : "plan warn";
    if (plan.you_are_planned) document.querySelector(`input[name=post][value=${p.post}]`).checked = true;
  }

  $("signin-submit").addEventListener("click", async () => {
    if (busy) return;
    busy = true; $("signin-submit").disabled = true;
    const staff = desk.window.staff;
    const post = document.querySelector("input[name=post]:checked").value;
    const body = {post};
    if (staff) {
      body.take_over = true;
      const unplanned = plan && plan.planned && !plan.you_are_planned;
      body.reason = $("takeover-reason").value.trim() || (unplanned ? "" : t("terminal.takeover_default"));
    }
    try {
      await call("POST", `/windows/${N}/sign-in`, body);
      toast(t("terminal.signed_in", {post}), true);
      await refresh();
    } catch (e) { toast(e.message); } finally { busy = false; $("signin-submit").disabled = false; }
  });

  $("signin-logout").addEventListener("click", async () => {
    try { await call("POST", "/auth/logout"); } catch (e) { /* the token is dropped anyway */ }
    forget();
  });

  $("sign-out").addEventListener("click", () => {
    ask(t("terminal.sign_out"), [
      el("label", {}, t("terminal.sign_out_reason"),
        el("select", {name: "reason"}, ["terminal.reason_end_of_day", "terminal.reason_leave", "terminal.reason_out"]
          .map((k) => el("option", {value: t(k)}, t(k))))),
    ], async (form) => {
      await call("POST", `/windows/${N}/sign-out`, {reason: form.reason.value});
      try { await call("POST", "/auth/logout"); } catch (e) { /* already gone */ }
      forget();
      toast(t("terminal.signed_out"), true);
    });
  });

  // --- the desk ---------------------------------------------------------------------------
  function scheduleRefresh() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => refresh().catch(() => {}), 60);
  }

  // Refreshes overlap (an action's own, and one per event burst): only the newest may draw, or an
  // older answer arriving last would bring back the number the clerk has just passed or finished.
  const refresh = YC.newest(() => call("GET", `/windows/${N}/desk`), drawDesk);
  function drawDesk(fresh) {
    desk = fresh;
    $("title").textContent = desk.window.name || t("terminal.window_title", {n: N});
    const staff = desk.window.staff;
    $("duty").replaceChildren(...(staff ? YC.keepTogether(t("terminal.on_duty", {name: staff.name, staff_no: staff.staff_no, post: staff.post}),
      [staff.name]) : [t("terminal.nobody_on_duty")]));
    $("served").textContent = t("terminal.finished_today", {n: desk.finished_today ?? 0});
    if (!onDuty()) { renderSignin(); show("signin"); return; }
    show("desk");
    renderCurrent();
    renderActions();
    renderLine();
    watchNoShow();
    openReturnCase(desk.current);
  }

  // A return-lane number (补交材料 / 领取结果) comes for a case the hall already has: its case opens
  // in the panel as soon as the number is at this window, once per number (the clerk may close it).
  let caseOpenedFor = null;
  function openReturnCase(tk) {
    if (!tk || !tk.case_no || caseOpenedFor === tk.id) return;
    caseOpenedFor = tk.id;
    openCase(tk);
  }

  function minutesBetween(a, b) { return Math.max(0, Math.round((new Date(b) - new Date(a)) / 60000)); }

  function channelBadge(tk) {
    if (tk.channel === "priority") return el("span", {class: "badge priority"}, t("terminal.priority"));
    if (tk.channel === "appointment") return el("span", {class: "badge appointment"}, t("terminal.appointment") + (tk.due_at ? " " + hhmm(tk.due_at) : ""));
    return null;
  }

  function renderCurrent() {
    const box = $("current");
    box.replaceChildren();
    if (desk.window.status === "paused") box.append(el("div", {class: "paused-banner", id: "paused"}, t("terminal.paused_banner", {reason: desk.window.pause_reason || ""})));
    if (desk.window.status === "closed") box.append(el("div", {class: "paused-banner"}, t("terminal.closed_banner")));
    const tk = desk.current;
    if (!tk) {
      box.append(el("div", {class: "idle", id: "no-current"}, t("terminal.no_current")));
    } else {
      const state = tk.state === "serving" ? t("terminal.state_serving") : t("terminal.state_called", {count: tk.call_count});
      box.append(
        el("div", {class: "ticket-number", id: "current-number"}, tk.number),
        el("span", {class: "ticket-state " + tk.state, id: "current-state"}, state),
        el("dl", {class: "facts"},
          el("dt", {}, t("terminal.matter")), el("dd", {}, tk.matter_name || t("terminal.general_matter"), channelBadge(tk)),
          el("dt", {}, t("terminal.issued")), el("dd", {}, hhmm(tk.issued_at)),
          el("dt", {}, t("terminal.waited")), el("dd", {}, t("terminal.minutes", {n: minutesBetween(tk.issued_at, tk.called_at || desk.server_time)})),
          tk.started_at ? el("dt", {}, t("terminal.serving_for")) : null,
          tk.started_at ? el("dd", {}, t("terminal.minutes", {n: minutesBetween(tk.started_at, desk.server_time)})) : null));
    }
    box.append(caseButton(tk));
    const held = $("held");
    held.replaceChildren();
    if (desk.held.length) {
      held.append(el("div", {class: "held-list"}, t("terminal.held_here"),
        desk.held.map((h) => el("button", {onclick: () => act("resume", {ticket_id: h.id})}, t("terminal.resume_number", {number: h.number})))));
    }
  }

  // 受理办件: the case panel opens BESIDE the queue (a frame of this page), so the clerk still
  // sees the line and the keys while filling in the case. It gets this terminal's token through
  // the tab's sessionStorage (shared with a same-origin frame), never in an address, and the
  // ticket being served, so the case is linked to it (POST /cases ticket_id) and the matter is
  // preselected.
  function caseButton(tk) {
    return el("button", {class: "case-button" + (tk ? "" : " quiet"), id: "open-case", type: "button",
      onclick: () => openCase(tk)}, tk && tk.case_no ? t("terminal.open_return_case", {case_no: tk.case_no})
      : t(tk ? "terminal.open_case" : "terminal.case_lookup"));
  }

  function openCase(tk) {
    const q = new URLSearchParams();
    if (tk) {
      q.set("ticket", tk.id); q.set("number", tk.number);
      if (tk.matter_id) q.set("matter", tk.matter_id);
      if (tk.case_no) q.set("case", tk.case_no);
    }
    const lang = YC.params.get("lang");
    if (lang) q.set("lang", lang);
    sessionStorage.setItem("yc-case-token", token);
    $("case-frame").src = `/cases-ui/window/${N}?` + q;
    $("case-side").hidden = false;
    document.body.classList.add("with-case");
  }

  function closeCase() {
    $("case-side").hidden = true;
    $("case-frame").src = "about:blank";
    document.body.classList.remove("with-case");
  }

  // name, label key, css class, shortcut key. Which are enabled is the server's word
  // (desk.allowed_actions, from the ticket state machine), not restated here.
  const ACTIONS = [
    ["finish-next", "terminal.finish_next", "finish-next", "ENTER"],
    ["call-next", "terminal.call", "call", "N"],
    ["recall", "terminal.recall", "", "R"],
    ["start", "terminal.start", "", "S"],
    ["no-show", "terminal.no_show", "warn", "X"],
    ["hold", "terminal.hold", "neutral", "H"],
    ["resume", "terminal.resume", "neutral", "U"],
    ["transfer", "terminal.transfer", "neutral", "T"],
    ["finish", "terminal.finish", "finish", "F"],
    ["pause", "terminal.pause", "stop", "P"],
    ["resume-window", "terminal.resume_window", "stop", "P"],
  ];

  function renderActions() {
    const box = $("actions");
    box.replaceChildren();
    const allowed = offered();
    for (const [name, label, cls, key] of ACTIONS) {
      if (name === "pause" && desk.window.status === "paused") continue;
      if (name === "resume-window" && desk.window.status !== "paused") continue;
      if (name === "finish-next" && !desk.current) continue;  // nothing to finish: 叫号 is the key
      const why = name === "no-show" ? noShowWait() : name === "finish-next" && notStarted() ? t("terminal.finish_not_started_why") : "";
      box.append(el("button", {id: "act-" + name, class: cls + (name === "finish-next" && notStarted() ? " blocked" : ""), disabled: busy || !allowed.includes(name), "data-key": key,
        title: why || null, onclick: () => trigger(name)}, t(label),
        why ? el("small", {class: "why", id: name + "-why"}, why) : null,
        why ? el("small", {class: "why-short"}, name === "no-show" ? noShowWait(true) : why) : null,  // beside the case panel
        el("kbd", {}, key === "ENTER" ? t("terminal.key_enter") : key)));
    }
  }

  // The server's allowed actions, plus 办结并叫下一位 where both halves would be accepted.
  function offered() {
    const allowed = (desk.allowed_actions || []).slice();
    if (allowed.includes("finish") && desk.window.status === "open") allowed.push("finish-next");
    // On a number called but not started the one key stays live: it says why it cannot finish and
    // offers 开始办理 or 过号 (the server refuses the finish itself: finish_not_started).
    if (notStarted()) allowed.push("finish-next");
    return allowed;
  }

  function notStarted() { return Boolean(desk.current && desk.current.state === "called"); }

  // 办结并叫下一位 pressed on a number never started: ask whether the resident is here.
  function notStartedDialog() {
    const tk = desk.current, dialog = $("dialog"), form = $("dialog-form");
    const allowed = desk.allowed_actions || [];
    const wait = noShowWait();
    const choose = (name) => { dialog.close(); act(name); };
    const start = el("button", {type: "button", class: "ok", id: "not-started-start", disabled: !allowed.includes("start"),
      onclick: () => choose("start")}, t("terminal.finish_not_started_start"), el("kbd", {}, "S"));
    const noShow = el("button", {type: "button", class: "warn", id: "not-started-no-show", disabled: !allowed.includes("no-show"),
      onclick: () => choose("no-show")}, t("terminal.finish_not_started_no_show"), el("kbd", {}, "X"));
    form.replaceChildren(...[el("h3", {id: "not-started-title"}, t("terminal.finish_not_started_title", {number: tk.number})),
      el("p", {id: "not-started-text"}, t("terminal.finish_not_started_text")),
      wait ? el("p", {class: "why", id: "not-started-wait"}, wait) : null,
      el("div", {class: "row choices"},
        el("button", {type: "button", onclick: () => dialog.close()}, t("terminal.cancel")), noShow, start)].filter(Boolean));
    form.onsubmit = (ev) => ev.preventDefault();
    form.onkeydown = (ev) => {
      const key = ev.key.toUpperCase();
      const target = key === "S" ? start : key === "X" ? noShow : null;
      if (target && !target.disabled) { ev.preventDefault(); target.click(); }
    };
    dialog.showModal();
    start.focus();
  }

  // 过号 waits until the hall has really said the number and the resident had time to come
  // (desk.no_show, from the server's rule): the key says why, and from when.
  function noShowWait(short) {
    const tk = desk.current, gate = desk.no_show;
    if (!tk || tk.state !== "called" || !gate || gate.allowed) return "";
    const at = gate.at ? YC.formatTime(new Date(YC.parseIso(gate.at)), "seconds") : "";
    return t(`terminal.no_show_${gate.reason}${short ? "_short" : ""}`,
      {needed: gate.needed, calls: gate.calls, heard: gate.heard, at});
  }

  // 过号 lights up without a reload: each announcement arrives as ticket.announced (onEvent
  // refreshes), and when the wait runs out the desk is asked again. While waiting for either,
  // it is also asked every 5 s: an event lost in a reconnect, or the server's clock, never
  // leaves the key dark.
  let noShowTimer = null;
  function watchNoShow() {
    clearTimeout(noShowTimer);
    const gate = desk && desk.current && desk.no_show;
    if (!gate || gate.allowed || gate.reason === "recall_needed") return;
    const left = gate.at ? YC.parseIso(gate.at) - YC.serverNow() : 5000;
    noShowTimer = setTimeout(() => refresh().catch(() => {}), Math.min(5000, Math.max(250, left + 100)));
  }

  function renderLine() {
    const line = desk.line, load = desk.load;
    $("h-line").textContent = t("terminal.line_title", {n: line.count});
    const loadBox = $("load");
    loadBox.className = load.over ? "over" : "";
    loadBox.replaceChildren(...YC.keepTogether(load.closes_at ? t(load.over ? "terminal.load_over" : "terminal.load",
      {work: load.work_minutes, per: load.minutes_per_window ?? "—", left: load.minutes_to_close, close: hhmm(load.closes_at)})
      : t("terminal.load_closed")));
    $("line").replaceChildren(...line.waiting.map((tk) => el("li", {},
      el("span", {class: "n"}, tk.number),
      el("span", {class: "m", title: tk.matter_name || null}, tk.matter_name || t("terminal.general_matter"), channelBadge(tk),
        tk.target_window ? el("span", {class: "badge"}, t("terminal.for_window", {n: tk.target_window})) : null),
      el("span", {class: "w"}, t("terminal.waiting_since", {time: hhmm(tk.issued_at), n: minutesBetween(tk.issued_at, desk.server_time)})))));
    // The desk lists only the head of the line; the rest is counted, class by class, in calling order.
    const behind = line.count - line.waiting.length;
    if (behind > 0) $("line").append(el("li", {class: "more", id: "line-more"}, t("terminal.line_more", {n: behind})));
    const classes = ["transferred", "appointment_due", "priority", "ordinary"]
      .filter((name) => line.by_class[name]).map((name) => t("terminal.line_class_" + name, {n: line.by_class[name]}));
    $("line-classes").textContent = classes.join(" · ");
    $("line-classes").hidden = !classes.length;
  }

  function trigger(name) {
    if (busy) return;
    const btn = $("act-" + name);
    if (!btn || btn.disabled) return;
    if (name === "transfer") return transferDialog();
    if (name === "pause") return pauseDialog();
    if (name === "finish-next" && notStarted()) return notStartedDialog();
    if (name === "finish-next") return act("finish", undefined, "call-next");
    act(name);
  }

  // act("finish", undefined, "call-next"): 办结并叫下一位, the next step only if the first worked.
  async function act(name, body, then) {
    if (busy) return;
    busy = true;
    document.querySelectorAll(".actions button").forEach((b) => { b.disabled = true; });
    try {
      let r = await call("POST", `/windows/${N}/${name}`, body);
      if (then) { name = then; r = await call("POST", `/windows/${N}/${then}`); }
      if (name === "call-next" && !r.ticket) toast(t("terminal.line_empty"), true);
    } catch (e) {
      toast(e.message);
    } finally {
      busy = false;
      await refresh().catch(() => {});
    }
  }

  // --- dialogs ------------------------------------------------------------------------------
  function ask(title, fields, onOk) {
    const dialog = $("dialog"), form = $("dialog-form");
    form.replaceChildren(el("h3", {}, title), ...fields,
      el("div", {class: "row"},
        el("button", {value: "cancel", type: "button", onclick: () => dialog.close()}, t("terminal.cancel")),
        el("button", {class: "ok", value: "ok", id: "dialog-ok", type: "submit"}, t("terminal.ok"))));
    // A refused step keeps the dialog open with the reason inside it, where the clerk is looking.
    const error = el("p", {class: "dialog-error", id: "dialog-error", role: "alert"});
    form.insertBefore(error, form.lastChild);
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      if (busy) return;
      busy = true;
      try { await onOk(form); dialog.close(); } catch (e) { error.textContent = e.message; } finally { busy = false; refresh().catch(() => {}); }
    };
    dialog.showModal();
  }

  // 转移: 47 matters and a few windows are too many for a dropdown: a list filtered as one types
  // (a window number, part of a matter's name or its department), picked with a click.
  async function transferDialog() {
    const matters = (await call("GET", "/matters")).matters;
    const targets = [{value: "line", label: t("terminal.to_line")}]
      .concat(desk.windows.filter((w) => w !== N).map((w) => ({value: "window:" + w, label: t("terminal.to_window", {n: w})})))
      .concat(matters.map((m) => ({value: "matter:" + m.id, label: t("terminal.to_matter", {name: m.name}),
        extra: m.department || "", words: (m.keywords || []).join(" ")})));
    const list = el("div", {class: "targets", id: "transfer-list", role: "radiogroup"});
    const search = el("input", {type: "search", id: "transfer-search", maxlength: 20, autocomplete: "off",
      placeholder: t("terminal.transfer_search"), oninput: () => draw()});
    function draw() {
      const words = search.value.trim().toLowerCase();
      const shown = targets.filter((x) => !words || [x.label, x.extra, x.words || "", x.value].join(" ").toLowerCase().includes(words));
      list.replaceChildren(...(shown.length ? shown.map((x) => el("label", {class: "target"},
        el("input", {type: "radio", name: "to", value: x.value}), x.label, x.extra ? el("small", {}, x.extra) : null))
        : [el("p", {class: "none"}, t("terminal.transfer_none"))]));
      if (shown.length === 1) list.querySelector("input").checked = true;
    }
    draw();
    ask(t("terminal.transfer_title", {number: desk.current.number}), [
      el("label", {}, t("terminal.transfer_to"), search), list,
    ], async (form) => {
      const chosen = form.querySelector("input[name=to]:checked");
      if (!chosen) throw new Error(t("terminal.transfer_choose"));
      const [to, arg] = chosen.value.split(":");
      const body = {to};
      if (to === "window") body.window = Number(arg);
      if (to === "matter") body.matter_id = Number(arg);
      await call("POST", `/windows/${N}/transfer`, body);
      toast(t("terminal.transferred"), true);
    });
    setTimeout(() => search.focus(), 0);
  }

  function pauseDialog() {
    // The hall's fixed list (the board shows the reason to everyone): chosen, never typed.
    const presets = desk.pause_reasons || [];
    const input = el("input", {name: "reason", id: "pause-reason", required: true, readonly: true, maxlength: 20,
      placeholder: t("terminal.pause_choose")});
    ask(t("terminal.pause_title"), [
      el("div", {class: "chips"}, presets.map((r) => el("button", {type: "button", onclick: () => { input.value = r; }}, r))),
      el("label", {}, t("terminal.pause_reason"), input),
    ], async (form) => { await call("POST", `/windows/${N}/pause`, {reason: form.reason.value}); });
    setTimeout(() => input.focus(), 0);
  }

  // --- live updates and shortcuts ---------------------------------------------------------------
  function onEvent(type, data) {
    // Any change in the hall may change the line or this window: refetch once, debounced.
    scheduleRefresh();
  }

  document.addEventListener("keydown", (ev) => {
    if ($("desk").hidden || $("dialog").open || ev.ctrlKey || ev.altKey || ev.metaKey) return;
    if (["INPUT", "SELECT", "TEXTAREA"].includes(document.activeElement.tagName)) return;
    const key = ev.key.toUpperCase();
    const match = ACTIONS.find(([name, , , k]) => k === key && $("act-" + name));
    if (match) { ev.preventDefault(); trigger(match[0]); }
  });

  // --- language: the page's own until someone signs in, then the one on their account ------------
  function labels() {
    document.title = t("terminal.window_title", {n: N});
    $("title").textContent = t("terminal.window_title", {n: N});
    for (const [id, key] of [["login-title", "terminal.login_title"], ["l-staff", "terminal.staff_no"],
      ["l-password", "terminal.password"], ["login-submit", "terminal.login"], ["signin-title", "terminal.signin_title"],
      ["l-post-a", "terminal.post_a"], ["l-post-b", "terminal.post_b"], ["l-reason", "terminal.takeover_reason"],
      ["signin-logout", "terminal.logout"], ["sign-out", "terminal.sign_out"], ["h-current", "terminal.current_title"],
      ["case-close", "terminal.case_close"]]) $(id).textContent = t(key);
    $("live").textContent = t($("live").classList.contains("off") ? "terminal.live_off" : "terminal.live_on");
    $("language").textContent = t(YC.lang() === "en" ? "toolkit.language_zh" : "toolkit.language_en");
    $("language").title = t("toolkit.language_title");
  }

  async function followAccountLanguage(language) {
    if (await YC.useLanguage(language)) {
      labels();
      if (desk && me) await refresh();
    }
  }

  $("language").addEventListener("click", async () => {
    try {
      const r = await call("PUT", "/auth/me/language", {language: YC.lang() === "en" ? "zh_CN" : "en"});
      if (me) me.language = r.language;
      await followAccountLanguage(r.language);
    } catch (e) { toast(e.message); }
  });

  // --- start ------------------------------------------------------------------------------
  YC.loadMessages().then(async () => {
    labels();
    $("case-close").addEventListener("click", closeCase);
    if (!token) { show("login"); $("staff-no").focus(); return; }
    try { await enter(); } catch (e) { if (e.status !== 401) toast(e.message); }
  });
})();
