/* Lobby display board: its state from /api/v1/hall (with today's recent calls from the event log,
 * so a reload keeps them, and the projection's figures for a number taken now), /api/v1/windows
 * and /api/v1/queue (the line's order), then live events from /api/v1/events (EventSource). It
 * survives network drops: it keeps the last state on screen, says so discreetly, reconnects by
 * itself and reads everything again (see resync). Its clock is the server's clock
 * (X-Server-Time), not the TV's. No external resources: this file, board.css and the page are
 * all it needs. ES5 only: lobby TVs run old browsers. */
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

  // A call stays in the big 正在呼叫 area this long while its number is still called (not started,
  // not gone): the announcer says a call within 8 s of the click and says it twice (~14 s), so a
  // resident who looks up at the end of the second reading still finds it there. At most CARDS
  // calls share the area; more are in 最近呼叫 and the window table.
  var togetherSeconds = intParam("together", 30, 1, 300);
  var CARDS = 4;
  var T = YC.useMessages(JSON.parse(document.getElementById("board-messages").textContent));
  var fmt = YC.t, hhmm = YC.hhmm;

  var state = { hall: null, windows: {}, calls: [], line: [], ready: false, connected: false };
  var stream = null, offlineTimer = null, wasDown = false;

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

  // --- re-reads -------------------------------------------------------------------------
  // What the board shows comes from three reads (the hall with today's calls, the windows, the
  // line), made on first load, after every reconnect and now and then, and from the events in
  // between. Two guards keep an old answer from drawing over something newer: only the newest
  // read of a part draws (YC.newest), and every event that arrived while that read was on its way
  // is applied again on top of its answer (the answer may predate the event; events set what they
  // carry, so applying one twice changes nothing).
  var readers = [];
  var drawn = {};

  function reader(part, path, take) {
    var r = { since: null };
    r.read = YC.newest(function () { r.since = []; return api(path); }, function (answer) {
      var later = r.since || [];
      r.since = null;
      take(answer, later);
      drawn[part] = true;
      if (!state.ready && drawn.hall && drawn.windows && drawn.line) {
        state.ready = true;
        document.body.dataset.ready = "1";
        renderAll();
      }
    });
    readers.push(r);
    return r.read;
  }

  function heard(d) {
    readers.forEach(function (r) { if (r.since) r.since.push(d); });
  }

  var readHall = reader("hall", "/hall", function (hall, later) {
    state.hall = hall;
    YC.setTimeZone(hall.timezone);
    later.forEach(applyHall);
    mergeCalls(hall.recent_calls, later);
    if (state.ready) { renderHall(); renderCalls(); }
  });

  var readWindows = reader("windows", "/windows", function (answer, later) {
    state.windows = {};
    answer.windows.forEach(function (w) { state.windows[w.number] = w; });
    later.forEach(applyWindows);
    if (state.ready) { renderWindows(); renderCalls(); }
  });

  // The line's order is the server's (one place states it): the board reads the head of /queue.
  var readLine = reader("line", "/queue", function (q, later) {
    state.line = (q.waiting || []).filter(function (t) {
      return t.target_window === null || t.target_window === undefined || wanted(t.target_window);
    }).slice(0, prepareSize + 10).map(function (t) { return t.number; });
    later.forEach(applyLine);
    if (state.ready) renderPrepare();
  });

  var syncSerial = 0;
  function resync() {
    // Everything the board shows, read again (first load, and after any reconnect: a board that
    // had seen no event resumes its stream from "now", so what changed meanwhile is only in these).
    var serial = ++syncSerial;
    return Promise.all([readHall(), readWindows(), readLine()]).then(function () {
      if (serial === syncSerial) document.body.dataset.synced = String(serial);
    }, function (err) {
      if (err.status === 401 || err.status === 403) {
        fatal(fmt("load_failed", { message: err.message }));
        return;
      }
      setTimeout(function () { if (serial === syncSerial) resync(); }, 3000);
    });
  }

  function soon(timerName, low, spread, fn) {
    // With jitter, so that many boards do not all ask in the same instant.
    if (timers[timerName]) return;
    timers[timerName] = setTimeout(function () { timers[timerName] = null; fn(); }, low + Math.random() * spread);
  }
  var timers = {};

  function scheduleHallRefresh() {
    // The waiting count comes with ticket events; the expected wait of a new number and the
    // closing notice are the server's projection (a replay of the day, ~5 ms at 40 waiting):
    // re-read at most every four to eight seconds, so fifty boards at the busy moment ask a few
    // times a second, not at every event.
    soon("hall", 4000, 4000, function () { readHall()["catch"](function () { /* again on the next event */ }); });
  }

  function scheduleQueueRefresh() {
    soon("line", 800, 700, function () { readLine()["catch"](function () { /* again on the next event */ }); });
  }

  // --- events ---------------------------------------------------------------------------
  function ageMs(at) {
    var t = YC.parseIso(at);
    return isNaN(t) ? 0 : Math.max(0, YC.serverNow() - t);
  }

  function callOf(number, window, recall, at, answered) {
    // seen: the board's own clock at the moment of the call, so that how long it stays in the big
    // area does not depend on later corrections of the server's time. answered: the number was
    // started or has gone since (the resident came, or will not); once true it stays true, so an
    // older answer of the server cannot bring it back into the big area.
    var age = ageMs(at);
    return { number: number, window: window, recall: !!recall, at: at, seen: Date.now() - age,
             stale: age > staleSeconds * 1000, answered: !!answered };
  }

  function sameCall(a, b) {
    return a.number === b.number && a.recall === !!b.recall && YC.parseIso(a.at) === YC.parseIso(b.at);
  }

  function addCall(call) {
    // Ticket numbers are unique for the day: a recall moves the number back to the top.
    state.calls = state.calls.filter(function (c) { return c.number !== call.number; });
    state.calls.unshift(call);
    state.calls.length = Math.min(state.calls.length, historySize);
  }

  function isCall(d) { return (d.type === "ticket.called" || d.type === "ticket.recalled") && d.ticket; }
  function windowOf(d) { return d.window !== null && d.window !== undefined ? d.window : d.ticket.window_number; }

  function mergeCalls(recent, laterEvents) {
    // Today's calls from the server's event log (newest first) are the truth as of the read; the
    // calls heard since the read started are newer and stay on top. A call the board already
    // had keeps its own moment (its highlight does not start again).
    if (!recent) {  // an older server: the windows' current tickets start the list
      if (!state.calls.length) {
        Object.keys(state.windows).forEach(function (n) {
          var w = state.windows[n];
          if (w.current_number && wanted(w.number)) state.calls.push(callOf(w.current_number, w.number, false, null));
        });
      }
      return;
    }
    var newer = {};
    laterEvents.forEach(function (d) { if (isCall(d)) newer[d.ticket.number] = true; });
    var had = state.calls;
    var merged = had.filter(function (c) { return newer[c.number]; });
    recent.forEach(function (r) {
      if (!wanted(r.window) || newer[r.number]) return;
      if (merged.some(function (c) { return c.number === r.number; })) return;
      var known = had.filter(function (c) { return sameCall(c, r); })[0];
      if (known && r.still_called === false) known.answered = true;
      merged.push(known || callOf(r.number, r.window, r.recall, r.at, r.still_called === false));
    });
    state.calls = merged.slice(0, historySize);
  }

  function applyWindows(d) {
    if (d.type === "window.status" && d.window_status) {
      state.windows[d.window_status.number] = d.window_status;
      return;
    }
    var t = d.ticket;
    if (!t) return;
    var w = state.windows[windowOf(d)];
    if (d.type === "ticket.called" || d.type === "ticket.recalled") {
      if (w) { w.current_number = t.number; w.current_state = "called"; }
    } else if (d.type === "ticket.started" || d.type === "ticket.resumed") {
      if (w) { w.current_number = t.number; w.current_state = "serving"; }
    } else if (LEAVES_WINDOW[d.type]) {
      Object.keys(state.windows).forEach(function (n) {
        if (state.windows[n].current_number === t.number) {
          state.windows[n].current_number = null;
          state.windows[n].current_state = null;
        }
      });
    }
  }

  function applyHall(d) {
    if (!state.hall) return;
    if (d.type === "hall.status" && d.hall_status) state.hall.status = d.hall_status;
    // Ticket events carry the line's length: no need to ask the server again for it.
    else if (d.ticket && typeof d.waiting === "number" && state.hall.status) state.hall.status.waiting = d.waiting;
  }

  function applyLine(d) {
    // A number called (or cancelled, or sent elsewhere) is no longer asked to get ready: at once,
    // not when the next read of the line comes back.
    if (d.ticket && d.ticket.state && d.ticket.state !== "waiting") {
      var gone = d.ticket.number;
      state.line = state.line.filter(function (n) { return n !== gone; });
    }
  }

  function onEvent(type, d) {
    // Render only what the event changed: fifty boards on one small box add up.
    heard(d);
    applyWindows(d);
    applyHall(d);
    applyLine(d);
    if (isCall(d)) {
      if (wanted(windowOf(d))) addCall(callOf(d.ticket.number, windowOf(d), d.type === "ticket.recalled", d.at, false));
    } else if (d.ticket) {
      // Started, finished, 过号, sent elsewhere…: that number is no longer waited for.
      state.calls.forEach(function (c) { if (c.number === d.ticket.number) c.answered = true; });
    }
    if (!state.ready) return;
    if (d.ticket) {
      // The call is drawn the moment its event arrives; the rest a moment later, once per burst.
      renderCalls();
      renderPrepare();
      scheduleQueueRefresh();
      scheduleHallRefresh();
      renderLater("hall");
      renderLater("windows");
    } else if (d.type === "window.status") {
      scheduleHallRefresh();  // a window opening or closing moves the expected wait
      renderLater("windows");
      renderCalls();
    } else if (d.type === "hall.status") {
      renderLater("hall");
    }
  }

  // Everything an event changes besides the call (window panel, waiting count) is drawn together
  // a moment later: a call comes with a finish, a start and new tickets around it.
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
    // The toolkit reconnects by itself (with backoff) and resumes from the last event seen, if any.
    stream = YC.live(token, { types: shownType }, onEvent, function (up) {
      setConnected(up);
      if (!up) { wasDown = true; return; }
      if (wasDown) resync();
      wasDown = false;
    });
  }

  // --- rendering ------------------------------------------------------------------------
  function stillCalled(c) { return !c.answered; }  // called, not started, not gone

  function calledTogether(now) {
    // Every call of the last seconds still waited for, newest first: the big area shows them all
    // at once rather than in turn, so a resident glancing up finds their number without waiting
    // for it to come round (three windows calling in the same second is the daily busy moment).
    return state.calls.filter(function (c) {
      return !c.stale && now - c.seen < togetherSeconds * 1000 && stillCalled(c);
    }).slice(0, CARDS);
  }

  function fresh(c, now) { return !c.stale && now - c.seen < highlightSeconds * 1000; }

  var callsTimer = null, renderedCalls = "";
  function renderCalls() {
    var now = Date.now();
    var group = calledTogether(now);
    // A new call stands out (dark on the call colour) for a few seconds, then settles: repaints
    // when something changes, never an animation (a weak TV box, or fifty boards on one machine).
    var shownCalls = group.length ? group : state.calls.slice(0, 1);
    var signature = JSON.stringify([group.length > 1, shownCalls.map(function (c) {
      return [c.number, c.window, c.recall, fresh(c, now)];
    }), state.calls.map(function (c) { return [c.number, c.window, c.recall, c.stale]; })]);
    if (signature !== renderedCalls) {
      renderedCalls = signature;
      drawNowCalling(group, now);
      drawRecentCalls();
    }
    // Redraw when the next highlight ends or the next call leaves the big area.
    var next = Infinity;
    state.calls.forEach(function (c) {
      [c.seen + highlightSeconds * 1000, c.seen + togetherSeconds * 1000].forEach(function (t) {
        if (t > now && t < next) next = t;
      });
    });
    clearTimeout(callsTimer);
    if (next !== Infinity) callsTimer = setTimeout(renderCalls, next - now + 50);
  }

  function drawNowCalling(group, now) {
    var box = document.getElementById("now-calling");
    var tag = document.getElementById("recall-tag");
    box.textContent = "";
    box.className = "now-calling";
    if (group.length > 1) {
      box.classList.add("cards");
      group.forEach(function (c) {
        var card = el("div", "call-card" + (fresh(c, now) ? " flash" : "") + (c.recall ? " recall" : ""));
        card.dataset.number = c.number;
        card.dataset.window = c.window;
        card.appendChild(el("div", "num", c.number));
        var where = el("div", "win", fmt("window_label", { window: c.window }));
        card.appendChild(where);
        if (c.recall) card.appendChild(el("div", "tag", T.recall_tag));
        box.appendChild(card);
      });
      delete box.dataset.number;
      tag.hidden = true;
      return;
    }
    var top = group[0] || state.calls[0];
    if (!top) {
      box.textContent = T.no_calls;
      box.classList.add("idle");
      delete box.dataset.number;
      tag.hidden = true;
      return;
    }
    box.textContent = fmt("call_line", { number: top.number, window: top.window });
    if (top.recall) box.classList.add("recall");
    if (fresh(top, now)) box.classList.add("flash");
    box.dataset.number = top.number;
    tag.hidden = !top.recall;
  }

  function drawRecentCalls() {
    var list = document.getElementById("recent-calls");
    list.textContent = "";
    state.calls.forEach(function (c) {
      var li = el("li", (c.recall ? "recall" : "") + (c.stale ? " stale" : ""));
      li.dataset.number = c.number;
      li.dataset.window = c.window;
      li.appendChild(el("span", "num", c.number));
      // The 再次呼叫 tag sits above the window, inside the entry: it never runs into the next one.
      var where = el("span", "where");
      if (c.recall) where.appendChild(el("span", "tag", T.recall_tag));
      where.appendChild(el("span", "win", fmt("window_label", { window: c.window })));
      li.appendChild(where);
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
    // A number called but not started yet is 呼叫中: the resident is still on the way.
    if (w.state === "serving" && !w.current_number) return "idle";
    if (w.state === "serving" && w.current_state === "called") return "calling";
    return w.state;
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
    var upcoming = state.line.slice(0, prepareSize);
    var signature = upcoming.join(",");
    if (list.dataset.numbers === signature && list.childNodes.length) return;
    list.dataset.numbers = signature;
    list.textContent = "";
    upcoming.forEach(function (number) {
      var li = el("li", "", fmt("prepare_line", { number: number }));
      li.dataset.number = number;
      list.appendChild(li);
    });
    if (!upcoming.length) list.appendChild(el("li", "none", T.prepare_none));
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
    var projection = hall.projection || {};
    var signature = JSON.stringify([hall.name, hall.status, hall.slip_notices, hall.duty_leader, projection.new_ticket,
                                    projection.closing]);
    if (signature === renderedHall) return;
    renderedHall = signature;
    document.getElementById("hall-name").textContent = hall.name;
    renderDutyLeader(hall.duty_leader);
    var st = hall.status || {};
    renderHallState(st, projection, hall.rules || {});
    document.getElementById("waiting-count").textContent =
      st.waiting === undefined ? "--" : fmt("waiting_count", { count: st.waiting });
    renderNewWait(st.state === "open" ? projection.new_ticket : null);
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

  function renderHallState(st, projection, rules) {
    // Open for walk-ins, but a number taken now would get the kiosk's consent prompt (its start
    // with the safety margin falls after the last start before closing, the server's projection on
    // the server's clock): the board says so where it says 正常取号办理中, as the kiosk will.
    var box = document.getElementById("hall-state");
    var newTicket = projection.new_ticket;
    var closing = st.state === "open" && newTicket && newTicket.needs_consent;
    box.textContent = "";
    if (closing) {
      var closes = hhmm(projection.closing) || "--:--";
      box.appendChild(el("span", "notice", fmt(rules.after_cutoff === "refuse" ? "hall_cutoff_refused" : "hall_closing_soon",
                                               { closes: closes })));
      box.appendChild(el("span", "next-open", T.closing_hint));
    } else {
      box.textContent = T["hall_" + st.state] || "";
      if (st.state !== "open" && st.next_open_at) box.appendChild(el("span", "next-open", nextOpenText(st.next_open_at)));
    }
    box.className = "hall-state " + (closing ? "closing" : (st.state || ""));
  }

  function renderNewWait(newTicket) {
    // What a number taken now waits (the same estimate the slip will print): minutes, the time
    // after lunch, or that today may be too late.
    var box = document.getElementById("new-wait");
    if (!newTicket) { box.hidden = true; return; }
    var value = document.getElementById("new-wait-value");
    var minutes = newTicket.expected_wait_minutes;
    var text;
    if (newTicket.needs_consent || minutes === null || minutes === undefined) text = T.new_wait_risky;
    else if (newTicket.after_break) text = fmt("new_wait_after_break", { time: hhmm(newTicket.expected_start) });
    else if (minutes <= 0) text = T.new_wait_none;
    else text = fmt("new_wait_minutes", { minutes: minutes });
    value.textContent = text;
    value.className = newTicket.needs_consent ? "risky" : "";
    box.hidden = false;
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
  // Subscribe first: an event that arrives while the first reads are on their way is applied
  // again on top of their answers, so nothing that happens meanwhile is lost.
  connect();
  resync();
  renderClock();
  setInterval(rotateNotice, 8000);
  // Re-read the hall now and then: the closing notice follows the clock even when nothing happens,
  // and every answer re-reads the server's time (TV clocks drift and are often simply wrong).
  setInterval(function () { readHall()["catch"](function () {}); }, 60000);
})();
