# GitHub Actions workflow policies (input: a parsed workflow file): token permissions declared,
# third-party actions and reusable workflows pinned to a full commit SHA, no `secrets: inherit`, and
# no checkout of pull-request code in pull_request_target workflows.
package paved.pipeline

import data.paved.lib

pipeline_config := object.get(lib.config, "pipeline", {})

is_github_workflow if {
	is_object(input.jobs)
	input.on
}

# `on` parsed by a YAML 1.1 reader becomes the key true.
is_github_workflow if {
	is_object(input.jobs)
	input[true]
}

triggers := object.get(input, "on", object.get(input, true, {}))

job_steps contains [job_id, i, step] if {
	is_github_workflow
	some job_id, job in input.jobs
	some i, step in object.get(job, "steps", [])
}

finding(policy, where, msg) := {"msg": sprintf("%s: %s", [where, msg]), "resource": where, "policy": policy}

# METADATA
# title: "Workflows declare GITHUB_TOKEN permissions"
# description: "Set a top-level or per-job permissions block, never write-all."
# custom:
#   severity: high
deny_missing_permissions contains finding("missing_permissions", sprintf("jobs.%s", [job_id]), msg) if {
	is_github_workflow
	not "permissions" in object.keys(input)
	some job_id, job in input.jobs
	not "permissions" in object.keys(job)
	not job.uses
	msg := "no permissions set for the GITHUB_TOKEN (add a top-level or job-level permissions: block)"
}

deny_missing_permissions contains finding("missing_permissions", block, "permissions: write-all grants every scope; list only the scopes needed") if {
	is_github_workflow
	some block, perms in permission_blocks
	perms == "write-all"
}

permission_blocks["permissions"] := input.permissions if "permissions" in object.keys(input)

permission_blocks[sprintf("jobs.%s.permissions", [job_id])] := job.permissions if {
	some job_id, job in input.jobs
	"permissions" in object.keys(job)
}

# Local actions (./), docker://image@sha256 and SHA-pinned refs are fixed; trusted owners may use tags.
pinned(uses) if startswith(uses, "./")

pinned(uses) if {
	startswith(uses, "docker://")
	contains(uses, "@sha256:")
}

pinned(uses) if regex.match(`@[0-9a-f]{40}$`, uses)

trusted(uses) if {
	some owner in object.get(pipeline_config, "trusted_action_owners", [])
	startswith(uses, sprintf("%s/", [owner]))
}

# METADATA
# title: "Actions are pinned to a commit SHA"
# description: "Third-party actions and reusable workflows are referenced by a full commit SHA."
# custom:
#   severity: high
deny_unpinned_action contains finding("unpinned_action", sprintf("jobs.%s.steps[%d]", [job_id, i]), msg) if {
	some entry in job_steps
	[job_id, i, step] := entry
	is_string(step.uses)
	not pinned(step.uses)
	not trusted(step.uses)
	msg := sprintf("%s is not pinned to a full commit SHA", [step.uses])
}

deny_unpinned_action contains finding("unpinned_action", sprintf("jobs.%s", [job_id]), msg) if {
	is_github_workflow
	some job_id, job in input.jobs
	is_string(job.uses)
	not pinned(job.uses)
	not trusted(job.uses)
	msg := sprintf("reusable workflow %s is not pinned to a full commit SHA", [job.uses])
}

# METADATA
# title: "Reusable workflows get only the secrets they need"
# description: "Pass secrets by name instead of secrets: inherit."
# custom:
#   severity: high
deny_secrets_inherit contains finding("secrets_inherit", sprintf("jobs.%s", [job_id]), msg) if {
	is_github_workflow
	some job_id, job in input.jobs
	job.secrets == "inherit"
	msg := sprintf("passes every secret to %s (secrets: inherit); pass the ones it needs by name", [job.uses])
}

# METADATA
# title: "pull_request_target does not run pull request code"
# description: "Checking out the PR head in pull_request_target exposes secrets to untrusted code."
# custom:
#   severity: critical
deny_untrusted_checkout contains finding("untrusted_checkout", sprintf("jobs.%s.steps[%d]", [job_id, i]), msg) if {
	"pull_request_target" in trigger_names
	some entry in job_steps
	[job_id, i, step] := entry
	startswith(step.uses, "actions/checkout@")
	ref := object.get(step, ["with", "ref"], "")
	contains(ref, "github.event.pull_request.head")
	msg := "checks out the pull request's code in a pull_request_target workflow, which runs with secrets"
}

trigger_names contains name if {
	is_string(triggers)
	name := triggers
}

trigger_names contains name if {
	is_array(triggers)
	some name in triggers
}

trigger_names contains name if {
	is_object(triggers)
	some name, _ in triggers
}
