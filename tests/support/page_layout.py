"""Layout checks of a page as a user meets it at its real size: nothing clipped, nothing off the
screen, no short token ("A岗", "BZY001", a name) broken across two lines.

Deliberate exceptions are recognised, not listed: a box that scrolls by design (overflow auto or
scroll) may hold more than it shows, and its contents are checked against it sideways only; a
text cut with an ellipsis is fine when its element carries the full text in a title.
"""

from __future__ import annotations

import json

# problems(pageScrolls): [kind, element, text, …] for every visible element that leaves the screen
# (sideways only when the page may scroll down) or whose content overflows its own box.
PROBLEMS = """(pageScrolls) => {
  const out = [];
  const W = innerWidth, H = innerHeight;
  const scrolls = (e) => /(auto|scroll)/.test(getComputedStyle(e).overflowX + getComputedStyle(e).overflowY);
  const name = (e) => e.id ? '#' + e.id : e.tagName.toLowerCase()
    + (typeof e.className === 'string' && e.className ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  for (const e of document.querySelectorAll('body *')) {
    if (['SCRIPT', 'STYLE', 'OPTION', 'BR'].includes(e.tagName)) continue;
    const r = e.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(e).visibility === 'hidden') continue;
    const text = (e.textContent || '').trim().slice(0, 30);
    let box = null;
    for (let a = e.parentElement; a && a !== document.body && a !== document.documentElement; a = a.parentElement)
      if (scrolls(a)) { box = a.getBoundingClientRect(); break; }
    const left = box ? box.left : 0, right = box ? box.right : W;
    const top = box || pageScrolls ? -Infinity : 0, bottom = box || pageScrolls ? Infinity : H;
    if (r.left < left - 1 || r.right > right + 1 || r.top < top - 1 || r.bottom > bottom + 1)
      out.push(['off-screen', name(e), text, Math.round(r.left), Math.round(r.top), Math.round(r.right), Math.round(r.bottom)]);
    if (scrolls(e) || !e.clientWidth) continue;
    const cut = getComputedStyle(e).textOverflow === 'ellipsis' && e.title;
    if (!cut && (e.scrollWidth > e.clientWidth + 1 || e.scrollHeight > e.clientHeight + 1))
      out.push(['overflows', name(e), text, e.scrollWidth, e.clientWidth, e.scrollHeight, e.clientHeight]);
  }
  return out;
}"""

# broken([selector, words]): the short tokens ("A岗", "BZY001", "3号窗", "10:00", "510分钟") and the given words
# (names) inside the selected elements that a line break splits (on more than one line).
BROKEN_TOKENS = """([selector, words]) => {
  const out = [];
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\\]\\\\]/g, '\\\\$&'));
  const token = new RegExp(escaped.concat(['[A-Za-z0-9][A-Za-z0-9:.\\\\-]*(?:号窗口|号窗|号|岗|分钟|小时|个工作日|人|次)?']).join('|'), 'g');
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      let m;
      while ((m = token.exec(n.data)) !== null) {
        const range = document.createRange();
        range.setStart(n, m.index); range.setEnd(n, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) out.push([m[0], n.parentElement.className || n.parentElement.tagName]);
      }
    }
  }
  return out;
}"""


def layout_problems(page, page_scrolls: bool = False) -> list:
    return page.evaluate(PROBLEMS, page_scrolls)


def assert_nothing_overflows(page, page_scrolls: bool = False) -> None:
    """Every visible element inside the screen (or, when the page may scroll down, inside it
    sideways) and its content inside its box."""
    problems = layout_problems(page, page_scrolls)
    assert problems == [], json.dumps(problems, ensure_ascii=False)


def assert_no_token_broken(page, selector: str, words: list[str] | tuple[str, ...] = ()) -> None:
    broken = page.evaluate(BROKEN_TOKENS, [selector, sorted(words, key=len, reverse=True)])
    assert broken == [], json.dumps(broken, ensure_ascii=False)


def inside_viewport(page, selector: str) -> list[bool]:
    """For each element of selector: is its whole box on the screen?"""
    return page.eval_on_selector_all(
        selector,
        """els => els.map(e => { const r = e.getBoundingClientRect();
          return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight; })""",
    )


def fully_shown_in(page, item_selector: str, box_selector: str) -> int:
    """How many of item_selector are wholly visible inside box_selector and on the screen."""
    return page.evaluate(
        """([items, box]) => { const b = document.querySelector(box).getBoundingClientRect();
          return [...document.querySelectorAll(items)].filter(e => { const r = e.getBoundingClientRect();
            return r.height > 0 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1 && r.bottom <= innerHeight; }).length; }""",
        [item_selector, box_selector],
    )
