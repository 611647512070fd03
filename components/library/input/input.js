// <input> and <textarea>: text fields: value, type and password, maxlength (what is typed
// and what a test types), focus, confirm-type, confirm-hold, auto-height, cursor and
// selection-start / selection-end on focus, placeholder-style and placeholder-class; they
// report input, confirm, focus and blur, WeChat's keyboardheightchange and a WeChat
// textarea's linechange. cursor-spacing and adjust-position have nothing to do: there is no
// keyboard to keep clear of.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
function setFieldValue(el) {
  const value = attrsOf(el).value;
  const text = value === undefined || value === null ? "" : String(value);
  // Unchanged text is left alone, so a focused field keeps its cursor.
  if (el.value !== text) el.value = text;
  fitTextarea(el);
}
// The first of a property's spellings (WeChat's dashed name, Alipay's camelCase) it has.
function fieldAttr(el, names) {
  const attrs = attrsOf(el);
  for (const name of names) if (attrs[name] !== undefined && attrs[name] !== null) return attrs[name];
  return undefined;
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
  if (el.localName !== "textarea") return;
  if (truthy(attrsOf(el)["auto-height"])) {
    el.style.height = "auto";
    setDerived(el, "height", el.scrollHeight + "px");
  }
  rememberLines(el);
}

// --- where the cursor goes on focus
// A position attribute (cursor, selection-start, selection-end): a number from 0, its whole
// part; null when absent, empty, negative or not a number (session/controls.rs position_of).
function positionOf(value) {
  if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) return null;
  const number = Number(value);
  return isFinite(number) && number >= 0 ? Math.trunc(number) : null;
}
// selection-start and selection-end select the text between them (both given), else the
// cursor goes to `cursor`; setSelectionRange keeps both within the text
// (session/controls.rs caret_on_focus).
function placeCaret(el) {
  const start = positionOf(fieldAttr(el, ["selection-start", "selectionStart"]));
  const end = positionOf(fieldAttr(el, ["selection-end", "selectionEnd"]));
  const cursor = positionOf(attrsOf(el).cursor);
  try {
    if (start !== null && end !== null) el.setSelectionRange(start, end);
    else if (cursor !== null) el.setSelectionRange(cursor, cursor);
    else return false;
  } catch (_) {
    return false; // a field type without a selection
  }
  return true;
}

// --- a WeChat textarea's lines
// The height of one line of the field's text: its line-height, or, for "normal", a line of
// its font measured.
function lineHeightOf(style) {
  const height = parseFloat(style.lineHeight);
  if (isFinite(height) && height > 0) return height;
  const probe = document.createElement("div");
  for (const name of ["fontFamily", "fontSize", "fontWeight", "fontStyle", "letterSpacing"]) probe.style[name] = style[name];
  probe.style.cssText += ";position:absolute;visibility:hidden;left:-9999px;top:0;margin:0;padding:0;border:0;line-height:normal;white-space:pre";
  probe.textContent = "x";
  document.body.appendChild(probe);
  const measured = probe.getBoundingClientRect().height;
  probe.remove();
  return measured > 0 ? measured : (parseFloat(style.fontSize) || 16) * 1.2;
}
// The lines the textarea's text takes as laid out (wrapped lines count), and their height.
function linesOf(el) {
  const style = getComputedStyle(el);
  const saved = [el.style.height, el.style.minHeight];
  el.style.height = "0px";
  el.style.minHeight = "0px";
  const padding = (parseFloat(style.paddingTop) || 0) + (parseFloat(style.paddingBottom) || 0);
  const height = Math.max(0, el.scrollHeight - padding);
  [el.style.height, el.style.minHeight] = saved;
  return { lineCount: Math.max(1, Math.round(height / lineHeightOf(style))), height: Math.round(height) };
}
const reportsLines = (el) => el.localName === "textarea" && !alipayDialect();
// Keeps the line count the textarea shows, to tell a change when the user types; an element
// just built is measured once it is in the page.
function rememberLines(el) {
  if (!reportsLines(el)) return;
  const state = stateOf(el, () => ({}));
  if (el.isConnected) state.lines = linesOf(el).lineCount;
  else later(() => el.isConnected && (state.lines = linesOf(el).lineCount));
}

// --- placeholder-style and placeholder-class: a rule of the field's own for its ::placeholder,
// with the declarations of the page's rules for each class (`.name { ... }`) and then the
// style. placeholder-class defaults to input-placeholder / textarea-placeholder, as WeChat's.
const placeholderRules = new Map(); // field number -> declarations
let placeholderSheet = null;
let placeholderCount = 0;
let classDeclarations = null; // class name -> its declarations in the page's styles
function declarationsOf(names) {
  if (!classDeclarations) {
    classDeclarations = new Map();
    const collect = (rules) => {
      for (const rule of rules) {
        if (!(rule instanceof CSSStyleRule)) continue;
        for (const selector of rule.selectorText.split(",")) {
          const match = /^\.(-?[_a-zA-Z][\w-]*)$/.exec(selector.trim());
          if (match) classDeclarations.set(match[1], (classDeclarations.get(match[1]) || "") + rule.style.cssText);
        }
      }
    };
    try {
      if (pageStyle && pageStyle.sheet) collect(pageStyle.sheet.cssRules);
    } catch (_) { /* no styles to read */ }
  }
  return String(names).split(/\s+/).filter(Boolean).map((name) => classDeclarations.get(name) || "").join(";");
}
function writePlaceholders() {
  if (!placeholderSheet || !placeholderSheet.isConnected) {
    placeholderSheet = document.createElement("style");
    placeholderSheet.id = "capsule-placeholders";
    document.head.appendChild(placeholderSheet);
  }
  const rules = [];
  for (const [number, declarations] of placeholderRules) rules.push(`[capsule-placeholder="${number}"]::placeholder { ${declarations} }`);
  placeholderSheet.textContent = rules.join("\n");
}
function syncPlaceholder(el) {
  const names = fieldAttr(el, ["placeholder-class", "placeholderClass"]);
  const style = fieldAttr(el, ["placeholder-style", "placeholderStyle"]);
  // Through a style declaration: what is not CSS is left out, and nothing can end the rule.
  const declaration = document.createElement("span").style;
  declaration.cssText = declarationsOf(names === undefined ? el.localName + "-placeholder" : names) + ";" +
    (style === undefined ? "" : inlineRpx(String(style)));
  const state = stateOf(el, () => ({}));
  if (!declaration.cssText && !state.placeholder) return;
  if (!state.placeholder) {
    state.placeholder = ++placeholderCount;
    el.setAttribute("capsule-placeholder", String(state.placeholder));
  }
  placeholderRules.set(state.placeholder, declaration.cssText);
  writePlaceholders();
}
// A page drawn anew has other styles and other fields.
window.addEventListener("capsule:render", () => {
  classDeclarations = null;
  placeholderRules.clear();
  if (placeholderSheet) placeholderSheet.textContent = "";
});

// --- what the user types
const cursorOf = (el) => (typeof el.selectionStart === "number" ? el.selectionStart : el.value.length);
function onInput(event) {
  const el = mpElementOf(event.target);
  if (!el || !isTextField(el)) return;
  const before = reportsLines(el) ? stateOf(el, () => ({})).lines : undefined;
  fitTextarea(el);
  emit(el, "input", { value: el.value, cursor: cursorOf(el) }, [], [], event.timeStamp);
  // A WeChat textarea whose text now takes another number of lines says so.
  if (reportsLines(el)) {
    const lines = linesOf(el);
    stateOf(el, () => ({})).lines = lines.lineCount;
    if (before !== undefined && lines.lineCount !== before) {
      const heightRpx = Math.round((lines.height * 750) / Math.max(1, window.innerWidth));
      emit(el, "linechange", { height: lines.height, heightRpx, lineCount: lines.lineCount }, [], [], event.timeStamp);
    }
  }
  // An Alipay controlled field shows its `value` only: what was typed stays until the
  // page sets it.
  if (truthy(attrsOf(el).controlled)) setFieldValue(el);
}
function onKeyDown(event) {
  const el = mpElementOf(event.target);
  if (!el || el.localName !== "input" || event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;
  event.preventDefault(); // no implicit form submission
  confirmField(el, event.timeStamp);
}
// The keyboard's confirm key: confirm ({value}); the keyboard then closes and the field loses
// the focus, unless it has confirm-hold (session/actions.rs does the same headless).
function confirmField(el, timeStamp) {
  emit(el, "confirm", { value: el.value }, [], [], timeStamp);
  if (!truthy(fieldAttr(el, ["confirm-hold", "confirmHold"])) && document.activeElement === el) focusLikeUser(el, false);
}
// focus: {value}, and WeChat's keyboard `height` (no keyboard here: 0); blur: {value, cursor}.
// The cursor goes where cursor / selection-start / selection-end say on focus (again just
// after, for a user's click places it where it pressed). WeChat then reports
// keyboardheightchange: {height: 0, duration: 0}, as there is no keyboard to open or close.
function onFocus(event) {
  const el = mpElementOf(event.target);
  if (!el || !isTextField(el)) return;
  const focus = event.type === "focusin";
  if (focus && placeCaret(el)) {
    const text = el.value;
    later(() => document.activeElement === el && el.value === text && placeCaret(el));
  }
  const detail = !focus ? { value: el.value, cursor: cursorOf(el) } : alipayDialect() ? { value: el.value } : { value: el.value, height: 0 };
  emit(el, focus ? "focus" : "blur", detail, [], [], event.timeStamp);
  if (!alipayDialect()) emit(el, "keyboardheightchange", { height: 0, duration: 0 }, [], [], event.timeStamp);
}


// A reset form puts the text back to the field's `value`.
const resetField = (el) => {
  el.value = valueOf(el);
  fitTextarea(el);
};
const fieldListeners = [["input", onInput], ["keydown", onKeyDown], ["focusin", onFocus], ["focusout", onFocus]];
const placeholderAttrs = { "placeholder-style": syncPlaceholder, placeholderStyle: syncPlaceholder,
  "placeholder-class": syncPlaceholder, placeholderClass: syncPlaceholder };

define("input", {
  own: ["value", "type", "maxlength"],
  attrs: { value: setFieldValue, type: syncInputType, password: syncInputType, maxlength: syncMaxLength,
    focus: syncFocus, "auto-focus": syncFocus, "confirm-type": syncConfirmType, ...placeholderAttrs },
  created(el) { syncInputType(el); syncMaxLength(el); setFieldValue(el); syncConfirmType(el); syncPlaceholder(el); syncFocus(el); },
  formValue: (el) => el.value,
  formReset: resetField,
  listeners: fieldListeners,
});
define("textarea", {
  own: ["value", "maxlength"],
  attrs: { value: setFieldValue, maxlength: syncMaxLength, focus: syncFocus, "auto-focus": syncFocus,
    "auto-height": fitTextarea, "confirm-type": syncConfirmType, ...placeholderAttrs },
  created(el) { syncMaxLength(el); setFieldValue(el); syncConfirmType(el); syncPlaceholder(el); syncFocus(el); },
  formValue: (el) => el.value,
  formReset: resetField,
});
