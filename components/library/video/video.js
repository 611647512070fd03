// <video>: the webview's own video element (the template's <video> is one), playing files
// of the package or of the domains the app may load. The platforms' defaults apply
// (controls shown unless controls="{{false}}"); object-fit, initial-time, muted, loop,
// autoplay and poster are honoured. It reports play, pause, ended, timeupdate
// ({currentTime, duration}), waiting, loadedmetadata ({width, height, duration}), progress
// ({buffered} in percent), seekcomplete ({position}), fullscreenchange and error, and takes
// the video context's calls (play, pause, stop, seek, playbackRate, mute, full screen).
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

const VIDEO_FITS = { contain: "contain", fill: "fill", cover: "cover" };
const videoSources = new WeakMap(); // el -> { src, url } (url: a blob made for it, or null)

// The `src` the app set on a <video> or <audio>, loaded as the media player can read it; an
// unreadable file reports error.
async function syncMediaSource(el) {
  const src = attrsOf(el).src;
  const previous = videoSources.get(el);
  if (previous && previous.src === src) return;
  if (previous && previous.url) URL.revokeObjectURL(previous.url);
  const current = { src, url: null };
  videoSources.set(el, current);
  if (src === undefined || src === null || src === "") return el.removeAttribute("src");
  try {
    const url = await playableUrl(src);
    if (videoSources.get(el) !== current) return url.startsWith("blob:") && URL.revokeObjectURL(url);
    if (url.startsWith("blob:")) current.url = url;
    el.src = url;
  } catch (error) {
    if (videoSources.get(el) === current) emit(el, "error", { errMsg: String(error.message) });
  }
}

function syncVideo(el) {
  const attrs = attrsOf(el);
  // Shown unless the app says otherwise, as on the platforms.
  el.controls = !("controls" in attrs) || truthy(attrs.controls);
  el.muted = truthy(attrs.muted);
  el.loop = truthy(attrs.loop);
  el.autoplay = truthy(attrs.autoplay);
  el.setAttribute("playsinline", "");
  const fit = attrs["object-fit"] ?? attrs.objectFit;
  setDerived(el, "object-fit", VIDEO_FITS[fit] || "contain");
}

// What the platforms' events carry, from the element's state.
function onVideoEvent(event) {
  const el = event.target;
  if (!isMpElement(el) || el.localName !== "video") return;
  const time = () => ({ currentTime: el.currentTime, duration: isFinite(el.duration) ? el.duration : 0 });
  switch (event.type) {
    case "play": case "pause": case "ended": case "waiting": return emit(el, event.type, {});
    case "timeupdate": return emit(el, "timeupdate", time());
    case "loadedmetadata": {
      const initial = Number(attrsOf(el)["initial-time"] ?? attrsOf(el).initialTime);
      if (initial > 0) el.currentTime = initial;
      return emit(el, "loadedmetadata", { width: el.videoWidth, height: el.videoHeight, duration: time().duration });
    }
    case "progress": {
      const end = el.buffered.length ? el.buffered.end(el.buffered.length - 1) : 0;
      return emit(el, "progress", { buffered: el.duration > 0 ? Math.round((end / el.duration) * 100) : 0 });
    }
    case "seeked": return emit(el, "seekcomplete", { position: el.currentTime });
    case "error": {
      const code = el.error ? el.error.code : 0;
      return emit(el, "error", { errMsg: "MEDIA_ERR " + code + ": " + (el.error && el.error.message ? el.error.message : "the video cannot be played") });
    }
  }
}
function onVideoFullScreen() {
  const el = document.fullscreenElement;
  const shown = el && isMpElement(el) && el.localName === "video" ? el : null;
  for (const video of root ? root.querySelectorAll("video") : []) {
    if (isMpElement(video) && (video === shown || video.dataset.capsuleFull)) {
      emit(video, "fullscreenchange", { fullScreen: video === shown, direction: "vertical" });
      if (video === shown) video.dataset.capsuleFull = "1";
      else delete video.dataset.capsuleFull;
    }
  }
}
document.addEventListener("fullscreenchange", onVideoFullScreen);

// The video context: play resolves once playing starts (or fails with the reason).
async function callVideo(el, method, args) {
  switch (method) {
    case "play": return void (await el.play());
    case "pause": return el.pause();
    case "stop": {
      el.pause();
      el.currentTime = 0;
      return emit(el, "stop", {});
    }
    case "seek": el.currentTime = Math.max(0, Number(args) || 0); return undefined;
    case "playbackRate": el.playbackRate = Number(args) || 1; return undefined;
    case "mute": el.muted = args !== false; return undefined;
    case "requestFullScreen": return void (await el.requestFullscreen());
    case "exitFullScreen": return document.fullscreenElement === el ? void (await document.exitFullscreen()) : undefined;
    // Status bar, picture in picture and danmu: nothing to draw them with here.
    case "showStatusBar": case "hideStatusBar": case "exitPictureInPicture": case "sendDanmu": return undefined;
    default: throw new Error("<video> has no method " + method);
  }
}

const VIDEO_EVENTS = ["play", "pause", "ended", "waiting", "timeupdate", "loadedmetadata", "progress", "seeked", "error"];

define("video", {
  own: ["src"],
  attrs: Object.assign(
    Object.fromEntries(["controls", "muted", "loop", "autoplay", "object-fit", "objectFit"].map((name) => [name, syncVideo])),
    { src: syncMediaSource },
  ),
  created(el) {
    syncVideo(el);
    syncMediaSource(el);
  },
  call: callVideo,
  listeners: VIDEO_EVENTS.map((type) => [type, onVideoEvent, true]),
});
