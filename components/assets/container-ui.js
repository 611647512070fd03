// Container UI drawn over the page: toasts, loading, alerts, modals and action sheets.
// Requests arrive from the bridge as the JSON form of capsule_jsapi::UiRequest; show()
// resolves with the page's answer: {} once a toast or loading is shown or hidden, {} when an
// alert is dismissed, {confirm} for a modal, {index} (-1: cancelled) for an action sheet,
// {image: base64} (or {} when cancelled) for the picture a scan reads, {cancel: true} when
// the user cancels a camera preview ({} when hideCameraPreview closes it); cameraFrame puts
// a frame (a JPEG data URL) in the open preview and answers {} once it is drawn.
// An H5 page has no navigation bar or tab bar: those requests are answered {} at once.
// answer(uiId, {confirm} | {index}) presses the matching button of an open dialog (testers).
// homeScreen(shown, comeBack) draws the home screen over an app in the background.
(() => {
  "use strict";
  if (window.__capsuleUi) return;

  // The platforms' default fonts, the same stack as the page host's (page-host.js).
  const FONT_STACK = `-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", "Noto Sans CJK SC", "Helvetica Neue", Helvetica, Roboto, "DejaVu Sans", "Apple Color Emoji", "Noto Color Emoji", sans-serif`;
  const css = `
    :host { all: initial; }
    .layer { position: fixed; inset: 0; z-index: 2147483647; pointer-events: none;
      display: flex; align-items: center; justify-content: center;
      font: 15px/1.4 ${FONT_STACK}; }
    .toast { max-width: 70%; min-width: 96px; padding: 14px 18px; border-radius: 10px;
      background: rgba(17, 17, 17, 0.82); color: #fff; text-align: center;
      opacity: 0; transition: opacity 0.15s ease; }
    .toast.shown { opacity: 1; }
    .icon { display: block; font-size: 34px; line-height: 40px; margin-bottom: 6px; }
    .spinner { display: block; width: 30px; height: 30px; margin: 4px auto 10px; border-radius: 50%;
      border: 3px solid rgba(255, 255, 255, 0.3); border-top-color: #fff;
      animation: spin 0.8s linear infinite; }
    @keyframes spin { to { transform: rotate(360deg); } }
    .mask { pointer-events: auto; position: absolute; inset: 0; background: rgba(0, 0, 0, 0.45); }
    .clear { background: transparent; }
    .dialog { pointer-events: auto; position: relative; width: 78%; max-width: 320px;
      background: #fff; color: #111; border-radius: 12px; overflow: hidden; text-align: center; }
    .title { font-weight: 600; font-size: 17px; padding: 20px 20px 0; }
    .content { padding: 12px 20px 20px; color: #333; white-space: pre-wrap; word-break: break-word; }
    .buttons { display: flex; }
    .button { display: block; flex: 1; width: 100%; border: 0; border-top: 1px solid #e5e5e5;
      background: #fff; color: #1677ff; font: inherit; font-size: 17px; padding: 13px 0; cursor: pointer; }
    .button + .button { border-left: 1px solid #e5e5e5; }
    .button.cancel { color: #333; }
    .sheet-layer { align-items: flex-end; }
    .sheet { pointer-events: auto; position: relative; width: 100%; background: #f2f2f2;
      color: #111; text-align: center; }
    .sheet .title { font-weight: normal; font-size: 13px; color: #888; padding: 14px 20px;
      background: #fff; border-bottom: 1px solid #e5e5e5; }
    .sheet .button { color: #111; border-top: 0; border-bottom: 1px solid #e5e5e5; }
    .sheet .cancel { margin-top: 8px; border-bottom: 0; }
    .sheet input[type=file] { display: none; }
    .camera .preview { display: block; width: 100%; aspect-ratio: 4 / 3; object-fit: contain;
      background: #000; }
    .home { pointer-events: auto; flex-direction: column; gap: 8px; cursor: pointer;
      background: linear-gradient(160deg, #3a4a6b, #1d2333); color: #fff; text-align: center; }
    .home .title { font-size: 17px; padding: 0 24px; }
    .home .hint { font-size: 13px; opacity: 0.75; padding: 0 24px; }
  `;
  const icons = { success: "\u2713", fail: "\u2715", exception: "!", loading: "\u25CC" };

  let root = null;
  const layer = (className) => {
    if (!root) {
      const host = document.createElement("capsule-ui");
      root = host.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = css;
      root.appendChild(style);
      document.documentElement.appendChild(host);
    }
    const element = document.createElement("div");
    element.className = "layer " + (className || "");
    root.appendChild(element);
    return element;
  };
  const text = (tag, className, value) => {
    const element = document.createElement(tag);
    element.className = className;
    element.textContent = value;
    return element;
  };
  // The buttons of each open dialog by request id, so a tester can press one (answer()).
  const openDialogs = new Map();
  // A button that removes `box` and resolves with `answer` when tapped.
  const button = (className, label, box, resolve, answer) => {
    const element = text("button", className, label);
    element.capsuleAnswer = answer;
    element.addEventListener("click", () => {
      box.remove();
      resolve(answer);
    });
    return element;
  };
  const sameAnswer = (a, b) => Object.keys(b).every((key) => a[key] === b[key]);
  // Presses the button of dialog `uiId` whose answer matches `wanted` ({confirm} or {index}),
  // as a user's tap would.
  const answer = (uiId, wanted) => {
    const dialog = openDialogs.get(uiId);
    const buttons = dialog ? [...dialog.querySelectorAll("button")] : [];
    const match = buttons.length === 1
      ? buttons[0]
      : buttons.find((b) => b.capsuleAnswer && sameAnswer(b.capsuleAnswer, wanted || {}));
    if (!match) return false;
    match.click();
    return true;
  };
  // Keeps `box` findable by answer() while `shown` is pending.
  const track = (uiId, box, shown) => {
    if (uiId == null) return shown;
    openDialogs.set(uiId, box);
    const forget = () => openDialogs.delete(uiId);
    shown.then(forget, forget);
    return shown;
  };

  // The toast or loading on screen: only one at a time, as on the platforms.
  let notice = null;
  const showNotice = (type, box) => {
    if (notice) notice.box.remove();
    notice = { type, box };
  };
  const hideNotice = (type) => {
    if (notice && notice.type === type) {
      notice.box.remove();
      notice = null;
    }
    return Promise.resolve({});
  };

  function toast(request) {
    const box = layer();
    const card = text("div", "toast", request.content);
    if (icons[request.icon]) card.prepend(text("span", "icon", icons[request.icon]));
    box.appendChild(card);
    showNotice("toast", box);
    requestAnimationFrame(() => card.classList.add("shown"));
    setTimeout(() => { if (notice && notice.box === box) hideNotice("toast"); }, request.durationMs);
    return Promise.resolve({});
  }

  // A loading asked for with a delay, not shown yet: hiding it first means it never shows.
  let delayedLoading = null;
  function loading(request) {
    clearTimeout(delayedLoading);
    const show = () => {
      const box = layer();
      box.appendChild(text("div", "mask clear", ""));
      const card = text("div", "toast shown", request.content);
      card.prepend(text("span", "spinner", ""));
      box.appendChild(card);
      showNotice("loading", box);
    };
    if (request.delayMs > 0) delayedLoading = setTimeout(show, request.delayMs);
    else show();
    return Promise.resolve({});
  }
  function hideLoading() {
    clearTimeout(delayedLoading);
    return hideNotice("loading");
  }

  function dialog(uiId, title, content, buttons) {
    let box = null;
    const shown = new Promise((resolve) => {
      box = layer();
      box.appendChild(text("div", "mask", ""));
      const card = text("div", "dialog", "");
      card.setAttribute("role", "alertdialog");
      if (title) card.appendChild(text("div", "title", title));
      card.appendChild(text("div", "content", content));
      const row = text("div", "buttons", "");
      for (const [className, label, answer] of buttons) {
        row.appendChild(button(className, label, box, resolve, answer));
      }
      card.appendChild(row);
      box.appendChild(card);
    });
    return track(uiId, box, shown);
  }

  // A sheet at the bottom over a mask, with its title if it has one; a tap on the mask
  // removes it and calls `dismissed` (when given). Returns the layer and the sheet.
  const bottomSheet = (className, role, title, dismissed) => {
    const box = layer("sheet-layer");
    const mask = text("div", "mask", "");
    if (dismissed) mask.addEventListener("click", () => { box.remove(); dismissed(); });
    const sheet = text("div", className ? "sheet " + className : "sheet", "");
    sheet.setAttribute("role", role);
    if (title) sheet.appendChild(text("div", "title", title));
    box.append(mask, sheet);
    return { box, sheet };
  };

  function actionSheet(uiId, request) {
    let box = null;
    const shown = new Promise((resolve) => {
      let sheet;
      ({ box, sheet } = bottomSheet("", "menu", request.title, () => resolve({ index: -1 })));
      request.items.forEach((item, index) =>
        sheet.appendChild(button("button item", item, box, resolve, { index })));
      sheet.appendChild(button("button cancel", request.cancelText, box, resolve, { index: -1 }));
    });
    return track(uiId, box, shown);
  }

  // A file chooser standing in for the camera: the chosen picture goes back as base64.
  function scanImage(uiId, request) {
    let box = null;
    const shown = new Promise((resolve) => {
      let sheet;
      ({ box, sheet } = bottomSheet("scan", "dialog", request.title, () => resolve({})));
      const input = document.createElement("input");
      input.type = "file";
      input.accept = "image/*";
      input.addEventListener("change", () => {
        const file = input.files && input.files[0];
        if (!file) return;
        const reader = new FileReader();
        reader.onload = () => {
          box.remove();
          const url = String(reader.result);
          resolve({ image: url.slice(url.indexOf(",") + 1) });
        };
        reader.onerror = () => { box.remove(); resolve({}); };
        reader.readAsDataURL(file);
      });
      const choose = text("button", "button choose", "Choose a picture\u2026");
      choose.addEventListener("click", () => input.click());
      sheet.append(input, choose, button("button cancel", "Cancel", box, resolve, {}));
    });
    return track(uiId, box, shown);
  }

  // The open camera preview of a scan: its sheet, frame and answer; one at a time.
  let camera = null;
  function cameraPreview(uiId, request) {
    hideCameraPreview();
    let box = null;
    const shown = new Promise((resolve) => {
      let sheet;
      ({ box, sheet } = bottomSheet("camera", "dialog", request.title, null));
      const frame = document.createElement("img");
      frame.className = "preview";
      frame.alt = "camera preview";
      sheet.append(frame, button("button cancel", "Cancel", box, resolve, { cancel: true }));
      camera = { box, frame, resolve };
    });
    shown.then(() => { if (camera && camera.box === box) camera = null; });
    return track(uiId, box, shown);
  }
  function cameraFrame(request) {
    if (!camera) return Promise.resolve({});
    const frame = camera.frame;
    return new Promise((resolve) => {
      frame.onload = frame.onerror = () => resolve({});
      frame.src = request.src;
    });
  }
  function hideCameraPreview() {
    if (camera) {
      camera.box.remove();
      camera.resolve({});
      camera = null;
    }
    return Promise.resolve({});
  }

  const show = (request, uiId) => {
    switch (request.type) {
      case "toast": return toast(request);
      case "hideToast": return hideNotice("toast");
      case "loading": return loading(request);
      case "hideLoading": return hideLoading();
      case "alert": return dialog(uiId, request.title, request.content, [["button", request.buttonText, {}]]);
      case "modal": return dialog(uiId, request.title, request.content, [
        ...(request.showCancel ? [["button cancel", request.cancelText, { confirm: false }]] : []),
        ["button confirm", request.confirmText, { confirm: true }],
      ]);
      case "actionSheet": return actionSheet(uiId, request);
      case "scanImage": return scanImage(uiId, request);
      case "cameraPreview": return cameraPreview(uiId, request);
      case "cameraFrame": return cameraFrame(request);
      case "hideCameraPreview": return hideCameraPreview();
      case "navigationBar":
        if (request.title != null) document.title = request.title;
        return Promise.resolve({});
      case "pageScrollTo":
        window.scrollTo({ top: request.scrollTop, behavior: request.durationMs > 0 ? "smooth" : "auto" });
        return Promise.resolve({});
      case "tabBarBadge":
      case "pullDownRefresh":
        return Promise.resolve({});
      default: return Promise.reject(new Error("unknown UI request " + request.type));
    }
  };
  // The home screen over the app while it is in the background; a click comes back.
  let home = null;
  const homeScreen = (shown, comeBack) => {
    if (home) home.remove();
    home = null;
    if (!shown) return;
    home = layer("home");
    home.setAttribute("role", "dialog");
    home.append(
      text("div", "title", "The app is in the background"),
      text("div", "hint", "Click or press Ctrl+Shift+H to come back"),
    );
    home.addEventListener("click", comeBack);
  };
  Object.defineProperty(window, "__capsuleUi", { value: Object.freeze({ show, answer, homeScreen }) });
})();
