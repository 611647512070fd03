// <page-container>: a popup layer. The element itself is the layer (fixed at `position`,
// holding the app's children where the template put them) and slides in from its side
// (fades in at the centre) over `duration` ms when `show` turns true: beforeenter, enter,
// then afterenter once it is in; `show` turning false takes it out the same way
// (beforeleave, leave, afterleave). Turned around half way, it reports entercancelled or
// leavecancelled first. The mask under it (`overlay`, restyled by overlay-style) is an
// element outside <page>, before it in the document, at the same z-index; tapping it
// reports clickoverlay and the layer leaves on its own, so the app sets `show` back to false
// in one of the leave events before it can show it again (as on the platforms).
// close-on-slide-down: a finger dragging the layer down far enough closes it too.
// custom-style restyles the layer.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const PAGE_CONTAINER_POSITIONS = ["top", "bottom", "right", "center"];
const PAGE_CONTAINER_SLIDE_PX = 80; // the least drag down that closes it
const pageContainers = new Map(); // page-container -> its state, while it has a mask to clean up
let pageContainerWatch = null; // removes the mask of a page-container that left the page
let pageContainerSlide = null; // { el, pointer, startY, dy }

function pageContainerAttr(el, ...names) {
  const attrs = attrsOf(el);
  for (const name of names) if (attrs[name] !== undefined && attrs[name] !== null && attrs[name] !== "") return attrs[name];
  return undefined;
}
const pageContainerNumber = (value, fallback) => (value === undefined || !isFinite(Number(value)) ? fallback : Number(value));
const pageContainerState = (el) =>
  stateOf(el, () => ({ phase: "hidden", timer: 0, overlay: null, custom: [] }));
const pageContainerDuration = (el) => Math.max(0, pageContainerNumber(pageContainerAttr(el, "duration"), 300));

function pageContainerOverlay(el, state) {
  if (state.overlay) return state.overlay;
  const overlay = document.createElement("capsule-page-overlay");
  overlay.hidden = true;
  overlay.addEventListener("click", () => {
    if (state.phase === "hidden" || state.phase === "leaving") return;
    emit(el, "clickoverlay", {});
    pageContainerLeave(el);
  });
  // The page under the mask does not scroll.
  overlay.addEventListener("touchmove", (event) => event.preventDefault(), { passive: false });
  overlay.addEventListener("wheel", (event) => event.preventDefault(), { passive: false });
  state.overlay = overlay;
  pageContainers.set(el, state);
  if (!pageContainerWatch) {
    pageContainerWatch = new MutationObserver(() => {
      for (const [container, held] of pageContainers) {
        if (container.isConnected) continue;
        clearTimeout(held.timer);
        held.phase = "hidden";
        container.removeAttribute("capsule-phase");
        if (held.overlay) held.overlay.remove();
        held.overlay = null;
        pageContainers.delete(container);
      }
    });
    pageContainerWatch.observe(document.body, { childList: true, subtree: true });
  }
  return overlay;
}

// Everything but `show`: where it sits, its corners, layer and timing, the app's styles.
function drawPageContainer(el) {
  const state = pageContainerState(el);
  const position = String(pageContainerAttr(el, "position") || "bottom");
  el.setAttribute("capsule-position", PAGE_CONTAINER_POSITIONS.includes(position) ? position : "bottom");
  if (truthy(pageContainerAttr(el, "round"))) el.setAttribute("capsule-round", "");
  else el.removeAttribute("capsule-round");
  const duration = pageContainerDuration(el);
  const zIndex = Math.trunc(pageContainerNumber(pageContainerAttr(el, "z-index", "zIndex"), 100));
  setDerived(el, "--capsule-page-container-duration", duration + "ms");
  setDerived(el, "z-index", String(zIndex));
  // custom-style: each of its declarations on the layer, kept over the app's style attribute.
  const scratch = document.createElement("div").style;
  scratch.cssText = inlineRpx(String(pageContainerAttr(el, "custom-style", "customStyle") || ""));
  const custom = Array.from(scratch);
  for (const name of state.custom) if (!custom.includes(name)) setDerived(el, name, null);
  for (const name of custom) setDerived(el, name, scratch.getPropertyValue(name));
  state.custom = custom;
  const overlay = pageContainerOverlay(el, state);
  overlay.setAttribute("style", inlineRpx(String(pageContainerAttr(el, "overlay-style", "overlayStyle") || "")));
  overlay.style.zIndex = String(zIndex);
  overlay.style.transitionDuration = duration + "ms";
  const masked = pageContainerAttr(el, "overlay");
  const wanted = masked === undefined || truthy(masked);
  overlay.hidden = !(wanted && state.phase !== "hidden" && !truthy(attrsOf(el).hidden));
}

function pageContainerEnter(el) {
  const state = pageContainerState(el);
  if (!el.isConnected || state.phase === "entering" || state.phase === "shown") return;
  clearTimeout(state.timer);
  const leaving = state.phase === "leaving";
  if (leaving) emit(el, "leavecancelled", {});
  emit(el, "beforeenter", {});
  if (!leaving) {
    el.setAttribute("capsule-phase", "from"); // drawn where it comes from, without a transition
    void el.offsetWidth;
  }
  state.phase = "entering";
  drawPageContainer(el);
  const overlay = state.overlay;
  if (overlay.parentNode !== document.body) document.body.insertBefore(overlay, document.body.firstChild);
  void overlay.offsetWidth;
  overlay.setAttribute("capsule-open", "");
  el.setAttribute("capsule-phase", "in");
  emit(el, "enter", {});
  state.timer = setTimeout(() => {
    state.phase = "shown";
    emit(el, "afterenter", {});
  }, pageContainerDuration(el));
}

function pageContainerLeave(el) {
  const state = pageContainerState(el);
  if (state.phase === "hidden" || state.phase === "leaving") return;
  clearTimeout(state.timer);
  if (state.phase === "entering") emit(el, "entercancelled", {});
  emit(el, "beforeleave", {});
  state.phase = "leaving";
  el.setAttribute("capsule-phase", "out");
  if (state.overlay) state.overlay.removeAttribute("capsule-open");
  emit(el, "leave", {});
  state.timer = setTimeout(() => {
    state.phase = "hidden";
    el.removeAttribute("capsule-phase");
    if (state.overlay) state.overlay.hidden = true;
    emit(el, "afterleave", {});
  }, pageContainerDuration(el));
}

function pageContainerShow(el) {
  if (truthy(attrsOf(el).show)) pageContainerEnter(el);
  else pageContainerLeave(el);
}

// close-on-slide-down: the layer follows a finger dragging it down (at the bottom), and
// leaves when let go far enough down: a quarter of its height, at least 80 px.
function pageContainerSlideStart(el, event) {
  const state = pageContainerState(el);
  if (event.button !== 0 && event.pointerType === "mouse") return;
  if (!truthy(pageContainerAttr(el, "close-on-slide-down", "closeOnSlideDown"))) return;
  if (state.phase !== "shown" && state.phase !== "entering") return;
  if (!pageContainerSlide) {
    window.addEventListener("pointermove", pageContainerSlideMove);
    window.addEventListener("pointerup", pageContainerSlideEnd);
    window.addEventListener("pointercancel", pageContainerSlideEnd);
  }
  pageContainerSlide = { el, pointer: event.pointerId, startY: event.clientY, dy: 0 };
}
function pageContainerSlideMove(event) {
  const slide = pageContainerSlide;
  if (!slide || !slide.el || event.pointerId !== slide.pointer) return;
  slide.dy = Math.max(0, event.clientY - slide.startY);
  if (slide.el.getAttribute("capsule-position") !== "bottom") return;
  setDerived(slide.el, "transition", "none");
  setDerived(slide.el, "transform", `translateY(${slide.dy}px)`);
}
function pageContainerSlideEnd(event) {
  const slide = pageContainerSlide;
  if (!slide || !slide.el || event.pointerId !== slide.pointer) return;
  const el = slide.el;
  slide.el = null;
  setDerived(el, "transition", null);
  setDerived(el, "transform", null);
  if (event.type === "pointerup" && slide.dy >= Math.max(PAGE_CONTAINER_SLIDE_PX, el.offsetHeight / 4)) pageContainerLeave(el);
}

const PAGE_CONTAINER_DRAWN = ["duration", "z-index", "zIndex", "overlay", "position", "round", "overlay-style",
  "overlayStyle", "custom-style", "customStyle", "hidden"];
define("page-container", {
  attrs: Object.assign(Object.fromEntries(PAGE_CONTAINER_DRAWN.map((name) => [name, drawPageContainer])), { show: pageContainerShow }),
  created(el) {
    drawPageContainer(el);
    el.addEventListener("pointerdown", (event) => pageContainerSlideStart(el, event));
    if (truthy(attrsOf(el).show)) later(() => pageContainerEnter(el));
  },
});
