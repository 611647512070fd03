// <progress>: a track and a bar filled to `percent` (the colours both platforms document by
// default), drawn on the element's own parts (::-webkit-progress-bar / -value) rather than the
// webview's native bar: stroke-width, border-radius, activeColor / active-color (color),
// backgroundColor / background-color; show-info writes "percent%" at the right in
// font-size; active fills the bar from 0 (active-mode forwards: from where it was) at
// `duration` ms per 1%.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
function syncProgress(el) {
  if (!("max" in el)) return;
  const attrs = attrsOf(el);
  const first = (...names) => names.map((name) => attrs[name]).find((value) => value !== undefined && value !== null && value !== "");
  const colour = (property, value) => setDerived(el, property, value === undefined ? null : String(value));
  const length = (property, value) => setDerived(el, property, value === undefined ? null : cssLength(value));
  colour("--capsule-progress-bar", first("activeColor", "active-color", "color"));
  colour("--capsule-progress-track", first("backgroundColor", "background-color"));
  length("--capsule-progress-stroke", first("stroke-width", "strokeWidth"));
  length("--capsule-progress-radius", first("border-radius", "borderRadius"));
  length("--capsule-progress-font", first("font-size", "fontSize"));
  const percent = Math.min(100, Math.max(0, Number(attrs.percent) || 0));
  reflect(el, "capsule-info", truthy(first("show-info", "showInfo")) ? percent + "%" : null);
  el.max = 100;
  const state = stateOf(el, () => ({ shown: 0, run: 0 }));
  const from = first("active-mode", "activeMode") === "forwards" ? state.shown : 0;
  const run = ++state.run;
  state.shown = percent;
  if (!truthy(attrs.active) || from === percent) {
    setDerived(el, "--capsule-progress-time", null);
    el.value = percent;
    return;
  }
  // From `from` with no transition, then to `percent` once that is drawn.
  setDerived(el, "--capsule-progress-time", "0ms");
  el.value = from;
  const perStep = Number(first("duration"));
  const time = Math.abs(percent - from) * (isFinite(perStep) && perStep >= 0 ? perStep : 30);
  let started = false;
  const go = () => {
    if (started || state.run !== run) return;
    started = true;
    setDerived(el, "--capsule-progress-time", time + "ms");
    el.value = percent;
  };
  requestAnimationFrame(() => requestAnimationFrame(go));
  setTimeout(go, 100); // a hidden webview may not paint
}


define("progress", {
  own: ["percent"],
  attrs: Object.fromEntries(["percent", "show-info", "showInfo", "stroke-width", "strokeWidth", "border-radius",
    "borderRadius", "font-size", "fontSize", "activeColor", "active-color", "color", "backgroundColor",
    "background-color", "active", "active-mode", "activeMode", "duration"].map((name) => [name, syncProgress])),
  created: syncProgress,
});
