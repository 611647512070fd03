// One note, in the window pushWindow opened: its text comes in the startup parameters.
const params = AlipayJSBridge.startupParams.passData || {};
document.getElementById("text").textContent = params.text || "";
AlipayJSBridge.call("setTitle", { title: "Note " + (params.index + 1) });
document.getElementById("done").addEventListener("click", () => {
  AlipayJSBridge.call("popWindow", { data: { done: params.index } });
});
