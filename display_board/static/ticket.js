// The resident's phone page: polls the ticket with the slip's key and says where it stands.
(function () {
  "use strict";
  const T = JSON.parse(document.getElementById("messages").textContent);
  const app = document.getElementById("app");
  const id = app.dataset.ticket;
  const key = new URLSearchParams(location.search).get("key");
  if (!key) return;
  const $ = (name) => document.getElementById(name);
  const fill = (text, values) => text.replace(/\{(\w+)\}/g, (_, k) => (k in values ? values[k] : ""));
  const POLL_MS = 5000;
  // Error texts come from the API: ask for the page's language, not the phone's.
  const LANG = {"Accept-Language": document.documentElement.lang === "en" ? "en" : "zh-CN"};

  function show(t) {
    $("number").textContent = t.number;
    $("matter").textContent = t.matter_name || T.general_matter;
    const status = $("status");
    status.className = "status";
    $("rate").hidden = true;
    if (t.state === "waiting") {
      status.textContent = T.waiting;
      $("detail").textContent = fill(T.ahead, {n: t.waiting_ahead}) +
        (t.estimated_wait_minutes == null ? "" : " " + fill(T.wait, {m: t.estimated_wait_minutes}));
    } else if (t.state === "called" || t.state === "serving" || t.state === "held") {
      status.className = "status called";
      status.textContent = fill(T.go_to_window, {number: t.number, window: t.window_number});
      $("detail").textContent = t.state === "called" ? T.called_hint : T.serving;
    } else if (t.state === "finished") {
      status.textContent = T.finished;
      $("detail").textContent = "";
      $("rate").hidden = false;
    } else {
      status.textContent = T["state_" + t.state] || t.state;
      $("detail").textContent = t.state === "no_show" ? T.no_show_hint : "";
    }
    $("updated").textContent = fill(T.updated, {time: new Date().toLocaleTimeString("zh-CN", {hour12: false})});
  }

  async function poll() {
    try {
      const r = await fetch(`/api/v1/tickets/${id}?key=${encodeURIComponent(key)}`, {headers: LANG});
      const body = await r.json();
      if (!r.ok) {
        $("status").textContent = body.error ? body.error.message : T.unavailable;
        return;  // a wrong key stays wrong: stop polling
      }
      show(body);
      if (!["finished", "no_show", "cancelled"].includes(body.state)) setTimeout(poll, POLL_MS);
    } catch (e) {
      $("updated").textContent = T.offline;
      setTimeout(poll, POLL_MS * 2);
    }
  }

  $("rate").addEventListener("click", async () => {
    const ask = (replace) => fetch("/api/v1/ratings/links", {method: "POST", headers: {"Content-Type": "application/json", ...LANG},
      body: JSON.stringify({ticket_id: Number(id), key, replace})});
    let r = await ask(false);
    let body = await r.json();
    // The slip's holder lost the page of an earlier link: ask for a new one (the server logs it).
    if (r.status === 409 && body.error && body.error.code === "rating_link_exists") { r = await ask(true); body = await r.json(); }
    if (r.ok && body.token) location.href = `/rate/${body.token}`;
    else $("detail").textContent = body.error ? body.error.message : T.unavailable;
  });
  poll();
})();
