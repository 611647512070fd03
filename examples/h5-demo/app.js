// The H5 demo: each button calls one JSAPI through the Nebula-style bridge and shows the result.
"use strict";

const $ = (id) => document.getElementById(id);

function show(api, result) {
  $("result").textContent = api + " → " + JSON.stringify(result, null, 2);
}

function call(api, params) {
  return new Promise((resolve) => {
    AlipayJSBridge.call(api, params, (result) => {
      show(api, result);
      resolve(result);
    });
  });
}

async function showSystemInfo() {
  const info = await call("getSystemInfo");
  if (info.error) return;
  const list = $("system-info");
  list.replaceChildren();
  for (const key of ["model", "platform", "system", "windowWidth", "windowHeight", "pixelRatio", "language"]) {
    const term = document.createElement("dt");
    term.textContent = key;
    const value = document.createElement("dd");
    value.textContent = String(info[key]);
    list.append(term, value);
  }
}

function ready() {
  $("bridge-status").textContent = "JSBridge ready";
  $("bridge-status").classList.add("ready");
  $("btn-system-info").addEventListener("click", showSystemInfo);
  $("btn-set-clipboard").addEventListener("click", () => call("setClipboard", { text: $("clipboard-text").value }));
  $("btn-toast").addEventListener("click", () => call("showToast", { content: "Saved", type: "success", duration: 2000 }));
  $("btn-alert").addEventListener("click", () =>
    call("alert", { title: "Capsule", content: "This alert is drawn by the container.", buttonText: "Got it" }));
  $("btn-confirm").addEventListener("click", () =>
    call("confirm", { title: "Capsule", content: "Keep these changes?", confirmButtonText: "Keep", cancelButtonText: "Discard" }));
  $("btn-action-sheet").addEventListener("click", () =>
    call("showActionSheet", { title: "Share to", items: ["Copy link", "Save image"], cancelButtonText: "Cancel" }));
  $("btn-loading").addEventListener("click", async () => {
    await call("showLoading", { content: "Loading…" });
    setTimeout(() => call("hideLoading"), 1500);
  });
  $("btn-denied").addEventListener("click", () => call("getClipboard"));
  showSystemInfo();
}

if (window.AlipayJSBridge) ready();
else document.addEventListener("AlipayJSBridgeReady", ready, { once: true });
