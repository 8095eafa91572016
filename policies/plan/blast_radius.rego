# Limits how many resources one plan may change, per environment (max_changes.<env>, else
# max_changes.default), so large refactors are split or reviewed on purpose.
package paved.plan

import data.paved.lib

counted_actions := {"create", "update", "delete", "replace", "import", "move", "forget"}

changed_count := count([c | some c in input.changes; c.action in counted_actions])

max_changes := limit if {
	limit := lib.config.max_changes[lib.environment]
} else := lib.config.max_changes.default

# METADATA
# title: "Plan changes more resources than the environment allows"
# description: "The number of changed resources must stay within max_changes for the environment."
# custom:
#   severity: medium
deny_blast_radius contains {"msg": msg, "policy": "blast_radius", "changes": changed_count, "limit": max_changes} if {
	changed_count > max_changes
	msg := sprintf("plan changes %d resources; the limit for %q is %d (max_changes) - split the change or raise the limit", [changed_count, lib.environment, max_changes])
}
