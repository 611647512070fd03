// <navigator>: a tap opens its url the way open-type says (the runtime
// checks the url and the page stack).
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const NAVIGATE_TYPES = ["navigate", "redirect", "switchTab", "reLaunch", "navigateBack"];
function navigate(el) {
  const attrs = attrsOf(el);
  const openType = attrs["open-type"] === undefined ? "navigate" : String(attrs["open-type"]);
  if (!NAVIGATE_TYPES.includes(openType)) return;
  const delta = Math.trunc(Number(attrs.delta));
  post({ kind: "mpNavigate", openType, url: attrs.url == null ? "" : String(attrs.url), delta: delta > 0 ? delta : 1 });
}

define("navigator", {
  tap(el) {
    navigate(el);
    return false;
  },
});
