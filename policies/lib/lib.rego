# Shared helpers for the paved policy library: the data-driven configuration, the plan contract's
# changes and environment, pattern matching and per-resource waivers.
package paved.lib

# The library's knobs (policies/data.json), overridden by a team's own --data file.
# (Read as data.paved.config, not through data.paved, which would include this package itself.)
default config := {}

config := data.paved.config

default approval := {}

approval := data.paved.approval

# The plan contract names the environment in source.environment.
environment := object.get(input, ["source", "environment"], "")

# Changes that leave a resource behind (something to inspect in `after`).
writing_actions := {"create", "update", "replace", "import"}

changes contains change if {
	some change in input.changes
	change.action in writing_actions
	is_object(change.after)
}

# `pattern` is a literal or ends with `*` (a prefix match): "t3.*", "prod-*".
matches(value, pattern) if value == pattern

matches(value, pattern) if {
	endswith(pattern, "*")
	startswith(value, trim_suffix(pattern, "*"))
}

matches_any(value, patterns) if {
	some pattern in patterns
	matches(value, pattern)
}

protected_environment if matches_any(environment, object.get(config, "protected_environments", []))

# A team waives one rule for named resources: {"waivers": {"public_storage": ["aws_s3_bucket.site"]}}.
waived(rule, address) if address in object.get(object.get(config, "waivers", {}), rule, [])

# A finding in the shape conftest reports: msg plus metadata naming the resource and the policy.
finding(policy, address, msg) := {
	"msg": sprintf("%s: %s", [address, msg]),
	"resource": address,
	"policy": policy,
}
