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
  // What the container opened this page with (appId, url, the opener's parameters).
  const startupParams = Object.freeze(window.__capsuleStartupParams || {});
  delete window.__capsuleStartupParams;

  const post = (message) => window.__capsuleIpc.post(JSON.stringify(message));
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

  // Values JSON cannot carry cross as tagged objects (capsule_jsapi::value): Dates and
  // ArrayBuffers (or typed-array views) in params, and back again in results.
  const TAG = "__capsuleType";
  const toBase64 = (buffer) => {
    const bytes = new Uint8Array(buffer);
    let text = "";
    for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(text);
  };
  function tagged(key, value) {
    const raw = this[key];
    if (raw instanceof Date) return { [TAG]: "Date", value: isNaN(raw) ? null : raw.toISOString() };
    if (raw instanceof ArrayBuffer) return { [TAG]: "ArrayBuffer", base64: toBase64(raw) };
    if (ArrayBuffer.isView(raw)) {
      return { [TAG]: "ArrayBuffer", base64: toBase64(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength)) };
    }
    return value;
  }
  function untagged(value) {
    if (value === null || typeof value !== "object") return value;
    if (value[TAG] === "Date" && Object.keys(value).length === 2) return new Date(value.value === null ? NaN : value.value);
    if (value[TAG] === "ArrayBuffer" && typeof value.base64 === "string") {
      const text = atob(value.base64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      return bytes.buffer;
    }
    for (const key of Object.keys(value)) value[key] = untagged(value[key]);
    return value;
  }

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
        message = JSON.stringify({ kind: "invoke", callId, api, params: params === undefined ? null : params }, tagged);
      } catch (error) {
        return resolve({ ok: false, result: failure(2, api + ": parameters are not serialisable: " + error.message) });
      }
      pending.set(callId, resolve);
      window.__capsuleIpc.post(message);
    });
    if (typeof callback === "function") {
      settled.then(({ result }) => callback(result));
      return undefined;
    }
    return settled.then(({ ok, result }) => (ok ? result : Promise.reject(new BridgeError(result))));
  }

  // The simulator's home key, Ctrl+Shift+H: leaves the app for the home screen and comes
  // back (the container decides; "lifecycle" messages say where the app is). Its back key,
  // Alt+Left: the container fires the page's `back` event and goes back unless prevented.
  let inBackground = false;
  window.addEventListener("keydown", (event) => {
    if (event.ctrlKey && event.shiftKey && !event.altKey && (event.key === "H" || event.key === "h")) {
      event.preventDefault();
      event.stopImmediatePropagation();
      post({ kind: "lifecycle", background: !inBackground });
    } else if (event.altKey && !event.ctrlKey && !event.shiftKey && event.key === "ArrowLeft") {
      event.preventDefault();
      event.stopImmediatePropagation();
      post({ kind: "backKey" });
    }
  }, true);

  function receive(message) {
    switch (message.kind) {
      case "reply": {
        const resolve = pending.get(message.callId);
        pending.delete(message.callId);
        if (resolve) resolve({ ok: message.ok, result: untagged(message.result) });
        break;
      }
      case "event": {
        const event = new CustomEvent(message.name, { cancelable: true, detail: message.data });
        event.data = message.data;
        const proceed = document.dispatchEvent(event);
        if (message.name === "back" && proceed) post({ kind: "backUnhandled", canGoBack: history.length > 1 });
        break;
      }
      case "historyBack":
        history.back();
        break;
      case "ui": {
        const done = (result) => post({ kind: "uiResult", uiId: message.uiId, result: result || {} });
        window.__capsuleUi.show(message.request, message.uiId).then(done, () => done({}));
        break;
      }
      case "lifecycle":
        // The app left for the home screen or came back; a click on the home screen returns.
        inBackground = message.background;
        window.__capsuleUi.homeScreen(inBackground, () => post({ kind: "lifecycle", background: false }));
        break;
      case "uiAnswer":
        // A tester answers an open dialog by pressing its button.
        if (!window.__capsuleUi.answer(message.uiId, message.result)) {
          post({ kind: "console", level: "error", message: "no open dialog " + message.uiId + " has that answer" });
        }
        break;
      default:
        // Mini-program page messages (mpRender, mpPatch, ...) belong to the page host.
        if (typeof message.kind === "string" && message.kind.startsWith("mp") && window.__capsulePageHost) {
          window.__capsulePageHost.receive(message);
        }
    }
  }

  const bridge = Object.freeze({ call, startupParams });
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
  // So does what the page's Content-Security-Policy refused: a script, a fetch, a frame, a
  // redirect of one to an origin the app does not declare.
  document.addEventListener("securitypolicyviolation", (event) => {
    const what = event.blockedURI || "an inline " + event.effectiveDirective;
    post({ kind: "console", level: "warn", message: "Refused by the Content-Security-Policy (" + event.effectiveDirective + "): " + what });
  });

  const announce = () => {
    for (const name of ["CapsuleJSBridgeReady", "AlipayJSBridgeReady"]) document.dispatchEvent(new Event(name));
  };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", announce);
  else setTimeout(announce);

  // "loaded" once the page has loaded and painted twice, so a screenshot shows it.
  const loaded = () => requestAnimationFrame(() => requestAnimationFrame(() => post({ kind: "loaded", url: location.href })));
  if (document.readyState === "complete") loaded();
  else window.addEventListener("load", loaded);
})();
