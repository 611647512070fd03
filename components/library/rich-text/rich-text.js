// <rich-text>: `nodes` (an HTML string or a node array), sanitised, in a shadow root, so it
// never adds DOM children.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.
const RICH_TAGS = new Set(("a abbr address article aside b bdi bdo big blockquote br caption center cite code col colgroup " +
  "dd del div dl dt em fieldset font footer h1 h2 h3 h4 h5 h6 header hr i img ins label legend li mark nav ol p pre q " +
  "rt ruby s section small span strike strong sub sup table tbody td tfoot th thead tr tt u ul").split(" "));
const RICH_ATTRS = new Set(["class", "style", "id", "title", "alt", "width", "height", "colspan", "rowspan", "align", "valign", "span", "start", "type", "dir", "src"]);
const RICH_DROP = new Set(["script", "style", "iframe", "object", "embed", "link", "meta", "base", "template", "noscript", "frame", "frameset"]);
function syncRichText(el) {
  const shadow = el.shadowRoot || el.attachShadow({ mode: "open" });
  while (shadow.firstChild) shadow.firstChild.remove();
  const style = document.createElement("style");
  style.textContent = ":host { display: block; }\n" + (pageStyle ? pageStyle.textContent : "");
  shadow.appendChild(style);
  let nodes = attrsOf(el).nodes;
  if (typeof nodes === "string") {
    const parsed = new DOMParser().parseFromString(nodes, "text/html");
    nodes = Array.from(parsed.body.childNodes, richFromDom);
  }
  for (const node of Array.isArray(nodes) ? nodes : []) {
    const built = buildRich(node, 0);
    if (built) shadow.appendChild(built);
  }
  shadow.appendChild(document.createElement("slot")); // children from the template still show
}
function richFromDom(node) {
  if (node.nodeType === 3) return { type: "text", text: node.data };
  if (node.nodeType !== 1) return null;
  const attrs = {};
  for (const attr of node.attributes) attrs[attr.name] = attr.value;
  return { name: node.localName, attrs, children: Array.from(node.childNodes, richFromDom) };
}
function buildRich(node, depth) {
  if (!node || typeof node !== "object" || depth > 64) return null;
  if (node.type === "text") return document.createTextNode(node.text == null ? "" : String(node.text));
  const name = String(node.name || "").toLowerCase();
  if (RICH_DROP.has(name)) return null;
  const el = document.createElement(RICH_TAGS.has(name) ? name : "span");
  const attrs = node.attrs && typeof node.attrs === "object" ? node.attrs : {};
  for (const key of Object.keys(attrs)) {
    const attr = key.toLowerCase();
    const value = String(attrs[key]);
    if (!RICH_ATTRS.has(attr) || (attr === "src" && (name !== "img" || /^\s*javascript:/i.test(value)))) continue;
    try { el.setAttribute(attr, value); } catch (_) { /* skip */ }
  }
  for (const child of Array.isArray(node.children) ? node.children : []) {
    const built = buildRich(child, depth + 1);
    if (built) el.appendChild(built);
  }
  return el;
}


define("rich-text", { own: ["nodes"], attrs: { nodes: syncRichText }, created: syncRichText });
