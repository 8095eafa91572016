# No publicly readable storage: S3 ACLs and public access blocks, GCS IAM members, Azure storage
# accounts and containers.
package paved.plan

import data.paved.lib

public_acls := {"public-read", "public-read-write", "authenticated-read"}

public_members := {"allUsers", "allAuthenticatedUsers"}

public_access_block_flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

public_storage_reason(change) := sprintf("ACL %q makes the bucket public", [change.after.acl]) if {
	change.type in {"aws_s3_bucket", "aws_s3_bucket_acl"}
	change.after.acl in public_acls
}

public_storage_reason(change) := sprintf("public access block turns off %s", [concat(", ", off)]) if {
	change.type == "aws_s3_bucket_public_access_block"
	off := [f | some f in public_access_block_flags; change.after[f] == false]
	count(off) > 0
}

public_storage_reason(change) := sprintf("grants bucket access to %s", [concat(", ", sort(members))]) if {
	startswith(change.type, "google_storage_bucket_iam_")
	members := {m | some m in gcs_members(change.after); m in public_members}
	count(members) > 0
}

public_storage_reason(change) := "allows public access to blobs (allow_nested_items_to_be_public)" if {
	change.type == "azurerm_storage_account"
	change.after.allow_nested_items_to_be_public == true
}

public_storage_reason(change) := sprintf("container_access_type %q is public", [change.after.container_access_type]) if {
	change.type == "azurerm_storage_container"
	change.after.container_access_type in {"blob", "container"}
}

gcs_members(after) := {after.member} if {
	is_string(after.member)
} else := {m | some m in object.get(after, "members", [])}

# METADATA
# title: "No publicly readable storage"
# description: "S3 ACLs, public access blocks, GCS IAM members and Azure storage must not grant public read access."
# custom:
#   severity: critical
deny_public_storage contains lib.finding("public_storage", change.address, reason) if {
	some change in lib.changes
	reason := public_storage_reason(change)
	not lib.waived("public_storage", change.address)
}
