# Deletes and replaces in a protected environment need an explicit approval: data.paved.approval
# with {"destructive": true} for the whole plan, or {"addresses": [...]} for named resources.
package paved.plan

import data.paved.lib

destructive_actions := object.get(lib.config, "destructive_actions", ["delete", "replace"])

approved(address) if lib.approval.destructive == true

approved(address) if address in object.get(lib.approval, "addresses", [])

# METADATA
# title: "Destructive changes in protected environments need approval"
# description: "Deletes and replaces in protected_environments need data.paved.approval (--approve ADDRESS|all)."
# custom:
#   severity: high
deny_unapproved_destructive_change contains lib.finding("unapproved_destructive_change", change.address, msg) if {
	lib.protected_environment
	some change in input.changes
	change.action in destructive_actions
	not approved(change.address)
	not lib.waived("unapproved_destructive_change", change.address)
	msg := sprintf("%s in %s needs an explicit approval (data.paved.approval)", [change.action, lib.environment])
}
