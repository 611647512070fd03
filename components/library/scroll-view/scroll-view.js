// <scroll-view>: scrolls along scroll-x / scroll-y to scroll-top, scroll-left or the child
// named by scroll-into-view; reports scroll, scrolltoupper and scrolltolower. Its pull-down
// refresher is in refresher.js.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
function syncScrollView(el) {
  const attrs = attrsOf(el);
  const behavior = truthy(attrs["scroll-with-animation"]) ? "smooth" : "auto";
  later(() => {
    if (!el.isConnected) return;
    const target = { behavior };
    if (attrs["scroll-top"] !== undefined) target.top = Number(attrs["scroll-top"]) || 0;
    if (attrs["scroll-left"] !== undefined) target.left = Number(attrs["scroll-left"]) || 0;
    const id = attrs["scroll-into-view"];
    const child = id ? findById(el, String(id)) : null;
    if (child) {
      const outer = el.getBoundingClientRect();
      const inner = child.getBoundingClientRect();
      target.top = el.scrollTop + inner.top - outer.top;
      target.left = el.scrollLeft + inner.left - outer.left;
    }
    scrollElement(el, target);
  });
}

// --- scroll-view scroll, scrolltoupper, scrolltolower
function onElementScroll(event) {
  const el = event.target;
  if (!isMpElement(el) || el.localName !== "scroll-view" || !root.contains(el)) return;
  const state = stateOf(el, () => ({ top: 0, left: 0, atUpper: true, atLower: false }));
  const { scrollTop, scrollLeft, scrollHeight, scrollWidth, clientHeight, clientWidth } = el;
  emit(el, "scroll", {
    scrollTop, scrollLeft, scrollHeight, scrollWidth, deltaX: scrollLeft - state.left, deltaY: scrollTop - state.top,
  }, [], [], event.timeStamp);
  state.top = scrollTop;
  state.left = scrollLeft;
  const attrs = attrsOf(el);
  const horizontal = truthy(attrs["scroll-x"]) && !truthy(attrs["scroll-y"]);
  const upper = Number(attrs["upper-threshold"]);
  const lower = Number(attrs["lower-threshold"]);
  const position = horizontal ? scrollLeft : scrollTop;
  const rest = horizontal ? scrollWidth - clientWidth - scrollLeft : scrollHeight - clientHeight - scrollTop;
  const atUpper = position <= (isFinite(upper) ? upper : 50);
  const atLower = rest <= (isFinite(lower) ? lower : 50);
  const direction = horizontal ? "left" : "top";
  if (atUpper && !state.atUpper) emit(el, "scrolltoupper", { direction });
  if (atLower && !state.atLower) emit(el, "scrolltolower", { direction: horizontal ? "right" : "bottom" });
  state.atUpper = atUpper;
  state.atLower = atLower;
}


define("scroll-view", {
  attrs: Object.assign(
    { "scroll-top": syncScrollView, "scroll-left": syncScrollView, "scroll-into-view": syncScrollView },
    Object.fromEntries(["refresher-enabled", "refresherEnabled", "refresher-triggered", "refresherTriggered",
      "refresher-background", "refresherBackground", "refresher-default-style", "refresherDefaultStyle",
    ].map((name) => [name, syncRefresher])),
  ),
  created(el) {
    syncScrollView(el);
    syncRefresher(el);
  },
  listeners: [["scroll", onElementScroll, true], ["pointerdown", onRefresherDown, true], ["wheel", onRefresherWheel, true]],
});
