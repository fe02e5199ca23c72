// On the supervisor page: bookings that look like hoarding (many from one address, a run of phones,
// holds waiting for their SMS code), each group with one button that releases its seats. Kept apart
// from supervisor.js, as supervisor_links.js is; it reads the log-in's token the same way.
"use strict";
(() => {
  const {t, api, el, hhmm} = YC;
  const KEY = "yc.supervisor.token";
  const POLL_MS = 30000;
  let card = null, list = null, note = null, shown = "";

  function groupTitle(g) {
    return t("supervision.hoard_" + g.kind, {key: g.key, n: g.count});
  }

  function row(b) {
    const day = b.slot_start.slice(5, 10).replace("-", "/");
    return el("li", {}, `${day} ${hhmm(b.slot_start)}　${b.resident_masked}　${b.phone_masked || ""}　` +
      t("supervision.hoard_status_" + b.status));
  }

  function draw(groups, token) {
    card.hidden = groups.length === 0;
    list.replaceChildren(...groups.map((g) => {
      const button = el("button", {type: "button", class: "hoard-release"}, t("supervision.hoard_release", {n: g.count}));
      // Two taps: the first asks, the second releases (a mis-tap frees nobody's seat).
      button.addEventListener("click", async () => {
        if (!button.classList.contains("armed")) {
          button.classList.add("armed");
          button.textContent = t("supervision.hoard_release_sure", {n: g.count});
          return;
        }
        button.disabled = true;
        try {
          const done = await api("POST", "/appointments/release", token, {codes: g.bookings.map((b) => b.code)});
          note.textContent = t("supervision.hoard_released", {n: done.released});
        } catch (e) {
          note.textContent = e.message;
        }
        shown = "";
        poll();
      });
      return el("div", {class: "hoard-group", "data-kind": g.kind},
        el("p", {class: "hoard-title"}, groupTitle(g)),
        el("ul", {class: "hoard-list"}, ...g.bookings.slice(0, 3).map(row),
          ...(g.bookings.length > 3 ? [el("li", {class: "more"}, t("supervision.hoard_more", {n: g.bookings.length - 3}))] : [])),
        button);
    }));
  }

  async function poll() {
    const token = localStorage.getItem(KEY);
    if (!token) return;
    try {
      const body = await api("GET", "/appointments/suspect", token);
      const key = JSON.stringify(body.groups);
      if (key !== shown) { shown = key; draw(body.groups, token); }
    } catch (e) { /* logged out meanwhile: supervisor.js shows the login */ }
  }

  YC.loadMessages().then(() => {
    list = el("div", {id: "hoard-groups"});
    note = el("p", {id: "hoard-note", class: "hoard-note", role: "status"});
    card = el("div", {class: "card hoard", id: "hoard"}, el("h2", {}, t("supervision.hoard_title")),
      el("p", {class: "hoard-intro"}, t("supervision.hoard_intro")), list, note);
    card.hidden = true;
    document.querySelector("#board .side").prepend(card);
    document.addEventListener("yc:language", () => { card.querySelector("h2").textContent = t("supervision.hoard_title"); shown = ""; poll(); });
    poll();
    setInterval(poll, POLL_MS);
    setInterval(() => { if (card.hidden) poll(); }, 1500);  // right after the log-in
  });
})();
