// The phone page of 办件进度查询: the case number and the query code from the notice.
"use strict";
(() => {
  YC.takeUrlToken();  // the page needs none: a ?token= left in a shared link leaves the address bar at once
  const {t, el} = YC;
  const $ = (id) => document.getElementById(id);
  // Only the newest query's answer draws: a case asked for after another must not be replaced by it.
  const ask = YC.newest(() => YC.api("GET", "/cases/progress/" + encodeURIComponent($("no").value.trim())
    + "?code=" + encodeURIComponent($("code").value.trim())), (p) => {
    $("result").hidden = false;
    $("matter").textContent = `${p.case_no} · ${p.matter}`;
    // Each fact whole on a line (a date never split as "2026- / 12-10" on a narrow phone).
    $("summary").replaceChildren(...[p.applicant, p.state_label, p.due_date ? t("ui_due") + "：" + p.due_date : ""]
      .filter((x) => x).map((x) => el("span", {class: "nw"}, x)));
    $("steps").replaceChildren(...p.steps.map((s) => el("li", {}, s.date + " " + s.label)));
  });

  function query() {
    $("error").textContent = "";
    return ask().catch((e) => { $("result").hidden = true; $("error").textContent = e.message; });
  }
  YC.loadMessages("/cases-ui/messages.json", "cases").then(() => {
    $("query").addEventListener("click", query);
    if ($("no").value && $("code").value) query();
  });
})();
