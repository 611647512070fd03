// A plain notes app: notes live in localStorage; a note opens in a window of its own
// (pushWindow), which hands back whether it was marked done (popWindow data, resume event).
const KEY = "notes";
const load = () => JSON.parse(localStorage.getItem(KEY) || "[]");
const save = (notes) => localStorage.setItem(KEY, JSON.stringify(notes));
const list = document.getElementById("notes");
const status = document.getElementById("status");

function render() {
  const notes = load();
  list.replaceChildren(...notes.map((note, index) => {
    const item = document.createElement("li");
    item.textContent = note.text;
    item.className = note.done ? "done" : "";
    item.addEventListener("click", () => open(index));
    return item;
  }));
  if (window.AlipayJSBridge) {
    AlipayJSBridge.call("setTitle", { title: "Notes", subtitle: notes.length + " notes" });
  }
}

function open(index) {
  AlipayJSBridge.call("setSessionData", { data: { opened: index } });
  AlipayJSBridge.call("pushWindow", {
    url: "detail.html",
    param: { defaultTitle: "Note" },
    passData: { index, text: load()[index].text },
  });
}

document.getElementById("new-note").addEventListener("submit", (event) => {
  event.preventDefault();
  const draft = document.getElementById("draft");
  const text = draft.value.trim();
  if (!text) return;
  save(load().concat([{ text, done: false }]));
  draft.value = "";
  render();
});

document.addEventListener("resume", (event) => {
  const data = event.data || {};
  if (typeof data.done === "number") {
    const notes = load();
    if (notes[data.done]) notes[data.done].done = true;
    save(notes);
    status.textContent = "marked " + data.done;
  }
  render();
});

document.addEventListener("optionMenu", () => {
  AlipayJSBridge.call("confirm", { title: "Clear notes?", message: "All notes go.", okButton: "Clear", cancelButton: "Keep" }, (result) => {
    if (result.ok) {
      save([]);
      render();
    }
  });
});

function ready() {
  AlipayJSBridge.call("setOptionMenu", { title: "Clear" });
  AlipayJSBridge.call("showOptionMenu");
  render();
}
if (window.AlipayJSBridge) ready();
else document.addEventListener("AlipayJSBridgeReady", ready);
