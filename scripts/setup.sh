#!/usr/bin/env bash
# Installs what Vigil needs from outside npm (system programs, fonts; with --test also the RTSP test
# server and chromium) and node_modules when absent. Idempotent; does nothing slow when all is present.
# Usage: bash scripts/setup.sh [--test]   (run by `npm start` and `npm test` before they begin)
set -euo pipefail

cd "$(dirname "$0")/.."

with_test=0
for arg in "$@"; do
  case "$arg" in
    --test) with_test=1 ;;
    *) echo "setup.sh: unknown argument $arg (only --test)" >&2; exit 2 ;;
  esac
done

missing=()

# A program counts as present when its command is on PATH (it may come from outside Debian).
need_command() { # command package
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
}

# Packages without a command of their own (fonts, GI bindings, plugins) are asked of dpkg.
need_package() { # package...
  local pkg status
  for pkg in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
  done
}

need_command ffmpeg ffmpeg
need_command redis-server redis-server
# Plates are drawn and read with this font (fixtures, crops shown in the command room).
need_package fonts-noto-cjk

# The demo camera and the tests' cameras are served by the RTSP fixture server
# (scripts/rtsp-server.py), which runs on Debian's GStreamer and its Python bindings.
need_package gir1.2-gst-rtsp-server-1.0 python3-gi gstreamer1.0-plugins-base \
  gstreamer1.0-plugins-good gstreamer1.0-plugins-bad gstreamer1.0-tools

if (( with_test )); then
  # The dispatch tests deliver over MQTT to a broker on 127.0.0.1:1883.
  broker_up() { (exec 3<>/dev/tcp/127.0.0.1/1883) 2>/dev/null; }
  broker_up || need_command mosquitto mosquitto
  # Headless browser for the command-room page tests.
  command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
fi

if (( ${#missing[@]} )); then
  if [[ "$(id -u)" -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    echo "setup.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # With recommends, as on the machines these were verified on (chromium's include its GL and fonts).
    apt-get install -y -qq "${missing[@]}"
  else
    echo "setup.sh: missing system packages: ${missing[*]}" >&2
    echo "Install them with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
fi

if (( with_test )) && ! broker_up; then
  echo "setup.sh: starting mosquitto on 127.0.0.1:1883 for the tests" >&2
  mosquitto -d -p 1883 >/dev/null 2>&1 || { echo "setup.sh: could not start mosquitto" >&2; exit 1; }
  for _ in 1 2 3 4 5 6 7 8 9 10; do broker_up && break; sleep 0.2; done
fi

if [[ ! -d node_modules ]]; then
  echo "setup.sh: node_modules missing, running npm ci" >&2
  # onnxruntime-node's install step would fetch GPU libraries from outside npm; its CPU build ships in the package.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci
fi
