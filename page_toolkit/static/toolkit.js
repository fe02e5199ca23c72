/* 一窗 page toolkit: what every page of the hall shares, loaded from /static/toolkit/toolkit.js.
 *
 * One global, YC:
 *   messages   loadMessages(url?, area?, token?), useMessages(obj, area?), useLanguage(language), t(key, fields),
 *              fillText(root?)
 *   API        api(method, path, token, body) -> Promise, ApiError, pageToken(storageKey?), lang(),
 *              newest(load, draw) -> a loader whose older answers never draw
 *   events     live(token, params, onEvent, onState) -> {close()}, eventTypes()
 *   DOM        el(tag, attrs, ...children), showError(e, id?), toaster(okSeconds?, errorSeconds?) -> toast(text, ok?),
 *              keepTogether(text, words?),
 *              dateFields(root?) (date and month inputs in the page's language, with vendor/flatpickr)
 *   time       hhmm(iso), formatTime(date, kind), setTimeZone(tz), timeZone(), parseIso(text),
 *              serverNow(), loadHall(token)
 *
 * Written in ES5 syntax (no arrows, classes, let/const or template strings) so the oldest TV
 * browsers in a hall run it; it still needs fetch, Promise, EventSource and Intl.
 * Every user-facing string comes from the server's message catalog, never from this file.
 */
var YC = (function () {
  "use strict";

  var API = "/api/v1";
  var params = new URLSearchParams(location.search);
  var M = {};
  var defaultArea = "";

  // --- messages -------------------------------------------------------------------------
  // Pages take their strings from a messages.json of their blueprint (areas of the catalog)
  // or from JSON embedded in the page. The language: the page's own as served (Chinese unless
  // its address says ?lang=en), or, once a staff member is signed in, the one stored on their
  // account (me.language): a staff page given a person's token (loadMessages(url, area, token))
  // asks /auth/me first; a page that signs in later calls useLanguage(me.language), and
  // useLanguage(null) at sign-out. Public devices (board, kiosk, pad, phone) never do either.
  var served = (document.documentElement.lang || "zh-CN").toLowerCase().indexOf("en") === 0 ? "en" : "zh-CN";
  var source = { url: "/terminal/messages.json", area: "" };

  function loadMessages(url, area, token) {
    source = { url: url || "/terminal/messages.json", area: area || "" };
    var account = token ? api("GET", "/auth/me", token).then(function (me) { return me.language; }, function () { return null; })
      : Promise.resolve(null);
    return account.then(function (language) {
      if (token) setLanguage(language);
      return fetchMessages();
    });
  }

  function setLanguage(language) {
    var wanted = language ? (language === "en" ? "en" : "zh-CN") : served;
    var changed = wanted !== lang();
    document.documentElement.lang = wanted;
    return changed;
  }

  function fetchMessages() {
    var asked = lang();
    var chosen = asked === served ? params.get("lang") : (asked === "en" ? "en" : "zh_CN");
    var address = source.url + (chosen ? "?lang=" + encodeURIComponent(chosen) : "");
    return fetch(address).then(function (r) { return r.json(); }).then(function (data) {
      if (lang() !== asked) return M;  // the language changed meanwhile: a later answer is coming
      useMessages(data, source.area);
      fillText();
      dateFields();  // their calendars in the language just loaded
      return M;
    });
  }

  // The signed-in person's language (me.language), or null for the page's own: resolves to true
  // when the page's strings changed (the page then draws its labels again).
  // Other scripts of the page hear of it as a "yc:language" event on the document.
  function useLanguage(language) {
    if (!setLanguage(language)) return Promise.resolve(false);
    return fetchMessages().then(function () {
      document.dispatchEvent(new CustomEvent("yc:language", { detail: lang() }));
      return true;
    });
  }

  function useMessages(data, area) {
    M = data || {};
    defaultArea = area || "";
    return M;
  }

  // t("terminal.call", {number: "A001"}): a flat key, "area.key", or a key of the page's area.
  // A {field} without a value stays visible, so a missing field shows rather than vanishes.
  function t(key, fields) {
    var text = typeof M[key] === "string" ? M[key] : null;
    if (text === null) {
      var dot = key.indexOf(".");
      var area = dot >= 0 ? key.slice(0, dot) : defaultArea;
      var k = dot >= 0 ? key.slice(dot + 1) : key;
      text = (M[area] && typeof M[area][k] === "string") ? M[area][k] : key;
    }
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      var v = fields ? fields[name] : undefined;
      return v !== undefined && v !== null ? String(v) : whole;
    });
  }

  // Elements marked data-t="key" get their text from the catalog.
  function fillText(root) {
    var nodes = (root || document).querySelectorAll("[data-t]");
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(nodes[i].getAttribute("data-t"));
    var inputs = (root || document).querySelectorAll("[data-t-placeholder]");
    for (var j = 0; j < inputs.length; j++) inputs[j].placeholder = t(inputs[j].getAttribute("data-t-placeholder"));
  }

  function lang() {
    return (document.documentElement.lang || "zh-CN").toLowerCase().indexOf("en") === 0 ? "en" : "zh-CN";
  }

  // --- API ------------------------------------------------------------------------------
  function ApiError(status, code, message, details) {
    var e = new Error(message);
    this.name = "ApiError";
    this.message = message;
    this.stack = e.stack;
    this.status = status;
    this.code = code;
    this.details = details || {};
  }
  ApiError.prototype = Object.create(Error.prototype);
  ApiError.prototype.constructor = ApiError;

  function networkError() {
    return new ApiError(0, "network", t("toolkit.network_error"));
  }

  function api(method, path, token, body) {
    // The API's messages follow Accept-Language: ask for the page's language, not the browser's.
    var headers = { "Accept-Language": lang() };
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    var sentAt = Date.now();
    return fetch(API + path, {
      method: method, headers: headers, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      syncClock(r, sentAt);
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (!r.ok) {
          var err = data.error || {};
          throw new ApiError(r.status, err.code || "http_" + r.status, err.message || t("toolkit.network_error"),
            err.details);
        }
        return data;
      });
    }, function () { throw networkError(); });
  }

  // Loads overlap: a date picked twice quickly, an action's own refresh beside one per event burst.
  // Their answers may arrive in any order, and an older one drawn last brings back what the person
  // has just left (the previous day's slots under the new date, the number the clerk just finished).
  //   var refresh = YC.newest(function (day) { return api("GET", "/x?date=" + day); }, drawX);
  // refresh(args...) runs load(args...); draw(answer, args...) runs only if no later refresh() started
  // meanwhile. The promise gives draw's result, or undefined when a later call took over; a failed
  // load rejects only while it is the newest (an older call's failure is about nothing on screen).
  function newest(load, draw) {
    var latest = 0;
    return function () {
      var mine = ++latest;
      var args = Array.prototype.slice.call(arguments);
      return Promise.resolve().then(function () { return load.apply(null, args); }).then(function (answer) {
        if (mine === latest) return draw.apply(null, [answer].concat(args));
      }, function (e) {
        if (mine === latest) throw e;
      });
    };
  }

  // ?token= in the address: taken out of the address bar at once (history, screenshots, the
  // Referer) and returned for the caller to keep or check.
  function takeUrlToken() {
    var offered = params.get("token");
    if (offered && window.history && history.replaceState) {
      var rest = new URLSearchParams(location.search);
      rest["delete"]("token");
      var query = rest.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
    return offered || "";
  }

  // A device or person token given once in the address (?token=…). With a storage key it is
  // kept for the browser tab and taken off the address bar, so reloading still works; without
  // one (a TV board whose address is its set-up) it stays in the address.
  function pageToken(storageKey) {
    if (!storageKey) return params.get("token") || "";
    var fromUrl = takeUrlToken();
    if (fromUrl) sessionStorage.setItem(storageKey, fromUrl);
    return fromUrl || sessionStorage.getItem(storageKey) || "";
  }

  // A device page set up once with ?token=…: the token is kept in localStorage under `key` only
  // if the server says it is one this page may hold (accept({role, window}) -> true); a link
  // planted with someone else's token is dropped. Resolves to the token to use (new or kept).
  function adoptToken(key, accept) {
    var offered = takeUrlToken();
    var kept = function () { return localStorage.getItem(key); };
    if (!offered) return Promise.resolve(kept());
    return api("GET", "/auth/me", offered).then(function (me) {
      if (accept(me)) localStorage.setItem(key, offered);
      return kept();
    }, function () { return kept(); });  // unknown or expired: ignored, the stored one stays
  }

  // --- events ---------------------------------------------------------------------------
  // EventSource needs each event name to listen to: the names are the server's (its OpenAPI
  // document lists them), asked once per page.
  var typesPromise = null;
  function eventTypes() {
    if (!typesPromise) {
      typesPromise = fetch(API + "/openapi.json").then(function (r) {
        if (!r.ok) throw networkError();
        return r.json();
      }).then(function (doc) {
        return doc.components.schemas.EventType["enum"];
      });
      typesPromise["catch"](function () { typesPromise = null; });  // ask again next time
    }
    return typesPromise;
  }

  // live(token, {window: 3, types: "a,b"}, onEvent(type, data, id), onState(connected)).
  // EventSource reconnects by itself and resends Last-Event-ID; when the browser gives up (an
  // HTTP error such as a proxy's 502) a new stream is opened here with backoff, from the last
  // event seen, so nothing is missed either way. EventSource cannot send a header, and the page's
  // token must not sit in a URL (proxies log them): each stream is opened with a link of its own
  // that lasts 5 minutes (POST /events/link); once it has expired, a reconnect is refused and the
  // next open asks for a new one.
  function live(token, options, onEvent, onState) {
    var query = {};
    var key;
    for (key in (options || {})) if (options[key] !== undefined && options[key] !== null) query[key] = options[key];
    var es = null, timer = null, failures = 0, lastId = null, closed = false;

    function state(up) { if (onState) onState(up); }

    function open(types) {
      if (closed) return;
      if (!token) return connect(types, "");
      api("POST", "/events/link", token).then(function (r) { connect(types, r.link); }, function () {
        state(false);
        failures += 1;
        retry(types);
      });
    }

    function connect(types, link) {
      if (closed) return;
      var q = new URLSearchParams(query);
      if (link) q.set("link", link);
      if (lastId !== null) q.set("last_event_id", lastId);
      es = new EventSource(API + "/events?" + q.toString());
      types.forEach(function (type) {
        es.addEventListener(type, function (e) {
          if (e.lastEventId) lastId = e.lastEventId;
          var data;
          try { data = JSON.parse(e.data); } catch (err) { return; }
          onEvent(type, data, e.lastEventId);
        });
      });
      es.onopen = function () { failures = 0; state(true); };
      es.onerror = function () {
        state(false);
        failures += 1;
        if (es.readyState === EventSource.CLOSED) retry(types);
      };
    }

    function retry(types) {
      if (es) es.close();
      clearTimeout(timer);
      timer = setTimeout(function () { open(types); }, Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5))));
    }

    // options.types: "a,b" (sent to the server as a filter), or a function choosing among the
    // server's types (public devices ask only for what they show), or nothing for every type.
    var pick = typeof query.types === "function" ? query.types : null;
    if (pick) delete query.types;

    function start() {
      var wanted = query.types ? Promise.resolve(String(query.types).split(","))
        : eventTypes().then(function (all) {
          if (!pick) return all;
          var chosen = all.filter(pick);
          query.types = chosen.join(",");
          return chosen;
        });
      wanted.then(open, function () {
        state(false);
        failures += 1;
        clearTimeout(timer);
        timer = setTimeout(start, Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5))));
      });
    }

    start();
    return {
      close: function () { closed = true; clearTimeout(timer); if (es) es.close(); },
      lastEventId: function () { return lastId; }
    };
  }

  // --- DOM ------------------------------------------------------------------------------
  // el("button", {class: "x", onclick: f, disabled: true}, "text", [child, …]).
  function el(tag, attrs) {
    var node = document.createElement(tag);
    var a = attrs || {};
    for (var k in a) {
      if (!Object.prototype.hasOwnProperty.call(a, k)) continue;
      var v = a[k];
      if (k === "class") node.className = v;
      else if (k.indexOf("on") === 0 && typeof v === "function") node.addEventListener(k.slice(2), v);
      else if (k === "checked") node.checked = !!v;  // properties: an attribute is only the default
      else if (k === "value") node.value = v === null || v === undefined ? "" : v;
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    append(node, Array.prototype.slice.call(arguments, 2));
    if (tag === "input" && (a.type === "date" || a.type === "month")) dateField(node);
    return node;
  }

  // --- date and month fields -------------------------------------------------------------
  // A native <input type=date|month> is drawn in the browser's language ("mm/dd/yyyy", "November
  // 2026" in an English Chromium), whatever the page's. Each becomes a text field holding the ISO
  // value the code and the API read (2026-11-01, 2026-11) with flatpickr's calendar in the page's
  // language. A page with such fields loads vendor/flatpickr (script, CSS, zh locale, monthSelect)
  // before this file; without it the native field stays.
  function dateField(input) {
    var fp = window.flatpickr;
    if (!fp) return;
    var kind = input.getAttribute("data-yc-date") || (input.type === "month" ? "month" : "date");
    if (input._flatpickr) input._flatpickr.destroy();
    input.setAttribute("data-yc-date", kind);
    input.type = "text";
    input.setAttribute("inputmode", "numeric");
    input.setAttribute("autocomplete", "off");
    var format = kind === "month" ? "Y-m" : "Y-m-d";
    var hint = t(kind === "month" ? "toolkit.month_hint" : "toolkit.date_hint");
    if (hint.indexOf("toolkit.") !== 0) input.placeholder = hint;
    fp(input, {
      locale: weekFromMonday(lang() === "en" ? fp.l10ns["default"] : (fp.l10ns.zh || fp.l10ns["default"])),
      dateFormat: format,
      allowInput: true,  // typed as 2026-11-01, as before
      disableMobile: true,  // a phone's own picker is in the phone's language again
      minDate: input.getAttribute("min") || null,
      maxDate: input.getAttribute("max") || null,
      plugins: kind === "month" && window.monthSelectPlugin ? [new window.monthSelectPlugin({dateFormat: format, shorthand: true})] : [],
      now: new Date(serverNow()),  // "today" by the server's clock, as the rest of the page
      // The code sets .value directly (today, a month from the address): the calendar opens there.
      onOpen: function (dates, text, picker) {
        var shown = dates.length ? picker.formatDate(dates[0], format) : "";
        if (input.value && input.value !== shown) picker.setDate(input.value, false, format);
      }
    });
  }

  // The hall's week starts on Monday (周一), as its duty roster does.
  function weekFromMonday(locale) {
    var out = {};
    for (var k in locale) if (Object.prototype.hasOwnProperty.call(locale, k)) out[k] = locale[k];
    out.firstDayOfWeek = 1;
    return out;
  }

  function dateFields(root) {
    var nodes = (root || document).querySelectorAll("input[type=date], input[type=month], input[data-yc-date]");
    for (var i = 0; i < nodes.length; i++) dateField(nodes[i]);
  }

  function append(node, children) {
    for (var i = 0; i < children.length; i++) {
      var c = children[i];
      if (c === null || c === undefined) continue;
      if (Array.isArray(c)) append(node, c);
      else node.appendChild(c.nodeType ? c : document.createTextNode(String(c)));
    }
  }

  // Text whose short tokens must never break across two lines ("A岗", "BZY001", "3号窗", "10:00",
  // "510分钟")
  // nor the given words (names): each becomes a <span class="nw"> (white-space: nowrap in the
  // page's CSS); the text between may still wrap. A browser breaks freely between a Latin letter
  // or digit and a Chinese character, so "A岗" split into "A / 岗" on a narrow card.
  var TOKEN = "[A-Za-z0-9][A-Za-z0-9:.\\-]*(?:号窗口|号窗|号|岗|分钟|小时|个工作日|人|次)?";
  function keepTogether(text, words) {
    var chosen = (words || []).filter(function (w) { return w; }).map(String);
    chosen.sort(function (a, b) { return b.length - a.length; });
    var escaped = chosen.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    var re = new RegExp(escaped.concat([TOKEN]).join("|"), "g");
    var out = [], last = 0, m;
    text = String(text);
    while ((m = re.exec(text)) !== null) {
      if (m.index > last) out.push(document.createTextNode(text.slice(last, m.index)));
      out.push(el("span", {"class": "nw"}, m[0]));
      last = m.index + m[0].length;
    }
    if (last < text.length) out.push(document.createTextNode(text.slice(last)));
    return out;
  }

  // The page's error line (#error unless another id is given); showError() clears it.
  function showError(e, id) {
    var box = document.getElementById(id || "error");
    if (box) box.textContent = e ? (e.message || String(e)) : "";
  }

  // The page's message line (#toast): toaster(okSeconds, errorSeconds) gives the page its
  // toast(text, ok), which shows text (ok: a confirmation, styled .ok; else an error) and hides it
  // again after that many seconds; without them it stays until the next toast (toast("") clears).
  function toaster(okSeconds, errorSeconds) {
    var timer = null;
    return function toast(text, ok) {
      var box = document.getElementById("toast");
      var seconds = ok ? okSeconds : errorSeconds;
      box.textContent = text; box.className = ok ? "ok" : ""; box.hidden = !text;
      clearTimeout(timer);
      if (text && seconds) timer = setTimeout(function () { box.hidden = true; }, seconds * 1000);
    };
  }

  // --- time: the hall's zone and the server's clock ---------------------------------------
  // Times are shown in the hall's time zone (from /api/v1/hall), whatever the device's zone;
  // the pilot hall's zone until the hall has said which.
  var zone = "Asia/Shanghai";
  var formatters = {};
  var offsetMs = 0;

  function setTimeZone(tz) { if (tz) zone = tz; }
  function timeZone() { return zone; }

  function parseIso(text) {
    if (!text) return NaN;
    // Python's isoformat may carry microseconds; Date.parse wants at most milliseconds.
    return Date.parse(String(text).replace(/(\.\d{3})\d+/, "$1"));
  }

  // Formatters are costly to build: one per kind and zone, reused (boards redraw all day).
  function formatTime(date, kind) {
    kind = kind || "time";
    var key = kind + "|" + zone + "|" + lang();
    if (!formatters[key]) {
      var options = kind === "time" ? { hour: "2-digit", minute: "2-digit", hour12: false }
        : kind === "seconds" ? { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false }
        : kind === "day" ? { month: "long", day: "numeric" }
        : kind === "weekday" ? { weekday: "long" }
        : { year: "numeric", month: "long", day: "numeric", weekday: "long" };
      options.timeZone = zone;
      formatters[key] = new Intl.DateTimeFormat(lang() === "en" ? "en-US" : "zh-CN", options);
    }
    return formatters[key].format(date);
  }

  function hhmm(iso) {
    if (!iso) return "";
    var ms = parseIso(iso);
    return isNaN(ms) ? "" : formatTime(new Date(ms), "time");
  }

  // The server's clock (X-Server-Time on every answer), not the device's: TV clocks drift.
  function syncClock(response, sentAt) {
    var server = parseIso(response.headers.get("X-Server-Time"));
    if (isNaN(server)) return;
    var now = Date.now();
    if (now - sentAt > 2000) return;  // a slow answer says little about the time
    offsetMs = server - (sentAt + now) / 2;
  }

  function serverNow() { return Date.now() + offsetMs; }

  // The hall (name, state, hours); also sets the zone the times are shown in.
  function loadHall(token) {
    return api("GET", "/hall", token).then(function (hall) {
      setTimeZone(hall.timezone);
      return hall;
    });
  }

  return {
    loadMessages: loadMessages, useMessages: useMessages, useLanguage: useLanguage, t: t, fillText: fillText, lang: lang,
    api: api, ApiError: ApiError, pageToken: pageToken, takeUrlToken: takeUrlToken, adoptToken: adoptToken,
    params: params, newest: newest,
    live: live, eventTypes: eventTypes, el: el, showError: showError, toaster: toaster, keepTogether: keepTogether,
    dateFields: dateFields,
    hhmm: hhmm, formatTime: formatTime, setTimeZone: setTimeZone, timeZone: timeZone, parseIso: parseIso,
    serverNow: serverNow, loadHall: loadHall
  };
})();
