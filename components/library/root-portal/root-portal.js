// <root-portal>: while `enable` (the default), the element becomes a layer fixed over the
// page area (between the navigation bar and the tab bar) and its children lay out in it, out
// of the page's flow: they stay put when the page scrolls. Where the webview has popovers the
// layer goes into the top layer (a manual popover), so no ancestor's transform, overflow or
// z-index holds it back and it is drawn above the rest of the page; elsewhere it is a
// fixed layer with a high z-index. The layer is clipped to the page area, as the page's
// webview is on a phone, and lets touches through where its children do not cover it.
// The children stay where the template put them in the DOM (patch paths are DOM indices).
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const rootPortals = new Set(); // enabled root-portals, raised again when put back into the page
let rootPortalWatch = null;
const ROOT_PORTAL_TOP_LAYER = typeof HTMLElement.prototype.showPopover === "function";

function rootPortalEnabled(el) {
  const enable = attrsOf(el).enable;
  return enable === undefined || enable === null || truthy(enable);
}
// Into the top layer, once in the document (a popover opens only there).
function raiseRootPortal(el) {
  if (!ROOT_PORTAL_TOP_LAYER || !el.isConnected || !el.hasAttribute("popover")) return;
  try {
    if (!el.matches(":popover-open")) el.showPopover();
  } catch (_) { /* not shown as a popover: the fixed layer still holds it */ }
}
function syncRootPortal(el) {
  if (rootPortalEnabled(el)) {
    el.setAttribute("capsule-portal", "");
    if (ROOT_PORTAL_TOP_LAYER) el.setAttribute("popover", "manual");
    rootPortals.add(el);
    if (!rootPortalWatch) {
      // A patch that moves it (or an ancestor) takes it out of the document, which closes
      // the popover: open it again once it is back.
      rootPortalWatch = new MutationObserver(() => {
        for (const portal of rootPortals) {
          if (portal.isConnected) raiseRootPortal(portal);
        }
      });
      rootPortalWatch.observe(document.body, { childList: true, subtree: true });
    }
    if (el.isConnected) raiseRootPortal(el);
    else later(() => raiseRootPortal(el));
  } else {
    rootPortals.delete(el);
    if (ROOT_PORTAL_TOP_LAYER && el.hasAttribute("popover")) {
      try {
        if (el.matches(":popover-open")) el.hidePopover();
      } catch (_) { /* already closed */ }
      el.removeAttribute("popover");
    }
    el.removeAttribute("capsule-portal");
  }
}

define("root-portal", { attrs: { enable: syncRootPortal }, created: syncRootPortal });
