# Instance sizes per environment: instance_types.<env> lists the allowed types ("t3.*" patterns);
# environments without a list allow any size.
package paved.plan

import data.paved.lib

# METADATA
# title: "Instance sizes fit the environment"
# description: "instance_types.<environment> lists the sizes allowed there."
# custom:
#   severity: low
deny_instance_size contains lib.finding("instance_size", change.address, msg) if {
	instance_types := object.get(lib.config, "instance_types", {})
	allowed := instance_types[lib.environment]
	some change in lib.changes
	some attr in object.get(lib.config, "instance_type_attributes", ["instance_type"])
	size := change.after[attr]
	is_string(size)
	not lib.matches_any(size, allowed)
	not lib.waived("instance_size", change.address)
	msg := sprintf("%s %q is not allowed in %s (allowed: %s)", [attr, size, lib.environment, concat(", ", allowed)])
}
