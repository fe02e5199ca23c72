// The supervisor's 好差评 page: figures of a period with ECharts charts, ranking, 待回访 follow-ups with
// their steps, appeals to decide, and the .xlsx / JSON-lines exports (downloaded with the token in a header).
"use strict";
(() => {
  const {t, api, el, hhmm} = YC;
  const KEY = "yc.supervisor.token";  // the same log-in as the supervisor view
  const token = localStorage.getItem(KEY);
  const $ = (id) => document.getElementById(id);
  const COLS = ["rated", "unrated", "good_rate", "bad_rate", "active_good_rate", "unrated_rate", "bad_reply_rate",
    "rectified_rate", "rectified_satisfied_rate", "assisted_rated", "assisted_good_rate"];  // 代取号: counted apart
  const STEPS = {pending_callback: ["call_back"], verifying: ["rectify_now", "rectify_deadline", "explain"],
    rectify_now: ["report_back"], rectify_deadline: ["report_back"], explained: ["report_back"], awaiting_feedback: ["close"]};
  // The steps the server refuses without a note (the same list as its rule): asked for before sending.
  const NOTE_NEEDED = ["call_back", "rectify_now", "rectify_deadline", "explain", "report_back"];
  let charts = null, selected = null;

  const toast = YC.toaster(6, 6);
  const pct = (v) => (v === null || v === undefined ? "—" : (v * 100).toFixed(1) + "%");
  const period = () => ({from: $("from").value, to: $("to").value});
  const query = (extra) => new URLSearchParams(Object.assign(period(), extra || {})).toString();

  // Each part is read again on every event burst, period and step, and answers may come in any order:
  // only each part's newest draws, or an older answer arriving last would show another period's
  // figures, or one follow-up's detail while the steps act on another.
  const figures = YC.newest(() => api("GET", "/ratings/figures?" + query({by: $("by").value}), token), (data) => {
    $("table").replaceChildren(
      el("tr", {}, el("th", {}, t("ratings.col_label")), COLS.map((c) => el("th", {}, t("ratings.col_" + c)))),
      ...[...data.rows, data.total].map((r) => el("tr", {class: r.key === "total" ? "total" : ""}, el("td", {}, r.label),
        COLS.map((c) => el("td", {}, c.endsWith("_rate") ? pct(r[c]) : r[c])))));
    const names = data.rows.map((r) => r.label);
    charts.rates.setOption({
      title: {text: t("ratings.chart_rates"), left: 0, top: 0, textStyle: {fontSize: 13}}, tooltip: {trigger: "axis"}, animation: false,
      legend: {top: 0, right: 0, data: [t("ratings.col_good_rate"), t("ratings.col_bad_rate")]}, grid: {top: 50, bottom: 30, left: 40, right: 10},
      xAxis: {type: "category", data: names}, yAxis: {type: "value", max: 100, axisLabel: {formatter: "{value}%"}},
      series: [["good_rate", "#2e7d32"], ["bad_rate", "#c62828"]].map(([k, color]) => ({name: t("ratings.col_" + k), type: "bar",
        itemStyle: {color}, data: data.rows.map((r) => r[k] === null ? 0 : +(r[k] * 100).toFixed(1))})),
    }, true);
    const levelColors = {5: "#1b8a3a", 4: "#4caf50", 3: "#f0a500", 2: "#e0622a", 1: "#c62828"};
    charts.levels.setOption({
      title: {text: t("ratings.chart_levels"), left: 0, top: 0, textStyle: {fontSize: 13}}, tooltip: {trigger: "axis"}, animation: false,
      grid: {top: 50, bottom: 30, left: 40, right: 10}, legend: {top: 0, right: 0},
      // A count of ratings: whole numbers on the axis (ECharts chose 0.2 steps for a single rating).
      xAxis: {type: "category", data: names}, yAxis: {type: "value", minInterval: 1},
      series: [5, 4, 3, 2, 1].map((n) => ({name: String(n), type: "bar", stack: "levels", itemStyle: {color: levelColors[n]},
        data: data.rows.map((r) => r.levels[String(n)])})),
    }, true);
  });

  const ranking = YC.newest(() => api("GET", "/ratings/ranking?" + query(), token), (data) => {
    const row = (r) => el("li", {}, `${r.label} ${pct(r.good_rate)}（${r.rated}）`);
    $("rank-windows").replaceChildren(el("b", {}, t("ratings.rank_windows")), ...data.windows.map(row));
    $("rank-clerks").replaceChildren(el("b", {}, t("ratings.rank_clerks")), ...data.clerks.map(row));
  });

  const followUps = YC.newest(() => api("GET", "/follow-ups?state=open", token), (data) => {
    $("follow").replaceChildren(...(data.items.length ? data.items.map((f) => el("li", {class: f.overdue ? "overdue" : "",
      "data-id": f.id, onclick: () => detail(f.id)},
      el("span", {}, [f.number, t("ratings.window_n", {n: f.window}), f.staff_name, f.label].filter(Boolean).join(" · ")),
      el("span", {class: "state"}, f.overdue ? t("ratings.overdue") + " · " + f.state_label : f.state_label)))
      : [el("li", {}, t("ratings.no_follow_ups"))]));
  });

  const detail = YC.newest((id) => api("GET", `/follow-ups/${id}`, token), (f, id) => {
    selected = id;  // the steps act on the follow-up shown
    const note = el("textarea", {id: "note", placeholder: t("ratings.note_prompt"), maxlength: 1000});
    const days = el("input", {id: "days", type: "number", min: 1, max: 60, value: 10, title: t("ratings.days_prompt")});
    const acts = (STEPS[f.state] || []).map((a) => el("button", {"data-action": a, onclick: () => step(a)}, t("ratings.action_" + a)));
    if (f.state === "awaiting_feedback") {
      acts.splice(0, 1, el("button", {"data-action": "close-satisfied", onclick: () => step("close", "satisfied")}, t("ratings.satisfied")),
        el("button", {"data-action": "close-unsatisfied", onclick: () => step("close", "unsatisfied")}, t("ratings.unsatisfied")));
    }
    // replaceChildren writes a null as the text "null": only the parts this state has.
    $("detail").replaceChildren(...[
      el("div", {}, [f.number, t("ratings.window_n", {n: f.window}), f.label, f.reasons.join("、"), f.phone].filter(Boolean).join(" · ")),
      el("div", {class: f.overdue ? "bad" : ""}, t("ratings.due", {time: new Date(YC.parseIso(f.callback_due_at)).toLocaleString(YC.lang() === "en" ? "en-US" : "zh-CN", {timeZone: YC.timeZone(), hour12: false})})),
      el("ol", {class: "steps"}, f.steps.map((s) => el("li", {},
        [hhmm(s.at), s.action === "open" ? opener(f, s) : s.actor, t("ratings.state_" + s.to), s.note].filter(Boolean).join(" ")))),
      f.state === "closed" ? null : note,
      f.state === "closed" ? null : el("div", {id: "step-error", class: "field-error", role: "alert"}),
      f.state === "verifying" ? el("label", {class: "days"}, t("ratings.days_prompt"), " ", days) : null,
      el("div", {class: "acts"}, acts)].filter(Boolean));
    $("detail").hidden = false;
  });

  // The step that opened the follow-up, named as staff speak of it: the window's pad, or the
  // resident's own phone (the slip's QR), never a device token's label.
  function opener(f, s) {
    if (f.channel === "pad" || f.channel === "serial_pad") return t("terminal.device_window_pad", {n: f.window});
    if (f.channel === "link") return t("ratings.opened_by_link");
    return s.actor;
  }

  // Said under the note box, where the supervisor is looking, not only in the strip at the top.
  function stepError(text) {
    const box = $("step-error");
    if (box) box.textContent = text || "";
    if (text && $("note")) $("note").focus();
    return text;
  }

  async function step(action, feedback) {
    const body = {};
    const note = $("note") && $("note").value.trim();
    if (NOTE_NEEDED.includes(action) && !note) return toast(stepError(t("ratings.note_required_" + action)));
    stepError("");
    if (note) body.note = note;
    if (action === "rectify_deadline") body.days = Number($("days").value);
    if (feedback) body.feedback = feedback;
    try { await api("POST", `/follow-ups/${selected}/${action}`, token, body); toast(t("ratings.done"), true); }
    catch (e) { return toast(stepError(e.message)); }  // the box keeps what was typed
    await Promise.all([followUps(), detail(selected), figures()]).catch((e) => toast(e.message));
  }

  const appeals = YC.newest(() => api("GET", "/rating-appeals?state=pending", token), (data) => {
    $("appeals").replaceChildren(...(data.items.length ? data.items.map((a) => el("li", {},
      el("span", {}, `#${a.rating_id} · ${a.kind_label} · ${a.reason}`),
      el("span", {}, el("button", {onclick: () => decide(a.id, "upheld")}, t("ratings.uphold")), " ",
        el("button", {onclick: () => decide(a.id, "rejected")}, t("ratings.reject"))))) : [el("li", {}, t("ratings.no_appeals"))]));
  });

  async function decide(id, decision) {
    const note = prompt(t("ratings.note_prompt"));
    if (!note) return;
    try { await api("POST", `/rating-appeals/${id}/decision`, token, {decision, note}); toast(t("ratings.done"), true); }
    catch (e) { toast(e.message); }
    refresh();
  }

  // The token stays in the header: the file is fetched, then handed to the browser as a download.
  async function download(path, name) {
    const r = await fetch("/api/v1" + path, {headers: {Authorization: "Bearer " + token}});
    if (!r.ok) { const d = await r.json().catch(() => ({})); return toast((d.error && d.error.message) || r.statusText); }
    const url = URL.createObjectURL(await r.blob());
    const a = el("a", {href: url, download: name}); document.body.append(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function refresh() {
    return Promise.all([figures(), ranking(), followUps(), appeals()]).catch((e) => toast(e.message));
  }

  YC.loadMessages(undefined, undefined, token).then(async () => {  // the supervisor's own language
    if (!token) { location.href = "/supervisor"; return; }
    try { await YC.loadHall(token); } catch (e) { /* the pilot hall's zone and the device clock */ }
    document.title = t("ratings.page_title");
    for (const [id, key] of [["title", "ratings.page_title"], ["l-from", "ratings.from"], ["l-to", "ratings.to"], ["l-by", "ratings.by"],
      ["show", "ratings.refresh"], ["xlsx", "ratings.export_xlsx"], ["jsonl", "ratings.export_jsonl"], ["h-figures", "ratings.figures"],
      ["h-follow", "ratings.follow_ups"], ["h-appeals", "ratings.appeals"], ["h-ranking", "ratings.ranking"]]) $(id).textContent = t(key);
    $("by").replaceChildren(...["window", "clerk", "matter", "department", "day", "week", "month"].map((b) => el("option", {value: b}, t("ratings.by_" + b))));
    // Today in the hall's zone by the server's clock (a PC's clock or zone may be off; tests freeze the server's).
    const today = new Date(YC.serverNow()).toLocaleDateString("sv-SE", {timeZone: YC.timeZone()});
    const params = new URLSearchParams(location.search);
    $("from").value = params.get("from") || today.slice(0, 8) + "01";
    $("to").value = params.get("to") || today;
    charts = {rates: echarts.init($("chart-rates")), levels: echarts.init($("chart-levels"))};
    $("period").addEventListener("submit", (ev) => { ev.preventDefault(); refresh(); });
    $("xlsx").onclick = () => download("/ratings/export.xlsx?" + query({by: $("by").value}), `好差评-${$("from").value}-${$("to").value}.xlsx`);
    $("jsonl").onclick = () => download("/ratings/export.jsonl?" + query(), `ratings-${$("from").value}-${$("to").value}.jsonl`);
    refresh();
    YC.live(token, {types: "rating.recorded,follow_up.changed,rating.appeal"}, () => {
      clearTimeout(refresh.timer); refresh.timer = setTimeout(refresh, 300);
    });
  });
})();
