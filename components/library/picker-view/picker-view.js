// <picker-view> and <picker-view-column>: wheels drawn in the page. Each column scrolls its
// own children (the app's rows), one row snapping to the indicator band in the middle; when
// a column settles, the picker-view reports change with the index of every column's row.
// pickstart and pickend bracket a user's scrolling. `value` scrolls the columns to those
// rows without reporting change. indicator-style (its height is the row height) and
// mask-style restyle the band and the fading mask.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const PICKER_VIEW_ROW_PX = 34; // the platforms' default row (indicator) height
const pickerViews = new WeakMap(); // picker-view -> { value, picking, timer, parts }

const viewColumns = (el) => Array.from(el.children).filter((child) => isMpElement(child) && child.localName === "picker-view-column");
const rowsOf = (column) => Array.from(column.children).filter(isMpElement);

function pickerViewOf(el) {
  let state = pickerViews.get(el);
  if (state) return state;
  // The band and the mask go after the app's columns, so patch indices still name columns.
  const mask = document.createElement("capsule-picker-mask");
  const band = document.createElement("capsule-picker-indicator");
  el.append(mask, band);
  state = { value: [], picking: false, timer: 0, parts: { mask, band } };
  pickerViews.set(el, state);
  return state;
}

// The row height: the indicator's height as indicator-style (or indicatorStyle) says it.
function pickerViewRow(el) {
  const band = pickerViewOf(el).parts.band;
  const height = band.getBoundingClientRect().height;
  return height > 0 ? height : PICKER_VIEW_ROW_PX;
}

function syncPickerView(el) {
  const state = pickerViewOf(el);
  const attrs = attrsOf(el);
  state.parts.band.setAttribute("style", inlineRpx(String(attrs["indicator-style"] ?? attrs.indicatorStyle ?? "")));
  state.parts.mask.setAttribute("style", inlineRpx(String(attrs["mask-style"] ?? attrs.maskStyle ?? "")));
  const value = Array.isArray(attrs.value) ? attrs.value : [];
  later(() => layoutPickerView(el, value));
}

// Sizes every column around the band and scrolls each to its row of `value`.
function layoutPickerView(el, value) {
  if (!el.isConnected) return;
  const state = pickerViewOf(el);
  const row = pickerViewRow(el);
  const height = el.clientHeight;
  const pad = Math.max(0, (height - row) / 2);
  state.parts.band.style.top = pad + "px";
  setDerived(el, "--capsule-picker-row", row + "px");
  setDerived(el, "--capsule-picker-pad", pad + "px");
  state.value = viewColumns(el).map((column, at) => {
    const index = Math.min(Math.max(0, Math.trunc(Number(value[at])) || 0), Math.max(0, rowsOf(column).length - 1));
    column.scrollTop = index * row;
    return index;
  });
}

function onPickerViewScroll(event) {
  const column = event.target;
  if (!isMpElement(column) || column.localName !== "picker-view-column") return;
  const el = column.parentElement;
  if (!el || el.localName !== "picker-view" || !isMpElement(el)) return;
  const state = pickerViewOf(el);
  // Scrolled by the user: off the row `value` put it on (layoutPickerView lands on one).
  const at = viewColumns(el).indexOf(column);
  const resting = Math.abs(column.scrollTop - (state.value[at] || 0) * pickerViewRow(el)) < 1;
  if (!state.picking && !resting) {
    state.picking = true;
    emit(el, "pickstart", {});
  }
  clearTimeout(state.timer);
  state.timer = setTimeout(() => pickerViewSettled(el), 120);
}

// The columns stopped: change when a column is on another row than before.
function pickerViewSettled(el) {
  const state = pickerViewOf(el);
  const row = pickerViewRow(el);
  const value = viewColumns(el).map((column) => Math.min(Math.round(column.scrollTop / row), Math.max(0, rowsOf(column).length - 1)));
  const changed = value.length !== state.value.length || value.some((index, at) => index !== state.value[at]);
  state.value = value;
  if (state.picking) {
    state.picking = false;
    emit(el, "pickend", {});
  }
  if (changed) emit(el, "change", { value });
}

define("picker-view", {
  own: ["value"],
  attrs: { value: syncPickerView, "indicator-style": syncPickerView, indicatorStyle: syncPickerView, "mask-style": syncPickerView, maskStyle: syncPickerView },
  created: syncPickerView,
  childrenChanged: (el) => later(() => layoutPickerView(el, pickerViewOf(el).value)),
  // A test's value (an index per column) scrolls the columns as a user would.
  change(el, value) {
    const row = pickerViewRow(el);
    viewColumns(el).forEach((column, at) => {
      if (Array.isArray(value) && value[at] !== undefined) column.scrollTop = (Math.trunc(Number(value[at])) || 0) * row;
    });
    pickerViewSettled(el);
  },
  formValue: (el) => pickerViewOf(el).value,
  listeners: [["scroll", onPickerViewScroll, true]],
});
define("picker-view-column", {});
