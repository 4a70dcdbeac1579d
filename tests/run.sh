#!/usr/bin/env bash
# `npm test`: every test, against the production build.
set -euo pipefail
cd "$(dirname "$0")/.."

# Browser tests drive Debian's Chromium. A fresh machine of our kind lacks it;
# as root we can install it, otherwise say what is missing.
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's chromium for the browser tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "Chromium is missing: install Debian's 'chromium' package (apt-get install -y chromium)." >&2
    exit 1
  fi
fi

# The cross-process realtime tests start Debian's redis-server (decision 0018); install it the same way.
if ! command -v redis-server >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's redis-server for the cross-process realtime tests…"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  else
    echo "redis-server is missing: install Debian's 'redis-server' package (apt-get install -y redis-server)." >&2
    exit 1
  fi
fi

npm run build --silent

report="$(mktemp)"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json="$report" "$@" || status=$?
# One plain closing line, whatever the reporter above printed.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report" || true
rm -f "$report"
exit $status
