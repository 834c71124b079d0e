#!/usr/bin/env bash
# start-local-llm.sh — start (or stop) the local OpenAI-compatible LLM server.
#
# Usage:
#   scripts/start-local-llm.sh          start llama-server in the background,
#                                        wait until it is healthy, print its
#                                        base URL (http://127.0.0.1:PORT/v1)
#   scripts/start-local-llm.sh stop     stop the server started by this script
#   scripts/start-local-llm.sh status   say whether it is running and healthy
#
# Serves $CACHE/model.gguf (Qwen2.5-Coder-1.5B-Instruct Q4_K_M) with
# $CACHE/bin/llama-server, both put there by scripts/install-local-llm.sh.
# The model is served under the name "qwen2.5-coder-1.5b-instruct".
# If a healthy server already answers on the port, start does nothing but
# print the URL. The pid file and the log are kept in the cache directory:
#   $CACHE/llama-server-$PORT.pid   $CACHE/llama-server-$PORT.log
#
# Environment variables honoured:
#   INSIGHTIQ_LLM_CACHE  cache directory (default: $HOME/.cache/insightiq/llm)
#   LLM_PORT             port on 127.0.0.1 to listen on (default: 8089)
#   LLM_START_TIMEOUT    seconds to wait for /health to answer OK (default: 120)
set -euo pipefail

CACHE="${INSIGHTIQ_LLM_CACHE:-$HOME/.cache/insightiq/llm}"
PORT="${LLM_PORT:-8089}"
TIMEOUT="${LLM_START_TIMEOUT:-120}"
HOST=127.0.0.1
ALIAS="qwen2.5-coder-1.5b-instruct"

BIN="$CACHE/bin/llama-server"
MODEL="$CACHE/model.gguf"
PIDFILE="$CACHE/llama-server-$PORT.pid"
LOGFILE="$CACHE/llama-server-$PORT.log"
BASE_URL="http://$HOST:$PORT/v1"
HEALTH_URL="http://$HOST:$PORT/health"

log() { printf '[start-local-llm] %s\n' "$*" >&2; }
die() { printf '[start-local-llm] ERROR: %s\n' "$*" >&2; exit 1; }

command -v curl >/dev/null 2>&1 || die "curl is required (apt-get install curl)"

healthy() { curl -fsS --max-time 2 "$HEALTH_URL" >/dev/null 2>&1; }

# Prints the pid from the pid file if that process is alive and is llama-server.
running_pid() {
    [[ -f "$PIDFILE" ]] || return 1
    local pid
    pid="$(cat "$PIDFILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null || echo llama-server)" == llama-server* ]] || return 1
    printf '%s\n' "$pid"
}

log_tail() {
    if [[ -f "$LOGFILE" ]]; then
        printf -- '--- last lines of %s ---\n' "$LOGFILE" >&2
        tail -n 30 "$LOGFILE" >&2
        printf -- '---\n' >&2
    fi
}

do_stop() {
    local pid
    if ! pid="$(running_pid)"; then
        rm -f "$PIDFILE"
        log "no server started by this script is running on port $PORT"
        return 0
    fi
    log "stopping llama-server (pid $pid)"
    kill "$pid" 2>/dev/null || true
    local i
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "still running after 10 s; sending SIGKILL"
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$PIDFILE"
    log "stopped"
}

do_status() {
    local pid=""
    pid="$(running_pid || true)"
    if healthy; then
        log "healthy at $BASE_URL${pid:+ (pid $pid)}"
        printf '%s\n' "$BASE_URL"
    elif [[ -n "$pid" ]]; then
        log "running (pid $pid) but not healthy yet"
        return 1
    else
        log "not running on port $PORT"
        return 1
    fi
}

do_start() {
    if healthy; then
        log "a healthy server is already running on port $PORT"
        printf '%s\n' "$BASE_URL"
        return 0
    fi

    [[ -x "$BIN" ]] || die "$BIN not found; run scripts/install-local-llm.sh first"
    [[ -f "$MODEL" ]] || die "$MODEL not found; run scripts/install-local-llm.sh first"

    local pid
    if pid="$(running_pid)"; then
        log "llama-server (pid $pid) is already starting; waiting for it"
    else
        if curl -sS --max-time 2 -o /dev/null "http://$HOST:$PORT/" 2>/dev/null; then
            die "port $PORT is in use by another program that is not a healthy llama-server; set LLM_PORT"
        fi
        mkdir -p "$CACHE"
        local threads
        threads="$(nproc 2>/dev/null || echo 2)"
        log "starting llama-server on $HOST:$PORT (log: $LOGFILE)"
        # setsid detaches it from this shell's session so it outlives the caller.
        local launcher=()
        command -v setsid >/dev/null 2>&1 && launcher=(setsid)
        nohup "${launcher[@]}" "$BIN" -m "$MODEL" --host "$HOST" --port "$PORT" \
            -c 4096 -t "$threads" -np 1 --jinja --no-webui --alias "$ALIAS" \
            </dev/null >"$LOGFILE" 2>&1 &
        pid=$!
        printf '%s\n' "$pid" >"$PIDFILE"
    fi

    local start=$SECONDS
    while ((SECONDS - start < TIMEOUT)); do
        if healthy; then
            log "ready after $((SECONDS - start)) s (pid $pid)"
            printf '%s\n' "$BASE_URL"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null; then
            rm -f "$PIDFILE"
            log_tail
            die "llama-server exited before becoming healthy (see $LOGFILE)"
        fi
        sleep 1
    done
    log_tail
    die "llama-server (pid $pid) did not answer OK on $HEALTH_URL within $TIMEOUT s; stop it with: $0 stop"
}

case "${1:-start}" in
    start) do_start ;;
    stop) do_stop ;;
    status) do_status ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command '$1' (usage: $0 [start|stop|status])" ;;
esac
