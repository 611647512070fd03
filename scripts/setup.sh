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
)

capsule_install_system_packages() {
  local missing=()
  local package
  for package in "${CAPSULE_APT_PACKAGES[@]}"; do
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

capsule_use_shared_target_dir() {
  if [ -z "${CARGO_TARGET_DIR:-}" ]; then
    export CARGO_TARGET_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/capsule/target"
  fi
  mkdir -p "$CARGO_TARGET_DIR"
}
