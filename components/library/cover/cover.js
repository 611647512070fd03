// <cover-view> and <cover-image>. A cover-view scrolls to scroll-top when the app's styles
// make it a scroller (overflow-y: scroll). A cover-image draws its src as a picture element
// after any children the template gave it, and reports load {width, height} or error
// {errMsg} as <image> does (loadImage, library/image/image.js).
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

function syncCoverScroll(el) {
  const value = attrsOf(el)["scroll-top"] ?? attrsOf(el).scrollTop;
  const css = value === undefined || value === null || value === "" ? null : cssLength(value);
  if (css && css.endsWith("px")) later(() => { el.scrollTop = Math.max(0, parseFloat(css)); });
}

function syncCoverImage(el) {
  const { src } = attrsOf(el);
  const state = stateOf(el, () => ({ src: undefined, natural: null, observer: null, picture: null }));
  if (!state.picture) {
    state.picture = document.createElement("img");
    state.picture.setAttribute("capsule-cover-picture", "");
    state.picture.alt = "";
    state.picture.draggable = false;
  }
  const picture = state.picture;
  if (picture.parentNode !== el || picture !== el.lastChild) el.appendChild(picture); // after the template's children
  const policy = attrsOf(el)["referrer-policy"] ?? attrsOf(el).referrerPolicy;
  picture.referrerPolicy = policy === "origin" ? "origin" : "no-referrer";
  if (state.src === src) return;
  if (src) picture.src = String(src);
  else picture.removeAttribute("src");
  picture.hidden = !src;
  loadImage(el, state, src);
}

define("cover-view", { attrs: { "scroll-top": syncCoverScroll, scrollTop: syncCoverScroll }, created: syncCoverScroll });
define("cover-image", {
  attrs: { src: syncCoverImage, "referrer-policy": syncCoverImage, referrerPolicy: syncCoverImage },
  created: syncCoverImage,
  childrenChanged: syncCoverImage,
});
