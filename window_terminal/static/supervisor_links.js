// On the supervisor page: links to the supervisor's other pages, and the loud calendar warning
// (kept apart from supervisor.js so the two change independently).
"use strict";
(() => {
  const {t, api, el} = YC;
  const KEY = "yc.supervisor.token";
  let links = null, shownFor = null;

  // Every page a supervisor works on, one tap from the overview (统计, 带班表 and 办件督办 were
  // reachable only by typing their address).
  const PAGES = [["/supervisor/projection", "projection_link"], ["/supervisor/calendar", "calendar_link"],
    ["/supervisor/stats", "stats_link"], ["/supervisor/duty", "duty_link"], ["/cases-ui/dashboard", "cases_link"],
    ["/supervisor/ratings", "ratings_link"]];

  // The signed-in person's language may differ from the page's (supervisor.js switches it).
  function linkTexts() {
    PAGES.forEach(([, key], i) => { links.children[i].textContent = t("supervision." + key); });
  }
  document.addEventListener("yc:language", () => { if (links) linkTexts(); });

  async function banners() {
    const token = localStorage.getItem(KEY);
    if (!token || token === shownFor) return;  // not logged in yet, or already shown for this log-in
    try {
      const hall = await api("GET", "/hall", token);
      document.querySelectorAll(".sv-banner").forEach((b) => b.remove());
      for (const w of (hall.warnings || []).slice().reverse())
        links.after(el("a", {class: "sv-banner " + w.severity, href: "/supervisor/calendar", style: "display:block;text-decoration:none"}, w.message));
      shownFor = token;
    } catch (e) { /* logged out meanwhile: supervisor.js shows the login */ }
  }

  YC.loadMessages().then(() => {
    links = el("nav", {class: "sv-links", id: "sv-links"}, PAGES.map(([href, key]) => el("a", {href}, t("supervision." + key))));
    document.querySelector("header.bar").after(links);
    banners();
    // The log-in happens in supervisor.js; look for its token now and then rather than hook into it.
    setInterval(banners, 1500);
    setInterval(() => { shownFor = null; }, 10 * 60 * 1000);  // refresh the warning every ten minutes
  });
})();
