# Resources may be placed only in the allowed regions/locations (allowed_regions; empty allows
# any). Azure spellings are normalised: "West Europe" == "westeurope".
package paved.plan

import data.paved.lib

normalise_region(r) := lower(replace(r, " ", ""))

allowed_regions := {normalise_region(r) | some r in object.get(lib.config, "allowed_regions", [])}

# METADATA
# title: "Resources stay in allowed regions"
# description: "region/location must be one of allowed_regions (when that list is set)."
# custom:
#   severity: medium
deny_region contains lib.finding("region", change.address, msg) if {
	count(allowed_regions) > 0
	some change in lib.changes
	some attr in object.get(lib.config, "region_attributes", ["region", "location"])
	region := change.after[attr]
	is_string(region)
	not normalise_region(region) in allowed_regions
	not lib.waived("region", change.address)
	msg := sprintf("%s %q is not an allowed region (allowed_regions: %s)", [attr, region, concat(", ", sort(allowed_regions))])
}
