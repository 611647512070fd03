// The scroll-view's own pull-down refresher (refresher-enabled): pulled at the top (a finger
// or mouse dragging down, or the wheel), it shows above the content and reports
// refresherpulling ({dy}); let go past refresher-threshold it stays and reports
// refresherrefresh until the app sets refresher-triggered back to false (then
// refresherrestore), let go before it goes back and reports refresherabort. The app may also
// show it by setting refresher-triggered. refresher-default-style (black, white, none) and
// refresher-background set its look. It is drawn by a part after the scroll-view's children
// and the scroll-view's top padding while it shows.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const REFRESHER_THRESHOLD_PX = 45; // the platforms' default refresher-threshold
const REFRESHER_WHEEL_PX = 120; // wheel travel that counts as a full pull
const refreshers = new WeakMap(); // scroll-view -> { part, pull, phase, pointer, startY, wheel, wheelTimer }

const refresherEnabled = (el) => truthy(attrsOf(el)["refresher-enabled"] ?? attrsOf(el).refresherEnabled);
function refresherThreshold(el) {
  const value = Number(attrsOf(el)["refresher-threshold"] ?? attrsOf(el).refresherThreshold);
  return value > 0 ? value : REFRESHER_THRESHOLD_PX;
}
function refresherOf(el) {
  let state = refreshers.get(el);
  if (state) return state;
  const part = document.createElement("capsule-refresher");
  for (let i = 0; i < 3; i += 1) part.appendChild(document.createElement("i"));
  el.appendChild(part);
  state = { part, pull: 0, phase: "idle", pointer: null, startY: 0, wheel: 0, wheelTimer: 0 };
  refreshers.set(el, state);
  return state;
}

// Shows the refresher `pull` px tall (0: hidden), sliding when `animate`.
function drawRefresher(el, pull, animate) {
  const state = refresherOf(el);
  const attrs = attrsOf(el);
  state.pull = pull;
  state.part.style.height = pull + "px";
  state.part.style.transition = animate ? "height 0.25s" : "";
  state.part.style.background = String(attrs["refresher-background"] ?? attrs.refresherBackground ?? "#fff");
  state.part.setAttribute("tone", String(attrs["refresher-default-style"] ?? attrs.refresherDefaultStyle ?? "black"));
  state.part.toggleAttribute("refreshing", state.phase === "refreshing");
  setDerived(el, "transition", animate ? "padding-top 0.25s" : null);
  setDerived(el, "padding-top", pull > 0 ? pull + "px" : null);
}

function refreshStart(el) {
  const state = refresherOf(el);
  state.phase = "refreshing";
  drawRefresher(el, refresherThreshold(el), true);
  emit(el, "refresherrefresh", {});
}
// Let go: past the threshold it refreshes, else it goes back (abort).
function refreshRelease(el) {
  const state = refresherOf(el);
  if (state.phase !== "pulling") return;
  if (state.pull >= refresherThreshold(el)) return refreshStart(el);
  state.phase = "idle";
  drawRefresher(el, 0, true);
  emit(el, "refresherabort", {});
}
function refreshPull(el, pull) {
  const state = refresherOf(el);
  state.phase = "pulling";
  drawRefresher(el, pull, false);
  emit(el, "refresherpulling", { dy: pull });
}

// refresher-triggered: true shows it refreshing; false ends a refresh (restore).
function syncRefresher(el) {
  if (!refresherEnabled(el)) return;
  const state = refresherOf(el);
  const attrs = attrsOf(el);
  const triggered = truthy(attrs["refresher-triggered"] ?? attrs.refresherTriggered);
  if (triggered && state.phase !== "refreshing") {
    state.phase = "refreshing";
    drawRefresher(el, refresherThreshold(el), true);
  } else if (!triggered && state.phase === "refreshing") {
    state.phase = "idle";
    drawRefresher(el, 0, true);
    emit(el, "refresherrestore", {});
  } else drawRefresher(el, state.pull, false);
}

function onRefresherDown(event) {
  const el = mpElementOf(event.target) && mpClosest(mpElementOf(event.target), "scroll-view");
  if (!el || !refresherEnabled(el) || el.scrollTop > 0 || event.button > 0) return;
  const state = refresherOf(el);
  if (state.phase !== "idle") return;
  state.pointer = event.pointerId;
  state.startY = event.clientY;
  pulling = el;
}
let pulling = null; // the scroll-view a pointer is pulling
function onRefresherMove(event) {
  const el = pulling;
  if (!el) return;
  const state = refresherOf(el);
  if (event.pointerId !== state.pointer) return;
  const dy = event.clientY - state.startY;
  if (dy <= 0 && state.phase !== "pulling") return;
  // The refresher follows the finger at half its speed, up to twice the threshold.
  refreshPull(el, Math.min(refresherThreshold(el) * 2, Math.max(0, dy / 2)));
}
function onRefresherUp(event) {
  const el = pulling;
  if (!el || event.pointerId !== refresherOf(el).pointer) return;
  pulling = null;
  refreshRelease(el);
}
function onRefresherWheel(event) {
  const el = mpElementOf(event.target) && mpClosest(mpElementOf(event.target), "scroll-view");
  if (!el || !refresherEnabled(el) || el.scrollTop > 0 || event.deltaY >= 0) return;
  const state = refresherOf(el);
  if (state.phase === "refreshing") return;
  state.wheel -= event.deltaY * (event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? el.clientHeight : 1);
  clearTimeout(state.wheelTimer);
  const pull = Math.min(1, state.wheel / REFRESHER_WHEEL_PX) * refresherThreshold(el);
  refreshPull(el, pull);
  if (pull >= refresherThreshold(el)) {
    state.wheel = 0;
    return refreshStart(el);
  }
  state.wheelTimer = setTimeout(() => {
    state.wheel = 0;
    refreshRelease(el);
  }, 300);
}
window.addEventListener("pointermove", onRefresherMove);
window.addEventListener("pointerup", onRefresherUp);
window.addEventListener("pointercancel", onRefresherUp);
