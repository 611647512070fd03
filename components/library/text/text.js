// <text>: Alipay's number-of-lines clamps the text to that many lines, the last ending in an
// ellipsis (as CSS -webkit-line-clamp does, which Alipay documents it as).
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
function syncTextLines(el) {
  const attrs = attrsOf(el);
  const raw = attrs["number-of-lines"] ?? attrs.numberOfLines;
  const lines = Math.trunc(Number(raw));
  const clamped = raw !== undefined && raw !== null && raw !== "" && lines >= 1;
  if (!clamped && !(derivedMap.get(el) || {})["-webkit-line-clamp"]) return; // most texts
  setDerived(el, "display", clamped ? "-webkit-box" : null);
  setDerived(el, "-webkit-box-orient", clamped ? "vertical" : null);
  setDerived(el, "-webkit-line-clamp", clamped ? String(lines) : null);
  setDerived(el, "overflow", clamped ? "hidden" : null);
}


define("text", {
  attrs: { "number-of-lines": syncTextLines, numberOfLines: syncTextLines },
  created: syncTextLines,
});
