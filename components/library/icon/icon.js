// <icon>: the platforms' icon types drawn in CSS, in the size and colour asked for.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
function syncIcon(el) {
  const { size, color } = attrsOf(el);
  setDerived(el, "--capsule-size", size === undefined ? null : cssLength(size));
  setDerived(el, "--capsule-color", color ? String(color) : null);
}

define("icon", { attrs: { size: syncIcon, color: syncIcon }, created: syncIcon });
