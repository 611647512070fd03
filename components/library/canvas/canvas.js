// <canvas>: the webview's own canvas element, drawn with what the logic's canvas contexts
// recorded (runtime/logic/src/contexts/canvas.js), through element calls (`call`):
//   draw {reserve, actions}  the old API's draw(): its actions run on the 2D context, after
//                            clearing the canvas (and its state) unless `reserve`; they are
//                            kept, so that a canvas whose box changes size (its buffer
//                            follows) is drawn again
//   flush {width, height, actions}
//                            what a Canvas 2D context recorded in one task of the logic, on
//                            a buffer of the node's size
//   image {key, url}         a picture a 2D node's Image loads: its size
//   export {x, y, width, height, destWidth, destHeight, fileType, quality}
//                            a region as PNG or JPEG bytes (a tagged ArrayBuffer)
//   getImageData / putImageData {x, y, width, height[, data]}
//                            RGBA pixels of a region (a tagged ArrayBuffer)
// Calls on one canvas run in turn. An action is ["m", method, args], ["s", property,
// value] or (a 2D node's new size) ["r", width, height]; values the logic cannot send as
// they are come as {g: {kind, args, stops}} (a gradient), {p: {image, repetition}} (a
// pattern), {i: key, u: url} (a picture: a package path, or a data: URL of a file of the
// app's) and {d: {width, height, data}} (ImageData).
// Units: the old API draws in CSS px on a buffer of its box times devicePixelRatio (the
// context scaled to match), unless Alipay's width / height attributes give the buffer (one
// unit is then one buffer pixel); a 2D node draws in buffer pixels, 300 × 150 (or Alipay's
// width × height) until the app sets its width and height.
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const CANVAS_METHODS = new Set([
  "beginPath", "closePath", "moveTo", "lineTo", "bezierCurveTo", "quadraticCurveTo", "arc", "arcTo",
  "ellipse", "rect", "roundRect", "fill", "stroke", "clip", "fillRect", "strokeRect", "clearRect",
  "fillText", "strokeText", "drawImage", "putImageData", "save", "restore", "reset", "translate",
  "rotate", "scale", "transform", "setTransform", "resetTransform", "setLineDash",
]);
const CANVAS_PROPERTIES = new Set([
  "fillStyle", "strokeStyle", "lineWidth", "lineCap", "lineJoin", "miterLimit", "lineDashOffset",
  "font", "textAlign", "textBaseline", "direction", "globalAlpha", "globalCompositeOperation",
  "shadowBlur", "shadowColor", "shadowOffsetX", "shadowOffsetY", "imageSmoothingEnabled",
  "imageSmoothingQuality", "filter",
]);
// The old API's actions kept for drawing again after a resize, at most this many in all
// (a canvas drawn on with reserve for ever is then no longer redrawn).
const CANVAS_KEPT_ACTIONS = 50000;
// The largest export, and the most pixels getImageData reads at once.
const CANVAS_EXPORT_PIXELS = 4096 * 4096;
const CANVAS_READ_PIXELS = 1 << 20;

function canvasState(el) {
  return stateOf(el, () => ({
    chain: Promise.resolve(),
    images: new Map(), // key -> promise of the loaded <img>
    loaded: new Map(), // key -> the loaded <img>
    failed: new Map(), // key -> why it could not be loaded
    kept: [], // the old API's batches since the canvas was last cleared
    keptCount: 0,
    keeping: true,
    base: 1, // buffer pixels per unit of the old API
    sized: false,
    attrSize: "", // the width × height attributes last given to a 2D canvas's buffer
  }));
}

const canvasType = (el) => {
  const type = attrsOf(el).type;
  return type === "2d" || type === "webgl" ? type : "";
};

// Alipay's width / height: the buffer's size (and the box's, unless styled), or null.
function canvasAttrSize(el) {
  const attrs = attrsOf(el);
  const size = (value) => {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? Math.min(Math.round(n), 16384) : 0;
  };
  const width = size(attrs.width);
  const height = size(attrs.height);
  if (!width && !height) return null;
  return { width: width || 300, height: height || 150 };
}

// The old API's canvas: its buffer is its content box times devicePixelRatio (or Alipay's
// width × height), and the context is scaled so that one unit is one CSS px. A new size
// clears the canvas; what was drawn since it was last cleared is drawn again.
function fitCanvas(el) {
  if (canvasType(el)) return;
  const st = canvasState(el);
  const given = canvasAttrSize(el);
  let width;
  let height;
  let base;
  if (given) {
    ({ width, height } = given);
    base = 1;
  } else {
    if (!el.isConnected) return;
    const style = getComputedStyle(el);
    const px = (name) => parseFloat(style.getPropertyValue(name)) || 0;
    const box = {
      width: el.clientWidth - px("padding-left") - px("padding-right"),
      height: el.clientHeight - px("padding-top") - px("padding-bottom"),
    };
    // Hidden: keep the drawing until the canvas is shown again.
    if (st.sized && (box.width <= 0 || box.height <= 0)) return;
    base = window.devicePixelRatio || 1;
    width = Math.max(0, Math.round(box.width * base));
    height = Math.max(0, Math.round(box.height * base));
  }
  if (st.sized && el.width === width && el.height === height && st.base === base) return;
  el.width = width;
  el.height = height;
  st.base = base;
  st.sized = true;
  const ctx = el.getContext("2d");
  if (!ctx) return;
  ctx.setTransform(base, 0, 0, base, 0, 0);
  for (const batch of st.kept) runCanvasActions(el, st, ctx, batch, []);
}

const canvasResizes = typeof ResizeObserver === "function"
  ? new ResizeObserver((entries) => {
    for (const entry of entries) {
      const el = entry.target;
      if (!el.isConnected) {
        canvasResizes.unobserve(el);
        continue;
      }
      try {
        fitCanvas(el);
      } catch (error) {
        reportError("canvas: " + (error && error.message ? error.message : error));
      }
    }
  })
  : null;

function syncCanvas(el) {
  const attrs = attrsOf(el);
  setDerived(el, "touch-action", truthy(attrs["disable-scroll"] ?? attrs.disableScroll) ? "none" : null);
  const given = canvasAttrSize(el);
  setDerived(el, "--capsule-canvas-width", given ? given.width + "px" : null);
  setDerived(el, "--capsule-canvas-height", given ? given.height + "px" : null);
  if (canvasType(el) === "2d") {
    // The attributes give a 2D canvas's first size; its node sets it after that.
    const st = canvasState(el);
    const key = given ? given.width + "x" + given.height : "";
    if (key !== st.attrSize) {
      st.attrSize = key;
      el.width = given ? given.width : 300;
      el.height = given ? given.height : 150;
    }
  }
  fitCanvas(el);
}

// --- values

const isTaggedBuffer = (value) =>
  !!value && typeof value === "object" && value.__capsuleType === "ArrayBuffer" && typeof value.base64 === "string";
const taggedBuffer = (bytes) => ({ __capsuleType: "ArrayBuffer", base64: canvasBase64(bytes) });

function canvasBase64(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function canvasBytes(tagged) {
  if (!isTaggedBuffer(tagged)) throw new Error("pixel data must be an ArrayBuffer");
  const binary = atob(tagged.base64);
  const bytes = new Uint8ClampedArray(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

// {width, height, data} as an ImageData.
function canvasImageData(value) {
  const width = Math.round(Number(value && value.width));
  const height = Math.round(Number(value && value.height));
  if (!(width > 0 && height > 0)) throw new Error("ImageData needs a width and a height above 0");
  if (width * height > CANVAS_READ_PIXELS) throw new Error(width + "×" + height + " pixels are more than " + CANVAS_READ_PIXELS + " at once");
  const bytes = canvasBytes(value.data);
  if (bytes.length !== width * height * 4) {
    throw new Error("the data has " + bytes.length + " bytes; " + width + "×" + height + " pixels need " + width * height * 4);
  }
  return new ImageData(bytes, width, height);
}

function canvasValue(st, ctx, value) {
  if (!value || typeof value !== "object" || Array.isArray(value)) return value;
  if (typeof value.i === "string") {
    const img = st.loaded.get(value.i);
    if (!img) throw new Error(st.failed.get(value.i) || "the picture " + value.i + " is not loaded");
    return img;
  }
  if (value.g && typeof value.g === "object") {
    const g = value.g;
    const args = (Array.isArray(g.args) ? g.args : []).map(Number);
    let gradient;
    if (g.kind === "linear") gradient = ctx.createLinearGradient(args[0], args[1], args[2], args[3]);
    else if (g.kind === "radial") gradient = ctx.createRadialGradient(args[0], args[1], args[2], args[3], args[4], args[5]);
    else throw new Error("no gradient of kind " + g.kind);
    for (const stop of Array.isArray(g.stops) ? g.stops : []) gradient.addColorStop(Number(stop[0]), String(stop[1]));
    return gradient;
  }
  if (value.p && typeof value.p === "object") {
    const repetition = value.p.repetition == null || value.p.repetition === "" ? "repeat" : String(value.p.repetition);
    return ctx.createPattern(canvasValue(st, ctx, value.p.image), repetition);
  }
  if (value.d && typeof value.d === "object") return canvasImageData(value.d);
  return value;
}

// --- pictures: loaded before the actions that draw them run

function canvasImage(st, key, url) {
  let loading = st.images.get(key);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const img = new Image();
      img.onload = () => resolve(img);
      img.onerror = () => reject(new Error("the picture " + key + " cannot be loaded"));
      img.src = url;
    });
    st.images.set(key, loading);
    loading.then((img) => {
      st.loaded.set(key, img);
      st.failed.delete(key);
    }, (error) => {
      // Tried again the next time it is drawn.
      st.images.delete(key);
      st.failed.set(key, error.message);
    });
  }
  return loading;
}

async function loadCanvasImages(st, actions) {
  const refs = new Map();
  const visit = (value) => {
    if (!value || typeof value !== "object") return;
    if (Array.isArray(value)) return value.forEach(visit);
    if (typeof value.i === "string") refs.set(value.i, typeof value.u === "string" ? value.u : value.i);
    if (value.p && typeof value.p === "object") visit(value.p.image);
  };
  for (const action of actions) if (Array.isArray(action)) visit(action[2]);
  await Promise.all(Array.from(refs, ([key, url]) => canvasImage(st, key, url).catch(() => null)));
}

// --- actions

function roundRectPath(ctx, x, y, width, height, radii) {
  const limit = Math.min(Math.abs(width), Math.abs(height)) / 2;
  const radius = Math.min(limit, Math.max(0, Number(Array.isArray(radii) ? radii[0] : radii) || 0));
  ctx.moveTo(x + radius, y);
  ctx.arcTo(x + width, y, x + width, y + height, radius);
  ctx.arcTo(x + width, y + height, x, y + height, radius);
  ctx.arcTo(x, y + height, x, y, radius);
  ctx.arcTo(x, y, x + width, y, radius);
  ctx.closePath();
}

function runCanvasAction(el, st, ctx, action) {
  if (!Array.isArray(action)) throw new Error("not an action");
  const name = String(action[1]);
  if (action[0] === "s") {
    if (!CANVAS_PROPERTIES.has(name)) throw new Error("no property " + name);
    ctx[name] = canvasValue(st, ctx, action[2]);
    return;
  }
  if (action[0] !== "m") throw new Error("unknown action " + JSON.stringify(action[0]));
  if (!CANVAS_METHODS.has(name)) throw new Error("no method " + name);
  const args = Array.isArray(action[2]) ? action[2].map((value) => canvasValue(st, ctx, value)) : [];
  const base = st.base;
  switch (name) {
    // The old API's transforms are in CSS px: the scale to buffer pixels stays under them.
    case "setTransform": return ctx.setTransform(...args.slice(0, 6).map((n) => base * n));
    case "resetTransform": return ctx.setTransform(base, 0, 0, base, 0, 0);
    case "reset":
      el.width = el.width;
      return ctx.setTransform(base, 0, 0, base, 0, 0);
    case "roundRect": if (typeof ctx.roundRect !== "function") return roundRectPath(ctx, ...args); break;
    default: break;
  }
  return ctx[name](...args);
}

// Runs `actions`, each on its own: one that fails is reported in `errors` and the rest run.
function runCanvasActions(el, st, ctx, actions, errors) {
  for (const action of actions) {
    try {
      runCanvasAction(el, st, ctx, action);
    } catch (error) {
      const what = Array.isArray(action) ? String(action[1]) : "action";
      if (errors.length < 10) errors.push(what + ": " + (error && error.message ? error.message : error));
    }
  }
}

function canvasReport(el, errors) {
  if (errors.length) emit(el, "error", { errMsg: errors.join("; ") });
  return { errors };
}

async function drawCanvas(el, st, args) {
  const type = canvasType(el);
  if (type) {
    throw new Error('<canvas type="' + type + '"> is drawn through its node (a selector query\'s fields({node: true})), not a canvas context');
  }
  const actions = Array.isArray(args.actions) ? args.actions : [];
  await loadCanvasImages(st, actions);
  if (args.reserve !== true) {
    // Cleared, with the context's state, and sized afresh.
    st.kept = [];
    st.keptCount = 0;
    st.keeping = true;
    st.sized = false;
  }
  fitCanvas(el);
  const errors = [];
  runCanvasActions(el, st, el.getContext("2d"), actions, errors);
  if (st.keeping) {
    st.keptCount += actions.length;
    if (st.keptCount > CANVAS_KEPT_ACTIONS) {
      st.keeping = false;
      st.kept = [];
    } else {
      st.kept.push(actions);
    }
  }
  return canvasReport(el, errors);
}

async function flushCanvas(el, st, args) {
  if (canvasType(el) !== "2d") throw new Error('only a <canvas type="2d"> is drawn through its node; use a canvas context for this one');
  const actions = Array.isArray(args.actions) ? args.actions : [];
  await loadCanvasImages(st, actions);
  const size = (value) => Math.max(0, Math.min(Math.round(Number(value)) || 0, 16384));
  // The node's size when the task began: a canvas drawn anew (the page rendered it again)
  // gets it back.
  if (args.width !== undefined && (el.width !== size(args.width) || el.height !== size(args.height))) {
    el.width = size(args.width);
    el.height = size(args.height);
  }
  const ctx = el.getContext("2d");
  const errors = [];
  for (const action of actions) {
    // A new size (the node's width / height) clears the canvas and its state.
    if (Array.isArray(action) && action[0] === "r") {
      el.width = size(action[1]);
      el.height = size(action[2]);
    } else {
      runCanvasActions(el, st, ctx, [action], errors);
    }
  }
  return canvasReport(el, errors);
}

// --- pixels out and in

const finite = (value, fallback) => (typeof value === "number" && Number.isFinite(value) ? value : fallback);

// The region {x, y, width, height} (in the canvas's units) in buffer pixels.
function canvasRegion(el, st, args) {
  const scale = st.base;
  const full = { width: el.width / scale, height: el.height / scale };
  const x = Math.max(0, finite(args.x, 0));
  const y = Math.max(0, finite(args.y, 0));
  const width = Math.min(finite(args.width, full.width - x), full.width - x);
  const height = Math.min(finite(args.height, full.height - y), full.height - y);
  if (!(width > 0 && height > 0)) {
    throw new Error("the region at " + x + "," + y + " holds no pixels of the " + full.width + "×" + full.height + " canvas");
  }
  return { sx: x * scale, sy: y * scale, sw: width * scale, sh: height * scale, width, height };
}

function exportCanvas(el, st, args) {
  fitCanvas(el);
  const region = canvasRegion(el, st, args);
  const width = Math.round(finite(args.destWidth, region.sw));
  const height = Math.round(finite(args.destHeight, region.sh));
  if (!(width > 0 && height > 0)) throw new Error("destWidth and destHeight must be above 0");
  if (width * height > CANVAS_EXPORT_PIXELS) {
    throw new Error(width + "×" + height + " is larger than an exported picture may be (" + CANVAS_EXPORT_PIXELS + " pixels)");
  }
  const out = document.createElement("canvas");
  out.width = width;
  out.height = height;
  out.getContext("2d").drawImage(el, region.sx, region.sy, region.sw, region.sh, 0, 0, width, height);
  const jpg = args.fileType === "jpg" || args.fileType === "jpeg";
  const type = jpg ? "image/jpeg" : "image/png";
  const quality = finite(args.quality, 1);
  let url;
  try {
    url = out.toDataURL(type, quality > 0 && quality <= 1 ? quality : 1);
  } catch (error) {
    throw new Error("the canvas holds a picture of another origin, whose pixels cannot be read (" + (error && error.message ? error.message : error) + ")");
  }
  if (!url.startsWith("data:" + type + ";base64,")) throw new Error("the webview cannot encode " + type);
  return { fileType: jpg ? "jpg" : "png", width, height, data: { __capsuleType: "ArrayBuffer", base64: url.slice(url.indexOf(",") + 1) } };
}

// The region's pixels at one per unit (the old API's CSS px).
function readCanvasPixels(el, st, args) {
  fitCanvas(el);
  const region = canvasRegion(el, st, args);
  const width = Math.max(1, Math.round(region.width));
  const height = Math.max(1, Math.round(region.height));
  if (width * height > CANVAS_READ_PIXELS) throw new Error(width + "×" + height + " pixels are more than " + CANVAS_READ_PIXELS + " at once");
  let source = el;
  let sx = region.sx;
  let sy = region.sy;
  if (st.base !== 1) {
    source = document.createElement("canvas");
    source.width = width;
    source.height = height;
    source.getContext("2d").drawImage(el, region.sx, region.sy, region.sw, region.sh, 0, 0, width, height);
    sx = 0;
    sy = 0;
  }
  let data;
  try {
    data = source.getContext("2d").getImageData(sx, sy, width, height).data;
  } catch (error) {
    throw new Error("the canvas holds a picture of another origin, whose pixels cannot be read (" + (error && error.message ? error.message : error) + ")");
  }
  return { width, height, data: taggedBuffer(data) };
}

function writeCanvasPixels(el, st, args) {
  fitCanvas(el);
  const image = canvasImageData(args);
  const x = finite(args.x, 0);
  const y = finite(args.y, 0);
  const ctx = el.getContext("2d");
  if (st.base === 1) return void ctx.putImageData(image, x, y);
  // In CSS px: scaled to the buffer, replacing what was there.
  const scratch = document.createElement("canvas");
  scratch.width = image.width;
  scratch.height = image.height;
  scratch.getContext("2d").putImageData(image, 0, 0);
  const base = st.base;
  ctx.save();
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.globalAlpha = 1;
  ctx.globalCompositeOperation = "source-over";
  ctx.clearRect(x * base, y * base, image.width * base, image.height * base);
  ctx.drawImage(scratch, x * base, y * base, image.width * base, image.height * base);
  ctx.restore();
  return undefined;
}

async function canvasCall(el, st, method, args) {
  switch (method) {
    case "draw": return drawCanvas(el, st, args);
    case "flush": return flushCanvas(el, st, args);
    case "image": {
      const key = String(args.key);
      const img = await canvasImage(st, key, typeof args.url === "string" ? args.url : key);
      return { width: img.naturalWidth, height: img.naturalHeight };
    }
    case "export": return exportCanvas(el, st, args);
    case "getImageData": return readCanvasPixels(el, st, args);
    case "putImageData": return writeCanvasPixels(el, st, args);
    default: throw new Error("<canvas> has no method " + method);
  }
}

// One call at a time per canvas, in the order they came.
function callCanvas(el, method, args) {
  const st = canvasState(el);
  const run = st.chain.then(() => canvasCall(el, st, method, args && typeof args === "object" ? args : {}));
  st.chain = run.then(() => undefined, () => undefined);
  return run;
}

define("canvas", {
  own: ["width", "height"],
  attrs: Object.fromEntries(["width", "height", "type", "disable-scroll", "disableScroll"].map((name) => [name, syncCanvas])),
  created(el) {
    syncCanvas(el);
    if (canvasResizes) canvasResizes.observe(el);
  },
  call: callCanvas,
});
