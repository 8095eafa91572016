#!/usr/bin/env bash
# The apply half of the paved scripts contract. `paved apply` calls it only after checking that
# $PLAN_JSON is exactly the reviewed plan (digest, commit, environment, deletes). A real project
# applies the tool's saved plan here (terraform apply tfplan); this demo prints what it would change
# and records the apply in .paved/applied-<env>.json.
set -euo pipefail

: "${PLAN_JSON:?PLAN_JSON must name the reviewed contract plan}"
env="${PAVED_ENVIRONMENT:-dev}"
mkdir -p .paved

node - "$PLAN_JSON" "$env" "${PAVED_PLAN_DIGEST:-}" <<'JS'
const fs = require('fs');
const [file, env, digest] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(file, 'utf8'));
for (const c of plan.changes) {
  if (c.action !== 'no-op' && c.action !== 'read') console.log(`${c.action.padEnd(8)} ${c.address}`);
}
const record = { environment: env, digest, commit: plan.source.commit, applied_at: new Date().toISOString(), summary: plan.summary };
fs.writeFileSync(`.paved/applied-${env}.json`, JSON.stringify(record, null, 2) + '\n');
console.log(`applied ${plan.summary.total} resource changes to ${env}; record in .paved/applied-${env}.json`);
JS
