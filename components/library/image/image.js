// <image>: src in every mode (widthFix and heightFix size the element from the picture);
// the picture is a background, so the element has no children of its own. It reports
// load with the picture's size, or error. With lazy-load it loads nothing until it comes
// within three screens of the viewport (of its scroll-view, inside one), as WeChat documents.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
const IMAGE_MODES = {
  scaleToFill: ["100% 100%", "0 0"], widthFix: ["100% 100%", "0 0"], heightFix: ["100% 100%", "0 0"],
  aspectFit: ["contain", "center"], aspectFill: ["cover", "center"],
  top: ["auto", "top center"], bottom: ["auto", "bottom center"], center: ["auto", "center"],
  left: ["auto", "center left"], right: ["auto", "center right"],
  "top left": ["auto", "top left"], "top right": ["auto", "top right"],
  "bottom left": ["auto", "bottom left"], "bottom right": ["auto", "bottom right"],
};
function syncImage(el) {
  const attrs = attrsOf(el);
  const { mode } = attrs;
  const state = stateOf(el, () => ({ src: undefined, natural: null, observer: null, near: false, watcher: null }));
  const lazy = truthy(attrs["lazy-load"] ?? attrs.lazyLoad) && !state.near;
  if (lazy) watchNearness(el, state);
  const src = lazy ? undefined : attrs.src;
  const [size, position] = IMAGE_MODES[mode] || IMAGE_MODES.scaleToFill;
  setDerived(el, "background-image", src ? cssUrl(src) : null);
  setDerived(el, "background-size", size);
  setDerived(el, "background-position", position);
  if (state.src !== src) loadImage(el, state, src);
  fitImage(el);
}
// A lazy image loads once it is within three screens of what is shown.
function watchNearness(el, state) {
  if (state.watcher || typeof IntersectionObserver !== "function") return;
  state.watcher = true;
  // Once the element is in the page, where its scroll-view (if any) is known.
  later(() => {
    const scroller = mpClosest(el.parentElement, "scroll-view");
    state.watcher = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      state.watcher.disconnect();
      state.near = true;
      syncImage(el);
    }, { root: scroller, rootMargin: "300% 300%" });
    state.watcher.observe(el);
  });
}
function loadImage(el, state, src) {
  state.src = src;
  state.natural = null;
  if (!src) return;
  const probe = new Image();
  probe.onload = () => {
    if (state.src !== src) return;
    state.natural = { width: probe.naturalWidth, height: probe.naturalHeight };
    fitImage(el);
    emit(el, "load", { width: probe.naturalWidth, height: probe.naturalHeight });
  };
  probe.onerror = () => {
    if (state.src === src) emit(el, "error", { errMsg: "GET " + src + " failed" });
  };
  probe.src = String(src);
}
// widthFix keeps the width and takes the height from the picture (heightFix the reverse).
function fitImage(el) {
  const state = stateMap.get(el);
  const mode = attrsOf(el).mode;
  const fixed = mode === "widthFix" || mode === "heightFix";
  if (fixed && !state.observer && typeof ResizeObserver === "function") {
    state.observer = new ResizeObserver(() => fitImage(el));
    state.observer.observe(el);
  }
  const natural = state.natural;
  if (!fixed || !natural || !natural.width || !natural.height) {
    setDerived(el, "height", null);
    setDerived(el, "width", null);
    return;
  }
  if (mode === "widthFix" && el.clientWidth) setDerived(el, "height", (el.clientWidth * natural.height) / natural.width + "px");
  if (mode === "heightFix" && el.clientHeight) setDerived(el, "width", (el.clientHeight * natural.width) / natural.height + "px");
}


define("image", {
  attrs: { src: syncImage, mode: syncImage, "lazy-load": syncImage, lazyLoad: syncImage },
  created: syncImage,
});
