// <slider>: min, max, step, value, show-value, disabled and the colours and sizes of
// both dialects. The handle goes where the finger presses; moving it reports `changing`
// ({value}) each time the value changes, and lifting the finger `change` (so a tap on
// the rail, no drag, reports `change` only). The value a user chose stays
// until the app sets `value` again (and is what a form submits).
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
const sliders = new WeakMap(); // el -> { value, parts }
// The slider being dragged, and by which pointer: the window follows the pointer, so a
// finger that leaves the slider still moves it (no pointer capture: WebKit stopped
// painting after capturing a pointer it did not know).
let sliding = null; // { el, pointer }
function sliderRange(el) {
  const attrs = attrsOf(el);
  const number = (value, fallback) => (value === undefined || value === null || value === "" || !isFinite(Number(value)) ? fallback : Number(value));
  const min = number(attrs.min, 0);
  const max = Math.max(min, number(attrs.max, 100));
  const step = number(attrs.step, 1) > 0 ? number(attrs.step, 1) : 1;
  return { min, max, step };
}
// `value` brought into the range and onto a step (counted from min).
function sliderSnap(el, value) {
  const { min, max, step } = sliderRange(el);
  const steps = Math.round((Math.min(max, Math.max(min, Number(value) || 0)) - min) / step);
  const snapped = Math.min(max, min + steps * step);
  return Number(snapped.toFixed(10)); // 0.1 + 0.2 steps stay 0.3
}
function sliderOf(el) {
  let slider = sliders.get(el);
  if (slider) return slider;
  const part = (name, parent) => parent.appendChild(document.createElement("capsule-slider-" + name));
  const row = document.createElement("capsule-slider-row");
  const rail = part("rail", row);
  const parts = { row, rail, fill: part("fill", rail), handle: part("handle", rail), label: part("value", row) };
  slider = { value: 0, parts };
  sliders.set(el, slider);
  el.appendChild(row);
  el.addEventListener("pointerdown", (event) => slideStart(el, event));
  if (!sliding) {
    window.addEventListener("pointermove", slideMove);
    window.addEventListener("pointerup", slideEnd);
    window.addEventListener("pointercancel", slideEnd);
    sliding = { el: null, pointer: null };
  }
  return slider;
}
function syncSlider(el) {
  const slider = sliderOf(el);
  const attrs = attrsOf(el);
  const first = (...names) => names.map((name) => attrs[name]).find((value) => value !== undefined && value !== null && value !== "");
  const colour = (property, value) => setDerived(el, property, value === undefined ? null : String(value));
  const length = (property, value) => setDerived(el, property, value === undefined ? null : cssLength(value));
  colour("--capsule-slider-fill", first("active-color", "activeColor", "selected-color", "selectedColor"));
  colour("--capsule-slider-rail", first("background-color", "backgroundColor", "color"));
  colour("--capsule-slider-knob", first("block-color", "blockColor", "handle-color", "handleColor"));
  // WeChat's block-size is 12 to 28; Alipay's handleSize has no documented range.
  const block = first("block-size", "blockSize");
  const knob = block === undefined ? first("handle-size", "handleSize") : Math.min(28, Math.max(12, Number(block) || 28));
  length("--capsule-slider-knob-size", knob);
  length("--capsule-slider-track", first("track-size", "trackSize"));
  if (sliding.el !== el) slider.value = sliderSnap(el, attrs.value);
  drawSlider(el);
}
function drawSlider(el) {
  const slider = sliderOf(el);
  const { min, max } = sliderRange(el);
  const percent = max > min ? ((slider.value - min) / (max - min)) * 100 : 0;
  slider.parts.fill.style.width = percent + "%";
  slider.parts.handle.style.left = percent + "%";
  const attrs = attrsOf(el);
  slider.parts.label.hidden = !truthy(attrs["show-value"] ?? attrs.showValue);
  slider.parts.label.textContent = String(slider.value);
}
// The value under the pointer's x on the rail.
function sliderValueAt(el, clientX) {
  const box = sliderOf(el).parts.rail.getBoundingClientRect();
  const { min, max } = sliderRange(el);
  const ratio = box.width > 0 ? (clientX - box.left) / box.width : 0;
  return sliderSnap(el, min + Math.min(1, Math.max(0, ratio)) * (max - min));
}
// Moves the handle to `value`; reports `type` (when given), `changing` only if it moved.
function slideTo(el, value, type) {
  const slider = sliderOf(el);
  const moved = value !== slider.value;
  slider.value = value;
  drawSlider(el);
  if (type === "change" || (type === "changing" && moved)) emit(el, type, { value });
}
function slideStart(el, event) {
  if (event.button !== 0 || truthy(attrsOf(el).disabled)) return;
  sliding.el = el;
  sliding.pointer = event.pointerId;
  slideTo(el, sliderValueAt(el, event.clientX));
}
function slideMove(event) {
  const el = sliding.el;
  if (el && event.pointerId === sliding.pointer && el.isConnected) slideTo(el, sliderValueAt(el, event.clientX), "changing");
}
function slideEnd(event) {
  const el = sliding.el;
  if (!el || event.pointerId !== sliding.pointer) return;
  sliding.el = null;
  if (event.type === "pointerup" && el.isConnected) slideTo(el, sliderValueAt(el, event.clientX), "change");
}


define("slider", {
  own: ["value"],
  attrs: Object.fromEntries(["value", "min", "max", "step", "show-value", "showValue", "active-color", "activeColor",
    "selected-color", "selectedColor", "background-color", "backgroundColor", "color", "block-color", "blockColor",
    "handle-color", "handleColor", "block-size", "blockSize", "handle-size", "handleSize", "track-size", "trackSize",
  ].map((name) => [name, syncSlider])),
  created: syncSlider,
  change: (el, value) => slideTo(el, sliderSnap(el, value), "change"),
  formValue: (el) => sliderOf(el).value,
  formReset(el) {
    sliderOf(el).value = sliderSnap(el, attrsOf(el).value);
    drawSlider(el);
  },
});
