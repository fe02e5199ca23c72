// The supervisor's view of every window: open/close windows, move tickets, see hand-overs and ratings.
"use strict";
(() => {
  const {t, api, el, hhmm} = YC;
  const KEY = "yc.supervisor.token";
  // ?token= leaves the address bar at once and is kept only if it is a supervisor's or admin's.
  const adopted = YC.adoptToken(KEY, (me) => me.role === "supervisor" || me.role === "admin");
  let token = null, es = null, busy = false, timer = null;
  const $ = (id) => document.getElementById(id);

  function toast(text, ok) {
    const box = $("toast"); box.textContent = text; box.className = ok ? "ok" : ""; box.hidden = !text;
    clearTimeout(toast.timer); if (text) toast.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }
  function showLogin() { localStorage.removeItem(KEY); token = null; $("login").hidden = false; $("board").hidden = true; $("logout").hidden = true; }
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

  async function act(path, body, done) {
    if (busy) return;
    busy = true;
    try { await call("POST", path, body); if (done) toast(done, true); } catch (e) { toast(e.message); } finally { busy = false; refresh(); }
  }

  async function refresh() {
    const [wins, line, ratings, shifts, alerts] = await Promise.all([call("GET", "/windows"), call("GET", "/queue"),
      call("GET", "/ratings"), call("GET", "/shifts"), call("GET", "/follow-ups/alerts")]);
    const strip = $("alerts");
    strip.hidden = !(alerts.pending_callback || alerts.overdue);
    strip.className = "alerts" + (alerts.overdue ? " late" : "");
    strip.replaceChildren(el("span", {}, t("ratings.alert_pending", {n: alerts.pending_callback})),
      el("span", {}, t("ratings.alert_overdue", {n: alerts.overdue})), el("span", {class: "go"}, t("ratings.alert_link")));
    $("login").hidden = true; $("board").hidden = false; $("logout").hidden = false;
    const numbers = wins.windows.map((w) => w.number);
    $("windows").replaceChildren(...wins.windows.map((w) => {
      const stateText = {serving: t("terminal.state_serving_window"), paused: t("terminal.state_paused_window"), closed: t("terminal.state_closed_window")}[w.state];
      const btns = [];
      if (w.status === "closed") btns.push(el("button", {onclick: () => act(`/windows/${w.number}/open`)}, t("terminal.open_window")));
      else btns.push(el("button", {class: "danger", onclick: () => act(`/windows/${w.number}/close`, {reason: null})}, t("terminal.close_window")));
      if (w.current_number) {
        btns.push(el("button", {onclick: () => act(`/windows/${w.number}/transfer`, {to: "line"}, t("terminal.transferred"))}, t("terminal.move_to_line")));
        for (const n of numbers.filter((x) => x !== w.number))
          btns.push(el("button", {onclick: () => act(`/windows/${w.number}/transfer`, {to: "window", window: n}, t("terminal.transferred"))}, t("terminal.move_to_window", {n})));
      }
      return el("div", {class: "wcard " + w.state, id: "window-" + w.number},
        el("h3", {}, w.name, el("span", {}, stateText)),
        el("div", {class: "num"}, w.current_number || t("terminal.current_none")),
        el("div", {class: "who"}, w.staff ? t("terminal.on_duty", {name: w.staff.name, staff_no: w.staff.staff_no, post: w.staff.post}) : t("terminal.nobody_on_duty")),
        w.pause_reason ? el("div", {class: "bad"}, w.pause_reason) : null,
        el("div", {class: "btns"}, btns));
    }));
    $("totals").textContent = t("terminal.waiting_total", {n: line.count}) + "　" + t("terminal.held_total", {n: line.held.length});
    $("line").replaceChildren(...line.waiting.map((tk) => el("li", {}, tk.number, " ", tk.matter_name || t("terminal.general_matter"), " ",
      el("button", {class: "link", onclick: () => act(`/tickets/${tk.id}/cancel`)}, t("terminal.cancel_ticket")))));
    const rs = ratings.ratings;
    $("ratings").replaceChildren(rs.length ? el("div", {}, t("terminal.good_rate", {rate: Math.round((ratings.good_rate || 0) * 100) + "%"}),
      el("ul", {}, rs.map((r) => el("li", {class: r.bad ? "bad" : ""}, `${r.number} · ${r.window}号窗 · ${r.staff_name || ""} · ${r.label}`,
        r.tags.length ? " · " + r.tags.join("、") : "", r.phone ? " · " + r.phone : ""))))
      : t("terminal.no_ratings"));
    $("shifts").replaceChildren(...shifts.shifts.map((s) => el("li", {}, t("terminal.handover_row", {time: hhmm(s.signed_in_at), window: s.window,
      post: s.post, name: s.name, staff_no: s.staff_no,
      until: s.signed_out_at ? t("terminal.handover_until", {time: hhmm(s.signed_out_at), reason: s.reason || ""}) : ""}))));
  }

  function start() {
    // Times are shown in the hall's zone: learn it before the first list is drawn.
    YC.loadHall(token).catch(() => {}).then(refresh).catch((e) => toast(e.message));
    if (!es) es = YC.live(token, {}, () => { clearTimeout(timer); timer = setTimeout(() => refresh().catch(() => {}), 80); },
      (up) => { $("live").className = "live" + (up ? "" : " off"); $("live").textContent = up ? t("terminal.live_on") : t("terminal.live_off"); });
  }

  YC.loadMessages().then(async () => {
    document.title = t("terminal.supervisor_title");
    $("title").textContent = t("terminal.supervisor_title");
    for (const [id, key] of [["login-title", "terminal.supervisor_login"], ["l-staff", "terminal.staff_no"], ["l-password", "terminal.password"],
      ["login-submit", "terminal.login"], ["logout", "terminal.logout"], ["h-line", "terminal.line_title"], ["h-ratings", "terminal.ratings_today"],
      ["h-shifts", "terminal.handovers"], ["live", "terminal.live_off"]]) $(id).textContent = t(key);
    $("h-line").textContent = t("terminal.line_title", {n: ""}).replace("（人）", "").replace("()", "");
    token = await adopted;
    if (token) start(); else { $("login").hidden = false; }
  });
})();
