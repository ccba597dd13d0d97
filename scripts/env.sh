# Sourced by the scripts: where the project's tools live and how they are found.
DESKMOVE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Outside the work tree so every clone on this machine (and CI's fresh one) reuses it.
DESKMOVE_TOOLS="${DESKMOVE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/deskmove-tools}"
TRUNK_VERSION="0.21.14"
BINARYEN_VERSION="132"
# 0.2.3 is the first that knows wasm-bindgen 0.2.128's intrinsics (TOOLCHAIN.md).
WASM_SPLIT_VERSION="0.2.3"
AXE_VERSION="4.14.1"
# axe-core's browser build, which the end-to-end tests run on every screen.
DESKMOVE_AXE="${DESKMOVE_AXE:-$DESKMOVE_TOOLS/npm/node_modules/axe-core/axe.min.js}"
export DESKMOVE_ROOT DESKMOVE_TOOLS DESKMOVE_AXE
export PATH="$DESKMOVE_TOOLS/cargo/bin:$DESKMOVE_TOOLS/npm/node_modules/.bin:$HOME/.cargo/bin:$PATH"
export TRUNK_SKIP_VERSION_CHECK=true
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
