// <editor>: rich text edited in place. Its body is a contenteditable part after the template
// children; the app drives it through its EditorContext (runtime/logic/src/contexts/
// editor.js: element calls answered here) and hears focus / blur / input ({html, text,
// delta}), statuschange (the formats where the caret is) and ready. Content the app sets is
// sanitised as rich-text's is. delta is the content as Quill's delta ops (the editor the
// platform's is built on): text runs with their inline formats, each line's end with its
// block formats, images and dividers as embeds.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const EDITOR_BLOCKS = new Set(["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre"]);

const editorBody = (el) => el.querySelector(":scope > .capsule-editor-body");
const editorReadOnly = (el) => {
  const attrs = attrsOf(el);
  return truthy(attrs["read-only"] !== undefined ? attrs["read-only"] : attrs.readOnly);
};

function createEditor(el) {
  const body = document.createElement("div");
  body.className = "capsule-editor-body";
  el.appendChild(body);
  syncEditor(el);
  const detail = () => editorContents(body);
  body.addEventListener("focus", () => emit(el, "focus", detail()));
  body.addEventListener("blur", () => emit(el, "blur", detail()));
  body.addEventListener("input", () => {
    body.classList.toggle("empty", editorEmpty(body));
    emit(el, "input", detail());
    editorStatus(el, body);
  });
  later(() => emit(el, "ready", {}));
}
function syncEditor(el) {
  const body = editorBody(el);
  if (!body) return;
  body.contentEditable = editorReadOnly(el) ? "false" : "true";
  const placeholder = attrsOf(el).placeholder;
  body.setAttribute("data-placeholder", placeholder == null ? "" : String(placeholder));
  body.classList.toggle("empty", editorEmpty(body));
}
const editorEmpty = (body) => body.textContent === "" && !body.querySelector("img, hr");

// The formats where the caret is, as statuschange reports them (only when they change).
const editorLastStatus = new WeakMap();
function editorStatus(el, body) {
  const formats = editorFormats(body);
  const text = JSON.stringify(formats);
  if (editorLastStatus.get(el) === text) return;
  editorLastStatus.set(el, text);
  emit(el, "statuschange", formats);
}
function editorFormats(body) {
  const selection = document.getSelection();
  let node = selection && selection.rangeCount ? selection.getRangeAt(0).startContainer : null;
  if (!node || !body.contains(node)) return {};
  const formats = {};
  // From the caret outwards: an inner element's format wins over an outer one's.
  for (; node && node !== body; node = node.parentNode) {
    if (node.nodeType !== 1) continue;
    const outer = Object.assign(editorInline(node), editorBlock(node));
    for (const name of Object.keys(outer)) if (!(name in formats)) formats[name] = outer[name];
  }
  return formats;
}
// The inline formats an element gives its text, in delta's names.
function editorInline(node) {
  const formats = {};
  const name = node.localName;
  if (name === "b" || name === "strong") formats.bold = true;
  if (name === "i" || name === "em") formats.italic = true;
  if (name === "u" || name === "ins") formats.underline = true;
  if (name === "s" || name === "strike" || name === "del") formats.strike = true;
  if (name === "sub") formats.script = "sub";
  if (name === "sup") formats.script = "super";
  if (name === "font" && node.getAttribute("color")) formats.color = node.getAttribute("color");
  const style = node.style;
  if (style) {
    if (style.fontWeight === "bold" || Number(style.fontWeight) >= 600) formats.bold = true;
    if (style.fontStyle === "italic") formats.italic = true;
    const decoration = style.textDecorationLine || style.textDecoration || "";
    if (decoration.includes("underline")) formats.underline = true;
    if (decoration.includes("line-through")) formats.strike = true;
    if (style.color) formats.color = style.color;
    if (style.backgroundColor) formats.backgroundColor = style.backgroundColor;
    if (style.fontSize) formats.fontSize = style.fontSize;
  }
  return formats;
}
// The block formats a line's element gives it.
function editorBlock(node) {
  const formats = {};
  const header = /^h([1-6])$/.exec(node.localName);
  if (header) formats.header = Number(header[1]);
  if (node.localName === "li") formats.list = node.parentNode && node.parentNode.localName === "ol" ? "ordered" : "bullet";
  if (node.localName === "blockquote") formats.blockquote = true;
  if (node.localName === "pre") formats["code-block"] = true;
  const align = node.style && node.style.textAlign;
  if (align && align !== "left" && align !== "start") formats.align = align;
  return formats;
}

// {html, text, delta} of the editor's content.
function editorContents(body) {
  const ops = [];
  const push = (insert, attributes) => {
    const op = { insert };
    if (attributes && Object.keys(attributes).length) op.attributes = attributes;
    const last = ops[ops.length - 1];
    // Runs of text with the same formats are one op, as Quill keeps them.
    if (typeof insert === "string" && last && typeof last.insert === "string"
      && JSON.stringify(last.attributes || {}) === JSON.stringify(op.attributes || {})) {
      last.insert += insert;
    } else {
      ops.push(op);
    }
  };
  let lineOpen = false;
  const endLine = (block) => {
    push("\n", block);
    lineOpen = false;
  };
  const walk = (node, inline, block) => {
    if (node.nodeType === 3) {
      if (node.data) {
        push(node.data, inline);
        lineOpen = true;
      }
      return;
    }
    if (node.nodeType !== 1) return;
    const name = node.localName;
    if (name === "br") return endLine(block);
    if (name === "img") {
      push({ image: node.getAttribute("src") || "" }, Object.assign({}, inline, node.alt ? { alt: node.alt } : {}));
      lineOpen = true;
      return;
    }
    if (name === "hr") {
      if (lineOpen) endLine(block);
      push({ divider: true });
      return endLine(block);
    }
    const isBlock = EDITOR_BLOCKS.has(name);
    if (isBlock && lineOpen) endLine(block);
    const own = isBlock ? Object.assign({}, block, editorBlock(node)) : block;
    const inner = Object.assign({}, inline, editorInline(node));
    for (const child of node.childNodes) walk(child, inner, own);
    if (isBlock && lineOpen) endLine(own);
  };
  for (const child of body.childNodes) walk(child, {}, {});
  if (lineOpen || !ops.length) endLine({});
  return { html: body.innerHTML, text: body.innerText.replace(/\n?$/, "\n"), delta: { ops } };
}

// The caret back in the editor (at the end when it had none there), for a command to act on.
function editorFocus(body) {
  if (document.activeElement !== body) body.focus();
  const selection = document.getSelection();
  if (selection.rangeCount && body.contains(selection.getRangeAt(0).startContainer)) return;
  editorCaretToEnd(body);
}
// The caret after the editor's content.
function editorCaretToEnd(body) {
  const selection = document.getSelection();
  const range = document.createRange();
  range.selectNodeContents(body);
  range.collapse(false);
  selection.removeAllRanges();
  selection.addRange(range);
}
const EDITOR_TOGGLES = { bold: "bold", italic: "italic", underline: "underline", strike: "strikeThrough" };
const EDITOR_ALIGN = { left: "justifyLeft", center: "justifyCenter", right: "justifyRight", justify: "justifyFull" };
function editorFormat(body, name, value) {
  const command = (cmd, arg) => document.execCommand(cmd, false, arg);
  document.execCommand("styleWithCSS", false, name === "color" || name === "backgroundColor");
  if (EDITOR_TOGGLES[name]) return command(EDITOR_TOGGLES[name]);
  const current = editorFormats(body);
  switch (name) {
    case "script": return command(value === "super" ? "superscript" : "subscript");
    case "header": {
      const level = /^h?([1-6])$/i.exec(String(value));
      return command("formatBlock", level && current.header !== Number(level[1]) ? "h" + level[1] : "div");
    }
    case "list":
      if (value === "ordered") return command("insertOrderedList");
      if (value === "bullet" || value === "check") return command("insertUnorderedList");
      throw new Error("list is ordered, bullet or check, not " + value);
    case "align": {
      const cmd = EDITOR_ALIGN[value || "left"];
      if (!cmd) throw new Error("align is left, center, right or justify, not " + value);
      return command(current.align === value ? "justifyLeft" : cmd);
    }
    case "indent": return command(String(value) === "-1" ? "outdent" : "indent");
    case "blockquote": return command("formatBlock", current.blockquote ? "div" : "blockquote");
    case "color": return command("foreColor", String(value));
    case "backgroundColor": return command("hiliteColor", String(value));
    case "fontFamily": return command("fontName", String(value));
    default: throw new Error("the editor has no format " + JSON.stringify(name));
  }
}
// Sanitised HTML (as rich-text takes it) into the editor, in place of what it had.
function editorSetHtml(body, html) {
  const parsed = new DOMParser().parseFromString(String(html == null ? "" : html), "text/html");
  body.replaceChildren(...Array.from(parsed.body.childNodes, richFromDom).map((node) => buildRich(node, 0)).filter(Boolean));
}

function callEditor(el, method, args) {
  const body = editorBody(el);
  if (!body) throw new Error("the editor is not drawn");
  const params = args && typeof args === "object" ? args : {};
  const changed = () => {
    body.classList.toggle("empty", editorEmpty(body));
    editorStatus(el, body);
  };
  switch (method) {
    case "getContents": return editorContents(body);
    case "getSelectionText": {
      const selection = document.getSelection();
      const inside = selection.rangeCount && body.contains(selection.getRangeAt(0).commonAncestorContainer);
      return { text: inside ? selection.toString() : "" };
    }
    case "blur": body.blur(); return {};
    case "scrollIntoView": {
      const selection = document.getSelection();
      const range = selection.rangeCount ? selection.getRangeAt(0) : null;
      const box = range && body.contains(range.startContainer) ? range.getBoundingClientRect() : null;
      if (box && (box.top < 0 || box.bottom > window.innerHeight)) window.scrollBy(0, box.top - window.innerHeight / 2);
      return {};
    }
  }
  if (editorReadOnly(el)) throw new Error("the editor is read-only");
  switch (method) {
    case "setContents": editorSetHtml(body, params.html); editorCaretToEnd(body); break;
    case "clear": body.replaceChildren(); break;
    case "insertText": editorFocus(body); document.execCommand("insertText", false, String(params.text == null ? "" : params.text)); break;
    case "insertDivider": editorFocus(body); document.execCommand("insertHTML", false, "<hr>"); break;
    case "insertImage": {
      if (!params.src) throw new Error("insertImage needs a src");
      const img = document.createElement("img");
      img.src = String(params.src);
      if (params.alt) img.alt = String(params.alt);
      if (params.width) img.style.width = cssLength(params.width) || "";
      if (params.height) img.style.height = cssLength(params.height) || "";
      if (params.extClass) img.className = String(params.extClass);
      editorFocus(body);
      document.execCommand("insertHTML", false, img.outerHTML);
      break;
    }
    case "format": editorFocus(body); editorFormat(body, params.name, params.value); break;
    case "removeFormat": editorFocus(body); document.execCommand("removeFormat"); break;
    case "undo": editorFocus(body); document.execCommand("undo"); break;
    case "redo": editorFocus(body); document.execCommand("redo"); break;
    default: throw new Error("the editor has no method " + method);
  }
  changed();
  return {};
}

// A caret moved in the focused editor: its formats there.
document.addEventListener("selectionchange", () => {
  const body = document.activeElement;
  if (body && body.classList.contains("capsule-editor-body") && body.parentNode) editorStatus(body.parentNode, body);
});

define("editor", {
  own: ["placeholder"],
  attrs: { "read-only": syncEditor, readOnly: syncEditor, placeholder: syncEditor },
  created: createEditor,
  call: callEditor,
});
