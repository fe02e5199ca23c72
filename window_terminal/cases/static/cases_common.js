// Shared by the case pages: catalog strings, the token, API calls with Chinese errors.
"use strict";
const YCC = (() => {
  let M = {};
  const params = new URLSearchParams(location.search);
  // The token comes from the terminal in this tab's sessionStorage, or once in the URL (?token=),
  // which is then taken out of the address bar at once (history, screenshots, the Referer).
  const token = takeUrlToken() || sessionStorage.getItem("yc-case-token") || "";
  if (token) sessionStorage.setItem("yc-case-token", token);

  function takeUrlToken() {
    const url = new URL(location.href);
    const offered = url.searchParams.get("token");
    if (offered) { url.searchParams.delete("token"); history.replaceState(null, "", url.pathname + url.search + url.hash); }
    return offered;
  }

  async function load() {
    const lang = params.get("lang");
    M = await (await fetch("/cases-ui/messages.json" + (lang ? "?lang=" + lang : ""))).json();
    document.querySelectorAll("[data-t]").forEach((n) => { n.textContent = t(n.dataset.t); });
    document.querySelectorAll("[data-t-placeholder]").forEach((n) => { n.placeholder = t(n.dataset.tPlaceholder); });
  }
  function t(key, vars) {
    const [area, k] = key.includes(".") ? key.split(".") : ["cases", key];
    let text = (M[area] && M[area][k]) || key;
    for (const [name, v] of Object.entries(vars || {})) text = text.split("{" + name + "}").join(v);
    return text;
  }
  async function api(method, path, body) {
    const headers = {"Accept-Language": document.documentElement.lang};
    if (token) headers.Authorization = "Bearer " + token;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const r = await fetch("/api/v1" + path, {method, headers, body: body === undefined ? undefined : JSON.stringify(body)});
    const data = await r.json().catch(() => ({}));
    if (!r.ok) throw new Error((data.error && data.error.message) || ("HTTP " + r.status));
    return data;
  }
  function el(tag, attrs, ...children) {
    const n = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") n.className = v; else if (k.startsWith("on")) n.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) n.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children.flat()) if (c !== null && c !== undefined) n.append(c.nodeType ? c : String(c));
    return n;
  }
  function showError(e) { document.getElementById("error").textContent = e ? e.message : ""; }
  return {load, t, api, el, showError, token};
})();
