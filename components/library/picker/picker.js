// <picker>: a tap opens a sheet from the bottom of the screen with wheel columns, the
// platforms' Cancel and Confirm at its top. Modes: selector (one column of `range`, its
// items' `range-key` when they are objects), multiSelector (a column per array of `range`,
// reporting columnchange as a column settles), time ("hh:mm" between start and end), date
// ("YYYY-MM-DD", or "YYYY" / "YYYY-MM" with fields year / month, between start and end) and
// region (province, city, district). Confirm reports change with the chosen value (region
// also with `code`); Cancel, or a tap on the mask, reports cancel. The chosen value stays
// until the app sets `value` again, and is what a form submits.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const PICKER_ROW_PX = 48; // one row of a wheel column (WeUI and AntUI both use about 48px)
const PICKER_ROWS = 5; // rows a column shows, the chosen one in the middle
const PICKER_SETTLE_MS = 120; // a column whose scrolling paused this long has settled
const DATE_START = "1900-01-01"; // the range a date picker without start or end offers
const DATE_END = "2100-12-31";
const pickers = new WeakMap(); // el -> { value } the user chose last
let openSheet = null; // { el, host, columns: [{ element, items, index }], timer }

const pad2 = (n) => String(n).padStart(2, "0");
const pickerMode = (el) => {
  const mode = attrsOf(el).mode;
  return ["selector", "multiSelector", "time", "date", "region"].includes(mode) ? mode : "selector";
};
const itemLabel = (item, key) => {
  if (item && typeof item === "object" && key !== undefined && key !== null && key !== "") return String(item[key] ?? "");
  return item === undefined || item === null ? "" : String(item);
};
const rangeOf = (el) => (Array.isArray(attrsOf(el).range) ? attrsOf(el).range : []);
const rangeKeyOf = (el) => attrsOf(el)["range-key"] ?? attrsOf(el).rangeKey;
const clampIndex = (index, length) => Math.min(Math.max(0, Math.trunc(Number(index)) || 0), Math.max(0, length - 1));

// "hh:mm" as minutes, or null.
function parseTime(text) {
  const match = /^(\d{1,2}):(\d{1,2})$/.exec(String(text ?? "").trim());
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) return null;
  return Number(match[1]) * 60 + Number(match[2]);
}
// "YYYY[-MM[-DD]]" as [year, month, day] (month and day 1 when left out), or null.
function parseDate(text) {
  const match = /^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$/.exec(String(text ?? "").trim());
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2] || 1), Number(match[3] || 1)];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  return [year, month, day];
}
const daysIn = (year, month) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const dateKey = ([year, month, day]) => year * 10000 + month * 100 + day;
function dateFields(el) {
  const fields = attrsOf(el).fields;
  return fields === "year" ? 1 : fields === "month" ? 2 : 3;
}
function dateBounds(el) {
  const attrs = attrsOf(el);
  return [parseDate(attrs.start) || parseDate(DATE_START), parseDate(attrs.end) || parseDate(DATE_END)];
}
function timeBounds(el) {
  const attrs = attrsOf(el);
  const start = parseTime(attrs.start) ?? 0;
  return [start, Math.max(start, parseTime(attrs.end) ?? 23 * 60 + 59)];
}

// The value the picker shows when it opens: what the user chose last, else `value`.
function pickerValue(el) {
  const state = pickers.get(el);
  return state && state.value !== undefined ? state.value : attrsOf(el).value;
}

// The wheel columns for a value: [{ items: [labels], index }], per mode.
function pickerColumns(el, value) {
  const mode = pickerMode(el);
  const key = rangeKeyOf(el);
  if (mode === "selector") {
    const items = rangeOf(el).map((item) => itemLabel(item, key));
    return [{ items, index: clampIndex(value, items.length) }];
  }
  if (mode === "multiSelector") {
    const indices = Array.isArray(value) ? value : [];
    return rangeOf(el).map((column, at) => {
      const items = (Array.isArray(column) ? column : []).map((item) => itemLabel(item, key));
      return { items, index: clampIndex(indices[at], items.length) };
    });
  }
  if (mode === "time") {
    const [start, end] = timeBounds(el);
    const minutes = Math.min(end, Math.max(start, parseTime(value) ?? start));
    const hour = Math.floor(minutes / 60);
    const hours = [];
    for (let h = Math.floor(start / 60); h <= Math.floor(end / 60); h += 1) hours.push(h);
    const first = hour === Math.floor(start / 60) ? start % 60 : 0;
    const last = hour === Math.floor(end / 60) ? end % 60 : 59;
    const mins = [];
    for (let m = first; m <= last; m += 1) mins.push(m);
    return [
      { items: hours.map(pad2), values: hours, index: hours.indexOf(hour) },
      { items: mins.map(pad2), values: mins, index: Math.max(0, mins.indexOf(minutes % 60)) },
    ];
  }
  if (mode === "date") {
    const [start, end] = dateBounds(el);
    let date = parseDate(value) || start;
    if (dateKey(date) < dateKey(start)) date = start;
    if (dateKey(date) > dateKey(end)) date = end;
    const span = (from, to) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);
    const years = span(start[0], end[0]);
    const months = span(date[0] === start[0] ? start[1] : 1, date[0] === end[0] ? end[1] : 12);
    const sameMonth = (bound) => date[0] === bound[0] && date[1] === bound[1];
    const days = span(sameMonth(start) ? start[2] : 1, sameMonth(end) ? end[2] : daysIn(date[0], date[1]));
    const column = (numbers, wanted, label) => ({ items: numbers.map(label), values: numbers, index: Math.max(0, numbers.indexOf(wanted)) });
    return [
      column(years, date[0], (y) => y + "年"),
      column(months, date[1], (m) => pad2(m) + "月"),
      column(days, date[2], (d) => pad2(d) + "日"),
    ].slice(0, dateFields(el));
  }
  return regionColumns(el, value);
}

// The value chosen columns stand for, per mode.
function pickedValue(el, columns) {
  const mode = pickerMode(el);
  const at = (column) => (column.values ? column.values[column.index] : column.index);
  if (mode === "selector") return columns[0] ? columns[0].index : 0;
  if (mode === "multiSelector") return columns.map((column) => column.index);
  if (mode === "time") return pad2(at(columns[0])) + ":" + pad2(at(columns[1]));
  if (mode === "date") {
    const year = at(columns[0]);
    const month = columns[1] ? at(columns[1]) : 1;
    // A day past the end of a month the user turned to becomes its last day.
    const day = Math.min(columns[2] ? at(columns[2]) : 1, daysIn(year, month));
    return [String(year), pad2(month), pad2(day)].slice(0, dateFields(el)).join("-");
  }
  return regionValue(columns);
}

// --- region: provinces, their cities and their districts (region-data.js).
function regionColumns(el, value) {
  const names = Array.isArray(value) ? value.map(String) : [];
  const custom = attrsOf(el)["custom-item"] ?? attrsOf(el).customItem;
  const withCustom = (list) => (custom ? [[String(custom), "", []], ...list] : list);
  const columns = [];
  let level = withCustom(regions());
  for (let depth = 0; depth < 3; depth += 1) {
    const index = Math.max(0, level.findIndex((entry) => entry[0] === names[depth]));
    columns.push({ items: level.map((entry) => entry[0]), entries: level, index });
    const chosen = level[index];
    level = chosen && Array.isArray(chosen[2]) && chosen[2].length ? withCustom(chosen[2]) : withCustom([]);
    if (!level.length) level = [["", "", []]];
  }
  return columns;
}
function regionValue(columns) {
  const chosen = columns.map((column) => column.entries[column.index] || ["", "", []]);
  return { value: chosen.map((entry) => entry[0]), code: chosen.map((entry) => entry[1]) };
}

// --- the sheet
const PICKER_CSS = `
:host { all: initial; }
.layer { position: fixed; inset: 0; z-index: 2147483600; display: flex; flex-direction: column; justify-content: flex-end;
  font-family: ${FONT_STACK}; -webkit-user-select: none; user-select: none; }
.mask { position: absolute; inset: 0; background: rgba(0, 0, 0, 0.6); animation: fade 0.2s ease; }
.panel { position: relative; background: #fff; padding-bottom: var(--capsule-bottom-inset, 0px); animation: rise 0.2s ease; }
.bar { display: flex; align-items: center; justify-content: space-between; height: 56px; padding: 0 8px; }
.bar button { border: 0; background: none; padding: 0 16px; height: 100%; font: inherit; font-size: 17px; cursor: pointer; }
.cancel { color: rgba(0, 0, 0, 0.9); }
.confirm { color: #07c160; font-weight: 600; }
.title { flex: 1; text-align: center; font-size: 17px; font-weight: 600; color: rgba(0, 0, 0, 0.9); overflow: hidden;
  white-space: nowrap; text-overflow: ellipsis; }
.alipay .bar { height: 44px; border-bottom: 1px solid #eee; }
.alipay .bar button { font-size: 16px; }
.alipay .cancel { color: #999; }
.alipay .confirm { color: #1677ff; font-weight: normal; }
.alipay .title { font-size: 16px; font-weight: normal; color: #333; }
.wheels { position: relative; display: flex; height: ${PICKER_ROW_PX * PICKER_ROWS}px; padding: 0 16px; }
.column { flex: 1; min-width: 0; height: 100%; overflow-y: scroll; scroll-snap-type: y mandatory; scrollbar-width: none;
  overscroll-behavior: contain; }
.column::-webkit-scrollbar { display: none; }
.row { height: ${PICKER_ROW_PX}px; line-height: ${PICKER_ROW_PX}px; scroll-snap-align: center; text-align: center;
  font-size: 17px; color: rgba(0, 0, 0, 0.9); overflow: hidden; white-space: nowrap; text-overflow: ellipsis; padding: 0 4px; }
.spacer { height: ${PICKER_ROW_PX * Math.floor(PICKER_ROWS / 2)}px; }
.band { position: absolute; left: 16px; right: 16px; top: ${PICKER_ROW_PX * Math.floor(PICKER_ROWS / 2)}px; height: ${PICKER_ROW_PX}px;
  border-radius: 8px; background: rgba(0, 0, 0, 0.05); pointer-events: none; }
.alipay .band { border-radius: 0; background: none; border-top: 1px solid #eee; border-bottom: 1px solid #eee; }
.fade { position: absolute; left: 0; right: 0; top: 0; bottom: 0; pointer-events: none;
  background: linear-gradient(#fff, rgba(255, 255, 255, 0.4) 40%, rgba(255, 255, 255, 0) 40%, rgba(255, 255, 255, 0) 60%, rgba(255, 255, 255, 0.4) 60%, #fff); }
@keyframes fade { from { opacity: 0; } }
@keyframes rise { from { transform: translateY(100%); } }
`;

function openPicker(el) {
  closePicker();
  const host = document.createElement("capsule-picker-sheet");
  const shadow = host.attachShadow({ mode: "open" });
  const dialect = document.documentElement.getAttribute("capsule-dialect") === "alipay" ? "alipay" : "wechat";
  shadow.innerHTML = `<style>${PICKER_CSS}</style><div class="layer ${dialect}"><div class="mask"></div><div class="panel">
    <div class="bar"><button class="cancel">取消</button><div class="title"></div><button class="confirm">确定</button></div>
    <div class="wheels"><div class="band"></div><div class="fade"></div></div></div></div>`;
  const title = attrsOf(el)["header-text"] ?? attrsOf(el).title;
  shadow.querySelector(".title").textContent = title === undefined || title === null ? "" : String(title);
  shadow.querySelector(".cancel").addEventListener("click", () => cancelPicker());
  shadow.querySelector(".mask").addEventListener("click", () => cancelPicker());
  shadow.querySelector(".confirm").addEventListener("click", () => confirmPicker());
  document.body.appendChild(host);
  openSheet = { el, host, shadow, columns: [], timer: 0 };
  drawColumns(pickerColumns(el, pickerValue(el)));
}

// Draws `columns` in the open sheet, each scrolled to its index.
function drawColumns(columns) {
  const sheet = openSheet;
  const wheels = sheet.shadow.querySelector(".wheels");
  for (const old of wheels.querySelectorAll(".column")) old.remove();
  sheet.columns = columns.map((column, at) => {
    const element = document.createElement("div");
    element.className = "column";
    element.appendChild(Object.assign(document.createElement("div"), { className: "spacer" }));
    for (const label of column.items) {
      element.appendChild(Object.assign(document.createElement("div"), { className: "row", textContent: label }));
    }
    element.appendChild(Object.assign(document.createElement("div"), { className: "spacer" }));
    wheels.insertBefore(element, wheels.querySelector(".band"));
    element.scrollTop = column.index * PICKER_ROW_PX;
    element.addEventListener("scroll", () => {
      clearTimeout(sheet.timer);
      sheet.timer = setTimeout(() => columnSettled(at), PICKER_SETTLE_MS);
    });
    return { ...column, element };
  });
}

// A column stopped on a row: multiSelector reports columnchange; time, date and region
// columns that depend on it are drawn again.
function columnSettled(at) {
  const sheet = openSheet;
  if (!sheet) return;
  const column = sheet.columns[at];
  const index = clampIndex(Math.round(column.element.scrollTop / PICKER_ROW_PX), column.items.length);
  if (index === column.index) return;
  column.index = index;
  const mode = pickerMode(sheet.el);
  if (mode === "multiSelector") emit(sheet.el, "columnchange", { column: at, value: index });
  else if (mode !== "selector") drawColumns(pickerColumns(sheet.el, pickedValue(sheet.el, sheet.columns)));
}

function settleAll() {
  for (const column of openSheet.columns) {
    column.index = clampIndex(Math.round(column.element.scrollTop / PICKER_ROW_PX), column.items.length);
  }
}

function confirmPicker() {
  const sheet = openSheet;
  if (!sheet) return;
  clearTimeout(sheet.timer);
  settleAll();
  const value = pickedValue(sheet.el, sheet.columns);
  closePicker();
  if (sheet.el.isConnected) choose(sheet.el, value);
}

function cancelPicker() {
  const sheet = openSheet;
  closePicker();
  if (sheet && sheet.el.isConnected) emit(sheet.el, "cancel", {});
}

function closePicker() {
  if (!openSheet) return;
  clearTimeout(openSheet.timer);
  openSheet.host.remove();
  openSheet = null;
}

// The user's choice: kept, and reported as change (region: {value, code}).
function choose(el, value) {
  const region = pickerMode(el) === "region";
  pickers.set(el, { value: region ? value.value : value });
  emit(el, "change", region ? { value: value.value, code: value.code } : { value });
}

// The app set `value`: it replaces what the user chose.
function syncPickerValue(el) {
  pickers.delete(el);
  syncPicker(el);
}
// multiSelector: an app that changes `range` while the sheet is open (after columnchange)
// gets its new columns at once, the user's wheels kept where they are.
function syncPicker(el) {
  if (!openSheet || openSheet.el !== el) return;
  settleAll();
  drawColumns(pickerColumns(el, pickedValue(el, openSheet.columns)));
}

window.addEventListener("capsule:render", closePicker);

define("picker", {
  own: ["value", "range"],
  attrs: { value: syncPickerValue, range: syncPicker, "range-key": syncPicker, rangeKey: syncPicker, mode: syncPicker, start: syncPicker, end: syncPicker, fields: syncPicker },
  tap(el) {
    if (!truthy(attrsOf(el).disabled) && !openSheet) openPicker(el);
    return true;
  },
  // A test's value (checked by the runtime for the mode) is confirmed as a user would: a
  // multiSelector's columns that turn report columnchange first, in column order.
  change(el, value) {
    closePicker();
    if (pickerMode(el) === "multiSelector") {
      const shown = pickerColumns(el, pickerValue(el));
      (Array.isArray(value) ? value : []).forEach((index, column) => {
        if (shown[column] && shown[column].index !== index) emit(el, "columnchange", { column, value: index });
      });
    }
    if (pickerMode(el) !== "region") return choose(el, value);
    const columns = regionColumns(el, value);
    choose(el, regionValue(columns));
  },
  formValue: (el) => pickerValue(el) ?? "",
  formReset: (el) => pickers.delete(el),
});
