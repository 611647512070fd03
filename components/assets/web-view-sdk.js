// The web-view SDK: what an H5 page inside a mini-program's <web-view> uses to talk to the
// mini-program, as the platforms' own SDKs give it:
//   WeChat: wx.miniProgram.{navigateTo, navigateBack, redirectTo, switchTab, reLaunch,
//     postMessage({data}), getEnv(callback)};
//   Alipay: my.{navigateTo, navigateBack, redirectTo, switchTab, reLaunch, postMessage(data),
//     onMessage = (message) => ..., getEnv(callback)}.
// It runs in every frame of a page and does nothing in the page itself (the top frame). Each
// call goes to the page host by window.parent.postMessage({__capsuleWebView: ...}), which
// takes it only from its own web-view's frame, with the frame's origin as the browser gives
// it; what the mini-program sends back (createWebViewContext().postMessage) arrives the same
// way and reaches my.onMessage.
(() => {
  "use strict";
  if (window === window.top || window.__capsuleWebView) return;
  Object.defineProperty(window, "__capsuleWebView", { value: true });
  const send = (message) => window.parent.postMessage({ __capsuleWebView: message }, "*");
  const settle = (options, result) => {
    const o = options && typeof options === "object" ? options : {};
    for (const name of ["success", "complete"]) if (typeof o[name] === "function") o[name](result);
  };
  const route = (openType) => (options) => {
    const o = options && typeof options === "object" ? options : {};
    send({ type: "navigate", openType, url: o.url == null ? "" : String(o.url), delta: Number(o.delta) || 1 });
    settle(o, { errMsg: openType + ":ok" });
  };
  const env = (callback) => {
    if (typeof callback === "function") callback({ miniprogram: true });
  };
  const routes = {
    navigateTo: route("navigateTo"), navigateBack: route("navigateBack"), redirectTo: route("redirectTo"),
    switchTab: route("switchTab"), reLaunch: route("reLaunch"),
  };
  const miniProgram = Object.assign({}, routes, {
    postMessage: (options) => send({ type: "message", data: options && typeof options === "object" ? options.data : undefined }),
    getEnv: env,
  });
  const wx = window.wx && typeof window.wx === "object" ? window.wx : {};
  wx.miniProgram = miniProgram;
  window.wx = wx;
  const my = window.my && typeof window.my === "object" ? window.my : {};
  Object.assign(my, routes, {
    postMessage: (data) => send({ type: "message", data }),
    getEnv: env,
  });
  if (!("onMessage" in my)) my.onMessage = null;
  window.my = my;
  window.addEventListener("message", (event) => {
    const message = event.source === window.parent && event.data && event.data.__capsuleWebView;
    if (message && message.type === "message" && typeof my.onMessage === "function") my.onMessage(message.data);
  });
})();
