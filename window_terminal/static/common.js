// Shared by the terminal, the supervisor view and the pad: messages, API calls, live events.
"use strict";
const YC = (() => {
  let M = {};
  const API = "/api/v1";

  async function loadMessages() {
    const lang = new URLSearchParams(location.search).get("lang");
    const r = await fetch("/terminal/messages.json" + (lang ? "?lang=" + lang : ""));
    M = await r.json();
    return M;
  }

  // t("terminal.call") with {name} fields filled from params.
  function t(key, params) {
    const [area, k] = key.split(".");
    let text = (M[area] && M[area][k]) || key;
    for (const [name, value] of Object.entries(params || {})) text = text.split("{" + name + "}").join(value);
    return text;
  }

  class ApiError extends Error {
    constructor(status, code, message, details) { super(message); this.status = status; this.code = code; this.details = details; }
  }

  async function api(method, path, token, body) {
    const headers = {"Accept-Language": document.documentElement.lang || "zh-CN"};
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let r;
    try {
      r = await fetch(API + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (e) {
      throw new ApiError(0, "network", t("terminal.network_error"));
    }
    const data = await r.json().catch(() => ({}));
    if (!r.ok) {
      const err = data.error || {};
      throw new ApiError(r.status, err.code || "http_" + r.status, err.message || t("terminal.network_error"), err.details);
    }
    return data;
  }

  // EventSource reconnects by itself and resends Last-Event-ID; onChange runs for every event.
  function live(token, params, onEvent, onState) {
    const q = new URLSearchParams(Object.assign({token}, params || {}));
    const es = new EventSource(API + "/events?" + q.toString());
    const types = ["ticket.issued", "ticket.called", "ticket.recalled", "ticket.started", "ticket.finished",
      "ticket.no_show", "ticket.held", "ticket.resumed", "ticket.transferred", "ticket.cancelled",
      "window.status", "hall.status", "rating.recorded", "follow_up.changed", "rating.appeal"];
    for (const type of types) es.addEventListener(type, (e) => onEvent(type, JSON.parse(e.data)));
    es.onopen = () => onState && onState(true);
    es.onerror = () => onState && onState(false);
    return es;
  }

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c.nodeType ? c : String(c));
    return node;
  }

  function hhmm(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return d.toLocaleTimeString("zh-CN", {hour: "2-digit", minute: "2-digit", hour12: false, timeZone: "Asia/Shanghai"});
  }

  return {loadMessages, t, api, live, el, hhmm, ApiError};
})();
