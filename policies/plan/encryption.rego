# Storage must be encrypted at rest: for each resource type in `encryption`, the named attribute must
# be true in the planned state.
package paved.plan

import data.paved.lib

# METADATA
# title: "Storage is encrypted at rest"
# description: "For each type in encryption, the named attribute must be true."
# custom:
#   severity: high
deny_unencrypted contains lib.finding("unencrypted", change.address, msg) if {
	some change in lib.changes
	encryption := object.get(lib.config, "encryption", {})
	attribute := encryption[change.type]
	object.get(change.after, attribute, null) != true
	not lib.waived("unencrypted", change.address)
	msg := sprintf("%s is not encrypted at rest (%s must be true)", [change.type, attribute])
}
