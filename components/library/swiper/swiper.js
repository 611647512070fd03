// <swiper> and <swiper-item>: the items laid side by side and moved with transforms; a
// swipe, autoplay or `current` changes the item shown, reported as change with its source.
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
  const axis = truthy(attrs.vertical) ? "Y" : "X";
  const duration = attrs.duration === undefined ? 500 : Number(attrs.duration) || 0;
  items.forEach((item, index) => {
    setDerived(item, "transform", "translate" + axis + "(" + (index - state.current) * 100 + "%)");
    setDerived(item, "transition-duration", duration + "ms");
  });
  if (truthy(attrs["indicator-dots"])) {
    el.setAttribute("capsule-dots", items.map((_, index) => (index === state.current ? "\u25CF" : "\u25CB")).join(""));
  } else el.removeAttribute("capsule-dots");
  const interval = truthy(attrs.autoplay) && items.length > 1 ? Number(attrs.interval) || 5000 : 0;
  if (interval !== state.interval) {
    clearInterval(state.timer);
    state.interval = interval;
    state.timer = interval ? setInterval(() => autoplay(el), interval) : 0;
  }
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
  setTimeout(() => emit(el, "animationfinish", detail), isFinite(duration) ? duration : 500);
}


define("swiper", {
  attrs: { current: syncSwiperCurrent, autoplay: syncSwiper, interval: syncSwiper, duration: syncSwiper,
    vertical: syncSwiper, "indicator-dots": syncSwiper },
  created: syncSwiperCurrent,
  childrenChanged: syncSwiper,
});
