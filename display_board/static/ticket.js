// The resident's phone page: polls the ticket with the slip's key and says where it stands.
(function () {
  "use strict";
  const T = YC.useMessages(JSON.parse(document.getElementById("messages").textContent));
  const app = document.getElementById("app");
  const id = app.dataset.ticket;
  const key = YC.params.get("key");
  if (!key) return;
  const $ = (name) => document.getElementById(name);
  const t = YC.t;
  const POLL_MS = 5000;
  const FINISHED_POLLS = (20 * 60 * 1000) / POLL_MS;
  let finishedPolls = 0;

  let last = null;

  function show(tk) {
    last = tk;
    $("number").textContent = tk.number;
    $("matter").textContent = tk.matter_name || T.general_matter;
    const status = $("status");
    status.className = "status";
    $("rate").hidden = true;
    if (tk.state === "waiting") {
      status.textContent = T.waiting;
      // One sentence a line, in large type: an elderly resident reads "2 人" and "10 分钟" at a glance,
      // never with the number at the end of one line and its unit on the next.
      $("detail").replaceChildren(YC.el("span", {"class": "line"}, t("ahead", {n: tk.waiting_ahead})),
        tk.estimated_wait_minutes == null ? null : YC.el("span", {"class": "line"}, tk.after_break && tk.expected_start_at
          ? t("after_break", {time: YC.hhmm(tk.expected_start_at)})
          : t("wait", {m: tk.estimated_wait_minutes})));
    } else if (tk.state === "called" || tk.state === "serving" || tk.state === "held") {
      status.className = "status called";
      status.textContent = t("go_to_window", {number: tk.number, window: tk.window_number});
      $("detail").textContent = tk.state === "called" ? T.called_hint : T.serving;
    } else if (tk.state === "finished") {
      status.textContent = T.finished;
      // Rated at the window's pad (or by an earlier link): say so, never offer a button that answers 已经评价过了.
      $("detail").textContent = tk.rated ? T.rated : "";
      $("rate").hidden = Boolean(tk.rated);
    } else {
      status.textContent = T["state_" + tk.state] || "";  // never a state's code to a resident
      $("detail").textContent = tk.state === "no_show" ? T.no_show_hint : "";
    }
    // Taken after the closing-time question: what the resident accepted, and booking another day.
    const late = Boolean(tk.late_risk_accepted) && tk.state === "waiting";
    $("late").hidden = !late;
    if (late) $("late-text").textContent = t("late_risk", {closes: tk.closes_at ? YC.hhmm(tk.closes_at) : "—"});
    // The server's clock in the hall's zone, not the phone's.
    $("updated").textContent = t("updated", {time: YC.formatTime(new Date(YC.serverNow()), "seconds")});
  }

  async function poll() {
    let body;
    try {
      body = await YC.api("GET", `/tickets/${id}?key=${encodeURIComponent(key)}`);
    } catch (e) {
      if (e.status === 0) {
        $("updated").textContent = T.offline;
        setTimeout(poll, POLL_MS * 2);
      } else {
        $("status").textContent = e.message || T.unavailable;  // a wrong key stays wrong: stop polling
      }
      return;
    }
    show(body);
    // A finished service keeps being looked at until it is rated: the pad's rating usually arrives
    // a few seconds after the page turned 已办结, while the resident still holds the phone.
    // Bounded (FINISHED_POLLS, 20 min): a tab forgotten open must not poll the hall all day.
    if (body.state === "finished" && !body.rated && finishedPolls++ < FINISHED_POLLS) setTimeout(poll, POLL_MS);
    else if (!["finished", "no_show", "cancelled"].includes(body.state)) setTimeout(poll, POLL_MS);
  }

  $("rate").addEventListener("click", async () => {
    const ask = (replace) => YC.api("POST", "/ratings/links", null, {ticket_id: Number(id), key, replace});
    try {
      let body;
      try {
        body = await ask(false);
      } catch (e) {
        // The slip's holder lost the page of an earlier link: ask for a new one (the server logs it).
        if (e.code !== "rating_link_exists") throw e;
        body = await ask(true);
      }
      if (body.token) location.href = `/rate/${body.token}`;
      else $("detail").textContent = T.unavailable;
    } catch (e) {
      if (e.code === "already_rated") show({...last, rated: true});
      else $("detail").textContent = e.message || T.unavailable;
    }
  });
  poll();
})();
