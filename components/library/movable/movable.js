// <movable-area> and <movable-view>: the view sits at the area's top left corner and is moved
// with a transform (translate, then scale about its centre). Its range keeps it inside the
// area when it is smaller, and keeps the area covered when it is larger (each axis on its
// own). A finger dragging it along its `direction` reports change {x, y, source: "touch"};
// with out-of-bounds it follows past the edge at half speed ("touch-out-of-bounds") and
// springs back when let go ("out-of-bounds"); with inertia it keeps going after a quick
// release and slows down by `friction` ("friction"). The app's x and y move it there (by
// `damping`, or at once with animation false), reported with source "". With `scale`, two
// fingers pinch it between scale-min and scale-max (on the whole area with scale-area) and
// scale-value sets it; both report scale {x, y, scale}. htouchmove / vtouchmove follow each
// move of a touch whose first move was horizontal / vertical.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const MOVABLE_FRICTION_PX_PER_MS2 = 0.00125; // deceleration per unit of `friction`
const MOVABLE_FLICK_PX_PER_MS = 0.05; // slower releases do not coast
const MOVABLE_SAMPLE_MS = 100; // the release speed is measured over the last moves this long
const movables = new WeakMap(); // movable-view -> { x, y, scale, placed, frame, target, reported }
let movableGesture = null; // { el, pointers, drag, pinch, axis }
let movableListening = false;

const movableRound = (value) => Math.round(value * 100) / 100;
const movableNumber = (value, fallback) =>
  value === undefined || value === null || value === "" || !isFinite(Number(value)) ? fallback : Number(value);
// The first of `names` the element has, in either dialect's spelling.
function movableAttr(el, ...names) {
  const attrs = attrsOf(el);
  for (const name of names) {
    const value = attrs[name];
    if (value !== undefined && value !== null && value !== "") return value;
  }
  return undefined;
}
// x / y: px by default, rpx scaled to the window.
function movableLength(value) {
  const css = value === undefined ? null : cssLength(value);
  return css && css.endsWith("px") ? parseFloat(css) : undefined;
}
const movableViews = (area) => Array.from(area.children).filter((child) => isMpElement(child) && child.localName === "movable-view");

function movableOptions(el) {
  const direction = String(movableAttr(el, "direction") || "none");
  const flag = (...names) => truthy(movableAttr(el, ...names));
  const alipay = document.documentElement.getAttribute("capsule-dialect") === "alipay";
  const scaleMin = Math.min(10, Math.max(0.1, movableNumber(movableAttr(el, "scale-min", "scaleMin"), alipay ? 0.5 : 0.1)));
  const scaleMax = Math.max(scaleMin, Math.min(10, movableNumber(movableAttr(el, "scale-max", "scaleMax"), 10)));
  const positive = (value, fallback) => (movableNumber(value, fallback) > 0 ? movableNumber(value, fallback) : fallback);
  const animation = attrsOf(el).animation;
  return {
    horizontal: direction === "all" || direction === "horizontal",
    vertical: direction === "all" || direction === "vertical",
    inertia: flag("inertia"),
    outOfBounds: flag("out-of-bounds", "outOfBounds"),
    disabled: flag("disabled"),
    scalable: flag("scale"),
    scaleMin,
    scaleMax,
    damping: positive(movableAttr(el, "damping"), 20),
    friction: positive(movableAttr(el, "friction"), 2),
    animated: animation === undefined || animation === null || truthy(animation),
  };
}

function movableState(el) {
  let state = movables.get(el);
  if (state) return state;
  state = { x: 0, y: 0, scale: 1, placed: false, frame: 0, target: null, reported: null, observer: null };
  movables.set(el, state);
  if (typeof ResizeObserver === "function") {
    state.observer = new ResizeObserver(() => movableRefit(el));
    state.observer.observe(el);
  }
  return state;
}

// Where the view may go at `scale`: on each axis, inside the area when it is smaller, and
// covering the area when it is larger. The scale is about the view's centre, so its drawn
// edge is `offset` inside the translated one.
function movableRange(el, scale) {
  const area = el.parentElement;
  const axis = (outer, inner) => {
    const size = inner * scale;
    const offset = (inner * (1 - scale)) / 2;
    return [Math.min(0, outer - size) - offset, Math.max(0, outer - size) - offset];
  };
  const [minX, maxX] = axis(area ? area.clientWidth : 0, el.offsetWidth);
  const [minY, maxY] = axis(area ? area.clientHeight : 0, el.offsetHeight);
  return { minX, maxX, minY, maxY };
}
const movableClamp = (value, min, max) => Math.min(max, Math.max(min, value));
function movableInside(el, x, y, scale) {
  const range = movableRange(el, scale);
  return { x: movableClamp(x, range.minX, range.maxX), y: movableClamp(y, range.minY, range.maxY) };
}

function movableDraw(el) {
  const state = movableState(el);
  setDerived(el, "transform", `translate(${state.x}px, ${state.y}px) scale(${state.scale})`);
}
// Reports where the view is now, when that is not what was last reported.
function movableReport(el, source) {
  const state = movableState(el);
  const x = movableRound(state.x);
  const y = movableRound(state.y);
  const last = state.reported;
  if (last && last.x === x && last.y === y) return;
  state.reported = { x, y };
  emit(el, "change", { x, y, source });
}
function movableReportScale(el) {
  const state = movableState(el);
  emit(el, "scale", { x: movableRound(state.x), y: movableRound(state.y), scale: movableRound(state.scale) });
}
function movableStop(el) {
  const state = movableState(el);
  cancelAnimationFrame(state.frame);
  state.frame = 0;
  state.target = null;
}

// The app's x, y and scale-value, brought into range: where the view starts, and where the
// app moves it.
function movableWanted(el, state, options) {
  const scale = options.scalable
    ? movableClamp(movableNumber(movableAttr(el, "scale-value", "scaleValue"), 1), options.scaleMin, options.scaleMax)
    : 1;
  const x = movableLength(movableAttr(el, "x"));
  const y = movableLength(movableAttr(el, "y"));
  return { scale, x: x === undefined ? state.x : x, y: y === undefined ? state.y : y };
}

// First layout, and any later resize: the view stays in range (no event), where the app put
// it the first time.
function movableRefit(el) {
  if (!el.isConnected || !el.offsetParent) return;
  const state = movableState(el);
  if ((movableGesture && movableGesture.el === el) || state.frame) return;
  const options = movableOptions(el);
  if (!state.placed) {
    const wanted = movableWanted(el, state, options);
    state.scale = wanted.scale;
    state.x = wanted.x;
    state.y = wanted.y;
    state.placed = true;
  }
  const inside = movableInside(el, state.x, state.y, state.scale);
  state.x = inside.x;
  state.y = inside.y;
  state.reported = { x: movableRound(state.x), y: movableRound(state.y) };
  movableDraw(el);
}

// The app set x (`axis` "x"), y ("y") or scale-value ("scale"): the view goes there.
function movableFollow(el, axis) {
  const state = movableState(el);
  if (!state.placed) return movableRefit(el);
  if (movableGesture && movableGesture.el === el) return; // the finger has it
  const options = movableOptions(el);
  const wanted = movableWanted(el, state, options);
  const from = state.target || { x: state.x, y: state.y, scale: state.scale };
  const to = { x: from.x, y: from.y, scale: from.scale };
  if (axis === "x") to.x = wanted.x;
  if (axis === "y") to.y = wanted.y;
  if (axis === "scale") to.scale = wanted.scale;
  Object.assign(to, movableInside(el, to.x, to.y, to.scale));
  movableAnimate(el, to, "", options.animated ? movableDuration(options) : 0);
}
// `damping`: the larger, the quicker the view gets there (300 ms at the default 20).
const movableDuration = (options) => Math.min(1500, Math.max(60, 6000 / options.damping));
const movableEase = (t) => 1 - Math.pow(1 - t, 3);

// Moves the view to `to` ({x, y, scale}) over `duration` ms, reporting change with `source`
// (and scale, when it scales) on the way and where it ends.
function movableAnimate(el, to, source, duration) {
  movableStop(el);
  const state = movableState(el);
  const from = { x: state.x, y: state.y, scale: state.scale };
  const scaling = to.scale !== from.scale;
  const step = (t) => {
    const k = movableEase(t);
    state.x = from.x + (to.x - from.x) * k;
    state.y = from.y + (to.y - from.y) * k;
    state.scale = from.scale + (to.scale - from.scale) * k;
    movableDraw(el);
    movableReport(el, source);
    if (scaling) movableReportScale(el);
  };
  if (!(duration > 0) || !el.isConnected) {
    step(1);
    return;
  }
  state.target = to;
  const start = performance.now();
  const frame = (now) => {
    const t = Math.min(1, (now - start) / duration);
    step(t);
    if (t < 1 && el.isConnected) state.frame = requestAnimationFrame(frame);
    else {
      state.frame = 0;
      state.target = null;
    }
  };
  state.frame = requestAnimationFrame(frame);
}

// After a quick release with inertia: the view coasts on at the release velocity (px/ms),
// slowing down evenly by `friction`, and stops at the edge (past it with out-of-bounds, then
// springs back).
function movableCoast(el, vx, vy, options) {
  movableStop(el);
  const state = movableState(el);
  const speed = Math.hypot(vx, vy);
  const slowing = options.friction * MOVABLE_FRICTION_PX_PER_MS2;
  const total = speed / slowing; // ms until it stops
  const from = { x: state.x, y: state.y };
  const start = performance.now();
  const frame = (now) => {
    const t = Math.min(total, now - start);
    const travelled = t - (t * t) / (2 * total); // of the initial velocity
    let x = from.x + vx * travelled;
    let y = from.y + vy * travelled;
    if (!options.outOfBounds) {
      const inside = movableInside(el, x, y, state.scale);
      x = inside.x;
      y = inside.y;
    }
    const moved = x !== state.x || y !== state.y;
    state.x = x;
    state.y = y;
    movableDraw(el);
    movableReport(el, "friction");
    if (t < total && (moved || now - start < 50) && el.isConnected) {
      state.frame = requestAnimationFrame(frame);
      return;
    }
    state.frame = 0;
    movableSettle(el, options);
  };
  state.frame = requestAnimationFrame(frame);
}
// Past the edge when the finger lifts or the coasting stops: back into range.
function movableSettle(el, options) {
  const state = movableState(el);
  const inside = movableInside(el, state.x, state.y, state.scale);
  if (inside.x === state.x && inside.y === state.y) return;
  movableAnimate(el, { x: inside.x, y: inside.y, scale: state.scale }, "out-of-bounds", movableDuration(options));
}

// --- the finger (pointer events on the area, followed on the window like the slider's)
function movablePointerDown(area, event) {
  if (event.button !== 0 && event.pointerType === "mouse") return;
  let el = null;
  for (let node = event.target; node && node !== area; node = node.parentNode) {
    if (node.parentNode === area && isMpElement(node) && node.localName === "movable-view") el = node;
  }
  const pinchOnly = !el && truthy(movableAttr(area, "scale-area", "scaleArea"));
  if (pinchOnly) el = movableViews(area).find((view) => movableOptions(view).scalable) || null;
  if (!el) return;
  const options = movableOptions(el);
  if (options.disabled) return;
  const point = { x: event.clientX, y: event.clientY };
  const gesture = movableGesture;
  if (gesture && gesture.el !== el) return;
  if (gesture) {
    gesture.pointers.set(event.pointerId, point);
    if (options.scalable && gesture.pointers.size === 2) movablePinchStart(el, gesture);
    return;
  }
  movableStop(el);
  const state = movableState(el);
  movableGesture = {
    el,
    pointers: new Map([[event.pointerId, point]]),
    drag: pinchOnly || !(options.horizontal || options.vertical) ? null
      : { pointer: event.pointerId, start: point, origin: { x: state.x, y: state.y }, samples: [] },
    pinch: null,
    axis: null,
  };
  if (!movableListening) {
    movableListening = true;
    window.addEventListener("pointermove", movablePointerMove);
    window.addEventListener("pointerup", movablePointerUp);
    window.addEventListener("pointercancel", movablePointerUp);
  }
}
function movablePinchStart(el, gesture) {
  const [a, b] = Array.from(gesture.pointers.values());
  gesture.pinch = { distance: Math.max(1, Math.hypot(a.x - b.x, a.y - b.y)), scale: movableState(el).scale };
  gesture.drag = null; // two fingers scale, they do not drag
}
function movablePointerMove(event) {
  const gesture = movableGesture;
  if (!gesture || !gesture.pointers.has(event.pointerId)) return;
  const el = gesture.el;
  if (!el.isConnected) {
    movableGesture = null;
    return;
  }
  const point = { x: event.clientX, y: event.clientY };
  gesture.pointers.set(event.pointerId, point);
  const state = movableState(el);
  const options = movableOptions(el);
  if (gesture.pinch) {
    if (gesture.pointers.size < 2) return;
    const [a, b] = Array.from(gesture.pointers.values());
    const scale = movableClamp(gesture.pinch.scale * (Math.hypot(a.x - b.x, a.y - b.y) / gesture.pinch.distance), options.scaleMin, options.scaleMax);
    if (scale === state.scale) return;
    state.scale = scale;
    Object.assign(state, movableInside(el, state.x, state.y, scale));
    movableDraw(el);
    movableReportScale(el);
    return;
  }
  const drag = gesture.drag;
  if (!drag || event.pointerId !== drag.pointer) return;
  const dx = point.x - drag.start.x;
  const dy = point.y - drag.start.y;
  if (!gesture.axis && (dx || dy)) gesture.axis = Math.abs(dx) >= Math.abs(dy) ? "h" : "v";
  if (gesture.axis) {
    const touch = pointOf(event, event.pointerId);
    emit(el, gesture.axis + "touchmove", {}, [touch], [touch], event.timeStamp);
  }
  const range = movableRange(el, state.scale);
  let out = false;
  // Past the edge the view follows at half the finger's speed, with out-of-bounds only.
  const follow = (value, min, max) => {
    if (value >= min && value <= max) return value;
    if (!options.outOfBounds) return movableClamp(value, min, max);
    out = true;
    return value < min ? min - (min - value) / 2 : max + (value - max) / 2;
  };
  const x = options.horizontal ? follow(drag.origin.x + dx, range.minX, range.maxX) : state.x;
  const y = options.vertical ? follow(drag.origin.y + dy, range.minY, range.maxY) : state.y;
  const now = performance.now();
  drag.samples.push({ t: now, x, y });
  while (drag.samples.length > 2 && now - drag.samples[0].t > MOVABLE_SAMPLE_MS) drag.samples.shift();
  if (x === state.x && y === state.y) return;
  state.x = x;
  state.y = y;
  movableDraw(el);
  movableReport(el, out ? "touch-out-of-bounds" : "touch");
}
function movablePointerUp(event) {
  const gesture = movableGesture;
  if (!gesture || !gesture.pointers.has(event.pointerId)) return;
  gesture.pointers.delete(event.pointerId);
  const drag = gesture.drag;
  if (gesture.pointers.size > 0 && !(drag && drag.pointer === event.pointerId)) return;
  movableGesture = null;
  const el = gesture.el;
  if (!el.isConnected) return;
  const options = movableOptions(el);
  if (drag && event.type === "pointerup" && options.inertia) {
    const now = performance.now();
    const samples = drag.samples.filter((sample) => now - sample.t <= MOVABLE_SAMPLE_MS);
    const first = samples[0];
    const last = samples[samples.length - 1];
    const span = first && last ? last.t - first.t : 0;
    if (span > 0) {
      const vx = options.horizontal ? (last.x - first.x) / span : 0;
      const vy = options.vertical ? (last.y - first.y) / span : 0;
      if (Math.hypot(vx, vy) >= MOVABLE_FLICK_PX_PER_MS) {
        movableCoast(el, vx, vy, options);
        return;
      }
    }
  }
  movableSettle(el, options);
}

define("movable-area", {
  created(el) {
    el.addEventListener("pointerdown", (event) => movablePointerDown(el, event));
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => movableViews(el).forEach(movableRefit)).observe(el);
    }
  },
  childrenChanged: (el) => later(() => movableViews(el).forEach(movableRefit)),
});
define("movable-view", {
  attrs: {
    x: (el) => movableFollow(el, "x"),
    y: (el) => movableFollow(el, "y"),
    "scale-value": (el) => movableFollow(el, "scale"),
    scaleValue: (el) => movableFollow(el, "scale"),
    scale: (el) => movableFollow(el, "scale"),
    direction: movableRefit,
    "out-of-bounds": movableRefit,
  },
  created(el) {
    movableState(el);
    later(() => movableRefit(el));
  },
});
