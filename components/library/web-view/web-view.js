// <web-view>: an H5 page in the mini-program's page, drawn over the page area in an <iframe>
// (after the element's children, so patch indices still name them). It may show the app's
// own package pages and the domains the app declares: the page's Content-Security-Policy
// (frame-src) refuses any other, and the refusal reports error ({url, fullUrl}). The frame
// cannot navigate the page around it (sandbox). The H5 page talks through the web-view SDK
// (components/assets/web-view-sdk.js): its routes open the mini-program's pages, and its
// postMessage data reaches the app as `message` ({data}): at once in Alipay; in WeChat the
// runtime keeps them (mpWebViewMessage) and hands them over together when the page is left
// (back, or a route that closes it), as WeChat documents. createWebViewContext(id).postMessage(data) reaches the H5 page's
// my.onMessage. The frame's JSBridge calls go to the container as mpWebViewCall with the
// frame's origin, and their answers come back (mpWebViewReply) to that frame only. It
// reports load ({src}) for each page the frame loads.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const webViews = new WeakMap(); // el -> { frame, src }
const FRAME_SANDBOX = "allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads";

function webViewOf(el) {
  let state = webViews.get(el);
  if (state) return state;
  const frame = document.createElement("iframe");
  frame.setAttribute("sandbox", FRAME_SANDBOX);
  frame.setAttribute("allow", "fullscreen");
  frame.addEventListener("load", () => {
    // A page the policy refused leaves the frame blank (and reports error instead).
    let blank = false;
    try {
      blank = frame.contentWindow.location.href === "about:blank";
    } catch (_) { /* another origin's page: loaded */ }
    if (state.src && !blank) emit(el, "load", { src: state.src });
  });
  el.appendChild(frame);
  state = { frame, src: "" };
  webViews.set(el, state);
  return state;
}

function syncWebView(el) {
  const state = webViewOf(el);
  const src = attrsOf(el).src;
  const text = src === undefined || src === null ? "" : String(src);
  if (text === state.src) return;
  state.src = text;
  if (text) state.frame.src = new URL(text, document.baseURI).href;
  else state.frame.removeAttribute("src");
}

const isAlipay = () => document.documentElement.getAttribute("capsule-dialect") === "alipay";

function onWebViewMessage(event) {
  const message = event.data && typeof event.data === "object" ? event.data.__capsuleWebView : null;
  if (!message || !root) return;
  const el = Array.from(root.querySelectorAll("web-view")).find((candidate) => {
    const state = webViews.get(candidate);
    return state && state.frame.contentWindow === event.source;
  });
  if (!el) return; // not one of this page's web-views
  if (message.type === "message") {
    // WeChat: the runtime keeps it for when the page is left.
    if (isAlipay()) emit(el, "message", { data: message.data });
    else post({ kind: "mpWebViewMessage", path: pathOf(el), data: message.data });
  } else if (message.type === "call") {
    // The container checks it as a call of an H5 page of the frame's origin.
    const frameCall = nextFrameCall++;
    frameCalls.set(frameCall, { frame: event.source, origin: event.origin, callId: message.callId });
    post({ kind: "mpWebViewCall", frameCall, origin: event.origin, api: String(message.api), params: message.params ?? null });
  } else if (message.type === "navigate") {
    const openType = String(message.openType || "");
    const delta = Math.max(1, Math.trunc(Number(message.delta)) || 1);
    post({ kind: "mpNavigate", openType, url: message.url == null ? "" : String(message.url), delta });
  }
}
window.addEventListener("message", onWebViewMessage);

// JSBridge calls from web-view frames, by this page's number for them, until answered.
const frameCalls = new Map(); // frameCall -> { frame, origin, callId }
let nextFrameCall = 1;
onMessage("mpWebViewReply", (message) => {
  const call = frameCalls.get(message.frameCall);
  if (!call) return;
  frameCalls.delete(message.frameCall);
  const reply = { type: "reply", callId: call.callId, ok: message.ok === true, result: message.result ?? null };
  // Only to the frame that asked, while it still shows the origin that asked.
  call.frame.postMessage({ __capsuleWebView: reply }, call.origin === "null" ? "*" : call.origin);
});

// A frame the page's policy refused: the platforms report error with the url.
document.addEventListener("securitypolicyviolation", (event) => {
  if (!root || event.effectiveDirective !== "frame-src") return;
  for (const el of root.querySelectorAll("web-view")) {
    const state = webViews.get(el);
    if (state && state.src && event.blockedURI && new URL(state.src, document.baseURI).href.startsWith(event.blockedURI)) {
      emit(el, "error", { url: state.src, fullUrl: new URL(state.src, document.baseURI).href });
    }
  }
});

define("web-view", {
  own: ["src"],
  attrs: { src: syncWebView },
  created: syncWebView,
  // createWebViewContext(id).postMessage(data): to the H5 page's my.onMessage.
  call(el, method, args) {
    if (method !== "postMessage") throw new Error("<web-view> has no method " + method);
    const frame = webViewOf(el).frame;
    if (!frame.contentWindow) throw new Error("the web-view has no page loaded");
    frame.contentWindow.postMessage({ __capsuleWebView: { type: "message", data: args } }, "*");
  },
});
