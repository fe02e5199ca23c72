// Statistics page (/supervisor/stats) and county view (/county): figures from /api/v1/stats,
// charts with the vendored ECharts, strings from the catalog's "operations" area.
"use strict";
(() => {
  const {t, api, el} = YC;
  const $ = (id) => document.getElementById(id);
  const county = document.body.dataset.county === "1";
  const KEY = county ? "yc.county.token" : "yc.supervisor.token";
  // A ?token= serves this tab only (taken off the address bar, never stored for the browser);
  // otherwise the supervisor's (or county's) log-in kept by its own page.
  const token = YC.pageToken(KEY + ".tab") || localStorage.getItem(KEY);
  const params = YC.params;
  const BY = county ? ["hall", "month", "day", "hour"] : ["day", "month", "hour", "window", "clerk", "matter", "department", "channel"];
  const charts = {};
  const mins = (s) => (s === null || s === undefined ? null : Math.round(s / 6) / 10);
  const pct = (r) => (r === null || r === undefined ? "—" : (r * 100).toFixed(1) + "%");

  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init($(id), null, {renderer: "canvas"});
    return charts[id];
  }

  const toast = YC.toaster();  // no timeout: a message stays until the page clears it

  function query() {
    // Empty dates: the server's own default (this month to today, in the hall's time zone).
    const q = new URLSearchParams({by: $("by").value});
    if ($("from").value) q.set("from", $("from").value);
    if ($("to").value) q.set("to", $("to").value);
    if (county && $("hall").value) q.set("hall", $("hall").value);
    return q;
  }

  function kpis(total) {
    const items = [
      ["issued", total.issued], ["served", total.served], ["no_show", total.no_show],
      ["wait_p50", mins(total.wait_p50_s)], ["one_window_rate", pct(total.one_window_rate)],
      ["completion_rate", pct(total.completion_rate)],
    ];
    $("kpis").replaceChildren(...items.map(([k, v]) =>
      el("div", {class: "kpi"}, el("b", {}, v === null ? "—" : v), el("span", {}, t("operations.ui_" + k)))));
  }

  // County ranking: the halls ordered by the chosen figure, best first (better = higher 好评率 or
  // 办结率, lower wait, 差评 or overdue). A hall without the figure (nothing rated) comes last.
  const RANKS = {good_rate: -1, wait_p50_s: 1, completion_rate: -1, one_window_rate: -1, overdue: 1,
    bad_ratings: 1, follow_ups_overdue: 1};
  const RATING_COLS = ["rated", "good_rate", "bad_ratings", "follow_ups_overdue"];
  const byHall = () => county && $("by").value === "hall";
  function ranked(rows) {
    if (!byHall()) return rows;
    const key = $("rank").value, dir = RANKS[key];
    const value = (r) => (r[key] === null || r[key] === undefined ? Infinity : dir * r[key]);
    return [...rows].sort((a, b) => value(a) - value(b)).map((r, i) => ({...r, label: `${i + 1}. ${r.label}`, rank: i + 1}));
  }

  function table(rows, total) {
    const cols = ["issued", "served", "no_show", "cancelled", "wait_p50_s", "wait_p90_s", "wait_max_s",
      "handle_p50_s", "handle_p90_s", "utilisation", "one_window_rate", "completion_rate", "overdue",
      ...(byHall() ? RATING_COLS : [])];
    const cell = (r, c) => c.endsWith("_s") ? (mins(r[c]) ?? "—") : c.endsWith("rate") || c === "utilisation" ? pct(r[c]) : r[c];
    const head = el("tr", {}, el("th", {}, t("operations.ui_key")), cols.map((c) => el("th", {}, t("operations.col_" + c))));
    const body = rows.map((r) => {
      const tr = el("tr", {}, el("td", {}, r.label), cols.map((c) => el("td", {}, cell(r, c))));
      if (byHall()) {
        tr.style.cursor = "pointer";
        tr.addEventListener("click", () => { $("hall").value = r.key; $("by").value = "day"; load(); });
      }
      return tr;
    });
    const foot = el("tr", {class: "total"}, el("th", {}, t("operations.ui_total")), cols.map((c) => el("th", {}, cell(total, c))));
    $("table").replaceChildren(head, ...body, foot);
  }

  function draw(data, heat) {
    const labels = data.rows.map((r) => r.label);
    const names = ["issued", "served", "no_show"].map((k) => t("operations.ui_" + k));
    chart("chart-volume").setOption({
      animation: false, tooltip: {trigger: "axis"}, legend: {data: names, top: 0},
      grid: {left: 40, right: 10, top: 28, bottom: 40}, xAxis: {type: "category", data: labels},
      yAxis: {type: "value", minInterval: 1},  // tickets: whole numbers, never 0.2 of one
      series: ["issued", "served", "no_show"].map((k, i) => ({name: names[i], type: "bar", data: data.rows.map((r) => r[k])})),
    }, true);
    const waits = [t("operations.col_wait_p50_s"), t("operations.col_wait_p90_s"), t("operations.col_handle_p50_s")];
    chart("chart-wait").setOption({
      animation: false, tooltip: {trigger: "axis"}, legend: {data: waits, top: 0},
      grid: {left: 40, right: 10, top: 28, bottom: 40}, xAxis: {type: "category", data: labels},
      yAxis: {type: "value", name: t("operations.ui_minutes")},
      series: ["wait_p50_s", "wait_p90_s", "handle_p50_s"].map((k, i) => ({name: waits[i], type: "line", data: data.rows.map((r) => mins(r[k]))})),
    }, true);
    const hours = [...new Set(heat.rows.map((r) => +r.key.split("-")[1]))].sort((a, b) => a - b);
    const days = [1, 2, 3, 4, 5, 6, 7].map((d) => t("operations.weekday_" + d));
    const cells = heat.rows.map((r) => { const [d, h] = r.key.split("-").map(Number); return [hours.indexOf(h), d - 1, r.issued]; });
    chart("chart-heat").setOption({
      animation: false, tooltip: {}, grid: {left: 50, right: 10, top: 10, bottom: 60},
      xAxis: {type: "category", data: hours.map((h) => h + ":00")}, yAxis: {type: "category", data: days},
      visualMap: {min: 0, max: Math.max(1, ...cells.map((c) => c[2])), precision: 0, orient: "horizontal", left: "center", bottom: 0, itemHeight: 120},
      series: [{type: "heatmap", data: cells, label: {show: false}}],
    }, true);
    const ratings = data.ratings;
    const box = $("ratings");
    box.textContent = "";
    if (!ratings) box.textContent = t("operations.ui_ratings_pending");
    else for (const [label, value] of Object.entries(ratings)) {
      box.append(el("span", {class: "figure"}, label + "：" + (value === null ? "—" : value) + (/率$/.test(label) && value !== null ? "%" : "") + "　"));
    }
  }

  // Loads overlap (a period, a grouping, a ranking or a hall picked while the last figures still
  // load): only the newest draws, or the figures shown would not be the ones the form asks for.
  const ask = YC.newest(async () => {
    const q = query();
    const data = await api("GET", "/stats?" + q, token);
    const hq = new URLSearchParams(q); hq.set("by", "weekday_hour");
    return [data, await api("GET", "/stats?" + hq, token)];
  }, show);

  function load() {
    toast("");
    return ask().catch((e) => toast(e.message));
  }

  function show([data, heat]) {
    $("from").value = data.from; $("to").value = data.to;
    data.rows = ranked(data.rows);
    kpis(data.total); table(data.rows, data.total); draw(data, heat);
    $("note").textContent = data.percentiles;
    if (!county) {
      const month = $("from").value.slice(0, 7);
      for (const kind of ["xlsx", "pdf"]) {
        $(kind).href = `/api/v1/reports/monthly.${kind}?month=${month}&token=${encodeURIComponent(token)}`;
        $(kind).hidden = false;
      }
    }
    if (county && !$("hall").options.length) {
      $("hall").append(el("option", {value: ""}, t("operations.ui_all_halls")),
        ...data.halls.map((h) => el("option", {value: h.code}, h.name)));
      $("hall").hidden = false;
    }
    document.body.dataset.loaded = "1";
  }

  async function main() {
    await YC.loadMessages(undefined, undefined, token);  // a staff member's own language
    $("title").textContent = t(county ? "operations.ui_county_title" : "operations.ui_title");
    for (const id of ["from", "to", "by"]) $("l-" + id).textContent = t("operations.ui_" + id);
    for (const id of ["volume", "wait", "heat", "ratings", "table"]) $("h-" + id).textContent = t("operations.ui_h_" + id);
    $("go").textContent = t("operations.ui_go");
    $("xlsx").textContent = t("operations.ui_xlsx"); $("pdf").textContent = t("operations.ui_pdf");
    $("by").append(...BY.map((b) => el("option", {value: b}, t("operations.by_" + b))));
    if (county) {
      $("l-rank").textContent = t("operations.ui_rank");
      $("rank").append(...Object.keys(RANKS).map((k) => el("option", {value: k}, t("operations.col_" + k))));
      $("rank-box").hidden = false;
      $("rank").addEventListener("change", load);
    }
    $("from").value = params.get("from") || "";
    $("to").value = params.get("to") || "";
    $("by").value = params.get("by") || BY[0];
    $("filter").addEventListener("submit", (e) => { e.preventDefault(); load(); });
    window.addEventListener("resize", () => Object.values(charts).forEach((c) => c.resize()));
    if (!token) { toast(t("operations.ui_need_token")); return; }
    await load();
  }
  main();
})();
