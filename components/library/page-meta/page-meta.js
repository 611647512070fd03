// <page-meta>: page settings written in the template, as the page's first node. What it and
// its <navigation-bar> set on the window (background colours, background-text-style, the
// bar's title, colours and loading) reaches the chrome through the session
// (runtime/src/miniprogram/session/page_meta.rs). What belongs to the document is set here:
// page-style is the <page> node's inline style, page-font-size its font size, root-font-size
// the <html> font size that rem counts from ("system" for each: the default),
// root-background-color the document's; setting scroll-top scrolls the page over
// scroll-duration ms and then reports scrolldone; the page's scroll ({scrollTop}) and resize
// ({size: {windowWidth, windowHeight}}) are reported on it.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

let pageMetaScroll = 0; // the animation frame of a scroll-top in progress

// The <page-meta> that counts: the page's first element.
function currentPageMeta() {
  const first = root && root.firstElementChild;
  return first && first.localName === "page-meta" && !first.hasAttribute("capsule-custom") ? first : null;
}
const pageMetaAttr = (el, kebab, camel) => {
  const attrs = attrsOf(el);
  return attrs[kebab] !== undefined ? attrs[kebab] : attrs[camel];
};
// A font size setting: a length, or "" for the default (also for "system").
function pageMetaFontSize(value) {
  if (value === undefined || value === null || String(value).trim() === "system") return "";
  return cssLength(value) || "";
}
function resetPageMeta() {
  cancelAnimationFrame(pageMetaScroll);
  if (root) root.removeAttribute("style");
  document.documentElement.style.fontSize = "";
  document.documentElement.style.backgroundColor = "";
}
function syncPageMeta(el) {
  if (el !== currentPageMeta()) return;
  const style = pageMetaAttr(el, "page-style", "pageStyle");
  root.style.cssText = style ? inlineRpx(String(style)) : "";
  const pageFont = pageMetaFontSize(pageMetaAttr(el, "page-font-size", "pageFontSize"));
  if (pageFont) root.style.fontSize = pageFont;
  const html = document.documentElement.style;
  html.fontSize = pageMetaFontSize(pageMetaAttr(el, "root-font-size", "rootFontSize"));
  const background = pageMetaAttr(el, "root-background-color", "rootBackgroundColor");
  html.backgroundColor = background ? String(background) : "";
}
// Scrolls the page to scroll-top, eased over scroll-duration ms, then reports scrolldone.
function scrollPageMeta(el) {
  if (el !== currentPageMeta()) return;
  const value = pageMetaAttr(el, "scroll-top", "scrollTop");
  const length = value === undefined || value === null || value === "" ? null : cssLength(value);
  const target = length && length.endsWith("px") ? parseFloat(length) : NaN;
  if (!isFinite(target)) return;
  const duration = Number(pageMetaAttr(el, "scroll-duration", "scrollDuration") ?? 300);
  const from = window.scrollY;
  const to = Math.max(0, Math.min(target, document.documentElement.scrollHeight - window.innerHeight));
  cancelAnimationFrame(pageMetaScroll);
  // After the frame that reports the last scroll.
  const done = () => { pageMetaScroll = requestAnimationFrame(() => emit(el, "scrolldone", {})); };
  if (!(duration > 0) || from === to) {
    window.scrollTo(0, to);
    done();
    return;
  }
  const start = performance.now();
  const step = (now) => {
    const t = Math.min(1, (now - start) / duration);
    const eased = t < 0.5 ? 2 * t * t : 1 - Math.pow(-2 * t + 2, 2) / 2;
    window.scrollTo(0, from + (to - from) * eased);
    if (t < 1) pageMetaScroll = requestAnimationFrame(step);
    else done();
  };
  pageMetaScroll = requestAnimationFrame(step);
}

window.addEventListener("capsule:render", resetPageMeta);
window.addEventListener("scroll", () => {
  const el = currentPageMeta();
  if (el && bound(el, "scroll")) emit(el, "scroll", { scrollTop: Math.max(0, window.scrollY) });
}, { passive: true });
window.addEventListener("resize", () => {
  const el = currentPageMeta();
  if (el && bound(el, "resize")) {
    emit(el, "resize", { size: { windowWidth: window.innerWidth, windowHeight: window.innerHeight } });
  }
});

define("page-meta", {
  attrs: {
    "page-style": syncPageMeta, pageStyle: syncPageMeta,
    "page-font-size": syncPageMeta, pageFontSize: syncPageMeta,
    "root-font-size": syncPageMeta, rootFontSize: syncPageMeta,
    "root-background-color": syncPageMeta, rootBackgroundColor: syncPageMeta,
    "scroll-top": scrollPageMeta, scrollTop: scrollPageMeta,
  },
  // Once it is in the page (built children are placed after their own set-up).
  created: (el) => later(() => { syncPageMeta(el); scrollPageMeta(el); }),
});
