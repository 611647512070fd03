// <audio>, and the app's audio players (createInnerAudioContext). The template's <audio> is
// the webview's own audio element: src, loop, controls; it reports play, pause, ended,
// timeupdate ({currentTime, duration}) and error. An audio player is an Audio object this
// host keeps per player number for the whole app (pages change under it): mpAudio calls
// set its src and settings and play, pause, stop, seek or destroy it, and what it does goes
// back as mpAudioEvent ({audioId, type, detail}: the player's state; errors {errCode,
// errMsg} with the platforms' codes).
// Runs inside the page host (components/host/page-host.js), whose helpers it uses.

function onAudioElementEvent(event) {
  const el = event.target;
  if (!isMpElement(el) || el.localName !== "audio") return;
  if (event.type === "timeupdate") emit(el, "timeupdate", { currentTime: el.currentTime, duration: isFinite(el.duration) ? el.duration : 0 });
  else if (event.type === "error") emit(el, "error", { errMsg: "MEDIA_ERR " + (el.error ? el.error.code : 0) });
  else emit(el, event.type, {});
}

function syncAudioElement(el) {
  const attrs = attrsOf(el);
  el.controls = truthy(attrs.controls);
  el.loop = truthy(attrs.loop);
}

define("audio", {
  own: ["src"],
  attrs: { controls: syncAudioElement, loop: syncAudioElement, src: syncMediaSource },
  created(el) {
    syncAudioElement(el);
    syncMediaSource(el);
  },
  listeners: ["play", "pause", "ended", "timeupdate", "error"].map((type) => [type, onAudioElementEvent, true]),
});

// --- audio players
const players = new Map(); // audioId -> { audio, startTime, stopping, loading, url }
// The platforms' InnerAudioContext error codes: 10002 network, 10003 file, 10004 format.
const AUDIO_ERRORS = { 1: 10001, 2: 10002, 3: 10003, 4: 10004 };

function playerState(audio) {
  const end = audio.buffered.length ? audio.buffered.end(audio.buffered.length - 1) : 0;
  return {
    currentTime: audio.currentTime, duration: isFinite(audio.duration) ? audio.duration : 0,
    paused: audio.paused, buffered: end,
  };
}

function playerOf(audioId) {
  let player = players.get(audioId);
  if (player) return player;
  const audio = new Audio();
  audio.preload = "auto";
  player = { audio, startTime: 0, stopping: false, loading: Promise.resolve(), url: null };
  players.set(audioId, player);
  const report = (type, detail) => post({ kind: "mpAudioEvent", audioId, type, detail: Object.assign(playerState(audio), detail || {}) });
  const events = { canplay: "canplay", play: "play", pause: "pause", ended: "ended", timeupdate: "timeUpdate", waiting: "waiting", seeking: "seeking", seeked: "seeked" };
  for (const [type, name] of Object.entries(events)) {
    audio.addEventListener(type, () => {
      // stop() pauses and rewinds: it reports stop, not pause.
      if (type === "pause" && player.stopping) return;
      report(name);
    });
  }
  audio.addEventListener("error", () => {
    const code = audio.error ? audio.error.code : 0;
    report("error", { errCode: AUDIO_ERRORS[code] || -1, errMsg: "MEDIA_ERR " + code + (audio.error && audio.error.message ? ": " + audio.error.message : "") });
  });
  return player;
}

async function audioCall(message) {
  const { audioId, method, args } = message;
  const player = playerOf(audioId);
  const audio = player.audio;
  switch (method) {
    case "set": {
      const settings = args && typeof args === "object" ? args : {};
      if ("src" in settings) player.loading = loadPlayer(audioId, player, String(settings.src || ""));
      if ("loop" in settings) audio.loop = truthy(settings.loop);
      if ("volume" in settings) audio.volume = Math.min(1, Math.max(0, Number(settings.volume)));
      if ("playbackRate" in settings) audio.playbackRate = Number(settings.playbackRate) || 1;
      if ("startTime" in settings) player.startTime = Math.max(0, Number(settings.startTime) || 0);
      if ("autoplay" in settings) {
        audio.autoplay = truthy(settings.autoplay);
        if (audio.autoplay && audio.src) audio.play().catch(() => {});
      }
      return;
    }
    case "play":
      await player.loading;
      if (player.startTime && audio.currentTime === 0) audio.currentTime = player.startTime;
      // Errors come back through the element's error event.
      return audio.play().catch((error) => {
        if (!audio.error) post({ kind: "mpAudioEvent", audioId, type: "error", detail: Object.assign(playerState(audio), { errCode: 10001, errMsg: String(error && error.message) }) });
      });
    case "pause": return audio.pause();
    case "stop":
      player.stopping = true;
      audio.pause();
      audio.currentTime = 0;
      player.stopping = false;
      return post({ kind: "mpAudioEvent", audioId, type: "stop", detail: playerState(audio) });
    case "seek": audio.currentTime = Math.max(0, Number(args) || 0); return;
    case "destroy":
      if (player.url) URL.revokeObjectURL(player.url);
      audio.pause();
      audio.removeAttribute("src");
      audio.load();
      players.delete(audioId);
      return;
  }
}
// A new src: read as the media player can (a package file: a blob of it); a file that
// cannot be read reports error 10003, the platforms' file error.
async function loadPlayer(audioId, player, src) {
  if (player.url) URL.revokeObjectURL(player.url);
  player.url = null;
  if (!src) return player.audio.removeAttribute("src");
  try {
    const url = await playableUrl(src);
    if (url.startsWith("blob:")) player.url = url;
    player.audio.src = url;
    if (player.audio.autoplay) player.audio.play().catch(() => {});
  } catch (error) {
    post({ kind: "mpAudioEvent", audioId, type: "error", detail: Object.assign(playerState(player.audio), { errCode: 10003, errMsg: String(error.message) }) });
  }
}

onMessage("mpAudio", (message) => { audioCall(message); });
