/* Lobby display board: initial state from /api/v1/hall (with today's recent calls from the event
 * log, so a reload keeps them), /api/v1/windows and /api/v1/queue (the line's order), then live
 * events from /api/v1/events (EventSource). It survives network drops: it keeps the last
 * state on screen, says so discreetly, reconnects by itself and catches up from the last
 * event it saw (Last-Event-ID). Its clock is the server's clock (X-Server-Time), not the TV's.
 * No external resources: this file, board.css and the page are all it needs. */
(function () {
  "use strict";

  // Of the server's event types, a public board hears only the line's and the windows'.
  function shownType(type) { return type.indexOf("ticket.") === 0 || type === "window.status" || type === "hall.status"; }
  // Events after which a window no longer has that ticket in front of it.
  var LEAVES_WINDOW = { "ticket.finished": 1, "ticket.no_show": 1, "ticket.held": 1,
    "ticket.transferred": 1, "ticket.cancelled": 1 };

  var params = new URLSearchParams(location.search);
  var token = YC.pageToken();
  var shown = (params.get("windows") || "").split(",").map(function (s) { return parseInt(s, 10); })
    .filter(function (n) { return !isNaN(n); });
  var historySize = intParam("history", 8, 1, 30);
  var prepareSize = intParam("prepare", 3, 1, 5);
  var highlightSeconds = intParam("highlight", 8, 1, 300);
  var staleSeconds = intParam("stale", 60, 1, 86400);
  var T = YC.useMessages(JSON.parse(document.getElementById("board-messages").textContent));
  var fmt = YC.t, hhmm = YC.hhmm;

  var state = {
    hall: null, windows: {}, calls: [], upcoming: [], ready: false, buffer: [], connected: false
  };
  var stream = null, flashTimer = null, offlineTimer = null, hallRefreshTimer = null, wasDown = false;
  var queueRefreshTimer = null;

  function intParam(name, dflt, lo, hi) {
    var v = parseInt(params.get(name), 10);
    return isNaN(v) ? dflt : Math.max(lo, Math.min(hi, v));
  }

  // el("li", "recall", text): the toolkit's element builder with just a class.
  function el(tag, cls, text) { return YC.el(tag, cls ? { "class": cls } : {}, text); }

  function wanted(window) {
    return !shown.length || window === null || window === undefined || shown.indexOf(window) >= 0;
  }

  function setText(id, text) {
    // Writing the same text still replaces the node and costs a layout: skip it (TVs are slow).
    var el = document.getElementById(id);
    if (el.textContent !== text) el.textContent = text;
  }

  // Hours and minutes are what a resident needs; a seconds display would repaint the
  // screen every second all day long (a weak TV box, or fifty boards on one machine).
  var clockTimer = null;
  function renderClock() {
    var now = YC.serverNow();
    try {
      setText("clock-time", YC.formatTime(new Date(now), "time"));
      setText("clock-date", YC.formatTime(new Date(now), "date"));
    } catch (e) { /* an unknown time zone must not stop the board */ }
    clearTimeout(clockTimer);
    clockTimer = setTimeout(renderClock, 60000 - now % 60000 + 20);  // just after the next minute
  }

  // --- API ------------------------------------------------------------------------------
  // The toolkit's call keeps the board's clock on the server's (X-Server-Time).
  function api(path) { return YC.api("GET", path, token); }

  function fatal(text) {
    if (stream) stream.close();  // a refused token will not start working by itself: stop knocking
    var f = document.getElementById("fatal");
    f.textContent = text;
    f.hidden = false;
  }

  // Re-reads overlap (a scheduled one and one after a reconnect, on a slow line): only the newest
  // answer draws, or an older one arriving last would show the hall as it was a moment before.
  var refreshHall = YC.newest(function () { return api("/hall"); }, function (hall) {
    state.hall = hall;
    YC.setTimeZone(hall.timezone);
    renderHall();
  });

  function scheduleHallRefresh() {
    // For events without a waiting count: re-read it, at most every two seconds or so,
    // with some jitter so that many boards do not all ask in the same instant.
    if (hallRefreshTimer) return;
    hallRefreshTimer = setTimeout(function () {
      hallRefreshTimer = null;
      refreshHall().catch(function () { /* shown again on the next event or reconnect */ });
    }, 2000 + Math.random() * 1000);
  }

  // The line's order is the server's (one place states it): the board reads the head of
  // /queue after ticket events, at most every second and a half or so, with jitter so that
  // many boards do not all ask in the same instant. On a slow line a read may still be on its way
  // when the next starts: only the newest draws, or numbers already called would come back.
  var askQueue = YC.newest(function () { return api("/queue"); }, function (q) {
    state.upcoming = (q.waiting || []).filter(function (t) {
      return t.target_window === null || t.target_window === undefined || wanted(t.target_window);
    }).slice(0, prepareSize).map(function (t) { return t.number; });
    renderPrepare();
  });

  function refreshQueue() {
    return askQueue()["catch"](function () { /* kept as it was: shown again after the next event */ });
  }

  function scheduleQueueRefresh() {
    if (queueRefreshTimer) return;
    queueRefreshTimer = setTimeout(function () {
      queueRefreshTimer = null;
      refreshQueue();
    }, 800 + Math.random() * 700);
  }

  function seedCalls(hall, windows) {
    // Today's calls come from the server's event log (newest first): a reloaded board shows
    // what it showed before. Without that field, the windows' current tickets start the list.
    var recent = hall.recent_calls;
    if (!recent) {
      recent = windows.filter(function (w) { return w.current_number; })
        .map(function (w) { return { number: w.current_number, window: w.number, recall: false, at: null }; });
    }
    recent.slice().reverse().forEach(function (c) {
      if (wanted(c.window)) addCall({ number: c.number, window: c.window, recall: !!c.recall, at: c.at }, false);
    });
  }

  function loadInitial() {
    return Promise.all([api("/hall"), api("/windows"), refreshQueue()]).then(function (r) {
      state.hall = r[0];
      YC.setTimeZone(r[0].timezone);
      r[1].windows.forEach(function (w) { state.windows[w.number] = w; });
      seedCalls(r[0], r[1].windows);
      state.ready = true;
      document.body.dataset.ready = "1";
      var buffered = state.buffer;
      state.buffer = [];
      buffered.forEach(function (d) { apply(d, true); });
      renderAll();
    }).catch(function (err) {
      if (err.status === 401 || err.status === 403) {
        fatal(fmt("load_failed", { message: err.message }));
        return;
      }
      setConnected(false);
      setTimeout(loadInitial, 3000);
    });
  }

  // --- events ---------------------------------------------------------------------------
  function onEvent(type, data) {
    if (!state.ready) { state.buffer.push(data); return; }
    apply(data, false);
  }

  function isFresh(at) {
    var t = YC.parseIso(at);
    return !isNaN(t) && YC.serverNow() - t <= staleSeconds * 1000;
  }

  function addCall(call, announce) {
    // Ticket numbers are unique for the day: a recall moves the number back to the top.
    state.calls = state.calls.filter(function (c) { return c.number !== call.number; });
    state.calls.unshift(call);
    state.calls.length = Math.min(state.calls.length, historySize);
    if (announce) flash();
  }

  // The call line is drawn the moment its event arrives; everything else an event changes
  // (window panel, waiting count) is drawn together a moment later. A call comes with a
  // finish, a start and new tickets around it: one repaint for all of them, not one each.
  var laterParts = {}, laterTimer = null;
  function renderLater(part) {
    laterParts[part] = true;
    if (!laterTimer) laterTimer = setTimeout(renderPending, 250);
  }

  function renderPending() {
    laterTimer = null;
    var parts = laterParts;
    laterParts = {};
    if (parts.hall) renderHall();
    if (parts.windows) renderWindows();
  }

  function apply(d, quiet) {
    // Render only what the event changed: fifty boards on one small box add up.
    var t = d.ticket;
    if (d.type === "window.status" && d.window_status) {
      state.windows[d.window_status.number] = d.window_status;
      if (!quiet) renderLater("windows");
      return;
    }
    if (d.type === "hall.status" && d.hall_status) {
      if (state.hall) state.hall.status = d.hall_status;
      if (!quiet) renderLater("hall");
      return;
    }
    if (!t) return;
    if (!quiet) scheduleQueueRefresh();
    if (typeof d.waiting === "number" && state.hall && state.hall.status) {
      // Ticket events carry the line's length: no need to ask the server again.
      state.hall.status.waiting = d.waiting;
      if (!quiet) renderLater("hall");
    } else if (!quiet) {
      scheduleHallRefresh();
    }
    var win = d.window !== null && d.window !== undefined ? d.window : t.window_number;
    var w = state.windows[win];
    if (d.type === "ticket.called" || d.type === "ticket.recalled") {
      if (w) w.current_number = t.number;
      if (wanted(win)) {
        var fresh = isFresh(d.at);
        addCall({ number: t.number, window: win, recall: d.type === "ticket.recalled", at: d.at,
                  stale: !fresh }, false);
        if (!quiet) {
          renderCalls();
          if (fresh) flash();
        }
      }
    } else if (d.type === "ticket.started" || d.type === "ticket.resumed") {
      if (w) w.current_number = t.number;
    } else if (LEAVES_WINDOW[d.type]) {
      Object.keys(state.windows).forEach(function (n) {
        if (state.windows[n].current_number === t.number) state.windows[n].current_number = null;
      });
    }
    if (!quiet) renderLater("windows");
  }

  // --- connection -----------------------------------------------------------------------
  function setConnected(ok) {
    state.connected = ok;
    document.body.dataset.connected = ok ? "1" : "0";
    var notice = document.getElementById("connection");
    if (ok) {
      clearTimeout(offlineTimer);
      offlineTimer = null;
      notice.hidden = true;
    } else if (!offlineTimer && notice.hidden) {
      // A blip shorter than a second is not worth telling the hall about.
      offlineTimer = setTimeout(function () { offlineTimer = null; if (!state.connected) notice.hidden = false; }, 1000);
    }
  }

  function connect() {
    // The toolkit reconnects by itself (with backoff) and resumes from the last event seen.
    stream = YC.live(token, { types: shownType }, onEvent, function (up) {
      setConnected(up);
      if (!up) { wasDown = true; return; }
      if (wasDown && state.ready) {
        refreshHall().catch(function () {});
        refreshQueue();
      }
      wasDown = false;
    });
  }

  // --- rendering ------------------------------------------------------------------------
  function flash() {
    // A new call stands out for a few seconds, then settles: two repaints, not an animation.
    var now = document.getElementById("now-calling");
    now.classList.add("flash");
    clearTimeout(flashTimer);
    flashTimer = setTimeout(function () { now.classList.remove("flash"); }, highlightSeconds * 1000);
  }

  function renderCalls() {
    var now = document.getElementById("now-calling");
    var tag = document.getElementById("recall-tag");
    var top = state.calls[0];
    if (top) {
      now.textContent = fmt("call_line", { number: top.number, window: top.window });
      now.classList.remove("idle");
      now.classList.toggle("recall", !!top.recall);
      now.dataset.number = top.number;
      tag.hidden = !top.recall;
    } else {
      now.textContent = T.no_calls;
      now.classList.add("idle");
      tag.hidden = true;
    }
    var list = document.getElementById("recent-calls");
    list.textContent = "";
    state.calls.forEach(function (c) {
      var li = el("li", (c.recall ? "recall" : "") + (c.stale ? " stale" : ""));
      li.dataset.number = c.number;
      li.dataset.window = c.window;
      li.appendChild(el("span", "num", c.number));
      li.appendChild(el("span", "win", fmt("window_label", { window: c.window })));
      if (c.recall) li.appendChild(el("span", "tag", T.recall_tag));
      list.appendChild(li);
    });
  }

  var renderedWindows = "";
  function renderWindows() {
    // Most ticket events change no window: rebuild only when something shown has changed.
    var signature = JSON.stringify(state.windows);
    if (signature === renderedWindows) return;
    renderedWindows = signature;
    var list = document.getElementById("window-list");
    list.textContent = "";
    var numbers = Object.keys(state.windows).map(Number).filter(wanted).sort(function (a, b) { return a - b; });
    // Up to four windows get the full size; more share the table's height.
    document.body.style.setProperty("--win-scale", String(Math.min(1, 4 / Math.max(numbers.length, 1))));
    numbers.forEach(function (n) { list.appendChild(windowRow(n, state.windows[n])); });
  }

  function windowState(w) {
    // An open, staffed window with nobody in front of it is free: residents should go there.
    return w.state === "serving" && !w.current_number ? "idle" : w.state;
  }

  function windowRow(n, w) {
    var shownState = windowState(w);
    var row = el("tr", "window state-" + shownState);
    row.dataset.window = n;
    row.title = w.name || "";
    var numberCell = el("td", "col-window");
    numberCell.appendChild(el("span", "win-no", String(n)));
    numberCell.appendChild(el("span", "win-unit", fmt("window_label", { window: "" }).trim()));
    row.appendChild(numberCell);
    var current = el("td", "col-current");
    current.appendChild(el("div", "current", w.current_number || ""));
    row.appendChild(current);
    var stateCell = el("td", "col-state");
    var stateBox = el("div", "state", T["state_" + shownState] || shownState);
    if (w.state === "paused" && w.pause_reason) stateBox.appendChild(el("span", "reason", "（" + w.pause_reason + "）"));
    stateCell.appendChild(stateBox);
    row.appendChild(stateCell);
    var staffCell = el("td", "col-staff");
    var inner = el("div", "staff-cell");
    var s = w.staff, photo;
    if (s && s.photo_url) {
      photo = el("img", "photo");
      photo.src = s.photo_url;
      photo.alt = s.name;
    } else {
      photo = el("div", "photo", s ? s.name.charAt(0) : "—");
    }
    inner.appendChild(photo);
    var staff = el("div", "staff");
    staff.appendChild(el("div", "staff-name", s ? s.name : T.no_staff));
    if (s) {
      staff.appendChild(el("div", "staff-meta", [fmt("staff_no", { staff_no: s.staff_no }), T["post_" + s.post] || ""]
        .filter(Boolean).join(" · ")));
    }
    inner.appendChild(staff);
    staffCell.appendChild(inner);
    row.appendChild(staffCell);
    return row;
  }

  function renderPrepare() {
    var list = document.getElementById("prepare-list");
    var signature = state.upcoming.join(",");
    if (list.dataset.numbers === signature && list.childNodes.length) return;
    list.dataset.numbers = signature;
    list.textContent = "";
    state.upcoming.forEach(function (number) {
      var li = el("li", "", fmt("prepare_line", { number: number }));
      li.dataset.number = number;
      list.appendChild(li);
    });
    if (!state.upcoming.length) list.appendChild(el("li", "none", T.prepare_none));
  }

  function nextOpenText(iso) {
    var at = new Date(YC.parseIso(iso));
    return fmt("next_open", { date: YC.formatTime(at, "day"), weekday: YC.formatTime(at, "weekday"),
                              time: YC.formatTime(at, "time") });
  }

  function renderDutyLeader(leader) {
    var box = document.getElementById("duty-leader");
    if (!leader || !leader.name) { box.hidden = true; return; }
    box.textContent = fmt(leader.title ? "duty_leader" : "duty_leader_no_title", leader);
    box.hidden = false;
  }

  function periodLabel(p) {
    var kindLabel = T["period_" + p.kind];
    var name = p.name && p.name !== p.kind ? p.name : (kindLabel || p.kind);
    return name;
  }

  // One line, broken only between its parts ("1号窗口" never splits across lines).
  function dutyDayLine(duty) {
    var text = fmt("duty_day_line", {
      name: duty.name || T.period_holiday,
      hours: duty.hours.map(function (h) { return h.replace("-", "–"); }).join("、"),
      windows: duty.windows.join("、")
    });
    var parts = text.split(" · ");
    if (duty.appointment_only) parts.push(T.appointment_only);
    var line = el("span", "period duty");
    parts.forEach(function (part, i) {
      if (i) line.appendChild(document.createTextNode(" · "));
      line.appendChild(el("span", "part", part));
    });
    return line;
  }

  var renderedHall = "";
  function renderHall() {
    var hall = state.hall;
    if (!hall) return;
    var signature = JSON.stringify([hall.name, hall.status, hall.slip_notices, hall.duty_leader]);
    if (signature === renderedHall) return;
    renderedHall = signature;
    document.getElementById("hall-name").textContent = hall.name;
    renderDutyLeader(hall.duty_leader);
    var st = hall.status || {};
    var stateBox = document.getElementById("hall-state");
    stateBox.textContent = T["hall_" + st.state] || "";
    if (st.state !== "open" && st.next_open_at) stateBox.appendChild(el("span", "next-open", nextOpenText(st.next_open_at)));
    stateBox.className = "hall-state " + (st.state || "");
    document.getElementById("waiting-count").textContent =
      st.waiting === undefined ? "--" : fmt("waiting_count", { count: st.waiting });
    var periods = (st.today && st.today.periods) || [];
    var parts = periods.map(function (p) {
      var s = hhmm(p.start) + "–" + hhmm(p.end);
      if (p.kind !== "regular") {
        s = periodLabel(p) + " " + s + "（" + fmt("period_windows", { windows: p.windows.join("、") }) +
          (p.appointment_only ? "，" + T.appointment_only : "") + "）";
      }
      return s;
    });
    // The regular periods share one line; each special slot (错时, 延时…) gets its own. Today's
    // 节假日受理 (a duty day from the calendar or the hall file's holiday slot) is one line of its own,
    // first: "今日节假日受理 09:00–11:30 · 1号窗口 · 仅接待预约".
    var duty = st.today && st.today.duty_day;
    var lines = [], regular = [];
    periods.forEach(function (p, i) {
      if (duty && p.kind === "holiday") return;
      (p.kind === "regular" ? regular : lines).push(parts[i]);
    });
    if (regular.length) lines.unshift(regular.join("  "));
    var hours = document.getElementById("hours");
    hours.textContent = "";
    if (duty) hours.appendChild(dutyDayLine(duty));
    if (!duty && !lines.length) lines.push(T.no_hours_today);
    lines.forEach(function (text) { hours.appendChild(el("span", "period", text)); });
    state.notices = (hall.slip_notices || []).concat([T.ticker_privacy]);
    if (!document.getElementById("ticker").textContent) rotateNotice();
  }

  // The notice line shows one notice at a time, changing every few seconds (no scrolling and
  // no fade: either would repaint every frame).
  var noticeIndex = -1;
  function rotateNotice() {
    var notices = state.notices || [];
    var box = document.getElementById("ticker");
    if (!notices.length || (notices.length < 2 && box.textContent)) return;  // nothing to rotate
    noticeIndex = (noticeIndex + 1) % notices.length;
    box.textContent = notices[noticeIndex];
  }

  function renderAll() { renderHall(); renderCalls(); renderWindows(); renderPrepare(); renderClock(); }

  // --- start ----------------------------------------------------------------------------
  if (!token) { fatal(T.missing_token); return; }
  // Subscribe first and buffer: nothing that happens while the snapshot loads is lost.
  connect();
  loadInitial();
  renderClock();
  setInterval(rotateNotice, 8000);
  // Re-read the server's time now and then: TV clocks drift and are often simply wrong.
  setInterval(function () { api("/health").catch(function () {}); }, 60000);
})();
