#!/usr/bin/env bash
# The whole test run, from a fresh clone: system tools the tests drive, npm packages, type check,
# then every jest suite. CI runs exactly this (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
# `npm install`, not `npm ci`: with this npm's omit-lockfile-registry-resolved setting the lock file leaves
# out other platforms' optional packages, and `npm ci` then refuses it as out of sync.
npm install --no-audit --no-fund
npx tsc --noEmit -p tsconfig.json

report="$(mktemp -d)/jest.json"
status=0
npx jest --ci --json --outputFile="$report" || status=$?
# One plain closing line that any CI log reader understands.
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);
' "$report"
exit "$status"
