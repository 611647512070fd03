// <progress>: a bar filled to `percent`.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
function syncProgress(el) {
  if (!("max" in el)) return;
  const percent = Math.min(100, Math.max(0, Number(attrsOf(el).percent) || 0));
  el.max = 100;
  el.value = percent;
}


define("progress", { own: ["percent"], attrs: { percent: syncProgress }, created: syncProgress });
