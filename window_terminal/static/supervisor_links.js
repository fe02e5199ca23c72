// On the supervisor page: links to the projection and calendar pages, and the loud calendar warning
// (kept apart from supervisor.js so the two change independently).
"use strict";
(() => {
  const {t, api, el} = YC;
  const KEY = "yc.supervisor.token";
  let links = null, shownFor = null;

  // The signed-in person's language may differ from the page's (supervisor.js switches it).
  function linkTexts() {
    links.children[0].textContent = t("supervision.projection_link");
    links.children[1].textContent = t("supervision.calendar_link");
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
    links = el("nav", {class: "sv-links", id: "sv-links"},
      el("a", {href: "/supervisor/projection"}, t("supervision.projection_link")),
      el("a", {href: "/supervisor/calendar"}, t("supervision.calendar_link")));
    document.querySelector("header.bar").after(links);
    banners();
    // The log-in happens in supervisor.js; look for its token now and then rather than hook into it.
    setInterval(banners, 1500);
    setInterval(() => { shownFor = null; }, 10 * 60 * 1000);  // refresh the warning every ten minutes
  });
})();
