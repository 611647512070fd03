// Container UI drawn over the page: toasts and alerts. Requests arrive from the bridge as the
// JSON form of capsule_jsapi::UiRequest; show() resolves when a toast has shown or when the
// user dismissed an alert.
(() => {
  "use strict";
  if (window.__capsuleUi) return;

  const css = `
    :host { all: initial; }
    .layer { position: fixed; inset: 0; z-index: 2147483647; pointer-events: none;
      display: flex; align-items: center; justify-content: center;
      font: 15px/1.4 -apple-system, "PingFang SC", "Noto Sans CJK SC", "DejaVu Sans", sans-serif; }
    .toast { max-width: 70%; min-width: 96px; padding: 14px 18px; border-radius: 10px;
      background: rgba(17, 17, 17, 0.82); color: #fff; text-align: center;
      opacity: 0; transition: opacity 0.15s ease; }
    .toast.shown { opacity: 1; }
    .icon { display: block; font-size: 34px; line-height: 40px; margin-bottom: 6px; }
    .mask { pointer-events: auto; position: absolute; inset: 0; background: rgba(0, 0, 0, 0.45); }
    .dialog { pointer-events: auto; position: relative; width: 78%; max-width: 320px;
      background: #fff; color: #111; border-radius: 12px; overflow: hidden; text-align: center; }
    .title { font-weight: 600; font-size: 17px; padding: 20px 20px 0; }
    .content { padding: 12px 20px 20px; color: #333; white-space: pre-wrap; word-break: break-word; }
    .button { display: block; width: 100%; border: 0; border-top: 1px solid #e5e5e5; background: #fff;
      color: #1677ff; font: inherit; font-size: 17px; padding: 13px 0; cursor: pointer; }
  `;
  const icons = { success: "\u2713", fail: "\u2715", exception: "!", loading: "\u25CC" };

  let root = null;
  const layer = () => {
    if (!root) {
      const host = document.createElement("capsule-ui");
      root = host.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = css;
      root.appendChild(style);
      document.documentElement.appendChild(host);
    }
    const element = document.createElement("div");
    element.className = "layer";
    root.appendChild(element);
    return element;
  };
  const text = (tag, className, value) => {
    const element = document.createElement(tag);
    element.className = className;
    element.textContent = value;
    return element;
  };

  function toast(request) {
    const box = layer();
    const card = text("div", "toast", request.content);
    if (icons[request.icon]) card.prepend(text("span", "icon", icons[request.icon]));
    box.appendChild(card);
    requestAnimationFrame(() => card.classList.add("shown"));
    setTimeout(() => box.remove(), request.durationMs);
    return Promise.resolve({});
  }

  function alert(request) {
    return new Promise((resolve) => {
      const box = layer();
      box.appendChild(text("div", "mask", ""));
      const dialog = text("div", "dialog", "");
      dialog.setAttribute("role", "alertdialog");
      if (request.title) dialog.appendChild(text("div", "title", request.title));
      dialog.appendChild(text("div", "content", request.content));
      const button = text("button", "button", request.buttonText);
      button.addEventListener("click", () => {
        box.remove();
        resolve({});
      });
      dialog.appendChild(button);
      box.appendChild(dialog);
    });
  }

  const show = (request) => {
    switch (request.type) {
      case "toast": return toast(request);
      case "alert": return alert(request);
      default: return Promise.reject(new Error("unknown UI request " + request.type));
    }
  };
  Object.defineProperty(window, "__capsuleUi", { value: Object.freeze({ show }) });
})();
