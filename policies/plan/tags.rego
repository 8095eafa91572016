# Every resource that carries tags or labels must have the required ones (AWS tags_all includes the
# provider's default_tags, so those count).
package paved.plan

import data.paved.lib

required_tags := object.get(lib.config, "required_tags", [])

# The first tag attribute the resource has, in the configured order.
resource_tags(after) := tags if {
	attrs := [a | some a in object.get(lib.config, "tag_attributes", ["tags", "labels"]); a in object.keys(after)]
	count(attrs) > 0
	value := after[attrs[0]]
	tags := object_or_empty(value)
}

object_or_empty(value) := value if {
	is_object(value)
} else := {}

# METADATA
# title: "Resources carry the required tags"
# description: "Resources with tags or labels must set every key in required_tags."
# custom:
#   severity: low
deny_missing_tags contains lib.finding("missing_tags", change.address, msg) if {
	some change in lib.changes
	tags := resource_tags(change.after)
	missing := [t | some t in required_tags; not tags[t]]
	count(missing) > 0
	not lib.waived("missing_tags", change.address)
	msg := sprintf("missing required tags: %s", [concat(", ", sort(missing))])
}
