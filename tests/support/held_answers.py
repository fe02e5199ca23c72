"""Forced-order page tests: a page's API requests held back with page.route and answered when the
test says, so an older answer arrives after a newer one, as happens now and then under load."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import APIResponse, Page, Route

# A late answer is marked (header x-test-late) and the page counts those it has read: pages read
# every API answer with .json() (YC.api), and where a load is that one request, drawing follows in
# the same turn of the event loop, so once the count is up the page has drawn, or rightly left
# alone, everything that answer brings.
# That is what makes "the old answer changed nothing" something to wait for rather than sleep on.
_COUNT_LATE_READS = """() => {
  if (window.lateAnswersRead !== undefined) return;
  window.lateAnswersRead = 0;
  const json = Response.prototype.json;
  Response.prototype.json = function () {
    const late = this.headers.has("x-test-late");
    return json.call(this).finally(() => { if (late) window.lateAnswersRead += 1; });
  };
}"""


# Every value `expression` takes as the page changes (a MutationObserver: its records are delivered in
# the same turn as the change), so a wrong screen drawn for a moment and redrawn by a later answer
# still counts. Read with shown(page).
# (The expression is spliced into the script, not built with new Function, which a strict CSP refuses.)
_WATCH = """() => {
  const value = () => (EXPRESSION);
  window.shownValues = [value()];
  new MutationObserver(() => {
    const now = value();
    if (now !== window.shownValues[window.shownValues.length - 1]) window.shownValues.push(now);
  }).observe(document.documentElement, {subtree: true, childList: true, characterData: true, attributes: true});
}"""


def watch(page: Page, expression: str) -> None:
    """From now on, record every value the page's ``expression`` takes (see shown)."""
    page.evaluate(_WATCH.replace("EXPRESSION", expression))


def shown(page: Page) -> list:
    """The values of the watched expression since watch(), oldest first."""
    return page.evaluate("() => window.shownValues")


class HeldAnswers:
    """The first ``count`` requests of ``page`` matching ``pattern`` are held; later ones go through."""

    def __init__(self, page: Page, pattern: str | Callable[[str], bool], count: int = 1) -> None:
        self.page = page
        self.held: list[Route] = []
        self._count = count
        self._released = 0
        page.add_init_script(f"({_COUNT_LATE_READS})()")  # for a page (re)loaded from now on
        page.evaluate(_COUNT_LATE_READS)  # and the one open now
        page.route(pattern, self._route)

    def _route(self, route: Route) -> None:
        if len(self.held) < self._count:
            self.held.append(route)
        else:
            route.continue_()

    def wait(self, timeout: float = 15.0) -> None:
        """Until every request to hold has been made. Route handlers run only while the test is in a
        Playwright call, so this waits inside one (wait_for_timeout) rather than in time.sleep."""
        deadline = time.monotonic() + timeout
        while len(self.held) < self._count:
            if time.monotonic() > deadline:
                pytest.fail(f"timed out after {timeout} s: {len(self.held)} of {self._count} requests held")
            self.page.wait_for_timeout(20)

    def answer_now(self, i: int = 0) -> APIResponse:
        """The server's answer to held request ``i`` as of now (kept until it is released)."""
        return self.held[i].fetch()

    def release(self, i: int = 0, answer: APIResponse | None = None) -> None:
        """Give held request ``i`` its answer (``answer``, or the server's as of now) and wait until the
        page has read it."""
        if answer is None:
            answer = self.held[i].fetch()
        self.held[i].fulfill(response=answer, headers={**answer.headers, "x-test-late": "1"})
        self._released += 1
        self.page.wait_for_function("n => window.lateAnswersRead >= n", arg=self._released)
