# GitLab CI policies (input: a parsed .gitlab-ci.yml): job and default images pinned (no latest or
# missing tag), project includes pinned to a ref, components pinned to a version.
package paved.pipeline

import data.paved.kubernetes

gitlab_reserved := {"default", "include", "stages", "variables", "workflow", "image", "services", "before_script", "after_script", "cache", "spec"}

is_gitlab_ci if {
	not is_github_workflow
	is_object(input)
	some key, job in input
	not key in gitlab_reserved
	is_object(job)
	job.script
}

is_gitlab_ci if {
	not is_github_workflow
	is_object(input)
	input.include
}

image_name(image) := image if is_string(image)

image_name(image) := image.name if is_object(image)

gitlab_images contains ["image", image_name(input.image)] if {
	is_gitlab_ci
	input.image
}

gitlab_images contains ["default.image", image_name(input["default"].image)] if {
	is_gitlab_ci
	input["default"].image
}

gitlab_images contains [sprintf("%s.image", [key]), image_name(job.image)] if {
	is_gitlab_ci
	some key, job in input
	not key in gitlab_reserved
	is_object(job)
	job.image
}

# METADATA
# title: "CI images are pinned"
# description: "GitLab job and default images need a tag other than latest, or a digest."
# custom:
#   severity: medium
deny_unpinned_image contains finding("unpinned_image", loc, sprintf("image %q has no pinned tag (latest)", [image])) if {
	some entry in gitlab_images
	[loc, image] := entry
	not contains(image, "$")
	kubernetes.image_tag(image) == "latest"
}

includes contains inc if {
	is_gitlab_ci
	is_array(input.include)
	some inc in input.include
}

includes contains input.include if {
	is_gitlab_ci
	is_object(input.include)
}

# METADATA
# title: "CI includes are pinned"
# description: "Project includes need a ref; components need a released version."
# custom:
#   severity: medium
deny_unpinned_include contains finding("unpinned_include", "include", msg) if {
	some inc in includes
	inc.project
	not inc.ref
	msg := sprintf("project %s is included without a ref (it follows the default branch)", [inc.project])
}

deny_unpinned_include contains finding("unpinned_include", "include", msg) if {
	some inc in includes
	is_string(inc.component)
	version := component_version(inc.component)
	version in {"", "~latest", "main", "master"}
	msg := sprintf("component %s is not pinned to a released version", [inc.component])
}

component_version(component) := v if {
	contains(component, "@")
	parts := split(component, "@")
	v := parts[count(parts) - 1]
} else := ""

# METADATA
# title: "Remote CI includes cannot be pinned"
# description: "Copy remote includes into a project and include them by ref."
# custom:
#   severity: low
warn_remote_include contains finding("remote_include", "include", sprintf("remote include %s cannot be pinned; copy it into a project and include it by ref", [inc.remote])) if {
	some inc in includes
	is_string(inc.remote)
}
