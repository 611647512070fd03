#!/usr/bin/env bash
# Opens the Capsule simulator on the bundled example mini-program (examples/todo-alipay). With a display it shows a window;
# with none it renders under a virtual display (Xvfb), writes a screenshot and prints
# where. Extra arguments go to `capsule run` (for example `--device pixel-5`).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
capsule_install_system_packages
capsule_use_shared_target_dir

cargo build --locked --bin capsule
"$CARGO_TARGET_DIR/debug/capsule" run examples/todo-alipay "$@"
