// Capsule JSBridge: injected into every app page before the page's own scripts.
//
// window.CapsuleJSBridge.call(api, params, callback)  -> callback(result)
// window.CapsuleJSBridge.call(api, params)            -> Promise (rejects with {error, errorMessage})
// window.AlipayJSBridge is the same object (Nebula compatibility). Failed calls answer
// {error, errorMessage}: 1 API not found, 2 invalid parameter, 3 unknown error, 4 no permission.
// Native events (resume, pause, back, ...) are dispatched on document with event.data.
(() => {
  "use strict";
  if (window.CapsuleJSBridge) return;

  const post = (message) => window.ipc.postMessage(JSON.stringify(message));
  const pending = new Map();
  let nextCallId = 1;

  class BridgeError extends Error {
    constructor(result) {
      super(result.errorMessage);
      this.name = "CapsuleBridgeError";
      this.error = result.error;
      this.errorMessage = result.errorMessage;
    }
  }

  const failure = (code, message) => ({ error: code, errorMessage: message });

  function call(api, params, callback) {
    if (typeof params === "function") {
      callback = params;
      params = undefined;
    }
    const settled = new Promise((resolve) => {
      if (typeof api !== "string" || api === "") {
        return resolve({ ok: false, result: failure(2, "call: the API name must be a non-empty string") });
      }
      if (params !== undefined && params !== null && (typeof params !== "object" || Array.isArray(params))) {
        return resolve({ ok: false, result: failure(2, api + ": parameters must be an object") });
      }
      const callId = nextCallId++;
      let message;
      try {
        message = JSON.stringify({ kind: "invoke", callId, api, params: params === undefined ? null : params });
      } catch (error) {
        return resolve({ ok: false, result: failure(2, api + ": parameters are not serialisable: " + error.message) });
      }
      pending.set(callId, resolve);
      window.ipc.postMessage(message);
    });
    if (typeof callback === "function") {
      settled.then(({ result }) => callback(result));
      return undefined;
    }
    return settled.then(({ ok, result }) => (ok ? result : Promise.reject(new BridgeError(result))));
  }

  function receive(message) {
    switch (message.kind) {
      case "reply": {
        const resolve = pending.get(message.callId);
        pending.delete(message.callId);
        if (resolve) resolve({ ok: message.ok, result: message.result });
        break;
      }
      case "event": {
        const event = new CustomEvent(message.name, { cancelable: true, detail: message.data });
        event.data = message.data;
        const proceed = document.dispatchEvent(event);
        if (message.name === "back" && proceed && history.length > 1) history.back();
        break;
      }
      case "ui": {
        const done = (result) => post({ kind: "uiResult", uiId: message.uiId, result: result || {} });
        window.__capsuleUi.show(message.request).then(done, () => done({}));
        break;
      }
    }
  }

  const bridge = Object.freeze({ call });
  for (const name of ["CapsuleJSBridge", "AlipayJSBridge"]) {
    Object.defineProperty(window, name, { value: bridge, enumerable: true });
  }
  Object.defineProperty(window, "__capsuleBridgeReceive", { value: receive });

  // Page console and uncaught errors go to the host's log.
  const format = (args) => args.map((arg) => {
    if (typeof arg === "string") return arg;
    if (arg instanceof Error) return arg.stack ? arg + "\n" + arg.stack : String(arg);
    try { return JSON.stringify(arg); } catch (_) { return String(arg); }
  }).join(" ");
  for (const level of ["log", "info", "warn", "error", "debug"]) {
    const original = console[level].bind(console);
    console[level] = (...args) => {
      original(...args);
      try { post({ kind: "console", level, message: format(args) }); } catch (_) { /* never break the page */ }
    };
  }
  window.addEventListener("error", (event) => {
    post({ kind: "console", level: "error", message: "Uncaught " + event.message + " (" + event.filename + ":" + event.lineno + ")" });
  });
  window.addEventListener("unhandledrejection", (event) => {
    post({ kind: "console", level: "error", message: "Unhandled rejection: " + format([event.reason]) });
  });

  const announce = () => {
    for (const name of ["CapsuleJSBridgeReady", "AlipayJSBridgeReady"]) document.dispatchEvent(new Event(name));
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", announce);
  else setTimeout(announce);

  // "loaded" once the page has loaded and painted twice, so a screenshot shows it.
  const loaded = () => requestAnimationFrame(() => requestAnimationFrame(() => post({ kind: "loaded" })));
  if (document.readyState === "complete") loaded();
  else window.addEventListener("load", loaded);
})();
