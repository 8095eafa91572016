# Unit tests of the GitHub workflow and GitLab CI policies.
package paved.pipeline_test

import data.paved.pipeline

sha := "b4ffde65f46336ab88eb53be808477a3936bae11"

workflow(extra) := object.union({
	"name": "ci",
	"on": {"push": {"branches": ["main"]}},
	"permissions": {"contents": "read"},
	"jobs": {"build": {"runs-on": "ubuntu-latest", "steps": [
		{"uses": sprintf("actions/checkout@%s", [sha])},
		{"run": "make test"},
	]}},
}, extra)

test_good_workflow_passes if {
	wf := workflow({})
	count(pipeline.deny_missing_permissions) == 0 with input as wf
	count(pipeline.deny_unpinned_action) == 0 with input as wf
	count(pipeline.deny_secrets_inherit) == 0 with input as wf
}

test_missing_permissions_named_per_job if {
	wf := object.remove(workflow({}), ["permissions"])
	results := pipeline.deny_missing_permissions with input as wf
	{r.resource | some r in results} == {"jobs.build"}
}

test_job_level_permissions_suffice if {
	wf := object.union(object.remove(workflow({}), ["permissions"]), {"jobs": {"build": {"permissions": {"contents": "read"}}}})
	count(pipeline.deny_missing_permissions) == 0 with input as wf
}

test_write_all_denied if {
	results := pipeline.deny_missing_permissions with input as workflow({"permissions": "write-all"})
	{r.resource | some r in results} == {"permissions"}
}

test_tag_pinned_action_denied if {
	wf := workflow({"jobs": {"build": {"runs-on": "ubuntu-latest", "steps": [{"uses": "actions/setup-node@v4"}, {"uses": "./.github/actions/local"}]}}})
	results := pipeline.deny_unpinned_action with input as wf
	count(results) == 1
	some r in results
	r.msg == "jobs.build.steps[0]: actions/setup-node@v4 is not pinned to a full commit SHA"
}

test_trusted_owner_may_use_tags if {
	wf := workflow({"jobs": {"build": {"runs-on": "ubuntu-latest", "steps": [{"uses": "actions/setup-node@v4"}]}}})
	count(pipeline.deny_unpinned_action) == 0 with input as wf with data.paved.config.pipeline.trusted_action_owners as ["actions"]
}

test_docker_action_needs_digest if {
	wf := workflow({"jobs": {"build": {"runs-on": "ubuntu-latest", "steps": [
		{"uses": "docker://alpine:3.20"},
		{"uses": "docker://alpine@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
	]}}})
	results := pipeline.deny_unpinned_action with input as wf
	{r.resource | some r in results} == {"jobs.build.steps[0]"}
}

test_reusable_workflow_pin_and_secrets_inherit if {
	wf := workflow({"jobs": {"deploy": {"uses": "acme/platform/.github/workflows/deploy.yml@main", "secrets": "inherit"}}})
	pins := pipeline.deny_unpinned_action with input as wf
	{r.resource | some r in pins} == {"jobs.deploy"}
	inherits := pipeline.deny_secrets_inherit with input as wf
	{r.resource | some r in inherits} == {"jobs.deploy"}
}

test_pull_request_target_checkout_of_head if {
	wf := workflow({"on": ["pull_request_target"], "jobs": {"build": {"runs-on": "ubuntu-latest", "steps": [
		{"uses": sprintf("actions/checkout@%s", [sha]), "with": {"ref": "${{ github.event.pull_request.head.sha }}"}},
	]}}})
	count(pipeline.deny_untrusted_checkout) == 1 with input as wf
	count(pipeline.deny_untrusted_checkout) == 0 with input as workflow({})
}

test_yaml11_on_key_recognised if {
	wf := object.union(object.remove(workflow({}), ["on", "permissions"]), {true: {"push": {}}})
	count(pipeline.deny_missing_permissions) == 1 with input as wf
}

gitlab_ci := {
	"stages": ["test"],
	"default": {"image": "node:20.11-alpine"},
	"include": [
		{"project": "acme/templates", "ref": "v1.2.0", "file": "/quality.yml"},
		{"component": "gitlab.com/acme/components/lint@1.4.0"},
	],
	"test": {"stage": "test", "script": ["npm test"]},
}

test_good_gitlab_ci_passes if {
	count(pipeline.deny_unpinned_image) == 0 with input as gitlab_ci
	count(pipeline.deny_unpinned_include) == 0 with input as gitlab_ci
	count(pipeline.warn_remote_include) == 0 with input as gitlab_ci
}

test_gitlab_latest_and_untagged_images if {
	ci := object.union(gitlab_ci, {"lint": {"image": "golangci/golangci-lint:latest", "script": ["lint"]}, "build": {"image": {"name": "docker"}, "script": ["build"]}, "vars": {"image": "$CI_IMAGE", "script": ["x"]}})
	results := pipeline.deny_unpinned_image with input as ci
	{r.resource | some r in results} == {"lint.image", "build.image"}
}

test_gitlab_unpinned_includes if {
	ci := object.union(gitlab_ci, {"include": [
		{"project": "acme/templates", "file": "/quality.yml"},
		{"component": "gitlab.com/acme/components/lint@~latest"},
		{"remote": "https://example.com/ci.yml"},
	]})
	count(pipeline.deny_unpinned_include) == 2 with input as ci
	count(pipeline.warn_remote_include) == 1 with input as ci
}

test_github_rules_ignore_gitlab_and_back if {
	count(pipeline.deny_missing_permissions) == 0 with input as gitlab_ci
	wf := object.remove(workflow({}), ["permissions"])
	count(pipeline.deny_unpinned_image) == 0 with input as wf
}
