// Capsule page host: the webview side of a mini-program page.
//
// The runtime renders templates to a virtual DOM in Rust and sends it here:
//   mpRender (whole page), mpPatch (patch ops), mpChrome (the phone around the page: status
//   bar, navigation bar, menu button, tab bar; see the CHROME section),
//   mpScrollTo, mpSetValue, mpStartRefresh / mpStopRefresh, mpAct and mpPress (a test acting
//   as the user on the page or on the chrome, answered mpActed), mpQuery (layout for a
//   selector query, answered mpQueryResult), mpObserve / mpUnobserve (intersection
//   observers, reporting mpIntersection).
// The DOM mirrors the virtual DOM one node per VNode inside a <page> element, so the child
// indices Rust uses as paths are plain DOM child indices. Built-in components draw themselves
// with CSS only (no extra children). User input goes back as mpEvent (one message per DOM
// event, at the innermost mini-program element; Rust does bubbling and catch), plus mpTab,
// mpBack, mpTitleClick, mpNavigate, mpScroll, mpReachBottom and mpPullDownRefresh.
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
  const NAVIGATE_TYPES = ["navigate", "redirect", "switchTab", "reLaunch", "navigateBack"];
  // The platforms' default fonts: the system UI font (iOS, macOS), PingFang / Hiragino for
  // Chinese on Apple systems, Noto Sans CJK as on Android (and on Linux), then colour emoji.
  // The page, the chrome and the container UI (container-ui.js) all use this stack.
  const FONT_STACK = `-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Helvetica Neue", Helvetica, Roboto, "DejaVu Sans", "Apple Color Emoji", "Noto Color Emoji", sans-serif`;
  // Tags that would run code, load documents or change the document if created for real.
  const INERT_TAGS = new Set(["script", "iframe", "frame", "frameset", "object", "embed", "link", "meta", "base", "style", "template", "noscript"]);

  // ---------------------------------------------------------------------------------------
  // Built-in component styles. Every rule but the notices sits in :where() (no specificity), and the sheet
  // goes first in <head>, so any app rule wins, as on the platforms.
  const COMPONENTS_CSS = `
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
@keyframes capsule-spin { to { transform: rotate(360deg); } }
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
:where(text) { display: inline; white-space: pre-line; }
:where(text[space]) { white-space: pre-wrap; }
:where(text[selectable], text[user-select]) { -webkit-user-select: text; user-select: text; }

:where(button) { position: relative; display: block; box-sizing: border-box; width: 100%; margin: 0 auto;
  padding: 0 14px; border: 0; border-radius: 5px; outline: 0; overflow: hidden; -webkit-appearance: none; appearance: none;
  font-family: inherit; font-size: 18px; line-height: 2.55555556; text-align: center; text-decoration: none;
  color: #000; background-color: #f8f8f8; cursor: pointer; }
:where(button)::after { content: " "; position: absolute; top: 0; left: 0; width: 200%; height: 200%; box-sizing: border-box;
  border: 1px solid rgba(0, 0, 0, 0.2); border-radius: 10px; transform: scale(0.5); transform-origin: 0 0; pointer-events: none; }
:where(button[type=primary]) { color: #fff; background-color: #1aad19; }
:where(button[type=warn]) { color: #fff; background-color: #e64340; }
:where(button[size=mini]) { display: inline-block; width: auto; padding: 0 1.34em; font-size: 13px; line-height: 2.3; }
:where(button[plain]) { color: #353535; border: 1px solid #353535; background-color: transparent; }
:where(button[plain])::after { border-width: 0; }
:where(button[type=primary][plain]) { color: #1aad19; border-color: #1aad19; }
:where(button[type=warn][plain]) { color: #e64340; border-color: #e64340; }
:where(button[disabled]) { color: rgba(0, 0, 0, 0.3); background-color: #f7f7f7; cursor: default; }
:where(button[type=primary][disabled]) { color: rgba(255, 255, 255, 0.6); background-color: #9ed99d; }
:where(button[type=warn][disabled]) { color: rgba(255, 255, 255, 0.6); background-color: #ec8b89; }
:where(button[plain][disabled]) { color: rgba(0, 0, 0, 0.2); border-color: rgba(0, 0, 0, 0.2); background-color: transparent; }
:where(button[loading])::before { content: ""; display: inline-block; box-sizing: border-box; width: 1em; height: 1em;
  margin: -0.2em 0.34em 0 0; vertical-align: middle; border: 2px solid currentColor; border-right-color: transparent;
  border-radius: 50%; animation: capsule-spin 1s linear infinite; }
:where(.button-hover) { background-color: #dedede; }
:where(button[type=primary].button-hover) { background-color: #179b16; }
:where(button[type=warn].button-hover) { background-color: #ce3c39; }
:where(.navigator-hover) { background-color: rgba(0, 0, 0, 0.1); opacity: 0.7; }

:where(input, textarea) { box-sizing: border-box; margin: 0; padding: 0; border: 0; outline: 0; background: transparent;
  color: inherit; font: inherit; -webkit-user-select: text; user-select: text; }
:where(input) { display: block; width: 100%; height: 1.4rem; min-height: 1.4rem; overflow: hidden; white-space: nowrap; text-overflow: clip; }
:where(textarea) { display: block; width: 300px; height: 150px; resize: none; }
:where(input, textarea)::placeholder { color: #999; }

:where(switch) { position: relative; display: inline-block; box-sizing: border-box; width: 52px; height: 32px;
  vertical-align: middle; border: 1px solid #dfdfdf; border-radius: 16px; background-color: #fff;
  transition: background-color 0.1s, border-color 0.1s; cursor: pointer; }
:where(switch)::after { content: ""; position: absolute; top: 0; left: 0; width: 30px; height: 30px; border-radius: 15px;
  background: #fff; box-shadow: 0 1px 3px rgba(0, 0, 0, 0.4); transition: transform 0.3s; }
:where(switch[checked]) { border-color: var(--capsule-color, #04be02); background-color: var(--capsule-color, #04be02); }
:where(switch[checked])::after { transform: translateX(20px); }
:where(switch[type=checkbox]) { width: 22px; height: 22px; border-color: #d1d1d1; border-radius: 3px; background: #fff; }
:where(switch[type=checkbox])::after { content: none; }
:where(switch[type=checkbox][checked])::before { content: "\\2713"; position: absolute; inset: 0; text-align: center;
  font-size: 17px; line-height: 20px; color: var(--capsule-color, #09bb07); }

:where(checkbox, radio) { display: inline-flex; align-items: center; vertical-align: middle; cursor: pointer; }
:where(checkbox, radio)::before { content: ""; flex: none; display: inline-flex; align-items: center; justify-content: center;
  box-sizing: border-box; width: 22px; height: 22px; margin-right: 5px; border: 1px solid #d1d1d1; background: #fff;
  font-size: 17px; line-height: 1; }
:where(checkbox)::before { border-radius: 3px; color: var(--capsule-color, #09bb07); }
:where(checkbox[checked])::before { content: "\\2713"; }
:where(radio)::before { border-radius: 50%; color: #fff; }
:where(radio[checked])::before { content: "\\2713"; border-color: var(--capsule-color, #09bb07); background: var(--capsule-color, #09bb07); }
:where(switch[disabled], checkbox[disabled], radio[disabled]) { opacity: 0.6; cursor: default; }
:where(checkbox[disabled], radio[disabled])::before { background-color: #e1e1e1; }

/* slider: a rail with its filled part and a round handle, the value beside it (show-value).
   The WeUI look by default, AntUI's under the Alipay dialect; the app's colours and sizes
   arrive as the custom properties below. */
:where(slider) { --capsule-slider-fill: #1aad19; --capsule-slider-rail: #e9e9e9; --capsule-slider-knob: #fff;
  --capsule-slider-knob-size: 28px; --capsule-slider-track: 2px;
  margin: 10px 18px; padding: 0; touch-action: none; -webkit-user-select: none; user-select: none; }
:where([capsule-dialect=alipay] slider) { --capsule-slider-fill: #108ee9; --capsule-slider-rail: #ddd;
  --capsule-slider-knob-size: 22px; --capsule-slider-track: 4px; }
capsule-slider-row { display: flex; align-items: center; min-height: max(28px, var(--capsule-slider-knob-size)); }
capsule-slider-rail { position: relative; display: block; flex: 1; height: var(--capsule-slider-track);
  margin: 0 calc(var(--capsule-slider-knob-size) / 2); border-radius: 5px; background: var(--capsule-slider-rail); cursor: pointer; }
capsule-slider-fill { position: absolute; top: 0; bottom: 0; left: 0; display: block; border-radius: inherit;
  background: var(--capsule-slider-fill); }
capsule-slider-handle { position: absolute; top: 50%; display: block; box-sizing: border-box;
  width: var(--capsule-slider-knob-size); height: var(--capsule-slider-knob-size);
  margin: calc(var(--capsule-slider-knob-size) / -2) 0 0 calc(var(--capsule-slider-knob-size) / -2);
  border-radius: 50%; background: var(--capsule-slider-knob); box-shadow: 0 0 4px rgba(0, 0, 0, 0.2); cursor: grab; }
capsule-slider-value { flex: none; display: block; min-width: 3ch; margin-left: 14px; color: #888; font-size: 14px; text-align: left; }
:where(slider[disabled]) { --capsule-slider-fill: #ccc; }
:where(slider[disabled]) capsule-slider-rail, :where(slider[disabled]) capsule-slider-handle { cursor: default; }

:where(image) { display: inline-block; width: 320px; height: 240px; overflow: hidden;
  background-repeat: no-repeat; background-size: 100% 100%; }

:where(icon) { --capsule-tone: #09bb07; position: relative; display: inline-block; box-sizing: border-box; vertical-align: middle;
  width: var(--capsule-size, 23px); height: var(--capsule-size, 23px); border-radius: 50%; overflow: hidden;
  background: var(--capsule-color, var(--capsule-tone)); color: #fff; text-align: center;
  font: bold calc(var(--capsule-size, 23px) * 0.62) / var(--capsule-size, 23px) sans-serif; }
:where(icon)::before { content: "\\2713"; }
:where(icon[type=success_no_circle], icon[type=search]) { background: none; color: var(--capsule-color, var(--capsule-tone));
  font-size: calc(var(--capsule-size, 23px) * 0.9); }
:where(icon[type=info]) { --capsule-tone: #10aeff; }
:where(icon[type=info])::before { content: "i"; font-family: serif; }
:where(icon[type=warn]) { --capsule-tone: #f76260; }
:where(icon[type=warn])::before { content: "!"; }
:where(icon[type=waiting]) { --capsule-tone: #10aeff; }
:where(icon[type=waiting])::before { content: "\\25F7"; }
:where(icon[type=cancel]) { --capsule-tone: #f43530; }
:where(icon[type=cancel])::before, :where(icon[type=clear])::before { content: "\\2715"; }
:where(icon[type=clear]) { --capsule-tone: #b2b2b2; }
:where(icon[type=download])::before { content: "\\2193"; }
:where(icon[type=search]) { --capsule-tone: #b2b2b2; }
:where(icon[type=search])::before { content: ""; position: absolute; left: 14%; top: 14%; width: 56%; height: 56%;
  box-sizing: border-box; border: calc(var(--capsule-size, 23px) * 0.09) solid currentColor; border-radius: 50%; }
:where(icon[type=search])::after { content: ""; position: absolute; left: 66%; top: 58%; width: 10%; height: 32%;
  background: currentColor; transform: rotate(-45deg); }

:where(scroll-view) { position: relative; overflow: hidden; }
:where(scroll-view[scroll-x]) { overflow-x: auto; }
:where(scroll-view[scroll-y]) { overflow-y: auto; }
:where(swiper) { position: relative; height: 150px; overflow: hidden; }
:where(swiper-item) { position: absolute; top: 0; left: 0; display: block; width: 100%; height: 100%; overflow: hidden;
  transition-property: transform; }
:where(swiper[indicator-dots])::after { content: attr(capsule-dots); position: absolute; left: 0; right: 0; bottom: 8px;
  text-align: center; font-size: 10px; letter-spacing: 4px; color: rgba(0, 0, 0, 0.5); pointer-events: none; }
:where(progress) { display: block; width: 100%; height: 6px; }
`;

  // ---------------------------------------------------------------------------------------
  // State.
  const mpNodes = new WeakSet(); // every node built from a VNode
  const ready = new WeakSet(); // elements whose attributes and children are all applied
  const attrsMap = new WeakMap(); // element -> the typed attributes from the virtual DOM
  const eventsMap = new WeakMap(); // element -> its event bindings
  const derivedMap = new WeakMap(); // element -> inline style properties the host owns
  const stateMap = new WeakMap(); // element -> component state (image, swiper, scroll-view)
  const virtualHosts = new WeakSet(); // component hosts drawn without a box (virtualHost)
  let root = null; // the <page> element
  let pageStyle = null;
  let chrome = {};
  let queued = null;

  const post = (message) => {
    try { window.ipc.postMessage(JSON.stringify(message)); } catch (_) { /* no channel: nothing to tell */ }
  };
  const reportError = (text) => post({ kind: "console", level: "error", message: text });
  const truthy = (value) => Boolean(value);
  const attrsOf = (el) => attrsMap.get(el) || {};
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
  // Document set-up, on the first mini-program message.
  function ensureDocument() {
    if (root && root.isConnected) return;
    const html = document.documentElement;
    const head = document.head || html.insertBefore(document.createElement("head"), html.firstChild);
    if (!document.body) html.appendChild(document.createElement("body"));
    const builtin = document.createElement("style");
    builtin.id = "capsule-components";
    builtin.textContent = COMPONENTS_CSS;
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
    attrsMap.set(el, {});
    eventsMap.set(el, Array.isArray(vnode.events) ? vnode.events : []);
    for (const child of Array.isArray(vnode.children) ? vnode.children : []) el.appendChild(build(child));
    const attrs = vnode.attrs && typeof vnode.attrs === "object" ? vnode.attrs : {};
    for (const name of Object.keys(attrs)) setAttr(el, name, attrs[name]);
    ready.add(el);
    const kind = KINDS[el.localName];
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
  // built-in components derive their look from them (KINDS below).
  function setAttr(el, name, value) {
    const attrs = attrsMap.get(el);
    if (value === undefined || value === null) delete attrs[name];
    else attrs[name] = value;
    const kind = KINDS[el.localName];
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

  // --- input / textarea
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
  function fitTextarea(el) {
    if (el.localName !== "textarea" || !truthy(attrsOf(el)["auto-height"])) return;
    el.style.height = "auto";
    setDerived(el, "height", el.scrollHeight + "px");
  }

  // --- image: the picture is a background, so the element has no children of its own.
  const IMAGE_MODES = {
    scaleToFill: ["100% 100%", "0 0"], widthFix: ["100% 100%", "0 0"], heightFix: ["100% 100%", "0 0"],
    aspectFit: ["contain", "center"], aspectFill: ["cover", "center"],
    top: ["auto", "top center"], bottom: ["auto", "bottom center"], center: ["auto", "center"],
    left: ["auto", "center left"], right: ["auto", "center right"],
    "top left": ["auto", "top left"], "top right": ["auto", "top right"],
    "bottom left": ["auto", "bottom left"], "bottom right": ["auto", "bottom right"],
  };
  function syncImage(el) {
    const { src, mode } = attrsOf(el);
    const [size, position] = IMAGE_MODES[mode] || IMAGE_MODES.scaleToFill;
    setDerived(el, "background-image", src ? cssUrl(src) : null);
    setDerived(el, "background-size", size);
    setDerived(el, "background-position", position);
    const state = stateOf(el, () => ({ src: undefined, natural: null, observer: null }));
    if (state.src !== src) loadImage(el, state, src);
    fitImage(el);
  }
  function loadImage(el, state, src) {
    state.src = src;
    state.natural = null;
    if (!src) return;
    const probe = new Image();
    probe.onload = () => {
      if (state.src !== src) return;
      state.natural = { width: probe.naturalWidth, height: probe.naturalHeight };
      fitImage(el);
      emit(el, "load", { width: probe.naturalWidth, height: probe.naturalHeight });
    };
    probe.onerror = () => {
      if (state.src === src) emit(el, "error", { errMsg: "GET " + src + " failed" });
    };
    probe.src = String(src);
  }
  // widthFix keeps the width and takes the height from the picture (heightFix the reverse).
  function fitImage(el) {
    const state = stateMap.get(el);
    const mode = attrsOf(el).mode;
    const fixed = mode === "widthFix" || mode === "heightFix";
    if (fixed && !state.observer && typeof ResizeObserver === "function") {
      state.observer = new ResizeObserver(() => fitImage(el));
      state.observer.observe(el);
    }
    const natural = state.natural;
    if (!fixed || !natural || !natural.width || !natural.height) {
      setDerived(el, "height", null);
      setDerived(el, "width", null);
      return;
    }
    if (mode === "widthFix" && el.clientWidth) setDerived(el, "height", (el.clientWidth * natural.height) / natural.width + "px");
    if (mode === "heightFix" && el.clientHeight) setDerived(el, "width", (el.clientHeight * natural.width) / natural.height + "px");
  }

  // --- icon, switch, checkbox, radio, progress
  function syncIcon(el) {
    const { size, color } = attrsOf(el);
    setDerived(el, "--capsule-size", size === undefined ? null : cssLength(size));
    setDerived(el, "--capsule-color", color ? String(color) : null);
  }
  function syncColor(el) {
    const color = attrsOf(el).color;
    setDerived(el, "--capsule-color", color ? String(color) : null);
  }
  function syncProgress(el) {
    if (!("max" in el)) return;
    const percent = Math.min(100, Math.max(0, Number(attrsOf(el).percent) || 0));
    el.max = 100;
    el.value = percent;
  }

  // --- slider: min, max, step, value, show-value, disabled and the colours and sizes of
  // both dialects. The handle goes where the finger presses; moving it reports `changing`
  // ({value}) each time the value changes, and lifting the finger `change` (so a tap on
  // the rail, no drag, reports `change` only). The value a user chose stays
  // until the app sets `value` again (and is what a form submits).
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

  // --- scroll-view: scroll-top, scroll-left, scroll-into-view
  function syncScrollView(el) {
    const attrs = attrsOf(el);
    const behavior = truthy(attrs["scroll-with-animation"]) ? "smooth" : "auto";
    later(() => {
      if (!el.isConnected) return;
      const target = { behavior };
      if (attrs["scroll-top"] !== undefined) target.top = Number(attrs["scroll-top"]) || 0;
      if (attrs["scroll-left"] !== undefined) target.left = Number(attrs["scroll-left"]) || 0;
      const id = attrs["scroll-into-view"];
      const child = id ? findById(el, String(id)) : null;
      if (child) {
        const outer = el.getBoundingClientRect();
        const inner = child.getBoundingClientRect();
        target.top = el.scrollTop + inner.top - outer.top;
        target.left = el.scrollLeft + inner.left - outer.left;
      }
      scrollElement(el, target);
    });
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

  // --- swiper: swiper-item children laid side by side, moved with transforms.
  const swiperState = (el) => stateOf(el, () => ({ current: 0, timer: 0, interval: 0 }));
  const swiperItems = (el) => Array.from(el.children).filter((child) => isMpElement(child) && child.localName === "swiper-item");
  function syncSwiperCurrent(el) {
    swiperState(el).current = Math.max(0, Math.trunc(Number(attrsOf(el).current) || 0));
    syncSwiper(el);
  }
  function syncSwiper(el) {
    const attrs = attrsOf(el);
    const state = swiperState(el);
    const items = swiperItems(el);
    state.current = Math.min(state.current, Math.max(0, items.length - 1));
    const axis = truthy(attrs.vertical) ? "Y" : "X";
    const duration = attrs.duration === undefined ? 500 : Number(attrs.duration) || 0;
    items.forEach((item, index) => {
      setDerived(item, "transform", "translate" + axis + "(" + (index - state.current) * 100 + "%)");
      setDerived(item, "transition-duration", duration + "ms");
    });
    if (truthy(attrs["indicator-dots"])) {
      el.setAttribute("capsule-dots", items.map((_, index) => (index === state.current ? "\u25CF" : "\u25CB")).join(""));
    } else el.removeAttribute("capsule-dots");
    const interval = truthy(attrs.autoplay) && items.length > 1 ? Number(attrs.interval) || 5000 : 0;
    if (interval !== state.interval) {
      clearInterval(state.timer);
      state.interval = interval;
      state.timer = interval ? setInterval(() => autoplay(el), interval) : 0;
    }
  }
  function autoplay(el) {
    const state = swiperState(el);
    if (!el.isConnected) {
      clearInterval(state.timer);
      state.interval = 0;
      return;
    }
    const count = swiperItems(el).length;
    if (count > 1 && !(press && el.contains(press.target))) swipeTo(el, (state.current + 1) % count, "autoplay");
  }
  function swipeTo(el, index, source) {
    const state = swiperState(el);
    const items = swiperItems(el);
    const circular = truthy(attrsOf(el).circular);
    if (circular) index = (index + items.length) % items.length;
    if (index < 0 || index >= items.length || index === state.current) return;
    state.current = index;
    syncSwiper(el);
    const detail = { current: index, currentItemId: String(attrsOf(items[index])["item-id"] || ""), source };
    emit(el, "change", detail);
    const duration = Number(attrsOf(el).duration);
    setTimeout(() => emit(el, "animationfinish", detail), isFinite(duration) ? duration : 500);
  }

  // --- rich-text: sanitised content in a shadow root, so it never adds DOM children.
  const RICH_TAGS = new Set(("a abbr address article aside b bdi bdo big blockquote br caption center cite code col colgroup " +
    "dd del div dl dt em fieldset font footer h1 h2 h3 h4 h5 h6 header hr i img ins label legend li mark nav ol p pre q " +
    "rt ruby s section small span strike strong sub sup table tbody td tfoot th thead tr tt u ul").split(" "));
  const RICH_ATTRS = new Set(["class", "style", "id", "title", "alt", "width", "height", "colspan", "rowspan", "align", "valign", "span", "start", "type", "dir", "src"]);
  const RICH_DROP = new Set(["script", "style", "iframe", "object", "embed", "link", "meta", "base", "template", "noscript", "frame", "frameset"]);
  function syncRichText(el) {
    const shadow = el.shadowRoot || el.attachShadow({ mode: "open" });
    while (shadow.firstChild) shadow.firstChild.remove();
    const style = document.createElement("style");
    style.textContent = ":host { display: block; }\n" + (pageStyle ? pageStyle.textContent : "");
    shadow.appendChild(style);
    let nodes = attrsOf(el).nodes;
    if (typeof nodes === "string") {
      const parsed = new DOMParser().parseFromString(nodes, "text/html");
      nodes = Array.from(parsed.body.childNodes, richFromDom);
    }
    for (const node of Array.isArray(nodes) ? nodes : []) {
      const built = buildRich(node, 0);
      if (built) shadow.appendChild(built);
    }
    shadow.appendChild(document.createElement("slot")); // children from the template still show
  }
  function richFromDom(node) {
    if (node.nodeType === 3) return { type: "text", text: node.data };
    if (node.nodeType !== 1) return null;
    const attrs = {};
    for (const attr of node.attributes) attrs[attr.name] = attr.value;
    return { name: node.localName, attrs, children: Array.from(node.childNodes, richFromDom) };
  }
  function buildRich(node, depth) {
    if (!node || typeof node !== "object" || depth > 64) return null;
    if (node.type === "text") return document.createTextNode(node.text == null ? "" : String(node.text));
    const name = String(node.name || "").toLowerCase();
    if (RICH_DROP.has(name)) return null;
    const el = document.createElement(RICH_TAGS.has(name) ? name : "span");
    const attrs = node.attrs && typeof node.attrs === "object" ? node.attrs : {};
    for (const key of Object.keys(attrs)) {
      const attr = key.toLowerCase();
      const value = String(attrs[key]);
      if (!RICH_ATTRS.has(attr) || (attr === "src" && (name !== "img" || /^\s*javascript:/i.test(value)))) continue;
      try { el.setAttribute(attr, value); } catch (_) { /* skip */ }
    }
    for (const child of Array.isArray(node.children) ? node.children : []) {
      const built = buildRich(child, depth + 1);
      if (built) el.appendChild(built);
    }
    return el;
  }

  // Per-tag behaviour: `own` attributes are not copied to the DOM as-is; `attrs` re-syncs
  // the component when one changes; `created` runs once the element is complete.
  const KINDS = {
    input: {
      own: ["value", "type", "maxlength"],
      attrs: { value: setFieldValue, type: syncInputType, password: syncInputType, maxlength: syncMaxLength,
        focus: syncFocus, "auto-focus": syncFocus, "confirm-type": syncConfirmType },
      created(el) { syncInputType(el); syncMaxLength(el); setFieldValue(el); syncConfirmType(el); syncFocus(el); },
    },
    textarea: {
      own: ["value", "maxlength"],
      attrs: { value: setFieldValue, maxlength: syncMaxLength, focus: syncFocus, "auto-focus": syncFocus,
        "auto-height": fitTextarea, "confirm-type": syncConfirmType },
      created(el) { syncMaxLength(el); setFieldValue(el); syncConfirmType(el); syncFocus(el); },
    },
    image: { attrs: { src: syncImage, mode: syncImage }, created: syncImage },
    icon: { attrs: { size: syncIcon, color: syncIcon }, created: syncIcon },
    switch: { attrs: { color: syncColor }, created: syncColor },
    checkbox: { attrs: { color: syncColor }, created: syncColor },
    radio: { attrs: { color: syncColor }, created: syncColor },
    progress: { own: ["percent"], attrs: { percent: syncProgress }, created: syncProgress },
    slider: {
      own: ["value"],
      attrs: Object.fromEntries(["value", "min", "max", "step", "show-value", "showValue", "active-color", "activeColor",
        "selected-color", "selectedColor", "background-color", "backgroundColor", "color", "block-color", "blockColor",
        "handle-color", "handleColor", "block-size", "blockSize", "handle-size", "handleSize", "track-size", "trackSize",
      ].map((name) => [name, syncSlider])),
      created: syncSlider,
    },
    "scroll-view": {
      attrs: { "scroll-top": syncScrollView, "scroll-left": syncScrollView, "scroll-into-view": syncScrollView },
      created: syncScrollView,
    },
    swiper: {
      attrs: { current: syncSwiperCurrent, autoplay: syncSwiper, interval: syncSwiper, duration: syncSwiper,
        vertical: syncSwiper, "indicator-dots": syncSwiper },
      created: syncSwiperCurrent,
    },
    "rich-text": { own: ["nodes"], attrs: { nodes: syncRichText }, created: syncRichText },
  };

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
      case "setDataset": elementAt(op.path); return; // Rust keeps datasets; only the path is checked
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
    if (parent.localName === "swiper" && ready.has(parent)) syncSwiper(parent);
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
  function afterTap(target) {
    const control = mpClosest(target, "switch, checkbox, radio") || labelledControl(target);
    if (control) {
      if (isTextField(control)) focusField(control);
      else if (!truthy(attrsOf(control).disabled)) toggle(control);
    }
    const button = mpClosest(target, "button");
    const formType = button && attrsOf(button)["form-type"];
    const form = formType && mpClosest(button, "form");
    if (form && formType === "submit") emit(form, "submit", { value: formValues(form) });
    if (form && formType === "reset") resetForm(form);
    const navigator = mpClosest(target, "navigator");
    if (navigator) navigate(navigator);
  }
  // A tap in a <label> acts on its control: the one named by `for`, else the first inside.
  function labelledControl(target) {
    const label = mpClosest(target, "label");
    if (!label) return null;
    const id = attrsOf(label).for;
    const control = id ? findById(root, String(id)) : label.querySelector("switch, checkbox, radio, input, textarea");
    return control && isMpElement(control) && control.matches("switch, checkbox, radio, input, textarea") ? control : null;
  }
  function navigate(el) {
    const attrs = attrsOf(el);
    const openType = attrs["open-type"] === undefined ? "navigate" : String(attrs["open-type"]);
    if (!NAVIGATE_TYPES.includes(openType)) return;
    const delta = Math.trunc(Number(attrs.delta));
    post({ kind: "mpNavigate", openType, url: attrs.url == null ? "" : String(attrs.url), delta: delta > 0 ? delta : 1 });
  }

  // A tap on a control: switch and checkbox flip; a radio can only become checked.
  function toggle(el) {
    const tag = el.localName;
    if (tag === "radio" && el.hasAttribute("checked")) return;
    const checked = !el.hasAttribute("checked");
    reflect(el, "checked", checked);
    emit(el, "change", { value: checked });
    if (tag === "checkbox") {
      const group = mpClosest(el.parentElement, "checkbox-group");
      if (group) emit(group, "change", { value: checkedValues(group) });
    }
    if (tag === "radio") {
      const group = mpClosest(el.parentElement, "radio-group");
      if (!group) return;
      for (const other of groupMembers(group, "radio")) if (other !== el) reflect(other, "checked", false);
      emit(group, "change", { value: valueOf(el) });
    }
  }
  const valueOf = (el) => {
    const value = attrsOf(el).value;
    return value === undefined || value === null ? "" : typeof value === "string" ? value : String(value);
  };
  const groupMembers = (group, tag) =>
    Array.from(group.querySelectorAll(tag)).filter((el) => isMpElement(el) && mpClosest(el.parentElement, group.localName) === group);
  const checkedValues = (group) => groupMembers(group, "checkbox").filter((el) => el.hasAttribute("checked")).map(valueOf);

  function formValues(form) {
    const value = {};
    for (const el of form.querySelectorAll("[name]")) {
      if (!isMpElement(el)) continue;
      const name = String(attrsOf(el).name);
      switch (el.localName) {
        case "input": case "textarea": value[name] = el.value; break;
        case "switch": value[name] = el.hasAttribute("checked"); break;
        case "checkbox-group": value[name] = checkedValues(el); break;
        case "radio-group": {
          const chosen = groupMembers(el, "radio").find((radio) => radio.hasAttribute("checked"));
          value[name] = chosen ? valueOf(chosen) : "";
          break;
        }
        case "slider": value[name] = sliderOf(el).value; break;
        case "picker": case "picker-view": value[name] = attrsOf(el).value; break;
      }
    }
    return value;
  }
  function resetForm(form) {
    for (const el of form.querySelectorAll("input, textarea, switch, checkbox, radio")) {
      if (!isMpElement(el)) continue;
      if (isTextField(el)) el.value = valueOf(el);
      else reflect(el, "checked", truthy(attrsOf(el).checked));
    }
    for (const el of form.querySelectorAll("slider")) {
      if (!isMpElement(el)) continue;
      sliderOf(el).value = sliderSnap(el, attrsOf(el).value);
      drawSlider(el);
    }
    emit(form, "reset", {});
  }

  // --- text fields
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
  function onFocus(event) {
    const el = mpElementOf(event.target);
    if (!el || !isTextField(el)) return;
    const detail = event.type === "focusin" ? { value: el.value } : { value: el.value, cursor: cursorOf(el) };
    emit(el, event.type === "focusin" ? "focus" : "blur", detail, [], [], event.timeStamp);
  }

  // --- scroll-view scroll, scrolltoupper, scrolltolower
  function onElementScroll(event) {
    const el = event.target;
    if (!isMpElement(el) || el.localName !== "scroll-view" || !root.contains(el)) return;
    const state = stateOf(el, () => ({ top: 0, left: 0, atUpper: true, atLower: false }));
    const { scrollTop, scrollLeft, scrollHeight, scrollWidth, clientHeight, clientWidth } = el;
    emit(el, "scroll", {
      scrollTop, scrollLeft, scrollHeight, scrollWidth, deltaX: scrollLeft - state.left, deltaY: scrollTop - state.top,
    }, [], [], event.timeStamp);
    state.top = scrollTop;
    state.left = scrollLeft;
    const attrs = attrsOf(el);
    const horizontal = truthy(attrs["scroll-x"]) && !truthy(attrs["scroll-y"]);
    const upper = Number(attrs["upper-threshold"]);
    const lower = Number(attrs["lower-threshold"]);
    const position = horizontal ? scrollLeft : scrollTop;
    const rest = horizontal ? scrollWidth - clientWidth - scrollLeft : scrollHeight - clientHeight - scrollTop;
    const atUpper = position <= (isFinite(upper) ? upper : 50);
    const atLower = rest <= (isFinite(lower) ? lower : 50);
    const direction = horizontal ? "left" : "top";
    if (atUpper && !state.atUpper) emit(el, "scrolltoupper", { direction });
    if (atLower && !state.atLower) emit(el, "scrolltolower", { direction: horizontal ? "right" : "bottom" });
    state.atUpper = atUpper;
    state.atLower = atLower;
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
    root.addEventListener("input", onInput);
    root.addEventListener("keydown", onKeyDown);
    root.addEventListener("focusin", onFocus);
    root.addEventListener("focusout", onFocus);
    root.addEventListener("submit", (event) => event.preventDefault());
    root.addEventListener("scroll", onElementScroll, true);
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
  // The runtime has checked `value` (session/controls.rs check_change): a switch or checkbox
  // takes true or false and is tapped unless it shows that already, a radio is tapped
  // (nothing happens when it is chosen), a radio group's value names one of its radios.
  function changeLikeUser(el, value) {
    const tag = el.localName;
    if (tag === "switch" || tag === "checkbox") {
      if (el.hasAttribute("checked") !== (value === true)) toggle(el);
      return;
    }
    if (tag === "radio") return toggle(el);
    if (tag === "checkbox-group" && Array.isArray(value)) {
      const wanted = value.map(String);
      for (const box of groupMembers(el, "checkbox")) reflect(box, "checked", wanted.includes(valueOf(box)));
      return emit(el, "change", { value: checkedValues(el) });
    }
    if (tag === "radio-group") {
      const radio = groupMembers(el, "radio").find((candidate) => valueOf(candidate) === String(value));
      if (!radio) throw new Error("no radio with value " + JSON.stringify(value));
      return toggle(radio);
    }
    if (tag === "slider") return slideTo(el, sliderSnap(el, value), "change");
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
          el.value = value == null ? "" : String(value);
          el.dispatchEvent(new Event("input", { bubbles: true }));
          break;
        case "confirm":
          requireTextField(el);
          // A textarea's Enter is a new line here; the phone's keyboard has a confirm key.
          if (el.localName === "textarea") emit(el, "confirm", { value: el.value });
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

  Object.defineProperty(window, "__capsulePageHost", { value: Object.freeze({ receive }) });
})();
