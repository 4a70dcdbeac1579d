#!/usr/bin/env bash
# `npm test`: every test, against the production build — twice for the database:
# first over embedded SQLite files, then over real libsql servers (sqld, one per
# test database on a loopback port; docs/decisions/0020). Pure tests that never open
# a database run in the first pass only. Arguments go to both passes' vitest.
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

# The cross-process realtime tests start Debian's redis-server (decision 0022); install it the same way.
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

reports="$(mktemp -d)"
trap 'rm -rf "$reports"' EXIT
status=0

# --- the database passes (embedded, then sqld) ---------------------------------
# A test file touches a database when it uses a helper that opens one (or starts a
# portal, or spawns a process given a DATABASE_URL), or opens one itself. Files that
# start a libsql server of their own (startSqld) test against it in either pass.
# The browser tests stay in the first pass: what they add is the page, and pages
# reach the database through the services the second pass tests (and the two
# passes in full took ~28 minutes here, too close to CI's 30).
database_tests() {
  grep -rlE --include='*.test.ts' \
    "helpers/(database|portal|e2e|process|plans|realtime)\"|db/client\"|openDatabase\(" \
    app server db realtime tests/integration | xargs grep -L "startSqld(" | sort
}

echo "=== pass 1 of 2: embedded SQLite (every test) ==="
start=$SECONDS
TEST_DATABASE=embedded npx vitest run --reporter=default --reporter=json \
  --outputFile.json="$reports/embedded.json" "$@" || status=$?
echo "pass 1 took $((SECONDS - start)) s"

mapfile -t sqld_files < <(database_tests)
# Arguments that narrow the run (a file, -t) narrow the second pass the same way.
if [ $# -gt 0 ]; then sqld_files=(); fi
echo "=== pass 2 of 2: libsql server (sqld), the ${#sqld_files[@]} test files that touch a database ==="
start=$SECONDS
TEST_DATABASE=sqld npx vitest run --reporter=default --reporter=json \
  --outputFile.json="$reports/sqld.json" "$@" "${sqld_files[@]}" || status=$?
echo "pass 2 took $((SECONDS - start)) s"
# -------------------------------------------------------------------------------

# One plain closing line over both passes, whatever the reporters above printed.
node -e '
  const fs = require("fs");
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const [label, file] of [["embedded", process.argv[1]], ["sqld", process.argv[2]]]) {
    if (!fs.existsSync(file)) { console.log(`${label}: no report`); total.failed += 1; continue; }
    const r = JSON.parse(fs.readFileSync(file, "utf8"));
    const skipped = r.numPendingTests + r.numTodoTests;
    console.log(`${label}: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
    total.passed += r.numPassedTests; total.failed += r.numFailedTests; total.skipped += skipped;
  }
  console.log(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
' "$reports/embedded.json" "$reports/sqld.json" || true
exit $status
