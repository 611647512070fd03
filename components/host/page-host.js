// Capsule page host: the webview side of a mini-program page.
//
// The runtime renders templates to a virtual DOM in Rust and sends it here:
//   mpRender (whole page), mpPatch (patch ops), mpChrome (the phone around the page: status
//   bar, navigation bar, menu button, tab bar; see the CHROME section),
//   mpScrollTo, mpSetValue, mpStartRefresh / mpStopRefresh, mpAct and mpPress (a test acting
//   as the user on the page or on the chrome, answered mpActed), mpQuery (layout for a
//   selector query, answered mpQueryResult), mpObserve / mpUnobserve (intersection
//   observers, reporting mpIntersection), mpCall (a method of an element's component,
//   answered mpCallResult), and the kinds library components take (mpAudio: the app's audio
//   players, reporting mpAudioEvent).
// The DOM mirrors the virtual DOM one node per VNode inside a <page> element, so the child
// indices Rust uses as paths are plain DOM child indices. Built-in components draw themselves
// with CSS and with parts after their template children (never before or between them), or
// outside <page>. User input goes back as mpEvent (one message per DOM
// event, at the innermost mini-program element; Rust does bubbling and catch), plus mpTab,
// mpBack, mpTitleClick, mpOpenType (a button with an open-type was tapped: the runtime does
// what it does), mpNavigate, mpScroll, mpReachBottom and mpPullDownRefresh.
//
// Only window.__capsulePageHost.receive is public. Nothing happens until the first mp*
// message, so H5 pages that also get this script are untouched.
(() => {
  "use strict";
  if (window.__capsulePageHost) return;

  const LONG_PRESS_MS = 350;
  const TAP_SLOP_PX = 10;
  const REACH_BOTTOM_PX = 50;
  const PULL_DRAG_PX = 64;
  const PULL_WHEEL_PX = 120;
  const TOUCH_MOUSE_GAP_MS = 1000;
  // The platforms' default fonts: the system UI font (iOS, macOS), PingFang / Hiragino for
  // Chinese on Apple systems, Noto Sans CJK as on Android (and on Linux), then colour emoji.
  // The page, the chrome and the container UI (container-ui.js) all use this stack.
  const FONT_STACK = `-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Helvetica Neue", Helvetica, Roboto, "DejaVu Sans", "Apple Color Emoji", "Noto Color Emoji", sans-serif`;
  // Tags that would run code, load documents or change the document if created for real.
  const INERT_TAGS = new Set(["script", "iframe", "frame", "frameset", "object", "embed", "link", "meta", "base", "style", "template", "noscript"]);

  // ---------------------------------------------------------------------------------------
  // The page's base styles; each component's own default styles come from its folder
  // (components/library/<tag>/<tag>.css, joined after these in LIBRARY_CSS). Every rule
  // but the notices sits in :where() (no specificity), and the sheet goes first in <head>,
  // so any app rule wins, as on the platforms.
  const BASE_CSS = `
[hidden] { display: none !important; }
/* A virtual component host (WeChat options.virtualHost) draws no box: its children lay out in its parent. */
[virtual-host] { display: contents !important; }
/* The runtime's own notices (a page that does not compile, an app that was stopped): where,
   what, and the author's line with a caret under the column, in a monospace block that
   scrolls sideways rather than wrapping. Unlike the rules above these have specificity, so
   the app's own styles (a page that failed to compile may still have them) do not reshape them. */
view.capsule-error { display: block; margin: 8px; padding: 12px; border: 1px solid #f1b5b5; border-radius: 6px; background: #fff5f5; color: #b00020; font-size: 15px; line-height: 1.5; white-space: pre-wrap;
  text-align: left; overflow-wrap: anywhere; font-family: ${FONT_STACK}; }
view.capsule-error-location { display: block; font-family: ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono", Menlo, monospace;
  font-size: 13px; font-weight: 600; color: #7f0015; }
view.capsule-error-message { display: block; margin: 4px 0 0; color: #b00020; font-family: ${FONT_STACK}; }
view.capsule-error-source { display: block; margin: 8px 0 0; padding: 8px; border-radius: 4px; background: #fff; color: #1f1f1f;
  font-family: ui-monospace, "DejaVu Sans Mono", "Noto Sans Mono", Menlo, monospace; font-size: 13px; line-height: 1.4;
  white-space: pre; overflow-x: auto; overflow-wrap: normal; }
:where(html) { -webkit-text-size-adjust: 100%; -webkit-tap-highlight-color: transparent; }
:where(body) { margin: 0; padding: calc(var(--capsule-top, 0px) + var(--capsule-pull, 0px)) 0 var(--capsule-bottom, 0px);
  font-family: ${FONT_STACK}; }
/* Phones show no scrollbars; scrolling still works. */
:where(*) { scrollbar-width: none; }
::-webkit-scrollbar { display: none; width: 0; height: 0; }
:where(page) { display: block; min-height: calc(100vh - var(--capsule-top, 0px) - var(--capsule-bottom, 0px));
  font-size: 16px; -webkit-user-select: none; user-select: none; }
:where(view, cover-view, scroll-view, swiper, movable-area, form, navigator, picker, picker-view,
  rich-text, radio-group, checkbox-group, editor, slider) { display: block; }
`;

  // ---------------------------------------------------------------------------------------
  // State.
  const mpNodes = new WeakSet(); // every node built from a VNode
  const ready = new WeakSet(); // elements whose attributes and children are all applied
  const attrsMap = new WeakMap(); // element -> the typed attributes from the virtual DOM
  const eventsMap = new WeakMap(); // element -> its event bindings
  const datasetMap = new WeakMap(); // element -> its dataset (data-* attributes, typed)
  const derivedMap = new WeakMap(); // element -> inline style properties the host owns
  const stateMap = new WeakMap(); // element -> component state (image, swiper, scroll-view)
  const virtualHosts = new WeakSet(); // component hosts drawn without a box (virtualHost)
  // Custom-component hosts (marked `capsule-custom`): an app's component may take a
  // built-in's name (WeChat's project template has its own <navigation-bar>), and then it is
  // the app's, not the built-in.
  const customHosts = new WeakSet();
  let root = null; // the <page> element
  let pageStyle = null;
  let chrome = {};
  let queued = null;

  const post = (message) => {
    try { window.__capsuleIpc.post(JSON.stringify(message)); } catch (_) { /* no channel: nothing to tell */ }
  };
  const reportError = (text) => post({ kind: "console", level: "error", message: text });
  const truthy = (value) => Boolean(value);
  const attrsOf = (el) => attrsMap.get(el) || {};
  const datasetOf = (el) => datasetMap.get(el) || {};
  const stateOf = (el, init) => {
    if (!stateMap.has(el)) stateMap.set(el, init());
    return stateMap.get(el);
  };
  const later = (fn) => setTimeout(fn, 0);
  const isMpElement = (node) => !!node && node.nodeType === 1 && mpNodes.has(node);
  const isTextField = (el) => el.localName === "input" || el.localName === "textarea";
  const mpClosest = (el, selector) => {
    for (let node = el; node && node !== root; node = node.parentElement) {
      if (isMpElement(node) && node.matches(selector)) return node;
    }
    return null;
  };

  // ---------------------------------------------------------------------------------------
  // Built-in components. Each one's script (components/library/<tag>/<tag>.js, placed at the
  // end of this function by the build) calls define(tag, kind) with what the host needs:
  //   own: attributes not copied to the DOM as they are;
  //   attrs: {name: sync(el)}, run when that attribute changes once the element is complete;
  //   created(el): runs once the element and its children are built;
  //   childrenChanged(el): a patch inserted, removed or moved one of its children;
  //   tap(el, handled): a tap at or inside el; returns true when it acted on a control
  //     (`handled` says an inner component already did, so a label leaves it be);
  //   change(el, value): a test sets the value as a user would (mpAct "change");
  //   formValue(el) / formReset(el): what a form submits for it under its `name`, and
  //     putting it back to its `value` attributes on reset;
  //   listeners: [[type, handler, capture]] on <page>, for the input its elements get;
  //   call(el, method, args): the logic's call on the element (a video context's play, a
  //     canvas context's drawing), answering a value or a promise of one (mpCall).
  // A library script may also take a message kind of its own with onMessage(kind, handler).
  const KINDS = Object.create(null);
  const define = (tag, kind) => {
    KINDS[tag] = kind;
  };
  const MESSAGES = Object.create(null);
  const onMessage = (kind, handler) => {
    MESSAGES[kind] = handler;
  };
  const kindOf = (el) => (customHosts.has(el) ? null : KINDS[el.localName]) || {};
  // The app's dialect, as the chrome says it (`capsule-dialect` on <html>).
  const alipayDialect = () => document.documentElement.getAttribute("capsule-dialect") === "alipay";

  // ---------------------------------------------------------------------------------------
  // Document set-up, on the first mini-program message.
  function ensureDocument() {
    if (root && root.isConnected) return;
    const html = document.documentElement;
    const head = document.head || html.insertBefore(document.createElement("head"), html.firstChild);
    if (!document.body) html.appendChild(document.createElement("body"));
    const builtin = document.createElement("style");
    builtin.id = "capsule-components";
    builtin.textContent = BASE_CSS + LIBRARY_CSS;
    head.insertBefore(builtin, head.firstChild);
    pageStyle = document.createElement("style");
    pageStyle.id = "capsule-page-style";
    head.appendChild(pageStyle);
    root = document.createElement("page");
    document.body.appendChild(root);
    listen();
  }

  // ---------------------------------------------------------------------------------------
  // Building nodes.
  function build(vnode) {
    if (!vnode || typeof vnode !== "object") throw new Error("not a node: " + JSON.stringify(vnode));
    if (vnode.type === "text") {
      const text = document.createTextNode(vnode.text == null ? "" : String(vnode.text));
      mpNodes.add(text);
      return text;
    }
    if (vnode.type !== "element") throw new Error("unknown node type " + JSON.stringify(vnode.type));
    const el = createElement(vnode.tag);
    mpNodes.add(el);
    if (vnode.virtualHost === true) {
      virtualHosts.add(el);
      el.setAttribute("virtual-host", "");
    }
    if (typeof vnode.component === "string") {
      customHosts.add(el);
      el.setAttribute("capsule-custom", "");
    }
    attrsMap.set(el, {});
    eventsMap.set(el, Array.isArray(vnode.events) ? vnode.events : []);
    datasetMap.set(el, vnode.dataset && typeof vnode.dataset === "object" ? vnode.dataset : {});
    for (const child of Array.isArray(vnode.children) ? vnode.children : []) el.appendChild(build(child));
    const attrs = vnode.attrs && typeof vnode.attrs === "object" ? vnode.attrs : {};
    for (const name of Object.keys(attrs)) setAttr(el, name, attrs[name]);
    ready.add(el);
    const kind = kindOf(el);
    if (kind && kind.created) kind.created(el);
    return el;
  }

  function createElement(tag) {
    const name = typeof tag === "string" ? tag : "";
    if (!INERT_TAGS.has(name.toLowerCase())) {
      try { return document.createElement(name); } catch (_) { /* not a valid element name */ }
    }
    reportError("page host: cannot create <" + name + ">, drawn as <view>");
    return document.createElement("view");
  }

  // ---------------------------------------------------------------------------------------
  // Attributes. The typed values are kept per element; the DOM gets a string form, and
  // built-in components derive their look from them (their kinds, see define).
  function setAttr(el, name, value) {
    const attrs = attrsMap.get(el);
    if (value === undefined || value === null) delete attrs[name];
    else attrs[name] = value;
    const kind = kindOf(el);
    if (name === "hidden") reflect(el, "hidden", truthy(value));
    else if (name === "class") setClass(el, value);
    else if (!(kind && kind.own && kind.own.includes(name))) reflect(el, name, value);
    if (name === "style") applyDerived(el);
    if (name === "animation") playAnimation(el, value);
    const sync = kind && kind.attrs && kind.attrs[name];
    if (sync && ready.has(el)) sync(el);
  }

  function reflect(el, name, value) {
    if (/^on/i.test(name)) return; // handler props never become inline DOM handlers
    // A virtual host passes its class and style into the component instead of drawing them.
    if (virtualHosts.has(el) && (name === "class" || name === "style")) return;
    if (name === "style" && typeof value === "string") value = inlineRpx(value);
    try {
      if (value === null || value === undefined || value === false) el.removeAttribute(name);
      else if (value === true) el.setAttribute(name, "");
      else el.setAttribute(name, typeof value === "object" ? JSON.stringify(value) : String(value));
    } catch (_) { /* a name the DOM cannot hold stays in the typed attributes only */ }
  }

  function setClass(el, value) {
    reflect(el, "class", value);
    const hover = hovering.get(el);
    if (hover) addClasses(el, hover);
  }

  // Inline style properties owned by the host (image background, icon size, ...). They are
  // re-applied whenever the app's style attribute changes.
  function setDerived(el, property, value) {
    let derived = derivedMap.get(el);
    if (!derived) derivedMap.set(el, (derived = {}));
    if (value === null || value === undefined || value === "") {
      if (!(property in derived)) return;
      delete derived[property];
      reflect(el, "style", attrsOf(el).style);
      applyDerived(el);
    } else {
      derived[property] = value;
      el.style.setProperty(property, value);
    }
  }
  function applyDerived(el) {
    const derived = derivedMap.get(el);
    if (derived) for (const property of Object.keys(derived)) el.style.setProperty(property, derived[property]);
  }

  // --- `animation` attribute: the steps of a logic-side Animation's export(), played in
  // turn as CSS transitions; a newer export replaces the one playing.
  const playing = new WeakMap();
  const LENGTH_PROPS = new Set(["width", "height", "top", "left", "bottom", "right"]);
  const unit = (value, fallback) => (typeof value === "number" ? value + fallback : String(value));
  function transformOf(animate) {
    const args = Array.isArray(animate.args) ? animate.args : [];
    const type = animate.type;
    if (/^rotate[XYZ]?$/.test(type) || /^skew[XY]?$/.test(type)) {
      if (type === "skew") return `skew(${unit(args[0] || 0, "deg")}, ${unit(args[1] || 0, "deg")})`;
      return `${type}(${unit(args[0] || 0, "deg")})`;
    }
    if (type === "rotate3d") return `rotate3d(${args.slice(0, 3).join(", ")}, ${unit(args[3] || 0, "deg")})`;
    if (/^translate[XYZ]?$/.test(type) || type === "translate3d") {
      const lengths = args.map((a) => unit(a, "px"));
      if (type === "translate" && lengths.length < 2) lengths.push("0px");
      return `${type}(${lengths.join(", ")})`;
    }
    if (type === "scale" && args.length === 1) return `scale(${args[0]}, ${args[0]})`;
    return `${type}(${args.join(", ")})`;
  }
  async function playAnimation(el, value) {
    const actions = value && typeof value === "object" && Array.isArray(value.actions) ? value.actions : [];
    const run = {};
    playing.set(el, run);
    for (const action of actions) {
      if (playing.get(el) !== run) return;
      const option = action && typeof action.option === "object" && action.option ? action.option : {};
      const transition = option.transition || {};
      const duration = Math.max(0, Number(transition.duration) || 0);
      const delay = Math.max(0, Number(transition.delay) || 0);
      el.style.transition = `all ${duration}ms ${transition.timingFunction || "linear"} ${delay}ms`;
      if (option.transformOrigin) el.style.transformOrigin = String(option.transformOrigin);
      const transforms = [];
      for (const animate of Array.isArray(action.animates) ? action.animates : []) {
        if (!animate || typeof animate.type !== "string") continue;
        const arg = Array.isArray(animate.args) ? animate.args[0] : undefined;
        if (animate.type === "opacity") el.style.opacity = String(arg);
        else if (animate.type === "backgroundColor") el.style.backgroundColor = String(arg);
        else if (LENGTH_PROPS.has(animate.type)) el.style.setProperty(animate.type, unit(arg, "px"));
        else transforms.push(transformOf(animate));
      }
      if (transforms.length) el.style.transform = transforms.join(" ");
      await sleep(duration + delay);
    }
  }

  // rpx in an inline style (`width: {{w}}rpx`) as a share of the page width, which is 750 rpx.
  const inlineRpx = (style) =>
    style.replace(/(^|[^\w.-])(-?(?:\d+\.?\d*|\.\d+))rpx\b/gi, (_, before, n) => before + "calc(" + n + " * 100vw / 750)");

  // A length attribute: numbers are px, rpx scales with the window width (750 rpx wide).
  function cssLength(value) {
    if (typeof value === "number" && isFinite(value)) return value + "px";
    const text = String(value == null ? "" : value).trim();
    if (/^-?\d+(\.\d+)?$/.test(text)) return text + "px";
    const rpx = /^(-?\d+(?:\.\d+)?)rpx$/.exec(text);
    if (rpx) return (Number(rpx[1]) * window.innerWidth) / 750 + "px";
    return /^-?\d+(\.\d+)?(px|em|rem|vw|vh|%)$/.test(text) ? text : null;
  }
  const cssUrl = (url) => 'url("' + String(url).replace(/["\\\n\r]/g, (c) => "\\" + c.charCodeAt(0).toString(16) + " ") + '")';

  // WebKit's media player (GStreamer) reads http(s) and blob: URLs, not the scheme the app's
  // own files come from: a package file plays from a blob of it. Fails when it cannot be read.
  async function playableUrl(src) {
    const url = new URL(String(src), document.baseURI);
    if (url.protocol !== location.protocol) return url.href;
    const response = await fetch(url.href);
    if (!response.ok) throw new Error("GET " + url.pathname + ": " + response.status);
    return URL.createObjectURL(await response.blob());
  }

  // The `value` attribute as text ("" when there is none).
  const valueOf = (el) => {
    const value = attrsOf(el).value;
    return value === undefined || value === null ? "" : typeof value === "string" ? value : String(value);
  };
  // The `tag` elements of a checkbox-group or radio-group (not those of a group inside it).
  const groupMembers = (group, tag) =>
    Array.from(group.querySelectorAll(tag)).filter((el) => isMpElement(el) && mpClosest(el.parentElement, group.localName) === group);
  // A reset form puts a switch, checkbox or radio back to its `checked` attribute.
  const resetChecked = (el) => reflect(el, "checked", truthy(attrsOf(el).checked));
  // The `color` of a switch, checkbox or radio, as the custom property their styles use.
  function syncColor(el) {
    const color = attrsOf(el).color;
    setDerived(el, "--capsule-color", color ? String(color) : null);
  }
  function findById(container, id) {
    for (const candidate of container.querySelectorAll("[id]")) if (candidate.id === id && isMpElement(candidate)) return candidate;
    return null;
  }
  function scrollElement(el, target) {
    if (typeof el.scrollTo === "function") {
      try { return el.scrollTo(target); } catch (_) { /* fall back to the properties */ }
    }
    if (target.top !== undefined) el.scrollTop = target.top;
    if (target.left !== undefined) el.scrollLeft = target.left;
  }

  // ---------------------------------------------------------------------------------------
  // Paths: child indices from <page>; text nodes count.
  function checkPath(path) {
    if (!Array.isArray(path) || !path.every((i) => Number.isInteger(i) && i >= 0)) {
      throw new Error("bad path " + JSON.stringify(path));
    }
    return path;
  }
  function containerAt(path) {
    let node = root;
    for (const index of checkPath(path)) {
      const next = node.childNodes[index];
      if (!isMpElement(next)) throw new Error("no element at " + JSON.stringify(path));
      node = next;
    }
    return node;
  }
  function nodeAt(path) {
    if (checkPath(path).length === 0) throw new Error("empty path names no node");
    const node = containerAt(path.slice(0, -1)).childNodes[path[path.length - 1]];
    if (!node || !mpNodes.has(node)) throw new Error("no node at " + JSON.stringify(path));
    return node;
  }
  function elementAt(path) {
    const node = nodeAt(path);
    if (node.nodeType !== 1) throw new Error(JSON.stringify(path) + " is text, not an element");
    return node;
  }
  function pathOf(node) {
    const path = [];
    while (node !== root) {
      const parent = node && node.parentNode;
      if (!parent || !mpNodes.has(node)) return null;
      path.push(Array.prototype.indexOf.call(parent.childNodes, node));
      node = parent;
    }
    return path.reverse();
  }
  // The innermost mini-program element at or above an event target.
  function mpElementOf(target) {
    let node = target;
    while (node && !isMpElement(node)) node = node.parentNode;
    return node && root && root.contains(node) ? node : null;
  }

  // ---------------------------------------------------------------------------------------
  // Patches (the same semantics as capsule_runtime::view::diff::apply).
  function applyOp(op) {
    if (!op || typeof op !== "object") throw new Error("not an op");
    switch (op.op) {
      case "setAttr": return setAttr(elementAt(op.path), String(op.name), op.value);
      case "removeAttr": return setAttr(elementAt(op.path), String(op.name), undefined);
      case "setText": {
        const node = nodeAt(op.path);
        if (node.nodeType !== 3) throw new Error(JSON.stringify(op.path) + " is not text");
        node.data = op.text == null ? "" : String(op.text);
        return;
      }
      case "setDataset": datasetMap.set(elementAt(op.path), op.dataset && typeof op.dataset === "object" ? op.dataset : {}); return;
      case "setEvents": eventsMap.set(elementAt(op.path), Array.isArray(op.events) ? op.events : []); return;
      case "insert": {
        const parent = containerAt(op.parent);
        const index = op.index;
        if (!Number.isInteger(index) || index < 0 || index > parent.childNodes.length) {
          throw new Error("insert at " + index + " past the end of " + JSON.stringify(op.parent));
        }
        parent.insertBefore(build(op.node), parent.childNodes[index] || null);
        return childrenChanged(parent);
      }
      case "remove": {
        const parent = containerAt(op.parent);
        const child = parent.childNodes[op.index];
        if (!Number.isInteger(op.index) || !child) throw new Error("no child " + op.index + " of " + JSON.stringify(op.parent));
        parent.removeChild(child);
        return childrenChanged(parent);
      }
      case "move": {
        const parent = containerAt(op.parent);
        const count = parent.childNodes.length;
        const inRange = (i) => Number.isInteger(i) && i >= 0 && i < count;
        if (!inRange(op.from) || !inRange(op.to)) {
          throw new Error("move " + op.from + "\u2192" + op.to + " out of range in " + JSON.stringify(op.parent));
        }
        const node = parent.removeChild(parent.childNodes[op.from]);
        parent.insertBefore(node, parent.childNodes[op.to] || null);
        return childrenChanged(parent);
      }
      case "replace": {
        const old = nodeAt(op.path);
        const parent = old.parentNode;
        parent.replaceChild(build(op.node), old);
        return childrenChanged(parent);
      }
      default: throw new Error("unknown op " + JSON.stringify(op.op));
    }
  }
  function childrenChanged(parent) {
    const changed = kindOf(parent).childrenChanged;
    if (changed && ready.has(parent)) changed(parent);
  }

  // ---------------------------------------------------------------------------------------
  // Reporting user events.
  // Page coordinates as the platforms give them: y starts at the page area's top (below the
  // navigation bar; pageTop in the chrome section).
  function pointOf(source, identifier) {
    const top = pageTop();
    return {
      identifier: identifier === undefined ? source.identifier || 0 : identifier,
      pageX: source.clientX + window.scrollX,
      pageY: source.clientY + window.scrollY - top,
      clientX: source.clientX,
      clientY: source.clientY - top,
    };
  }
  const touchList = (list) => Array.from(list || [], (touch) => pointOf(touch));

  function emit(el, type, detail, touches, changedTouches, timeStamp) {
    if (!root) return;
    const path = pathOf(el);
    if (!path) return;
    post({
      kind: "mpEvent", path, type, detail: detail || {},
      touches: touches || [], changedTouches: changedTouches || touches || [],
      timeStamp: Math.round(timeStamp === undefined ? performance.now() : timeStamp),
    });
  }
  // Whether an element on the way up binds `type` (in one of `phases`, if given).
  function bound(el, type, phases) {
    for (let node = el; node && node !== root; node = node.parentNode) {
      const events = eventsMap.get(node);
      const matches = (binding) => binding && binding.event === type && (!phases || phases.includes(binding.phase));
      if (events && events.some(matches)) return true;
    }
    return false;
  }
  // Native form controls the DOM disables swallow pointer input; user taps never reach them.
  // A press on (or in) a disabled button, input or textarea does nothing.
  const disabledControl = (el) => {
    const control = mpClosest(el, "button, input, textarea");
    return !!control && truthy(attrsOf(control).disabled);
  };

  // --- press: touchstart, touchmove, touchend, longpress/longtap, hover classes
  let press = null; // { target, start, last, moved, long, timer, pull }
  let suppressTap = false;
  let lastTouch = -Infinity;

  function pressStart(event, point, touches, changed) {
    const target = mpElementOf(event.target);
    if (!target || disabledControl(target)) return;
    pressCancel();
    suppressTap = false;
    press = {
      target, start: point, last: point, moved: false, long: false,
      pull: window.scrollY <= 0 && chrome.enablePullDownRefresh !== false && !refreshing,
      timer: setTimeout(longPress, LONG_PRESS_MS),
    };
    hoverStart(target);
    emit(target, "touchstart", {}, touches, changed, event.timeStamp);
  }
  function pressMove(event, point, touches, changed) {
    if (!press) return;
    press.last = point;
    if (!press.moved && Math.hypot(point.clientX - press.start.clientX, point.clientY - press.start.clientY) > TAP_SLOP_PX) {
      press.moved = true;
      clearTimeout(press.timer);
      hoverEnd(true);
    }
    // touchmove is frequent: only sent when some element on the way up listens for it.
    if (!bound(press.target, "touchmove")) return;
    emit(press.target, "touchmove", {}, touches, changed, event.timeStamp);
    // catchtouchmove (a modal's mask) keeps the page behind from scrolling, as on the platforms.
    if (event.cancelable && bound(press.target, "touchmove", ["catch", "captureCatch"])) event.preventDefault();
  }
  function pressEnd(event, point, touches, changed, cancelled) {
    const current = press;
    if (!current) return;
    press = null;
    clearTimeout(current.timer);
    hoverEnd(false);
    if (current.moved || cancelled) suppressTap = true;
    emit(current.target, cancelled ? "touchcancel" : "touchend", {}, touches, changed, event.timeStamp);
    if (cancelled) return;
    const dx = point.clientX - current.start.clientX;
    const dy = point.clientY - current.start.clientY;
    if (current.pull && dy > PULL_DRAG_PX && Math.abs(dx) < dy) startRefresh();
    const swiper = mpClosest(current.target, "swiper");
    if (swiper && current.moved) {
      const delta = truthy(attrsOf(swiper).vertical) ? dy : dx;
      if (Math.abs(delta) > 40) swipeTo(swiper, swiperState(swiper).current + (delta < 0 ? 1 : -1), "touch");
    }
  }
  function pressCancel() {
    if (!press) return;
    clearTimeout(press.timer);
    hoverEnd(true);
    press = null;
  }
  function longPress() {
    const current = press;
    if (!current || current.moved) return;
    current.long = true;
    suppressTap = true;
    const point = current.last;
    const detail = { x: point.pageX, y: point.pageY };
    emit(current.target, "longpress", detail, [point], [point]);
    emit(current.target, "longtap", detail, [point], [point]);
  }

  const hovering = new Map(); // element -> hover class names currently applied
  let hoverTimer = 0;
  function hoverClassOf(el) {
    const attrs = attrsOf(el);
    let name = attrs["hover-class"];
    if (name === undefined) name = { button: "button-hover", navigator: "navigator-hover" }[el.localName];
    if (!name || name === "none" || (el.localName === "button" && truthy(attrs.disabled))) return null;
    return String(name);
  }
  function addClasses(el, names) {
    for (const name of names.split(/\s+/)) if (name) el.classList.add(name);
  }
  function hoverStart(target) {
    hoverEnd(true);
    const chain = [];
    for (let el = target; el && el !== root; el = el.parentElement) {
      if (!isMpElement(el)) continue;
      const name = hoverClassOf(el);
      if (name) chain.push([el, name]);
      if (name && truthy(attrsOf(el)["hover-stop-propagation"])) break;
    }
    if (!chain.length) return;
    const delay = Number(attrsOf(chain[0][0])["hover-start-time"]);
    hoverTimer = setTimeout(() => {
      for (const [el, name] of chain) {
        hovering.set(el, name);
        addClasses(el, name);
      }
    }, isFinite(delay) ? delay : 50);
  }
  function hoverEnd(now) {
    clearTimeout(hoverTimer);
    for (const [el, name] of hovering) {
      const remove = () => {
        if (hovering.get(el) !== name) return;
        hovering.delete(el);
        reflect(el, "class", attrsOf(el).class);
      };
      const stay = Number(attrsOf(el)["hover-stay-time"]);
      if (now) remove();
      else setTimeout(remove, isFinite(stay) ? stay : el.localName === "button" ? 70 : 400);
    }
  }

  // --- tap and what a tap does to built-in components
  function onClick(event) {
    const target = mpElementOf(event.target);
    if (!target) return;
    if (target.closest("label") || target.closest("form")) event.preventDefault(); // no native label or form behaviour
    if (suppressTap) {
      suppressTap = false;
      return;
    }
    if (disabledControl(target)) return;
    const point = pointOf(event, 0);
    emit(target, "tap", { x: point.pageX, y: point.pageY }, [point], [point], event.timeStamp);
    afterTap(target);
  }
  // Each built-in component from the target up acts on the tap its own way (a switch flips,
  // a form button submits, a navigator navigates); a label leaves a control that acted alone.
  function afterTap(target) {
    let handled = false;
    for (let el = target; el && el !== root; el = el.parentElement) {
      const tap = isMpElement(el) && kindOf(el).tap;
      if (tap && tap(el, handled)) handled = true;
    }
  }
  // --- page scroll, reach bottom, pull-down refresh
  let scrollFrame = 0;
  let atBottom = false;
  let refreshing = false;
  let wheelPull = 0;
  let wheelTimer = 0;
  function onPageScroll() {
    if (scrollFrame) return;
    scrollFrame = requestAnimationFrame(() => {
      scrollFrame = 0;
      const top = Math.max(0, window.scrollY);
      followScroll();
      post({ kind: "mpScroll", scrollTop: top });
      const rest = document.documentElement.scrollHeight - (top + window.innerHeight);
      if (rest <= REACH_BOTTOM_PX && !atBottom) post({ kind: "mpReachBottom" });
      atBottom = rest <= REACH_BOTTOM_PX;
    });
  }
  function onWheel(event) {
    const inner = mpElementOf(event.target);
    const scroller = inner && mpClosest(inner, "scroll-view");
    if (event.deltaY >= 0 || window.scrollY > 0 || refreshing || chrome.enablePullDownRefresh === false || (scroller && scroller.scrollTop > 0)) {
      wheelPull = 0;
      return;
    }
    wheelPull -= event.deltaY * (event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? window.innerHeight : 1);
    clearTimeout(wheelTimer);
    wheelTimer = setTimeout(() => (wheelPull = 0), 300);
    if (wheelPull >= PULL_WHEEL_PX) {
      wheelPull = 0;
      startRefresh();
    }
  }
  function startRefresh() {
    if (refreshing) return;
    showRefresh();
    post({ kind: "mpPullDownRefresh" });
  }
  // The refresh animation alone (startPullDownRefresh: the page's hook runs in the logic).
  function showRefresh() {
    refreshing = true;
    window.scrollTo(0, 0);
    drawRefresh();
  }
  function stopRefresh() {
    refreshing = false;
    drawRefresh();
  }

  // --- the listeners
  let windowListening = false;
  function listen() {
    const mouse = (handler) => (event) => {
      if (event.button !== 0 || performance.now() - lastTouch < TOUCH_MOUSE_GAP_MS) return;
      const point = pointOf(event, 0);
      handler(event, point, event.type === "mouseup" ? [] : [point], [point]);
    };
    const touch = (handler) => (event) => {
      lastTouch = performance.now();
      const changed = touchList(event.changedTouches);
      handler(event, changed[0] || { identifier: 0, pageX: 0, pageY: 0, clientX: 0, clientY: 0 }, touchList(event.touches), changed);
    };
    root.addEventListener("mousedown", mouse(pressStart));
    root.addEventListener("touchstart", touch(pressStart), { passive: true });
    root.addEventListener("touchmove", touch(pressMove), { passive: false });
    root.addEventListener("touchend", touch(pressEnd), { passive: true });
    root.addEventListener("touchcancel", touch((event, point, touches, changed) => pressEnd(event, point, touches, changed, true)), { passive: true });
    root.addEventListener("click", onClick);
    root.addEventListener("submit", (event) => event.preventDefault());
    for (const kind of Object.values(KINDS)) {
      for (const [type, handler, capture] of kind.listeners || []) root.addEventListener(type, handler, capture === true);
    }
    if (windowListening) return; // a replaced <page> gets new listeners, the window keeps its own
    windowListening = true;
    window.addEventListener("mousemove", (event) => {
      if (press && performance.now() - lastTouch >= TOUCH_MOUSE_GAP_MS) {
        const point = pointOf(event, 0);
        pressMove(event, point, [point], [point]);
      }
    });
    window.addEventListener("mouseup", mouse(pressEnd));
    window.addEventListener("scroll", onPageScroll, { passive: true });
    window.addEventListener("wheel", onWheel, { passive: true });
  }

  // =======================================================================================
  // CHROME: the phone around the page. Everything here lives in a shadow root on a
  // <capsule-chrome> element outside <page>, so page styles cannot reach it.
  //
  //   status bar        top of the screen, chrome.statusBar.height tall: the time and the
  //                     signal / Wi-Fi / battery glyphs (inline SVG), in the navigation bar's
  //                     front colour
  //   navigation bar    under it (chrome.navigationBar: null with navigationStyle "custom"):
  //                     back button, title (with loading spinner); Alipay transparentTitle
  //   menu button       the platform's capsule (WeChat ··· / close, Alipay more / close),
  //                     exactly at chrome.menuButton: the rect getMenuButtonBoundingClientRect
  //                     answers; drawn on every page, custom navigation too
  //   tab bar           at the bottom, padded by the safe-area inset under it
  //   home indicator    iPhones without a home button (chrome.homeIndicator > 0)
  //   pull-down refresh the window background (backgroundColorTop) with three dots
  //                     (backgroundTextStyle), revealed above the page while refreshing
  //
  // Every position and size comes from the runtime with the chrome (runtime/src/miniprogram/
  // config.rs, Frame); this section only draws. The page area is the document between
  // chrome.pageTop and chrome.pageBottom (the body's padding), scrolled by the window.
  // =======================================================================================
  const PULL_BAND_PX = 56; // how far the page moves down while it refreshes
  const CHROME_CSS = `
:host { all: initial; }
.status, .nav, .capsule, .tabs, .home, .refresh { position: fixed; z-index: 2147483000; box-sizing: border-box;
  font-family: ${FONT_STACK}; -webkit-user-select: none; user-select: none; }
.status { top: 0; left: 0; right: 0; display: flex; align-items: center; justify-content: space-between;
  padding: 0 16px; font-size: 15px; font-weight: 600; letter-spacing: -0.2px; pointer-events: none; }
.status .time { min-width: 54px; text-align: center; }
.status .icons { display: flex; align-items: center; gap: 5px; }
.status svg { display: block; fill: currentColor; }
.status.notch { align-items: flex-end; padding: 0 26px 11px 30px; font-size: 16px; }
.status.classic { padding: 0 6px; font-size: 12px; }
.status.classic .time { position: absolute; left: 0; right: 0; text-align: center; }
.status.android { padding: 0 14px; font-size: 13px; font-weight: 500; }
.nav { left: 0; right: 0; display: flex; align-items: center; justify-content: center;
  font-size: 17px; font-weight: 600; }
.fill { position: absolute; inset: 0; z-index: -1; }
.back { position: absolute; left: 0; top: 0; bottom: 0; width: 44px; padding: 0; border: 0; background: none;
  color: inherit; cursor: pointer; }
.back::before { content: ""; position: absolute; left: 17px; top: 50%; width: 11px; height: 11px; margin-top: -6px;
  border: solid currentColor; border-width: 0 0 2px 2px; transform: rotate(45deg); }
.title { display: flex; align-items: center; gap: 6px; min-width: 0; }
.title span:last-child { overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.spinner { flex: none; width: 16px; height: 16px; box-sizing: border-box; border: 2px solid currentColor;
  border-right-color: transparent; border-radius: 50%; animation: spin 0.8s linear infinite; }
@keyframes spin { to { transform: rotate(360deg); } }
.capsule { display: flex; align-items: center; border: 1px solid; cursor: default; }
.capsule > span { flex: 1; height: 100%; display: flex; align-items: center; justify-content: center; }
.capsule > .divider { flex: none; width: 1px; height: 18px; }
.capsule svg { display: block; fill: currentColor; }
.capsule.black { color: #000; background: rgba(255, 255, 255, 0.6); border-color: rgba(0, 0, 0, 0.1); }
.capsule.black .divider { background: rgba(0, 0, 0, 0.15); }
.capsule.white { color: #fff; background: rgba(0, 0, 0, 0.15); border-color: rgba(255, 255, 255, 0.25); }
.capsule.white .divider { background: rgba(255, 255, 255, 0.3); }
.capsule.alipay.black { background: rgba(255, 255, 255, 0.8); border-color: rgba(0, 0, 0, 0.08); }
.tabs { left: 0; right: 0; bottom: 0; display: flex; border-top: 1px solid rgba(0, 0, 0, 0.33); }
.tab { flex: 1; min-width: 0; display: flex; flex-direction: column; align-items: center; justify-content: center;
  gap: 2px; font-size: 10px; cursor: pointer; }
.tab.text-only { font-size: 14px; }
.anchor { position: relative; display: block; max-width: 100%; }
.icon { display: block; width: 24px; height: 24px; object-fit: contain; }
.label { display: block; max-width: 100%; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; }
.badge { position: absolute; top: -4px; left: calc(100% - 8px); min-width: 16px; height: 16px; padding: 0 4px;
  box-sizing: border-box; border-radius: 8px; background: #fa5151; color: #fff; font-size: 11px; line-height: 16px;
  text-align: center; white-space: nowrap; }
.dot { position: absolute; top: -2px; left: calc(100% - 3px); width: 8px; height: 8px; border-radius: 50%; background: #fa5151; }
.text-only .badge { top: -9px; left: calc(100% + 2px); }
.text-only .dot { top: -3px; left: calc(100% + 2px); }
.home { left: 50%; bottom: 8px; width: 134px; height: 5px; margin-left: -67px; border-radius: 3px; pointer-events: none; }
.refresh { left: 0; right: 0; display: flex; align-items: center; justify-content: center; gap: 8px; z-index: 2147482999; }
.refresh i { width: 7px; height: 7px; border-radius: 50%; background: currentColor; animation: pulse 1.2s ease-in-out infinite; }
.refresh i:nth-child(2) { animation-delay: 0.2s; }
.refresh i:nth-child(3) { animation-delay: 0.4s; }
.refresh.dark { color: rgba(0, 0, 0, 0.35); }
.refresh.light { color: rgba(255, 255, 255, 0.85); }
@keyframes pulse { 0%, 100% { opacity: 0.25; } 50% { opacity: 1; } }
`;
  // Glyphs, drawn in currentColor.
  const SVG_NS = "http://www.w3.org/2000/svg";
  const GLYPHS = {
    signal: [17, 11, `<rect x="0" y="7" width="3" height="4" rx="1"/><rect x="4.5" y="5" width="3" height="6" rx="1"/>
      <rect x="9" y="2.5" width="3" height="8.5" rx="1"/><rect x="13.5" y="0" width="3" height="11" rx="1"/>`],
    wifi: [15, 11, `<g fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round"><path d="M1.2 4.2a9 9 0 0 1 12.6 0"/>
      <path d="M3.6 6.7a5.6 5.6 0 0 1 7.8 0"/></g><circle cx="7.5" cy="9.3" r="1.6"/>`],
    battery: [25, 12, `<rect x="0.5" y="0.5" width="21" height="11" rx="3" fill="none" stroke="currentColor" stroke-opacity="0.4"/>
      <rect x="2" y="2" width="18" height="8" rx="1.6"/><rect x="22.7" y="4" width="1.6" height="4" rx="0.8" opacity="0.4"/>`],
    // WeChat: three dots, the middle one larger; close: a ring round a dot.
    wechatMore: [22, 8, `<circle cx="3" cy="4" r="2.4"/><circle cx="11" cy="4" r="3.4"/><circle cx="19" cy="4" r="2.4"/>`],
    wechatClose: [20, 20, `<circle cx="10" cy="10" r="8" fill="none" stroke="currentColor" stroke-width="2"/><circle cx="10" cy="10" r="3"/>`],
    // Alipay: three even dots; close: a cross.
    alipayMore: [20, 6, `<circle cx="3" cy="3" r="2.2"/><circle cx="10" cy="3" r="2.2"/><circle cx="17" cy="3" r="2.2"/>`],
    alipayClose: [16, 16, `<path d="M2.5 2.5l11 11M13.5 2.5l-11 11" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round"/>`],
  };
  function glyph(name) {
    const [width, height, body] = GLYPHS[name];
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", width);
    svg.setAttribute("height", height);
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("aria-hidden", "true");
    svg.innerHTML = body;
    return svg;
  }

  // The page area, as the runtime measured it: where it starts under the status and
  // navigation bars, and how much the tab bar covers at the bottom.
  const cssPx = (value) => (Number(value) > 0 ? Number(value) : 0);
  const pageTop = () => cssPx(chrome.pageTop);
  const pageBottom = () => cssPx(chrome.pageBottom);
  const isBlack = (color) => /^#0{3}(0{3})?$/.test(String(color || "").trim().toLowerCase());
  // Perceived lightness (0..1) of a #rgb / #rrggbb colour; 1 for anything else.
  function lightness(color) {
    let hex = String(color || "").trim().replace(/^#/, "");
    if (/^[0-9a-f]{3,4}$/i.test(hex)) hex = hex.replace(/./g, (c) => c + c);
    if (!/^[0-9a-f]{6}/i.test(hex)) return 1;
    const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
    return 0.299 * r + 0.587 * g + 0.114 * b;
  }

  let chromeShadow = null;
  function chromeRoot() {
    if (chromeShadow && chromeShadow.host.isConnected) return chromeShadow;
    const host = document.createElement("capsule-chrome");
    chromeShadow = host.attachShadow({ mode: "open" });
    document.documentElement.appendChild(host);
    return chromeShadow;
  }
  const make = (tag, className, text) => {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  };
  const objectOr = (value) => (value && typeof value === "object" ? value : null);

  function drawChrome(next) {
    chrome = objectOr(next) || {};
    if (chrome.dialect) document.documentElement.setAttribute("capsule-dialect", String(chrome.dialect));
    const shadow = chromeRoot();
    while (shadow.firstChild) shadow.firstChild.remove();
    shadow.appendChild(make("style", "", CHROME_CSS));
    const nav = objectOr(chrome.navigationBar);
    const tabs = objectOr(chrome.tabBar) && Array.isArray(chrome.tabBar.items) ? chrome.tabBar : null;
    const status = objectOr(chrome.statusBar);
    if (status) shadow.appendChild(statusBar(status, nav));
    if (nav) shadow.appendChild(navigationBar(nav));
    const button = objectOr(chrome.menuButton);
    if (button) shadow.appendChild(menuButton(button));
    if (tabs) shadow.appendChild(tabBar(tabs));
    if (cssPx(chrome.homeIndicator)) shadow.appendChild(homeIndicator(tabs));
    const style = document.documentElement.style;
    style.setProperty("--capsule-top", pageTop() + "px");
    style.setProperty("--capsule-bottom", pageBottom() + "px");
    // Alipay's backgroundColor is the page's; WeChat's only shows while pulling down.
    document.body.style.backgroundColor = chrome.pageBackgroundColor ? String(chrome.pageBackgroundColor) : "";
    drawRefresh();
    followScroll();
  }
  // Sizes the element `el` at the rect `box` ({left, top, width, height}, CSS px).
  function place(el, box) {
    for (const side of ["left", "top", "width", "height"]) {
      if (box[side] !== undefined) el.style[side] = cssPx(box[side]) + "px";
    }
  }
  function statusBar(status, nav) {
    const height = cssPx(status.height);
    const platform = chrome.platform === "android" ? "android" : "ios";
    const layout = platform === "android" ? "android" : height > 30 ? "notch" : "classic";
    const bar = make("div", "status " + layout);
    bar.style.height = height + "px";
    bar.style.color = String(status.frontColor || "#000000");
    // The navigation bar's background reaches up behind the status bar; without a
    // navigation bar the page shows through.
    if (nav) bar.appendChild(fill(nav));
    const time = make("span", "time", String(status.time || ""));
    const icons = make("span", "icons");
    icons.append(glyph("signal"), glyph("wifi"), glyph("battery"));
    if (layout === "classic") {
      const left = make("span", "icons");
      left.append(glyph("signal"), glyph("wifi"));
      const right = make("span", "icons");
      right.append(make("span", "", "100%"), glyph("battery"));
      bar.append(left, time, right);
    } else {
      bar.append(time, icons);
    }
    return bar;
  }
  function navigationBar(nav) {
    const bar = make("div", "nav");
    bar.style.top = cssPx(nav.top) + "px";
    bar.style.height = cssPx(nav.height) + "px";
    bar.style.color = String(nav.frontColor || "#000000");
    // The title keeps clear of the menu button on both sides, so it stays centred.
    const button = objectOr(chrome.menuButton);
    const side = button ? Math.max(44, window.innerWidth - cssPx(button.left) + 4) : 56;
    bar.style.padding = `0 ${side}px`;
    bar.appendChild(fill(nav));
    if (nav.showBack) {
      const back = make("button", "back");
      back.setAttribute("aria-label", "Back");
      back.addEventListener("click", () => post({ kind: "mpBack" }));
      bar.appendChild(back);
    }
    const title = make("div", "title");
    if (nav.loading) title.appendChild(make("span", "spinner"));
    title.appendChild(make("span", "", nav.title == null ? "" : String(nav.title)));
    title.addEventListener("click", () => post({ kind: "mpTitleClick" }));
    bar.appendChild(title);
    return bar;
  }
  // The navigation bar's background, a layer of its own under the status bar and the
  // navigation bar, so that Alipay's transparentTitle can fade it.
  function fill(nav) {
    const layer = make("div", "fill");
    layer.style.backgroundColor = String(nav.backgroundColor || "#ffffff");
    return layer;
  }
  // Alipay transparentTitle: "always" keeps the bar's background away, "auto" fades it in
  // over the first title bar height of scrolling.
  function followScroll() {
    if (!chromeShadow) return;
    const nav = objectOr(chrome.navigationBar);
    if (!nav) return;
    const opacity = nav.transparent === "always" ? 0
      : nav.transparent === "auto" ? Math.min(1, Math.max(0, window.scrollY) / Math.max(1, cssPx(nav.height))) : 1;
    for (const layer of chromeShadow.querySelectorAll(".fill")) layer.style.opacity = String(opacity);
  }
  function menuButton(box) {
    const alipay = chrome.dialect === "alipay";
    const button = make("div", `capsule ${alipay ? "alipay" : "wechat"} ${isBlack(box.frontColor) ? "black" : "white"}`);
    place(button, box);
    button.style.borderRadius = cssPx(box.height) / 2 + "px";
    button.setAttribute("role", "group");
    button.setAttribute("aria-label", "Menu");
    const more = make("span", "more");
    more.appendChild(glyph(alipay ? "alipayMore" : "wechatMore"));
    const close = make("span", "close");
    close.appendChild(glyph(alipay ? "alipayClose" : "wechatClose"));
    button.append(more, make("span", "divider"), close);
    return button;
  }
  function tabBar(tabs) {
    const bar = make("div", "tabs");
    const inset = cssPx(tabs.safeAreaBottom);
    bar.style.height = cssPx(tabs.height) + inset + "px";
    bar.style.paddingBottom = inset + "px";
    bar.style.backgroundColor = String(tabs.backgroundColor || "#ffffff");
    const border = { black: "rgba(0, 0, 0, 0.33)", white: "rgba(255, 255, 255, 0.33)" }[tabs.borderStyle] || tabs.borderStyle;
    if (border) bar.style.borderTopColor = String(border);
    const withIcons = tabs.items.some((item) => item && (item.iconPath || item.selectedIconPath));
    tabs.items.forEach((item, index) => {
      item = objectOr(item) || {};
      const selected = index === tabs.selected;
      const tab = make("div", withIcons ? "tab" : "tab text-only");
      tab.style.color = String((selected ? tabs.selectedColor : tabs.color) || (selected ? "#1677ff" : "#999999"));
      // The badge and red dot hang off the icon, or off the label when there are no icons.
      const label = make("span", "label", item.text == null ? "" : String(item.text));
      const anchor = make("span", "anchor");
      if (withIcons) {
        const src = selected ? item.selectedIconPath || item.iconPath : item.iconPath;
        const icon = make(src ? "img" : "span", "icon");
        if (src) {
          icon.alt = "";
          icon.src = String(src);
        }
        anchor.appendChild(icon);
        tab.append(anchor, label);
      } else {
        anchor.appendChild(label);
        tab.appendChild(anchor);
      }
      if (item.badge !== null && item.badge !== undefined && item.badge !== "") anchor.appendChild(make("span", "badge", String(item.badge)));
      else if (item.redDot) anchor.appendChild(make("span", "dot"));
      tab.addEventListener("click", () => post({ kind: "mpTab", index }));
      bar.appendChild(tab);
    });
    return bar;
  }
  // Dark on light tab bars and pages, light on dark tab bars.
  function homeIndicator(tabs) {
    const home = make("div", "home");
    home.style.backgroundColor = tabs && lightness(tabs.backgroundColor) < 0.5 ? "rgba(255, 255, 255, 0.9)" : "rgba(0, 0, 0, 0.85)";
    return home;
  }
  function drawRefresh() {
    if (!chromeShadow) return;
    const old = chromeShadow.querySelector(".refresh");
    if (old) old.remove();
    document.documentElement.style.setProperty("--capsule-pull", (refreshing ? PULL_BAND_PX : 0) + "px");
    if (!refreshing) return;
    const band = make("div", "refresh " + (chrome.backgroundTextStyle === "light" ? "light" : "dark"));
    band.style.top = pageTop() + "px";
    band.style.height = PULL_BAND_PX + "px";
    band.style.backgroundColor = String(chrome.backgroundColorTop || chrome.backgroundColor || "#ffffff");
    band.append(make("i"), make("i"), make("i"));
    chromeShadow.appendChild(band);
  }
  // ===================================== end of chrome ===================================

  // ---------------------------------------------------------------------------------------
  // mpAct: a test acts as the user, through the same listeners a user's input reaches.
  function dispatchMouse(el, type) {
    const box = el.getBoundingClientRect();
    const clientX = box.left + box.width / 2;
    const clientY = box.top + box.height / 2;
    el.dispatchEvent(new MouseEvent(type, {
      bubbles: true, cancelable: true, composed: true, view: window, detail: 1, button: 0,
      buttons: type === "mousedown" ? 1 : 0, clientX, clientY, screenX: clientX, screenY: clientY,
    }));
  }
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  function requireTextField(el) {
    if (!isTextField(el)) throw new Error("<" + el.localName + "> is not an input or textarea");
  }
  // focus()/blur() only fire events when the window has focus; otherwise report directly.
  function focusLikeUser(el, focus) {
    let seen = false;
    const type = focus ? "focusin" : "focusout";
    const mark = () => (seen = true);
    el.addEventListener(type, mark);
    if (focus) el.focus();
    else el.blur();
    el.removeEventListener(type, mark);
    if (!seen) onFocus({ type, target: el, timeStamp: performance.now() });
  }
  // A text field takes the focus as a user's tap gives it: the field focused before is
  // blurred first, and both report their events also when the window itself has no focus
  // (session/controls.rs focus_field does the same headless).
  function focusField(el) {
    if (document.activeElement === el || truthy(attrsOf(el).disabled)) return;
    const before = document.activeElement;
    if (before && before !== el && isMpElement(before) && isTextField(before)) focusLikeUser(before, false);
    focusLikeUser(el, true);
  }
  // The runtime has checked `value` (session/controls.rs check_change); a component with a
  // `change` hook takes it as its user would set it, any other gets it and reports change.
  function changeLikeUser(el, value) {
    const change = kindOf(el).change;
    if (change) return change(el, value);
    if (isTextField(el)) el.value = value == null ? "" : String(value);
    else reflect(el, "value", value);
    emit(el, "change", { value });
  }
  async function act(message) {
    const { path, action, value } = message;
    try {
      const el = elementAt(path);
      switch (action) {
        case "tap":
          dispatchMouse(el, "mousedown");
          if (isTextField(el) && !disabledControl(el)) focusField(el);
          dispatchMouse(el, "mouseup");
          dispatchMouse(el, "click");
          break;
        case "longpress":
          dispatchMouse(el, "mousedown");
          await sleep(LONG_PRESS_MS + 50);
          dispatchMouse(el, "mouseup");
          dispatchMouse(el, "click");
          break;
        case "input":
          requireTextField(el);
          el.value = typedText(el, value == null ? "" : String(value));
          el.dispatchEvent(new Event("input", { bubbles: true }));
          break;
        case "confirm":
          requireTextField(el);
          // A textarea's Enter is a new line here; the phone's keyboard has a confirm key.
          if (el.localName === "textarea") confirmField(el);
          else el.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", code: "Enter", keyCode: 13, which: 13, bubbles: true, cancelable: true }));
          break;
        case "change": changeLikeUser(el, value); break;
        case "scroll": el.scrollTop = Math.max(0, Number(value) || 0); break;
        case "swipe":
          if (el.localName !== "swiper") throw new Error("<" + el.localName + "> is not a swiper");
          swipeTo(el, Math.trunc(Number(value) || 0), "touch");
          break;
        case "focus": focusLikeUser(el, true); break;
        case "blur": focusLikeUser(el, false); break;
        default: throw new Error("unknown action " + JSON.stringify(action));
      }
      post({ kind: "mpActed", path, ok: true });
    } catch (error) {
      post({ kind: "mpActed", path, ok: false, error: String(error && error.message ? error.message : error) });
    }
  }

  // mpCall: the logic calls a method of an element (its component's `call` hook); the
  // answer goes back as mpCallResult.
  async function callElement(message) {
    const { callId, method, args } = message;
    try {
      const el = elementAt(message.path);
      const call = kindOf(el).call;
      if (!call) throw new Error("<" + el.localName + "> has no method " + method);
      const value = await call(el, String(method), args);
      post({ kind: "mpCallResult", callId, ok: true, value: value === undefined ? null : value });
    } catch (error) {
      post({ kind: "mpCallResult", callId, ok: false, error: String(error && error.message ? error.message : error) });
    }
  }

  // mpPress: a test presses a control of the chrome drawn (`back`: the navigation bar's back
  // button, `tab`: tab bar item `index`) with the mouse events of a user's click, so the
  // chrome's own listeners report it.
  function pressChrome(message) {
    const { control, index } = message;
    try {
      const shadow = chromeShadow;
      let el = null;
      if (control === "back") el = shadow && shadow.querySelector(".nav .back");
      else if (control === "tab") el = shadow && shadow.querySelectorAll(".tabs .tab")[index];
      else throw new Error("unknown control " + JSON.stringify(control));
      if (!el) throw new Error(control === "back" ? "no back button is drawn" : "no tab " + index + " is drawn");
      for (const type of ["mousedown", "mouseup", "click"]) dispatchMouse(el, type);
      post({ kind: "mpActed", ok: true });
    } catch (error) {
      post({ kind: "mpActed", ok: false, error: String(error && error.message ? error.message : error) });
    }
  }

  // ---------------------------------------------------------------------------------------
  // Messages.
  function afterTwoFrames(fn) {
    let done = false;
    const once = () => {
      if (!done) fn();
      done = true;
    };
    requestAnimationFrame(() => requestAnimationFrame(once));
    setTimeout(once, 1000); // a hidden webview may not paint at all
  }

  function render(message) {
    window.dispatchEvent(new Event("capsule:render")); // components close what they opened over the page
    unobserveAll();
    pressCancel();
    hovering.clear();
    while (root.firstChild) root.firstChild.remove();
    pageStyle.textContent = message.css == null ? "" : String(message.css);
    for (const node of Array.isArray(message.nodes) ? message.nodes : []) {
      try {
        root.appendChild(build(node));
      } catch (error) {
        reportError("render failed: " + error.message);
        const placeholder = document.createTextNode("");
        mpNodes.add(placeholder);
        root.appendChild(placeholder); // keeps later indices right
      }
    }
    drawChrome(message.chrome);
    afterTwoFrames(() => post({ kind: "mpRendered", seq: 0 }));
  }

  function patch(message) {
    for (const op of Array.isArray(message.ops) ? message.ops : []) {
      try {
        applyOp(op);
      } catch (error) {
        let text;
        try { text = JSON.stringify(op).slice(0, 200); } catch (_) { text = String(op); }
        reportError("patch failed: " + error.message + " in " + text);
      }
    }
    post({ kind: "mpRendered", seq: message.seq });
  }

  function handle(message) {
    switch (message.kind) {
      case "mpRender": ensureDocument(); return render(message);
      case "mpPatch": ensureDocument(); return patch(message);
      case "mpChrome": ensureDocument(); drawChrome(message.chrome); return stopRefresh();
      case "mpStopRefresh": ensureDocument(); return stopRefresh();
      case "mpStartRefresh": ensureDocument(); return showRefresh();
      case "mpScrollTo": {
        ensureDocument();
        const top = Math.max(0, Number(message.scrollTop) || 0);
        try { window.scrollTo({ top, behavior: Number(message.duration) > 0 ? "smooth" : "auto" }); } catch (_) { /* no scrolling here */ }
        return;
      }
      case "mpSetValue": {
        ensureDocument();
        try {
          const el = elementAt(message.path);
          requireTextField(el);
          el.value = message.value == null ? "" : String(message.value);
          fitTextarea(el);
        } catch (error) {
          reportError("mpSetValue failed: " + error.message);
        }
        return;
      }
      case "mpAct": ensureDocument(); act(message); return;
      case "mpPress": ensureDocument(); return pressChrome(message);
      case "mpQuery": ensureDocument(); return answerQuery(message);
      case "mpObserve": ensureDocument(); return observe(message);
      case "mpUnobserve": return unobserve(message.observerId);
      case "mpCall": ensureDocument(); return callElement(message);
      default: {
        const handler = MESSAGES[message.kind];
        if (handler) {
          ensureDocument();
          handler(message);
        }
      }
    }
  }

  // --- intersection observers: elements the runtime found, watched against the viewport
  // (the page area between the bars) or another element; each crossing of a threshold goes
  // back as mpIntersection. A page drawn anew drops them (the runtime sends them again).
  const observers = new Map();
  function unobserve(id) {
    const observer = observers.get(id);
    if (observer) observer.disconnect();
    observers.delete(id);
  }
  function unobserveAll() {
    for (const id of [...observers.keys()]) unobserve(id);
  }
  const rectOf = (rect, top) => rect
    ? { left: rect.left, right: rect.right, top: rect.top - top, bottom: rect.bottom - top, width: rect.width, height: rect.height }
    : { left: 0, right: 0, top: 0, bottom: 0, width: 0, height: 0 };
  function observe(message) {
    unobserve(message.observerId);
    const margins = message.margins && typeof message.margins === "object" ? message.margins : {};
    const px = (name) => Number(margins[name]) || 0;
    let root = null;
    try {
      if (Array.isArray(message.relativeTo)) root = elementAt(message.relativeTo);
    } catch (error) {
      return;
    }
    // The viewport is the page area: the bars cover the rest of the window.
    const top = root ? px("top") : px("top") - pageTop();
    const bottom = root ? px("bottom") : px("bottom") - pageBottom();
    const thresholds = (Array.isArray(message.thresholds) ? message.thresholds : [0])
      .map(Number).filter((n) => n >= 0 && n <= 1);
    const initial = Number(message.initialRatio) || 0;
    const targets = (Array.isArray(message.paths) ? message.paths : []).map((path) => {
      try { return elementAt(path); } catch (error) { return null; }
    });
    const seen = new Set();
    const observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const index = targets.indexOf(entry.target);
        const first = !seen.has(index);
        seen.add(index);
        // The first report only when the element starts away from the initial ratio.
        if (first && entry.intersectionRatio === initial) continue;
        const shift = pageTop();
        post({
          kind: "mpIntersection", observerId: message.observerId, index,
          entry: {
            intersectionRatio: entry.intersectionRatio,
            intersectionRect: rectOf(entry.intersectionRect, shift),
            boundingClientRect: rectOf(entry.boundingClientRect, shift),
            relativeRect: rectOf(entry.rootBounds, shift),
            time: Math.round(entry.time),
          },
        });
      }
    }, { root, rootMargin: `${top}px ${px("right")}px ${bottom}px ${px("left")}px`, threshold: thresholds.length ? thresholds : [0] });
    targets.forEach((target) => { if (target) observer.observe(target); });
    observers.set(message.observerId, observer);
  }

  // --- selector queries: layout of elements the runtime found, in page coordinates (y from
  // below the navigation bar, as on a phone)
  function measure(el, fields) {
    const out = {};
    const top = pageTop();
    if (fields.rect || fields.size) {
      const box = el.getBoundingClientRect();
      if (fields.rect) Object.assign(out, { left: box.left, right: box.right, top: box.top - top, bottom: box.bottom - top });
      if (fields.size) Object.assign(out, { width: box.width, height: box.height });
    }
    if (fields.scrollOffset) {
      Object.assign(out, { scrollLeft: el.scrollLeft, scrollTop: el.scrollTop, scrollWidth: el.scrollWidth, scrollHeight: el.scrollHeight });
    }
    if (Array.isArray(fields.computedStyle)) {
      const style = getComputedStyle(el);
      for (const name of fields.computedStyle) out[name] = style.getPropertyValue(String(name).replace(/[A-Z]/g, (c) => "-" + c.toLowerCase()));
    }
    return out;
  }
  function measureViewport(fields) {
    const out = {};
    const page = document.documentElement;
    const height = window.innerHeight - pageTop() - pageBottom();
    if (fields.rect) Object.assign(out, { left: 0, right: window.innerWidth, top: 0, bottom: height });
    if (fields.size) Object.assign(out, { width: window.innerWidth, height });
    if (fields.scrollOffset) {
      Object.assign(out, { scrollLeft: window.scrollX, scrollTop: window.scrollY, scrollWidth: page.scrollWidth, scrollHeight: page.scrollHeight });
    }
    return out;
  }
  function answerQuery(message) {
    const results = (Array.isArray(message.requests) ? message.requests : []).map((request) => {
      const fields = request && typeof request.fields === "object" && request.fields ? request.fields : {};
      if (request && request.viewport) return [measureViewport(fields)];
      return (Array.isArray(request && request.paths) ? request.paths : []).map((path) => {
        try {
          return measure(elementAt(path), fields);
        } catch (error) {
          return null;
        }
      });
    });
    post({ kind: "mpQueryResult", queryId: message.queryId, results });
  }

  function receive(message) {
    try {
      if (!message || typeof message !== "object" || typeof message.kind !== "string") return;
      if (document.readyState === "loading") {
        if (!queued) {
          queued = [];
          document.addEventListener("DOMContentLoaded", () => {
            const pending = queued;
            queued = null;
            for (const item of pending) receive(item);
          });
        }
        queued.push(message);
        return;
      }
      handle(message);
    } catch (error) {
      reportError("page host: " + (error && error.message ? error.message : error));
    }
  }

  // ---------------------------------------------------------------------------------------
  // The component library: every components/library/<tag>/<tag>.js, placed here by the build
  // (components/build.rs), with LIBRARY_CSS, their styles.
  //@library

  Object.defineProperty(window, "__capsulePageHost", { value: Object.freeze({ receive }) });
})();
