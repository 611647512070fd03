// The web-view SDK: what an H5 page inside a mini-program's <web-view> uses to talk to the
// mini-program, as the platforms' own SDKs give it:
//   WeChat: wx.miniProgram.{navigateTo, navigateBack, redirectTo, switchTab, reLaunch,
//     postMessage({data}), getEnv(callback)};
//   Alipay: my.{navigateTo, navigateBack, redirectTo, switchTab, reLaunch, postMessage(data),
//     onMessage = (message) => ..., getEnv(callback)}.
// It also gives the frame the container's JSBridge (CapsuleJSBridge / AlipayJSBridge.call, as
// H5 apps have it), whose calls the container checks as an H5 page's of the frame's origin.
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
  // The JSBridge: call(api, params, callback) answers the callback, or a promise without one
  // (rejected with {error, errorMessage} when the call fails).
  const pending = new Map();
  let nextCall = 1;
  const call = (api, params, callback) => {
    const settled = new Promise((resolve) => {
      const callId = nextCall++;
      pending.set(callId, resolve);
      send({ type: "call", callId, api: String(api), params: params === undefined ? null : params });
    });
    if (typeof callback === "function") {
      settled.then(({ result }) => callback(result));
      return undefined;
    }
    return settled.then(({ ok, result }) => (ok ? result : Promise.reject(result)));
  };
  const bridge = Object.freeze({ call });
  for (const name of ["CapsuleJSBridge", "AlipayJSBridge"]) {
    if (!window[name]) Object.defineProperty(window, name, { value: bridge });
  }
  window.addEventListener("message", (event) => {
    const message = event.source === window.parent && event.data && event.data.__capsuleWebView;
    if (!message) return;
    if (message.type === "message" && typeof my.onMessage === "function") my.onMessage(message.data);
    if (message.type === "reply" && pending.has(message.callId)) {
      const resolve = pending.get(message.callId);
      pending.delete(message.callId);
      resolve({ ok: message.ok === true, result: message.result });
    }
  });
})();
