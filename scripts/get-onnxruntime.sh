#!/usr/bin/env bash
# Fetches the ONNX Runtime native library that Hopfield.ML.Onnx binds to, and caches it outside the repository.
#
# Source: the npm package onnxruntime-node (MIT licence), which ships the official ONNX Runtime build for each
# platform. The package is fetched with `npm pack` through npm's own configuration and cache; only the native
# library is extracted, checked against a pinned SHA-256, and moved atomically into
#
#   ${XDG_CACHE_HOME:-$HOME/.cache}/hopfield-ml/onnxruntime/<version>/<os>-<arch>/<library file>
#
# The linux-x64 library is always cached, plus the one for the current platform. Running the script again does
# nothing when the files are already there. Set HOPFIELD_ONNXRUNTIME_PATH to use a library from elsewhere.
#
# Usage: scripts/get-onnxruntime.sh [--quiet]
set -euo pipefail

ORT_VERSION="1.22.0"
NPM_PACKAGE="onnxruntime-node@${ORT_VERSION}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/hopfield-ml/onnxruntime/${ORT_VERSION}"
QUIET=0
[[ "${1:-}" == "--quiet" ]] && QUIET=1

log() { [[ $QUIET == 1 ]] || echo "get-onnxruntime: $*"; }
fail() { echo "get-onnxruntime: $*" >&2; exit 1; }

# platform key -> "path inside the package|library file name|sha256"
entry() {
  case "$1" in
    linux-x64)   echo "package/bin/napi-v6/linux/x64/libonnxruntime.so.1|libonnxruntime.so.1|08cf3bf4218f0e816c2a534e960d85221274cb319569bdf1136b29da7065b015" ;;
    linux-arm64) echo "package/bin/napi-v6/linux/arm64/libonnxruntime.so.1|libonnxruntime.so.1|0afd69a0ae38c5099fd0e8604dda398ac43dee67cd9c6394b5142b19e82528de" ;;
    osx-x64)     echo "package/bin/napi-v6/darwin/x64/libonnxruntime.1.22.0.dylib|libonnxruntime.dylib|2e4bb2d31348265a9f416587972363a60851f577c3600f22cf92e00030c487fc" ;;
    osx-arm64)   echo "package/bin/napi-v6/darwin/arm64/libonnxruntime.1.22.0.dylib|libonnxruntime.dylib|10b8fdb6c3541cf2c2d170264e0501f284658719e1441e0922c34e6e9b45cf7c" ;;
    *) return 1 ;;
  esac
}

current_platform() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=osx ;;
    *) echo ""; return ;;
  esac
  case "$(uname -m)" in
    x86_64|amd64) arch=x64 ;;
    aarch64|arm64) arch=arm64 ;;
    *) echo ""; return ;;
  esac
  echo "${os}-${arch}"
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then shasum -a 256 "$1" | cut -d' ' -f1
  else fail "neither sha256sum nor shasum is available to verify the library"; fi
}

# Verifies a library file: expected SHA-256, and the C API entry point present.
verify() {
  local file="$1" expected="$2"
  [[ -s "$file" ]] || return 1
  [[ "$(sha256_of "$file")" == "$expected" ]] || return 1
  grep -q "OrtGetApiBase" "$file" || return 1
}

platforms=("linux-x64")
cur="$(current_platform)"
if [[ -n "$cur" && "$cur" != "linux-x64" ]]; then
  entry "$cur" >/dev/null && platforms+=("$cur")
fi

missing=()
for p in "${platforms[@]}"; do
  IFS='|' read -r _ name _ <<<"$(entry "$p")"
  [[ -f "$CACHE_DIR/$p/$name" ]] || missing+=("$p")
done
if [[ ${#missing[@]} == 0 ]]; then
  log "ONNX Runtime ${ORT_VERSION} already cached in $CACHE_DIR"
  exit 0
fi

command -v npm >/dev/null 2>&1 || fail "npm is not installed; install Node.js/npm, or download ONNX Runtime ${ORT_VERSION} yourself and set HOPFIELD_ONNXRUNTIME_PATH to the library file"

mkdir -p "$CACHE_DIR"
# One fetch at a time when several builds start together.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$CACHE_DIR/.lock"
  flock 9
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

tarball=""
for p in "${missing[@]}"; do
  IFS='|' read -r inner name sha <<<"$(entry "$p")"
  dest="$CACHE_DIR/$p/$name"
  if [[ -f "$dest" ]]; then continue; fi   # another process finished it while we waited for the lock
  if [[ -z "$tarball" ]]; then
    log "fetching ${NPM_PACKAGE} with npm pack (about 93 MB, cached by npm afterwards)"
    (cd "$work" && npm pack "$NPM_PACKAGE" --silent >/dev/null) || fail "npm pack ${NPM_PACKAGE} failed"
    tarball="$(ls "$work"/onnxruntime-node-*.tgz 2>/dev/null | head -n 1)"
    [[ -n "$tarball" ]] || fail "npm pack produced no tarball"
  fi
  tar -xzf "$tarball" -C "$work" "$inner" || fail "the package has no $inner"
  verify "$work/$inner" "$sha" || fail "$inner failed verification (SHA-256 or missing OrtGetApiBase)"
  mkdir -p "$CACHE_DIR/$p"
  tmp="$CACHE_DIR/$p/.$name.tmp.$$"
  cp "$work/$inner" "$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$dest"
  log "cached $dest"
done
