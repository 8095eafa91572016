#!/usr/bin/env bash
# `npm run example`: the main pipeline, run locally with the bundled paved CLI on copies of the
# example projects: quality gate, security scan, plan, policy check and apply for staging, then the
# production plan that the policies stop.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
paved() { node "$root/dist/cli/index.js" "$@"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$root/examples/web-app" "$work/web-app"
cp -R "$root/examples/infra-app" "$work/infra"
rm -rf "$work/web-app/reports"

step "quality gate: lint, tests, coverage (examples/web-app)"
(cd "$work/web-app" && paved quality-gate --run "lint=npm run lint" --run "test=npm test" \
  --junit reports/junit.xml --coverage reports/lcov.info --min-coverage 80 --evidence-dir evidence)

step "security scan: secrets, dependencies, SAST (examples/web-app)"
(cd "$work/web-app" && paved scan all . --on-missing-advisories warn --exclude 'evidence/**' --exclude 'reports/**')

step "plan for staging (examples/infra-app, scripts/plan.sh)"
(cd "$work/infra" && paved plan run --env staging -o plan.json)

step "policy check: the platform library on the staging plan"
(cd "$work/infra" && paved policy check --policy "$root/policies" --namespace 'paved.plan' plan.json)

step "apply exactly the reviewed plan (digest checked)"
(cd "$work/infra" && paved apply plan.json --approved-digest "$(cut -d' ' -f1 plan.json.sha256)" --env staging)

step "plan for production: the policies stop a delete nobody approved"
(cd "$work/infra" && paved plan run --env production -o prod.json >/dev/null)
if (cd "$work/infra" && paved policy check --policy "$root/policies" --namespace 'paved.plan' prod.json); then
  echo "unexpected: the production plan passed the policies" >&2
  exit 1
fi
printf '\nDone: staging applied; production blocked by policy, as it should be.\n'
