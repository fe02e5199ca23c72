// Today's projection: when the line ends, each window's last service, where the closing cut-off falls.
"use strict";
(() => {
  const {t, api, el, hhmm} = YC;
  const token = localStorage.getItem("yc.supervisor.token");
  const $ = (id) => document.getElementById(id);

  // Read every 30 s: on a slow line an answer may come after the next one, and only the newest draws.
  const ask = YC.newest(() => api("GET", "/projection", token), drawPage);
  function refresh() {
    return ask().catch((e) => $("page").replaceChildren(el("div", {class: "card bad"},
      e.status === 401 || !token ? t("supervision.need_login") : e.message)));
  }

  function drawPage(p) {
    // [text, class]: the facts a supervisor acts on, the ones needing action in red.
    const facts = [];
    facts.push([p.closing ? t("supervision.closing", {time: hhmm(p.closing), last: hhmm(p.last_start)}) : t("supervision.closed_today"), ""]);
    if (p.new_ticket) {
      const at = p.new_ticket.expected_start;
      facts.push(!p.new_ticket.needs_consent ? [t("supervision.new_ticket", {time: hhmm(at)}), ""]
        : at ? [t("supervision.new_ticket_consent", {time: hhmm(at)}), "warn"] : [t("supervision.new_ticket_unreachable"), "warn"]);
    }
    facts.push([p.line_ends_at ? t("supervision.line_end", {time: hhmm(p.line_ends_at)}) : t("supervision.line_empty"), ""]);
    if (p.last_reachable_number) facts.push([t("supervision.last_reachable", {number: p.last_reachable_number}), ""]);
    facts.push(p.unreachable_numbers.length ? [t("supervision.cutoff", {number: p.unreachable_numbers[0], n: p.unreachable_numbers.length}), "bad"] : [t("supervision.cutoff_none"), ""]);
    const untold = p.unreachable_not_told_numbers || [];
    if (untold.length) facts.push([t("supervision.cutoff_not_told", {numbers: untold.join(YC.lang() === "en" ? ", " : "、"), n: untold.length}), "bad"]);
    else if (p.unreachable_numbers.length) facts.push([t("supervision.cutoff_all_told"), ""]);
    facts.push([t("supervision.basis_" + p.basis) + t("supervision.as_of", {time: hhmm(p.now)}), "note"]);
    const summary = el("div", {class: "card", id: "summary"}, facts.map(([f, cls]) => el("p", {class: cls}, f)));
    const windows = el("div", {class: "card"}, el("h2", {}, t("supervision.h_windows")), el("table", {id: "windows"},
      el("tr", {}, ["col_window", "col_present", "col_free", "col_services"].map((k) => el("th", {}, t("supervision." + k)))),
      p.windows.map((w) => el("tr", {class: w.off_duty ? "off" : ""}, el("td", {}, w.number),
        el("td", {}, t(w.off_duty || w.closed_for_day ? "supervision.off_duty" : w.present ? "supervision.yes" : "supervision.no")),
        el("td", {}, w.closed_for_day || (w.off_duty && !w.projected_services) ? "—" : hhmm(w.free_at)), el("td", {}, w.projected_services)))));
    const late = p.unreachable_numbers.map((n) => el("tr", {class: "late"}, el("td", {}, n),
      el("td", {}, t(untold.includes(n) ? "supervision.not_reached_not_told" : "supervision.not_reached"))));
    // The window and "after lunch" go with the time: one short column instead of a mostly empty one.
    const start = (k) => [hhmm(k.start), k.window ? t("supervision.at_window", {n: k.window}) : "", k.after_break ? t("supervision.after_break") : ""].filter(Boolean).join(" · ");
    const tickets = el("div", {class: "card"}, el("h2", {}, t("supervision.h_tickets")), el("table", {id: "tickets"},
      el("tr", {}, ["col_number", "col_start"].map((k) => el("th", {}, t("supervision." + k)))),
      p.tickets.map((k) => el("tr", {}, el("td", {}, k.number), el("td", {}, start(k)))), late));
    $("page").replaceChildren(summary, windows, tickets);
  }

  YC.loadMessages(undefined, undefined, token).then(() => {  // the supervisor's own language
    document.title = t("supervision.projection_title");
    $("title").textContent = t("supervision.projection_title");
    $("back").textContent = t("supervision.back");
    refresh();
    setInterval(refresh, 30000);
  });
})();
