// The supervisor's view of every window: open/close windows, move tickets, see hand-overs and ratings.
"use strict";
(() => {
  const {t, api, el, hhmm} = YC;
  const KEY = "yc.supervisor.token";
  // ?token= leaves the address bar at once and is kept only if it is a supervisor's or admin's.
  const adopted = YC.adoptToken(KEY, (me) => me.role === "supervisor" || me.role === "admin");
  let token = null, es = null, busy = false, timer = null, hall = null;
  const $ = (id) => document.getElementById(id);
  // 政务服务 aims at a wait of at most half an hour: a number waiting longer is shown to the supervisor.
  const LONG_WAIT_MINUTES = 30;

  // --- the alert strip ----------------------------------------------------------------------
  // One list fed by several sources, each a function of what the page has just read
  // ({windows, line, devices, hall, now}) returning items {id, level: "bad"|"warn", text}.
  // Another source (e.g. 待回访 cases) is one more addAlertSource(name, fn) call.
  const alertSources = [];
  function addAlertSource(name, fn) { alertSources.push({name, fn}); }

  function renderAlerts(data) {
    const items = [];
    for (const source of alertSources) {
      try { items.push(...source.fn(data).map((x) => ({...x, source: source.name}))); } catch (e) { /* one source's fault hides only its items */ }
    }
    items.sort((a, b) => (a.level === "bad" ? 0 : 1) - (b.level === "bad" ? 0 : 1));
    $("alerts").hidden = items.length === 0;
    $("alerts").replaceChildren(...items.map((x) => el("li", {class: "alert " + x.level, "data-source": x.source, id: "alert-" + x.id},
      x.href ? el("a", {href: x.href}, x.text) : x.text)));
  }

  // A device's name as staff know it ("1号窗口打印机"), never its technical id.
  function deviceName(name) {
    let m;
    if ((m = /^kiosk-([^/]+)\/printer$/.exec(name))) return t("terminal.device_kiosk_printer", {id: m[1]});
    if ((m = /^kiosk-([^/]+)$/.exec(name))) return t("terminal.device_kiosk", {id: m[1]});
    if ((m = /^window-(\d+)\/(printer|pad|keypad)$/.exec(name))) return t("terminal.device_window_" + m[2], {n: m[1]});
    if ((m = /^ledbar-(\d+)$/.exec(name))) return t("terminal.device_ledbar", {n: m[1]});
    if ((m = /^(board|announcer)-(.+)$/.exec(name))) return t("terminal.device_" + m[1], {id: m[2]});
    return t("terminal.device_other", {id: name});
  }

  addAlertSource("devices", ({devices}) => devices.filter((d) => d.problem).map((d) => ({
    id: "device-" + d.device.replace(/[^\w-]/g, "_"), level: d.state === "paper_near_end" ? "warn" : "bad",
    text: t("terminal.alert_device", {device: deviceName(d.device), state: t("terminal.device_state_" + d.state),
      time: hhmm(d.reported_at)})})));
  addAlertSource("long-waits", ({line, now}) => line.waiting
    .map((tk) => ({tk, minutes: Math.floor((now - YC.parseIso(tk.issued_at)) / 60000)}))
    .filter((x) => x.minutes >= LONG_WAIT_MINUTES)
    .map((x) => ({id: "wait-" + x.tk.id, level: "warn", text: t("terminal.alert_long_wait", {number: x.tk.number, n: x.minutes})})));
  // 好差评 follow-ups waiting for a call-back, and those past their deadline.
  addAlertSource("follow-ups", ({followUps: f}) => (f && (f.pending_callback || f.overdue) ? [{
    id: "follow-ups", level: f.overdue ? "bad" : "warn", href: "/supervisor/ratings",
    text: t("ratings.alert_pending", {n: f.pending_callback}) + "　" + t("ratings.alert_overdue", {n: f.overdue})}] : []));
  addAlertSource("stuck", ({windows, hall: h}) => {
    const last = (h && h.rules && h.rules.no_show_after_calls) || 2;
    return windows.filter((w) => w.current_state === "called" && w.current_calls >= last).map((w) => ({
      id: "stuck-" + w.number, level: "warn",
      text: t("terminal.alert_stuck", {number: w.current_number, window: w.name, count: w.current_calls})}));
  });

  // --- confirmations with a reason ------------------------------------------------------------
  // 作废 and 关闭窗口 change what residents get: asked once more, with a reason that is kept.
  function confirmWithReason(title, presets, onOk) {
    const dialog = $("dialog"), form = $("dialog-form");
    const input = el("input", {name: "reason", id: "confirm-reason", maxlength: 200, autocomplete: "off",
      placeholder: t("terminal.reason_placeholder")});
    const error = el("p", {class: "dialog-error", id: "dialog-error", role: "alert"});
    form.replaceChildren(el("h3", {}, title),
      el("div", {class: "chips"}, presets.map((r) => el("button", {type: "button", onclick: () => { input.value = r; error.textContent = ""; }}, r))),
      el("label", {}, t("terminal.reason_label"), input), error,
      el("div", {class: "row"},
        el("button", {type: "button", id: "dialog-cancel", onclick: () => dialog.close()}, t("terminal.cancel")),
        el("button", {class: "ok danger", id: "dialog-ok", type: "submit"}, t("terminal.confirm"))));
    form.onsubmit = async (ev) => {
      ev.preventDefault();
      const reason = input.value.trim();
      if (!reason) { error.textContent = t("terminal.reason_required"); input.focus(); return; }
      if (busy) return;
      busy = true;
      try { await call("POST", onOk.path, {reason}); dialog.close(); if (onOk.done) toast(onOk.done, true); }
      catch (e) { error.textContent = e.message; }
      finally { busy = false; refresh().catch(() => {}); }
    };
    dialog.showModal();
    setTimeout(() => input.focus(), 0);
  }

  const toast = YC.toaster(6, 6);
  function showLogin() {
    localStorage.removeItem(KEY); token = null; $("login").hidden = false; $("board").hidden = true; $("logout").hidden = true;
    $("language").hidden = true;
    followAccountLanguage(null).catch(() => {});  // the next person starts in the page's language
  }
  async function call(method, path, body) {
    try { return await api(method, path, token, body); } catch (e) { if (e.status === 401) showLogin(); throw e; }
  }

  $("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const r = await api("POST", "/auth/login", null, {staff_no: $("staff-no").value.trim(), password: $("password").value});
      token = r.token; localStorage.setItem(KEY, token); $("password").value = ""; toast(""); start();
    } catch (e) { toast(e.message); }
  });
  $("logout").addEventListener("click", async () => { try { await call("POST", "/auth/logout"); } catch (e) { /* gone */ } if (es) es.close(); es = null; showLogin(); });

  YC.addAlertSource = addAlertSource;  // for a later page script adding its own kind of alert

  async function act(path, body, done) {
    if (busy) return;
    busy = true;
    try { await call("POST", path, body); if (done) toast(done, true); } catch (e) { toast(e.message); } finally { busy = false; refresh(); }
  }

  // As on the terminal: refreshes overlap (an action's own, one per event burst); only the newest draws.
  const refresh = YC.newest(() => Promise.all([call("GET", "/windows"), call("GET", "/queue"), call("GET", "/ratings"),
    call("GET", "/shifts"), call("GET", "/devices"), call("GET", "/follow-ups/alerts")]), drawAll);
  function drawAll([wins, line, ratings, shifts, devices, followUps]) {
    renderAlerts({windows: wins.windows, line, devices: devices.devices, followUps, hall, now: YC.serverNow()});
    $("login").hidden = true; $("board").hidden = false; $("logout").hidden = false;
    const numbers = wins.windows.map((w) => w.number);
    $("windows").replaceChildren(...wins.windows.map((w) => {
      const stateText = {serving: t("terminal.state_serving_window"), paused: t("terminal.state_paused_window"), closed: t("terminal.state_closed_window")}[w.state];
      const btns = [];
      if (w.status === "closed") btns.push(el("button", {onclick: () => act(`/windows/${w.number}/open`)}, t("terminal.open_window")));
      else btns.push(el("button", {class: "danger", onclick: () => confirmWithReason(t("terminal.close_window_title", {window: w.name}),
        [t("terminal.close_reason_device"), t("terminal.close_reason_staff"), t("terminal.close_reason_meeting")],
        {path: `/windows/${w.number}/close`})}, t("terminal.close_window")));
      if (w.current_number) {
        btns.push(el("button", {onclick: () => act(`/windows/${w.number}/transfer`, {to: "line"}, t("terminal.transferred"))}, t("terminal.move_to_line")));
        for (const n of numbers.filter((x) => x !== w.number))
          btns.push(el("button", {onclick: () => act(`/windows/${w.number}/transfer`, {to: "window", window: n}, t("terminal.transferred"))}, t("terminal.move_to_window", {n})));
      }
      return el("div", {class: "wcard " + w.state, id: "window-" + w.number},
        el("h3", {}, el("span", {class: "wname", title: w.name}, w.name), el("span", {class: "wstate"}, stateText)),
        el("div", {class: "num" + (w.current_number ? "" : " none")}, w.current_number || t("terminal.current_none")),
        whoLine(w.staff),
        w.pause_reason ? el("div", {class: "bad reason", title: w.pause_reason}, w.pause_reason) : null,
        el("div", {class: "btns"}, btns));
    }));
    $("totals").textContent = t("terminal.waiting_total", {n: line.count}) + "　" + t("terminal.held_total", {n: line.held.length});
    $("line").replaceChildren(...line.waiting.map((tk) => el("li", {}, tk.number, " ", tk.matter_name || t("terminal.general_matter"), " ",
      el("button", {class: "link", "data-cancel": tk.number, onclick: () => confirmWithReason(t("terminal.cancel_ticket_title", {number: tk.number}),
        [t("terminal.cancel_reason_left"), t("terminal.cancel_reason_duplicate"), t("terminal.cancel_reason_wrong_matter")],
        {path: `/tickets/${tk.id}/cancel`, done: t("terminal.ticket_cancelled", {number: tk.number})})}, t("terminal.cancel_ticket")))));
    const rs = ratings.ratings;
    $("ratings").replaceChildren(rs.length ? el("div", {}, t("terminal.good_rate", {rate: Math.round((ratings.good_rate || 0) * 100) + "%"}),
      el("ul", {}, rs.map((r) => el("li", {class: r.bad ? "bad" : ""}, YC.keepTogether(t("terminal.rating_row", {number: r.number, window: r.window, name: r.staff_name || "", label: r.label}), [r.staff_name]),
        r.tags.length ? " · " + r.tags.join("、") : "", r.phone ? " · " + r.phone : ""))))
      : t("terminal.no_ratings"));
    $("shifts").replaceChildren(...shifts.shifts.map((s) => el("li", {}, YC.keepTogether(t("terminal.handover_row", {time: hhmm(s.signed_in_at), window: s.window,
      post: s.post, name: s.name, staff_no: s.staff_no,
      until: s.signed_out_at ? t("terminal.handover_until", {time: hhmm(s.signed_out_at), reason: s.reason || ""}) : ""}), [s.name]))));
  }

  // Who staffs a window, on one line of a narrow card (name, staff number, post: the card says the
  // rest): the name may be cut short (the full text is its title), the number and "A岗" never break.
  function whoLine(staff) {
    if (!staff) return el("div", {class: "who"}, t("terminal.nobody_on_duty"));
    return el("div", {class: "who", title: t("terminal.on_duty", {name: staff.name, staff_no: staff.staff_no, post: staff.post})},
      el("span", {class: "who-name", title: staff.name}, staff.name),
      el("span", {class: "chip"}, staff.staff_no),
      el("span", {class: "chip post"}, t("terminal.post_label", {post: staff.post})));
  }

  function start() {
    $("language").hidden = false;
    // The person's language first, then times in the hall's zone, before the first list is drawn.
    call("GET", "/auth/me").then((me) => YC.useLanguage(me.language)).then((changed) => { if (changed) labels(); }, () => {})
      .then(() => YC.loadHall(token)).then((h) => { hall = h; }, () => {}).then(refresh).catch((e) => toast(e.message));
    if (!es) es = YC.live(token, {}, () => { clearTimeout(timer); timer = setTimeout(() => refresh().catch(() => {}), 80); },
      (up) => { $("live").className = "live" + (up ? "" : " off"); $("live").textContent = up ? t("terminal.live_on") : t("terminal.live_off"); });
  }

  // --- language: the page's own until someone signs in, then the one on their account ------------
  function labels() {
    document.title = t("terminal.supervisor_title");
    $("title").textContent = t("terminal.supervisor_title");
    for (const [id, key] of [["login-title", "terminal.supervisor_login"], ["l-staff", "terminal.staff_no"], ["l-password", "terminal.password"],
      ["login-submit", "terminal.login"], ["logout", "terminal.logout"], ["h-line", "terminal.line_title"], ["h-ratings", "terminal.ratings_today"],
      ["h-shifts", "terminal.handovers"]]) $(id).textContent = t(key);
    $("live").textContent = t($("live").classList.contains("off") ? "terminal.live_off" : "terminal.live_on");
    $("h-line").textContent = t("terminal.line_title", {n: ""}).replace("（人）", "").replace("()", "");
    $("language").textContent = t(YC.lang() === "en" ? "toolkit.language_zh" : "toolkit.language_en");
    $("language").title = t("toolkit.language_title");
    YC.fillText();
  }

  async function followAccountLanguage(language) {
    if (await YC.useLanguage(language)) {
      labels();
      if (token) await refresh();
    }
  }

  $("language").addEventListener("click", async () => {
    try {
      const r = await call("PUT", "/auth/me/language", {language: YC.lang() === "en" ? "zh_CN" : "en"});
      await followAccountLanguage(r.language);
    } catch (e) { toast(e.message); }
  });

  YC.loadMessages().then(async () => {
    labels();
    token = await adopted;
    if (token) start(); else { $("login").hidden = false; }
  });
})();
