# Kubernetes manifest policies, one manifest document per evaluation: no `latest` (or missing) image
# tags, resource requests/limits set, containers not running as root, probes on long-running workloads.
package paved.kubernetes

import data.paved.lib

k8s := object.get(lib.config, "kubernetes", {})

pod_spec := input.spec if input.kind == "Pod"

pod_spec := input.spec.template.spec if input.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

long_running := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"}

workload := sprintf("%s/%s", [input.kind, object.get(input, ["metadata", "name"], "unnamed")])

containers contains c if some c in object.get(pod_spec, "containers", [])

all_containers contains c if some c in containers

all_containers contains c if some c in object.get(pod_spec, "initContainers", [])

finding(policy, container, msg) := {
	"msg": sprintf("%s: container %q %s", [workload, container.name, msg]),
	"resource": workload,
	"container": container.name,
	"policy": policy,
}

# "nginx", "nginx:latest", "registry:5000/app" have no pinned tag; digests are pinned.
image_tag(image) := "" if contains(image, "@")

image_tag(image) := tag if {
	not contains(image, "@")
	parts := split(image, "/")
	name := parts[count(parts) - 1]
	segments := split(name, ":")
	tag := segments_tag(segments)
}

segments_tag(segments) := segments[1] if {
	count(segments) > 1
} else := "latest"

# METADATA
# title: "Images are pinned"
# description: "Container images need a tag other than latest, or a digest."
# custom:
#   severity: medium
deny_latest_tag contains finding("latest_tag", c, sprintf("uses image %q without a pinned tag (latest)", [c.image])) if {
	some c in all_containers
	image_tag(c.image) == "latest"
	not lib.waived("latest_tag", workload)
}

# METADATA
# title: "Containers set resource requests and limits"
# description: "Every container sets kubernetes.required_resources."
# custom:
#   severity: medium
deny_missing_resources contains finding("missing_resources", c, sprintf("does not set resources %s", [concat(", ", missing)])) if {
	some c in containers
	missing := [r |
		some r in object.get(k8s, "required_resources", [])
		parts := split(r, ".")
		object.get(c, ["resources", parts[0], parts[1]], null) == null
	]
	count(missing) > 0
	not lib.waived("missing_resources", workload)
}

# runAsNonRoot at container level wins over the pod's; a non-zero runAsUser also means non-root.
non_root(c) if c.securityContext.runAsNonRoot == true

non_root(c) if {
	not c.securityContext.runAsNonRoot == false
	pod_spec.securityContext.runAsNonRoot == true
}

non_root(c) if {
	uid := object.get(c, ["securityContext", "runAsUser"], object.get(pod_spec, ["securityContext", "runAsUser"], 0))
	uid > 0
}

runs_as_uid_zero(c) if object.get(c, ["securityContext", "runAsUser"], object.get(pod_spec, ["securityContext", "runAsUser"], null)) == 0

# METADATA
# title: "Containers do not run as root"
# description: "Set securityContext.runAsNonRoot: true (pod or container) and no runAsUser 0."
# custom:
#   severity: high
deny_run_as_root contains finding("run_as_root", c, "may run as root (set securityContext.runAsNonRoot: true)") if {
	some c in all_containers
	not non_root(c)
	not runs_as_uid_zero(c)
	not lib.waived("run_as_root", workload)
}

deny_run_as_root contains finding("run_as_root", c, "runs as UID 0") if {
	some c in all_containers
	runs_as_uid_zero(c)
	not lib.waived("run_as_root", workload)
}

# METADATA
# title: "Long-running containers have probes"
# description: "Deployments, StatefulSets and DaemonSets set kubernetes.required_probes."
# custom:
#   severity: low
warn_missing_probes contains finding("missing_probes", c, sprintf("has no %s", [concat(" or ", missing)])) if {
	input.kind in long_running
	some c in containers
	missing := [p | some p in object.get(k8s, "required_probes", []); not c[p]]
	count(missing) > 0
	not lib.waived("missing_probes", workload)
}
