# Unit tests of the plan policies over small contract-shaped plans (policies/data.json defaults).
package paved.plan_test

import data.paved.plan

change(address, type, action, after) := {"address": address, "type": type, "action": action, "before": null, "after": after}

plan_in(env, changes) := {"contract_version": 1, "source": {"environment": env}, "changes": changes}

tagged := {"owner": "team-a", "cost-center": "cc-1"}

# --- deletes and replaces in protected environments

db_delete := change("aws_db_instance.main", "aws_db_instance", "delete", null)

test_delete_in_prod_needs_approval if {
	results := plan.deny_unapproved_destructive_change with input as plan_in("prod", [db_delete])
	count(results) == 1
	some r in results
	r.resource == "aws_db_instance.main"
	contains(r.msg, "needs an explicit approval")
}

test_replace_in_prod_pattern_environment_needs_approval if {
	replace := change("aws_instance.web", "aws_instance", "replace", {"instance_type": "t3.micro"})
	count(plan.deny_unapproved_destructive_change) == 1 with input as plan_in("prod-eu", [replace])
}

test_delete_in_dev_is_fine if {
	count(plan.deny_unapproved_destructive_change) == 0 with input as plan_in("dev", [db_delete])
}

test_approval_for_whole_plan if {
	count(plan.deny_unapproved_destructive_change) == 0 with input as plan_in("prod", [db_delete])
		with data.paved.approval as {"destructive": true}
}

test_approval_for_named_resource_only if {
	other := change("aws_s3_bucket.logs", "aws_s3_bucket", "delete", null)
	results := plan.deny_unapproved_destructive_change with input as plan_in("prod", [db_delete, other])
		with data.paved.approval as {"addresses": ["aws_db_instance.main"]}
	{r.resource | some r in results} == {"aws_s3_bucket.logs"}
}

# --- blast radius

many(n) := [change(sprintf("null_resource.r%d", [i]), "null_resource", "create", {}) | some i in numbers.range(1, n)]

test_blast_radius_over_limit if {
	results := plan.deny_blast_radius with input as plan_in("prod", many(31))
	count(results) == 1
	some r in results
	r.changes == 31
	r.limit == 30
}

test_blast_radius_at_limit_passes if {
	count(plan.deny_blast_radius) == 0 with input as plan_in("prod", many(30))
}

test_blast_radius_default_limit_and_override if {
	count(plan.deny_blast_radius) == 0 with input as plan_in("dev", many(31))
	count(plan.deny_blast_radius) == 1 with input as plan_in("dev", many(31)) with data.paved.config.max_changes as {"default": 5}
}

test_blast_radius_ignores_no_ops if {
	noops := [change(sprintf("null_resource.n%d", [i]), "null_resource", "no-op", {}) | some i in numbers.range(1, 40)]
	count(plan.deny_blast_radius) == 0 with input as plan_in("prod", noops)
}

# --- required tags

test_missing_tags_named if {
	bucket := change("aws_s3_bucket.logs", "aws_s3_bucket", "create", {"bucket": "logs", "tags": {"owner": "team-a"}})
	results := plan.deny_missing_tags with input as plan_in("dev", [bucket])
	count(results) == 1
	some r in results
	r.msg == "aws_s3_bucket.logs: missing required tags: cost-center"
}

test_null_tags_miss_everything if {
	vm := change("aws_instance.web", "aws_instance", "create", {"tags": null})
	results := plan.deny_missing_tags with input as plan_in("dev", [vm])
	some r in results
	r.msg == "aws_instance.web: missing required tags: cost-center, owner"
}

test_tags_all_counts_provider_default_tags if {
	vm := change("aws_instance.web", "aws_instance", "create", {"tags": {}, "tags_all": tagged})
	count(plan.deny_missing_tags) == 0 with input as plan_in("dev", [vm])
}

test_gcp_labels_checked if {
	disk := change("google_compute_disk.d", "google_compute_disk", "create", {"labels": {"owner": "a"}})
	count(plan.deny_missing_tags) == 1 with input as plan_in("dev", [disk])
}

test_untaggable_and_deleted_resources_skipped if {
	rule := change("aws_security_group_rule.r", "aws_security_group_rule", "create", {"type": "ingress"})
	gone := change("aws_instance.old", "aws_instance", "delete", null)
	count(plan.deny_missing_tags) == 0 with input as plan_in("dev", [rule, gone])
}

test_waiver_skips_named_resource if {
	bucket := change("aws_s3_bucket.logs", "aws_s3_bucket", "create", {"tags": {}})
	count(plan.deny_missing_tags) == 0 with input as plan_in("dev", [bucket])
		with data.paved.config.waivers as {"missing_tags": ["aws_s3_bucket.logs"]}
}

# --- regions

test_regions_unrestricted_by_default if {
	vm := change("aws_instance.web", "aws_instance", "create", {"region": "ap-south-1"})
	count(plan.deny_region) == 0 with input as plan_in("dev", [vm])
}

test_region_outside_allowed_list if {
	vm := change("aws_instance.web", "aws_instance", "create", {"region": "ap-south-1"})
	ok := change("aws_instance.ok", "aws_instance", "create", {"region": "eu-west-1"})
	results := plan.deny_region with input as plan_in("dev", [vm, ok]) with data.paved.config.allowed_regions as ["eu-west-1"]
	{r.resource | some r in results} == {"aws_instance.web"}
}

test_azure_location_spelling_normalised if {
	rg := change("azurerm_resource_group.rg", "azurerm_resource_group", "create", {"location": "West Europe"})
	count(plan.deny_region) == 0 with input as plan_in("dev", [rg]) with data.paved.config.allowed_regions as ["westeurope"]
}

# --- public storage

test_public_s3_acl if {
	bucket := change("aws_s3_bucket.site", "aws_s3_bucket", "create", {"acl": "public-read"})
	results := plan.deny_public_storage with input as plan_in("dev", [bucket])
	some r in results
	r.resource == "aws_s3_bucket.site"
}

test_private_s3_acl_passes if {
	bucket := change("aws_s3_bucket.site", "aws_s3_bucket", "create", {"acl": "private"})
	count(plan.deny_public_storage) == 0 with input as plan_in("dev", [bucket])
}

test_public_access_block_turned_off if {
	block := change("aws_s3_bucket_public_access_block.b", "aws_s3_bucket_public_access_block", "update", {
		"block_public_acls": true, "block_public_policy": false,
		"ignore_public_acls": true, "restrict_public_buckets": false,
	})
	results := plan.deny_public_storage with input as plan_in("dev", [block])
	some r in results
	contains(r.msg, "block_public_policy, restrict_public_buckets")
}

test_gcs_all_users_member if {
	member := change("google_storage_bucket_iam_member.m", "google_storage_bucket_iam_member", "create", {"member": "allUsers", "role": "roles/storage.objectViewer"})
	binding := change("google_storage_bucket_iam_binding.b", "google_storage_bucket_iam_binding", "create", {"members": ["user:a@example.com"]})
	results := plan.deny_public_storage with input as plan_in("dev", [member, binding])
	{r.resource | some r in results} == {"google_storage_bucket_iam_member.m"}
}

test_azure_public_blobs_and_containers if {
	account := change("azurerm_storage_account.sa", "azurerm_storage_account", "create", {"allow_nested_items_to_be_public": true})
	container := change("azurerm_storage_container.c", "azurerm_storage_container", "create", {"container_access_type": "blob"})
	private := change("azurerm_storage_container.p", "azurerm_storage_container", "create", {"container_access_type": "private"})
	results := plan.deny_public_storage with input as plan_in("dev", [account, container, private])
	{r.resource | some r in results} == {"azurerm_storage_account.sa", "azurerm_storage_container.c"}
}

# --- admin ports open to the world

test_ssh_open_to_world_in_security_group if {
	sg := change("aws_security_group.bastion", "aws_security_group", "create", {"ingress": [
		{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []},
		{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []},
	]})
	results := plan.deny_open_admin_port with input as plan_in("dev", [sg])
	some r in results
	r.msg == "aws_security_group.bastion: allows ingress from anywhere to admin port(s) 22"
}

test_https_only_and_private_ssh_pass if {
	sg := change("aws_security_group.web", "aws_security_group", "create", {"ingress": [
		{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"]},
		{"from_port": 22, "to_port": 22, "protocol": "tcp", "cidr_blocks": ["10.0.0.0/8"]},
	]})
	count(plan.deny_open_admin_port) == 0 with input as plan_in("dev", [sg])
}

test_all_protocols_rule_opens_everything if {
	rule := change("aws_security_group_rule.all", "aws_security_group_rule", "create", {"type": "ingress", "from_port": 0, "to_port": 0, "protocol": "-1", "ipv6_cidr_blocks": ["::/0"]})
	results := plan.deny_open_admin_port with input as plan_in("dev", [rule])
	some r in results
	contains(r.msg, "22, 23, 1433")
}

test_vpc_ingress_rule_rdp if {
	rule := change("aws_vpc_security_group_ingress_rule.rdp", "aws_vpc_security_group_ingress_rule", "create", {"cidr_ipv4": "0.0.0.0/0", "from_port": 3389, "to_port": 3389, "ip_protocol": "tcp"})
	count(plan.deny_open_admin_port) == 1 with input as plan_in("dev", [rule])
}

test_azure_nsg_rule_range if {
	rule := change("azurerm_network_security_rule.r", "azurerm_network_security_rule", "create", {
		"direction": "Inbound", "access": "Allow", "source_address_prefix": "Internet",
		"destination_port_range": "20-25",
	})
	results := plan.deny_open_admin_port with input as plan_in("dev", [rule])
	some r in results
	contains(r.msg, "22, 23")
}

test_gcp_firewall if {
	fw := change("google_compute_firewall.ssh", "google_compute_firewall", "create", {"source_ranges": ["0.0.0.0/0"], "allow": [{"protocol": "tcp", "ports": ["22"]}]})
	internal := change("google_compute_firewall.int", "google_compute_firewall", "create", {"source_ranges": ["10.0.0.0/8"], "allow": [{"protocol": "tcp", "ports": ["22"]}]})
	results := plan.deny_open_admin_port with input as plan_in("dev", [fw, internal])
	{r.resource | some r in results} == {"google_compute_firewall.ssh"}
}

# --- encryption at rest

test_unencrypted_volume_and_database if {
	vol := change("aws_ebs_volume.data", "aws_ebs_volume", "create", {"encrypted": false})
	db := change("aws_db_instance.main", "aws_db_instance", "create", {"engine": "postgres"})
	ok := change("aws_ebs_volume.ok", "aws_ebs_volume", "create", {"encrypted": true})
	results := plan.deny_unencrypted with input as plan_in("dev", [vol, db, ok])
	{r.resource | some r in results} == {"aws_ebs_volume.data", "aws_db_instance.main"}
}

test_encryption_map_is_data_driven if {
	disk := change("google_compute_disk.d", "google_compute_disk", "create", {})
	count(plan.deny_unencrypted) == 1 with input as plan_in("dev", [disk]) with data.paved.config.encryption as {"google_compute_disk": "disk_encryption_key"}
}

# --- instance sizes per environment

test_instance_size_not_allowed_in_dev if {
	vm := change("aws_instance.big", "aws_instance", "create", {"instance_type": "m5.24xlarge"})
	results := plan.deny_instance_size with input as plan_in("dev", [vm])
	some r in results
	r.resource == "aws_instance.big"
}

test_instance_size_pattern_allowed if {
	vm := change("aws_instance.small", "aws_instance", "create", {"instance_type": "t4g.nano"})
	count(plan.deny_instance_size) == 0 with input as plan_in("dev", [vm])
}

test_environment_without_list_allows_any_size if {
	vm := change("aws_instance.big", "aws_instance", "create", {"instance_type": "m5.24xlarge"})
	count(plan.deny_instance_size) == 0 with input as plan_in("prod", [vm])
}
