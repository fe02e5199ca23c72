// Today's projection: when the line ends, each window's last service, where the closing cut-off falls.
"use strict";
(() => {
  const {t, api, el, hhmm} = YC;
  const token = localStorage.getItem("yc.supervisor.token");
  const $ = (id) => document.getElementById(id);

  async function refresh() {
    let p;
    try { p = await api("GET", "/projection", token); } catch (e) { $("page").replaceChildren(el("div", {class: "card bad"}, e.status === 401 || !token ? t("supervision.need_login") : e.message)); return; }
    const facts = [];
    facts.push(p.closing ? t("supervision.closing", {time: hhmm(p.closing), last: hhmm(p.last_start)}) : t("supervision.closed_today"));
    facts.push(p.line_ends_at ? t("supervision.line_end", {time: hhmm(p.line_ends_at)}) : t("supervision.line_empty"));
    if (p.last_reachable_number) facts.push(t("supervision.last_reachable", {number: p.last_reachable_number}));
    facts.push(p.unreachable_numbers.length ? t("supervision.cutoff", {number: p.unreachable_numbers[0], n: p.unreachable_numbers.length}) : t("supervision.cutoff_none"));
    facts.push(t("supervision.basis_" + p.basis));
    const summary = el("div", {class: "card", id: "summary"}, facts.map((f, i) => el("p", {class: i === 3 && p.unreachable_numbers.length ? "bad" : ""}, f)));
    const windows = el("div", {class: "card"}, el("h2", {}, t("supervision.h_windows")), el("table", {id: "windows"},
      el("tr", {}, ["col_window", "col_present", "col_free", "col_services"].map((k) => el("th", {}, t("supervision." + k)))),
      p.windows.map((w) => el("tr", {}, el("td", {}, w.number), el("td", {}, t(w.present ? "supervision.yes" : "supervision.no")),
        el("td", {}, w.closed_for_day ? "—" : hhmm(w.free_at)), el("td", {}, w.projected_services)))));
    const late = p.unreachable_numbers.map((n) => el("tr", {class: "late"}, el("td", {}, n), el("td", {}, t("supervision.not_reached")), el("td", {}, "")));
    const tickets = el("div", {class: "card"}, el("h2", {}, t("supervision.h_tickets")), el("table", {id: "tickets"},
      el("tr", {}, ["col_number", "col_start", "col_after_break"].map((k) => el("th", {}, t("supervision." + k)))),
      p.tickets.map((k) => el("tr", {}, el("td", {}, k.number), el("td", {}, hhmm(k.start) + (k.window ? " · " + t("supervision.at_window", {n: k.window}) : "")),
        el("td", {}, k.after_break ? t("supervision.yes") : ""))), late));
    $("page").replaceChildren(summary, windows, tickets);
  }

  YC.loadMessages().then(() => {
    document.title = t("supervision.projection_title");
    $("title").textContent = t("supervision.projection_title");
    $("back").textContent = t("supervision.back");
    refresh();
    setInterval(refresh, 30000);
  });
})();
