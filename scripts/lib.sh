# Shared by the scripts: repository root, toolchain checks, family list.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
DIST="${KUBE_SOC2_DIST:-$ROOT/dist}"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
KUBE_SOC2="$TARGET_DIR/tool/kube-soc2"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# Bundle modules: one module holding every family (policies/soc2).
bundles() { echo soc2; }

# Policy families: every crate under policies/ except the shared kit and the bundles.
families() {
  for d in "$ROOT"/policies/*/; do
    d="${d%/}"; name="${d##*/}"
    [ "$name" = kit ] && continue
    bundles | grep -qx "$name" && continue
    [ -f "$d/Cargo.toml" ] && echo "$name"
  done
}

# Every module dist/ holds: the families, then the bundles.
modules() { families; bundles; }

ensure_wasm_target() {
  if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-wasip1; then
    log "installing the wasm32-wasip1 target"
    rustup target add wasm32-wasip1
  fi
}
