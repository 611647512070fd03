#!/usr/bin/env bash
# Shared set-up for the README commands: installs the system packages Capsule needs
# (when missing) and chooses a cargo target directory outside the clone, so repeated
# runs on one machine build incrementally. Source it; do not run it.

CAPSULE_APT_PACKAGES=(
  pkg-config
  libwebkit2gtk-4.1-dev
  libgtk-3-dev
  xvfb
  xauth
  nginx
  # Screenshots under the virtual display show Chinese text and emoji as phones do.
  fonts-noto-cjk
  fonts-noto-color-emoji
  # <video>, <audio> and audio players: WebKit plays through GStreamer (WebM/VP8, Ogg,
  # WAV, MP3 decoders and the audio sinks).
  gstreamer1.0-plugins-base
  gstreamer1.0-plugins-good
)

capsule_install_system_packages() {
  capsule_apt_install "${CAPSULE_APT_PACKAGES[@]}"
}

# Installs the Debian packages named that are not installed yet.
capsule_apt_install() {
  local missing=()
  local package
  for package in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$package")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "capsule: installing system packages: ${missing[*]}" >&2
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    sudo=(sudo)
  fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

# The examples built on npm component libraries (examples/*/package.json) and the test apps
# built on npm libraries (tests/apps/*/package.json): node_modules/ from each
# package-lock.json, through Debian's Node.js and npm when the machine has none.
capsule_install_example_packages() {
  if ! command -v npm >/dev/null; then
    capsule_apt_install nodejs npm
  fi
  local project
  for project in examples/*/ tests/apps/*/; do
    if [ -f "$project/package-lock.json" ] &&
      { [ ! -f "$project/node_modules/.package-lock.json" ] ||
        [ "$project/package-lock.json" -nt "$project/node_modules/.package-lock.json" ]; }; then
      echo "capsule: installing the npm packages of $project" >&2
      (cd "$project" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  done
}

# WeChat's "build npm" for the WeChat examples on npm packages, with the capsule binary.
capsule_build_example_npm() {
  local project
  for project in examples/*/; do
    if [ -f "$project/package.json" ] && [ -f "$project/project.config.json" ]; then
      "$CARGO_TARGET_DIR/debug/capsule" build-npm "$project" >/dev/null
    fi
  done
}

capsule_use_shared_target_dir() {
  if [ -z "${CARGO_TARGET_DIR:-}" ]; then
    export CARGO_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/capsule/target"
  fi
  mkdir -p "$CARGO_TARGET_DIR"
}
