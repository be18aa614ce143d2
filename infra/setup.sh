#!/usr/bin/env bash
# Installs what imagelake needs on a fresh machine. Every step is skipped when already done,
# so `npm test` and `npm run demo` can call it each time.
#   npm packages      npm ci, when node_modules is missing
#   temporal, minio   built once with `go install` into the cache (never committed)
#   Debian packages   Fashion-MNIST (real data), Oxygen icons and Plasma wallpapers (real color
#                     images: icons labeled by category folder, photographs), ImageMagick
#                     (benchmark baseline), Chromium (report tests), gcc + OpenBLAS + libdeflate
#                     (the optional native addons)
#   Python packages   avro, pyarrow, duckdb: stock readers, for interop tests
#   native addons     GEMM (lib/model/native/gemm.c) and codec (lib/native/codec.c), built once
#                     into the cache (optional)
set -euo pipefail
cd "$(dirname "$0")/.."

# Pinned versions. MinIO: the RELEASE.2025-10-15 commit (9e49d5e7a648) is not served by the Go
# module proxy ("version not available"), so we pin the newest pseudo-version the proxy serves.
TEMPORAL_CLI_MODULE="github.com/temporalio/cli/cmd/temporal@v1.5.1"
MINIO_MODULE="github.com/minio/minio@v0.0.0-20260212201848-7aac2a2c5b7c"
# plasma-workspace-wallpapers rather than the smaller gnome-backgrounds: the latter holds drawings
# only, the former a dozen real photographs (JPEG, 2560x1600 and larger, some with ICC profiles).
APT_PACKAGES=(dataset-fashion-mnist oxygen-icon-theme plasma-workspace-wallpapers imagemagick chromium gcc libopenblas-dev libdeflate-dev)
PY_AVRO_VERSION="1.12.2"
PY_ARROW_VERSION="26.0.1"
PY_DUCKDB_VERSION="2.0.1"
PY_POLARS_VERSION="2.1.0"

CACHE_DIR="${IMAGELAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/imagelake}"
BIN_DIR="$CACHE_DIR/bin"
say() { echo "setup: $*"; }
die() { echo "setup: $*" >&2; exit 1; }

if [ ! -d node_modules ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi

build_go_binary() { # name module
  local name=$1 module=$2
  if [ -x "$BIN_DIR/$name" ] || command -v "$name" >/dev/null 2>&1; then return; fi
  command -v go >/dev/null 2>&1 || die "no $name binary and no Go toolchain to build it: install Go, or put $name on PATH"
  say "building $name with go install $module (once; cached in $BIN_DIR)"
  mkdir -p "$BIN_DIR"
  GOBIN="$BIN_DIR" GOFLAGS=-mod=mod go install "$module" || die "go install $module failed: see the output above"
}
build_go_binary temporal "$TEMPORAL_CLI_MODULE"
build_go_binary minio "$MINIO_MODULE"

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    die "missing Debian packages ${missing[*]}: run 'sudo apt-get install ${missing[*]}' (or set IMAGELAKE_DATASET_DIR to a directory of Fashion-MNIST IDX files)"
  fi
fi

# Stock readers for interop tests: Apache's Avro, pyarrow and polars (Arrow IPC) and DuckDB's Python package.
if ! python3 -c 'import avro, pyarrow, duckdb, polars' >/dev/null 2>&1; then
  say "installing Python avro $PY_AVRO_VERSION, pyarrow $PY_ARROW_VERSION, duckdb $PY_DUCKDB_VERSION, polars $PY_POLARS_VERSION (stock readers, for interop tests)"
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
    "avro==$PY_AVRO_VERSION" "pyarrow==$PY_ARROW_VERSION" "duckdb==$PY_DUCKDB_VERSION" "polars==$PY_POLARS_VERSION" || die "pip install of the interop readers failed"
fi

# Optional native addons, built once into the cache: the GEMM (OpenBLAS) for training and scoring,
# the codec (libdeflate) for ingest. Without the GEMM the wasm kernels are used, without the codec
# node:zlib: the build says why and setup goes on.
npx --no-install tsx lib/native/build.ts | sed 's/^/setup: /'
