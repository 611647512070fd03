// <swiper> and <swiper-item>: the items laid side by side and moved with transforms; a
// swipe, autoplay or `current` changes the item shown, reported as change with its source,
// and the end of the move as the dialect names it: animationfinish (WeChat), animationEnd
// (Alipay, bound with onAnimationEnd). indicator-dots draws a dot per item after the items
// (capsule-swiper-dots), in indicator-color / indicator-active-color. previous-margin and
// next-margin show a strip of the items before and after; display-multiple-items shows that
// many items at once, each (width - margins) / n wide; circular wraps items round, so the
// item before the first shows in the previous margin. easing-function sets the move's curve.
const EASINGS = {
  default: "ease", linear: "linear", easeInCubic: "cubic-bezier(0.32, 0, 0.67, 0)",
  easeOutCubic: "cubic-bezier(0.33, 1, 0.68, 1)", easeInOutCubic: "cubic-bezier(0.65, 0, 0.35, 1)",
};
const swiperOffsets = new WeakMap(); // swiper-item -> its last offset in items from the current
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
const swiperState = (el) => stateOf(el, () => ({ current: 0, timer: 0, interval: 0 }));
const swiperItems = (el) => Array.from(el.children).filter((child) => isMpElement(child) && child.localName === "swiper-item");
function syncSwiperCurrent(el) {
  swiperState(el).current = Math.max(0, Math.trunc(Number(attrsOf(el).current) || 0));
  syncSwiper(el);
}
function syncSwiper(el) {
  const attrs = attrsOf(el);
  const state = swiperState(el);
  const items = swiperItems(el);
  state.current = Math.min(state.current, Math.max(0, items.length - 1));
  const vertical = truthy(attrs.vertical);
  const axis = vertical ? "Y" : "X";
  const duration = attrs.duration === undefined ? 500 : Number(attrs.duration) || 0;
  const first = (...names) => names.map((name) => attrs[name]).find((value) => value !== undefined && value !== null && value !== "");
  const margin = (...names) => cssLength(first(...names) ?? 0) || "0px";
  const before = margin("previous-margin", "previousMargin");
  const after = margin("next-margin", "nextMargin");
  const shown = Math.max(1, Math.trunc(Number(first("display-multiple-items", "displayMultipleItems"))) || 1);
  const circular = truthy(attrs.circular) && items.length > shown;
  const easing = EASINGS[first("easing-function", "easingFunction")] || EASINGS.default;
  items.forEach((item, index) => {
    // How many items from the current one this one is; wrapped round when circular, so as
    // many items as fit show on each side.
    let offset = index - state.current;
    if (circular) {
      offset = ((offset % items.length) + items.length) % items.length;
      if (offset >= items.length - Math.max(1, Math.floor((items.length - shown) / 2))) offset -= items.length;
    }
    // An item wrapping to the other side jumps there instead of crossing the view.
    const last = swiperOffsets.get(item);
    const jumps = circular && last !== undefined && Math.abs(offset - last) > items.length / 2;
    swiperOffsets.set(item, offset);
    setDerived(item, vertical ? "height" : "width", `calc((100% - ${before} - ${after}) / ${shown})`);
    setDerived(item, vertical ? "top" : "left", before);
    setDerived(item, "transform", "translate" + axis + "(" + offset * 100 + "%)");
    setDerived(item, "transition-duration", jumps ? "0ms" : duration + "ms");
    setDerived(item, "transition-timing-function", easing);
  });
  drawSwiperDots(el, items.length, state.current);
  const interval = truthy(attrs.autoplay) && items.length > 1 ? Number(attrs.interval) || 5000 : 0;
  if (interval !== state.interval) {
    clearInterval(state.timer);
    state.interval = interval;
    state.timer = interval ? setInterval(() => autoplay(el), interval) : 0;
  }
}
// The dots: one per item, the current one in the active colour; none without
// indicator-dots. They stay after the items, so patch indices still name items.
function drawSwiperDots(el, count, current) {
  const attrs = attrsOf(el);
  const first = (...names) => names.map((name) => attrs[name]).find((value) => value !== undefined && value !== null && value !== "");
  const shown = truthy(first("indicator-dots", "indicatorDots"));
  let dots = Array.from(el.children).find((child) => child.localName === "capsule-swiper-dots");
  if (!shown) {
    if (dots) dots.remove();
    return;
  }
  if (!dots) dots = document.createElement("capsule-swiper-dots");
  if (dots !== el.lastElementChild || dots.nextSibling) el.appendChild(dots);
  const colour = (property, value) => setDerived(el, property, value === undefined ? null : String(value));
  colour("--capsule-swiper-dot", first("indicator-color", "indicatorColor"));
  colour("--capsule-swiper-dot-active", first("indicator-active-color", "indicatorActiveColor"));
  while (dots.children.length > count) dots.lastElementChild.remove();
  while (dots.children.length < count) dots.appendChild(document.createElement("capsule-swiper-dot"));
  Array.from(dots.children).forEach((dot, index) => dot.toggleAttribute("active", index === current));
}
function autoplay(el) {
  const state = swiperState(el);
  if (!el.isConnected) {
    clearInterval(state.timer);
    state.interval = 0;
    return;
  }
  const count = swiperItems(el).length;
  if (count > 1 && !(press && el.contains(press.target))) swipeTo(el, (state.current + 1) % count, "autoplay");
}
function swipeTo(el, index, source) {
  const state = swiperState(el);
  const items = swiperItems(el);
  const circular = truthy(attrsOf(el).circular);
  if (circular) index = (index + items.length) % items.length;
  if (index < 0 || index >= items.length || index === state.current) return;
  state.current = index;
  syncSwiper(el);
  const detail = { current: index, currentItemId: String(attrsOf(items[index])["item-id"] || ""), source };
  emit(el, "change", detail);
  const duration = Number(attrsOf(el).duration);
  const end = alipayDialect() ? "animationend" : "animationfinish";
  setTimeout(() => emit(el, end, detail), isFinite(duration) ? duration : 500);
}


define("swiper", {
  attrs: Object.assign(
    { current: syncSwiperCurrent },
    Object.fromEntries(["autoplay", "interval", "duration", "vertical", "circular", "indicator-dots", "indicatorDots",
      "indicator-color", "indicatorColor", "indicator-active-color", "indicatorActiveColor", "previous-margin",
      "previousMargin", "next-margin", "nextMargin", "display-multiple-items", "displayMultipleItems",
      "easing-function", "easingFunction"].map((name) => [name, syncSwiper])),
  ),
  created: syncSwiperCurrent,
  childrenChanged: syncSwiper,
});
