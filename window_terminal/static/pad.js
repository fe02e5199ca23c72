// The resident's 好差评 pad at window N (idle → asking → reasons → thanks → idle), and the same
// screens for rating later through a one-time link (/rate/<token>, from the slip's QR).
// The level is sent the moment it is chosen, so a timeout never loses a rating; reasons and the
// phone are added afterwards; 返回 goes back to the levels and a new choice corrects the first.
"use strict";
(() => {
  const {t, api, el} = YC;
  const N = Number(document.body.dataset.window);
  const LINK = document.body.dataset.link;
  const KEY = "yc.pad." + N + ".token";
  // Faces drawn as SVG: emoji fonts differ between tablets, and some have none at all.
  function face(level) {
    const bend = (level - 3) * 7;  // smile for 5 and 4, straight for 3, frown for 2 and 1
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 64 64"); svg.setAttribute("class", "face");
    svg.innerHTML = `<circle cx="32" cy="32" r="29" fill="none" stroke="currentColor" stroke-width="5"/>
      <circle cx="22" cy="25" r="4.5" fill="currentColor"/><circle cx="42" cy="25" r="4.5" fill="currentColor"/>
      <path d="M18 ${44 - bend / 2} Q32 ${44 + bend} 46 ${44 - bend / 2}" fill="none" stroke="currentColor" stroke-width="5" stroke-linecap="round"/>`;
    return svg;
  }
  const THANKS_SECONDS = 5;
  let token = null, state = null, pending = null, level = null, chosen = new Set(), busy = false, stored = null;
  let clockOffset = 0, countdownTimer = null, thanksTimer = null;
  const $ = (id) => document.getElementById(id);

  // A pad is set up once with /pad/N?token=…: the token leaves the address bar at once and is
  // kept only if it is this window's pad token (YC.adoptToken checks it with the server).
  const adopted = YC.adoptToken(KEY, (me) => me.role === "pad" && me.window === N);

  function show(id) {
    for (const s of ["idle", "asking", "reasons", "thanks"]) $(s).hidden = s !== id;
    document.body.dataset.screen = id;
  }

  function error(text) {
    const box = $("error");
    box.textContent = text; box.hidden = !text;
    clearTimeout(error.timer);
    if (text) error.timer = setTimeout(() => { box.hidden = true; }, 6000);
  }

  function renderIdle() {
    const w = state.window, staff = w.staff;
    $("idle-label").textContent = staff ? t("pad.on_duty") : "";
    $("staff-name").textContent = staff ? staff.name : t("pad.nobody");
    $("staff-meta").textContent = staff ? t("pad.staff_no", {staff_no: staff.staff_no}) + "　" + t("pad.post", {post: staff.post}) : "";
    const photo = $("photo");
    photo.hidden = !staff;
    if (staff && staff.photo_url) { photo.style.backgroundImage = `url("${staff.photo_url}")`; photo.textContent = ""; }
    else { photo.style.backgroundImage = ""; photo.textContent = staff ? staff.name.slice(0, 1) : ""; }
    $("welcome").textContent = w.status === "paused" ? t("pad.paused", {reason: w.pause_reason || ""}) : t("pad.welcome");
    show("idle");
  }

  function renderAsking() {
    chosen = new Set();
    $("ask-service").textContent = t("pad.service", {number: pending.number, matter: pending.matter_name || t("pad.general_matter")});
    $("levels").replaceChildren(...state.levels.map((l) => el("button", {class: "l" + l.level + (l.level === level ? " on" : ""),
      "data-level": l.level, onclick: () => pick(l.level)}, face(l.level), l.label)));
    show("asking");
    startCountdown();
  }

  // One countdown for every step: when it runs out the rating already stored stays, the pad goes on.
  function startCountdown() {
    clearInterval(countdownTimer);
    const boxes = [$("countdown"), $("reasons-countdown")];
    if (!pending || !pending.expires_at) { boxes.forEach((b) => { b.textContent = ""; }); return; }
    const tick = () => {
      const left = Math.ceil((new Date(pending.expires_at) - (Date.now() + clockOffset)) / 1000);
      if (left <= 0) { clearInterval(countdownTimer); return timeUp(); }
      boxes.forEach((b) => { b.textContent = t("pad.time_left", {n: left}); });
    };
    tick();
    countdownTimer = setInterval(tick, 1000);
  }

  async function timeUp() {
    if (stored !== null && document.body.dataset.screen === "reasons" && (chosen.size || $("phone").value.trim())) {
      await send(true).catch(() => {});  // what was ticked before the time ran out is kept too
    }
    if (stored !== null) return thanks(state.bad_levels.includes(level));
    pending = null;
    LINK ? renderLinkDone() : renderIdle();
  }

  async function pick(n) {
    if (busy) return;
    level = n;
    const ok = await send(false);
    if (!ok) return;
    if (state.bad_levels.includes(n)) return renderReasons();
    thanks(false);
  }

  function renderReasons() {
    $("tags").replaceChildren(...state.bad_reasons.map((r) => el("button", {"data-tag": r, class: chosen.has(r) ? "on" : "",
      onclick: (ev) => {
        chosen.has(r) ? chosen.delete(r) : chosen.add(r);
        ev.currentTarget.classList.toggle("on", chosen.has(r));
      }}, r)));
    const phone = $("phone");
    phone.readOnly = !LINK;  // the pad has its own keypad; a phone uses its numeric keyboard
    const type = (d) => { if (phone.value.length < 13) phone.value += d; };
    const keys = "123456789".split("").map((d) => el("button", {"data-digit": d, onclick: () => type(d)}, d));
    keys.push(el("button", {class: "fn", "data-key": "clear", onclick: () => { phone.value = ""; }}, t("pad.clear")));
    keys.push(el("button", {"data-digit": "0", onclick: () => type("0")}, "0"));
    keys.push(el("button", {class: "fn", "data-key": "backspace", "aria-label": t("pad.backspace"),
      onclick: () => { phone.value = phone.value.slice(0, -1); }}, "⌫"));
    $("keys").replaceChildren(...keys);
    show("reasons");
    startCountdown();
  }

  // Sends the level (and with additions, the reasons and phone); true when the server kept it.
  async function send(withReasons) {
    if (busy || level === null) return false;
    busy = true;
    document.querySelectorAll("button").forEach((b) => { b.disabled = true; });
    const body = {level};
    if (withReasons) {
      body.tags = [...chosen];
      const phone = $("phone").value.trim();
      if (phone) body.phone = phone;
    }
    try {
      let r;
      if (LINK) r = await api("POST", `/ratings/by-link/${LINK}`, null, body);
      else r = await api("POST", `/pads/${N}/rating`, token, Object.assign({ticket_id: pending.ticket_id}, body));
      stored = r.rating.ticket_id;
      if (LINK && !pending.expires_at) {
        pending.expires_at = new Date(Date.now() + clockOffset + state.rate_within_seconds * 1000).toISOString();
      }
      return true;
    } catch (e) {
      error(t("pad.error", {message: e.message}));
      if (e.status === 409) { pending = null; clearInterval(countdownTimer); LINK ? renderLinkDone() : renderIdle(); }
      return false;
    } finally {
      busy = false;
      document.querySelectorAll("button").forEach((b) => { b.disabled = false; });
    }
  }

  async function submit() {
    if (await send(true)) thanks(state.bad_levels.includes(level));
  }

  function thanks(bad) {
    clearInterval(countdownTimer);
    pending = null; level = null; stored = null;
    $("thanks-text").textContent = bad ? t("pad.thanks_bad") : t("pad.thanks");
    show("thanks");
    clearTimeout(thanksTimer);
    if (!LINK) thanksTimer = setTimeout(() => { document.body.dataset.screen = "idle"; refresh(); }, THANKS_SECONDS * 1000);
  }

  // Events come in bursts (called, then finished): only the newest refresh may act, or an older
  // answer arriving last would put the pad back to idle while the resident should be asked.
  const askState = YC.newest(() => api("GET", `/pads/${N}/state`, token), showState);
  const refresh = () => askState().catch((e) => error(e.message));
  function showState(fresh) {
    state = fresh;
    clockOffset = new Date(state.server_time) - Date.now();
    const current = document.body.dataset.screen;
    if (stored !== null && (current === "reasons" || current === "asking")) return;  // finish the rating in hand first
    if (state.pending && (!pending || pending.ticket_id !== state.pending.ticket_id)) {
      pending = state.pending; level = null; renderAsking();
    } else if (!state.pending && current !== "thanks") {
      pending = null; clearInterval(countdownTimer); renderIdle();
    } else if (current === "idle") {
      renderIdle();
    }
  }

  function onEvent(type, data) {
    if (type === "rating.recorded" && pending && data.rating && data.rating.ticket_id === pending.ticket_id
        && stored === null && !busy && document.body.dataset.screen !== "thanks") {
      return thanks(data.rating.bad);   // rated elsewhere (e.g. a serial pad): stop asking
    }
    if (document.body.dataset.screen === "thanks") return;
    if (type === "ticket.finished" || type === "window.status" || type === "ticket.called") refresh();
  }

  // --- rating later through a link ----------------------------------------------------------
  function renderLinkDone() {
    $("thanks-text").textContent = t("pad.link_done");
    show("thanks");
  }

  async function startLink() {
    let info;
    try { info = await api("GET", `/ratings/by-link/${LINK}`); } catch (e) { error(e.message); return; }
    state = {levels: info.levels, bad_levels: info.bad_levels, bad_reasons: info.bad_reasons, rate_within_seconds: info.rate_within_seconds};
    clockOffset = new Date(info.server_time) - Date.now();
    if (info.rated) return renderLinkDone();
    const s = info.service;
    pending = {number: s.number, matter_name: s.matter_name, expires_at: info.expires_at};
    if (info.level) { level = info.level; stored = 0; }
    renderAsking();
    $("ask-service").textContent = t("pad.link_service", {number: s.number, matter: s.matter_name || t("pad.general_matter"),
      window: s.window, name: s.staff ? s.staff.name : ""});
  }

  YC.loadMessages().then(async () => {
    token = await adopted;
    document.title = t("pad.ask");
    $("ask-title").textContent = t("pad.ask");
    $("reasons-title").textContent = t("pad.reasons_title");
    $("phone-label").textContent = t("pad.phone");
    $("phone").placeholder = t("pad.phone_placeholder");
    $("back").textContent = t("pad.back");
    $("back").onclick = () => { if (!busy) renderAsking(); };
    $("skip").textContent = t("pad.skip");
    $("skip").onclick = () => thanks(true);  // the level is already stored: skipping only leaves out the reasons
    $("submit").textContent = t("pad.submit");
    $("submit").onclick = () => submit();
    if (LINK) return startLink();
    refresh();
    YC.live(token, {types: "ticket.finished,ticket.called,window.status,rating.recorded"}, onEvent, (up) => { if (up) refresh(); });
  });
})();
