// <input> and <textarea>: text fields: value, type and password, maxlength (what is typed
// and what a test types), focus, confirm-type, auto-height; they report input, confirm, focus
// and blur.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
function setFieldValue(el) {
  const value = attrsOf(el).value;
  const text = value === undefined || value === null ? "" : String(value);
  // Unchanged text is left alone, so a focused field keeps its cursor.
  if (el.value !== text) el.value = text;
  fitTextarea(el);
}
function syncInputType(el) {
  const attrs = attrsOf(el);
  const secret = truthy(attrs.password) || attrs.type === "password" || attrs.type === "safe-password";
  el.setAttribute("type", secret ? "password" : "text");
  const mode = { number: "numeric", digit: "decimal", idcard: "text" }[attrs.type];
  if (mode) el.setAttribute("inputmode", mode);
  else el.removeAttribute("inputmode");
}
function syncMaxLength(el) {
  const raw = attrsOf(el).maxlength;
  const max = raw === undefined ? 140 : Number(raw); // the platforms' default
  if (Number.isInteger(max) && max >= 0) el.setAttribute("maxlength", String(max));
  else el.removeAttribute("maxlength");
}
function syncFocus(el) {
  const attrs = attrsOf(el);
  const wanted = truthy(attrs.focus) || truthy(attrs["auto-focus"]);
  later(() => {
    if (!el.isConnected) return;
    if (wanted && document.activeElement !== el) el.focus();
    else if (!wanted && "focus" in attrs && document.activeElement === el) el.blur();
  });
}
function syncConfirmType(el) {
  const type = attrsOf(el)["confirm-type"];
  if (["send", "search", "next", "go", "done"].includes(type)) el.setAttribute("enterkeyhint", type);
  else el.removeAttribute("enterkeyhint");
}
// What a field holds when `text` is typed into it: at most its maxlength (the DOM's
// `maxLength`, kept by syncMaxLength; -1 for none) UTF-16 units, a character that would not
// fit whole left out, as the keyboard does (session/actions.rs within_maxlength headless).
function typedText(el, text) {
  const max = el.maxLength;
  if (!(max >= 0) || text.length <= max) return text;
  let end = 0;
  for (const char of text) {
    if (end + char.length > max) break;
    end += char.length;
  }
  return text.slice(0, end);
}
function fitTextarea(el) {
  if (el.localName !== "textarea" || !truthy(attrsOf(el)["auto-height"])) return;
  el.style.height = "auto";
  setDerived(el, "height", el.scrollHeight + "px");
}

// --- what the user types
const cursorOf = (el) => (typeof el.selectionStart === "number" ? el.selectionStart : el.value.length);
function onInput(event) {
  const el = mpElementOf(event.target);
  if (!el || !isTextField(el)) return;
  fitTextarea(el);
  emit(el, "input", { value: el.value, cursor: cursorOf(el) }, [], [], event.timeStamp);
  // An Alipay controlled field shows its `value` only: what was typed stays until the
  // page sets it.
  if (truthy(attrsOf(el).controlled)) setFieldValue(el);
}
function onKeyDown(event) {
  const el = mpElementOf(event.target);
  if (!el || el.localName !== "input" || event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
  event.preventDefault(); // no implicit form submission
  emit(el, "confirm", { value: el.value }, [], [], event.timeStamp);
}
// focus: {value}, and WeChat's keyboard `height` (no keyboard here: 0); blur: {value, cursor}.
function onFocus(event) {
  const el = mpElementOf(event.target);
  if (!el || !isTextField(el)) return;
  const focus = event.type === "focusin";
  const detail = !focus ? { value: el.value, cursor: cursorOf(el) } : alipayDialect() ? { value: el.value } : { value: el.value, height: 0 };
  emit(el, focus ? "focus" : "blur", detail, [], [], event.timeStamp);
}


// A reset form puts the text back to the field's `value`.
const resetField = (el) => {
  el.value = valueOf(el);
  fitTextarea(el);
};
const fieldListeners = [["input", onInput], ["keydown", onKeyDown], ["focusin", onFocus], ["focusout", onFocus]];

define("input", {
  own: ["value", "type", "maxlength"],
  attrs: { value: setFieldValue, type: syncInputType, password: syncInputType, maxlength: syncMaxLength,
    focus: syncFocus, "auto-focus": syncFocus, "confirm-type": syncConfirmType },
  created(el) { syncInputType(el); syncMaxLength(el); setFieldValue(el); syncConfirmType(el); syncFocus(el); },
  formValue: (el) => el.value,
  formReset: resetField,
  listeners: fieldListeners,
});
define("textarea", {
  own: ["value", "maxlength"],
  attrs: { value: setFieldValue, maxlength: syncMaxLength, focus: syncFocus, "auto-focus": syncFocus,
    "auto-height": fitTextarea, "confirm-type": syncConfirmType },
  created(el) { syncMaxLength(el); setFieldValue(el); syncConfirmType(el); syncFocus(el); },
  formValue: (el) => el.value,
  formReset: resetField,
});
