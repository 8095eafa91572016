# Unit tests of the Kubernetes manifest policies.
package paved.kubernetes_test

import data.paved.kubernetes as k8s

good_container := {
	"name": "web",
	"image": "ghcr.io/acme/web:1.4.2",
	"resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"memory": "256Mi"}},
	"securityContext": {"runAsNonRoot": true},
	"readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}},
	"livenessProbe": {"httpGet": {"path": "/live", "port": 8080}},
}

deployment(containers) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web"},
	"spec": {"template": {"spec": {"containers": containers}}},
}

all_findings(manifest) := found if {
	found := ((k8s.deny_latest_tag | k8s.deny_missing_resources) | k8s.deny_run_as_root) | k8s.warn_missing_probes with input as manifest
}

test_good_deployment_passes if {
	count(all_findings(deployment([good_container]))) == 0
}

test_latest_and_untagged_images if {
	latest := object.union(good_container, {"name": "a", "image": "nginx:latest"})
	untagged := object.union(good_container, {"name": "b", "image": "registry.local:5000/team/app"})
	pinned := object.union(good_container, {"name": "c", "image": "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
	results := k8s.deny_latest_tag with input as deployment([latest, untagged, pinned])
	{r.container | some r in results} == {"a", "b"}
	some r in results
	r.resource == "Deployment/web"
}

test_init_containers_checked_for_tags if {
	manifest := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [good_container], "initContainers": [{"name": "init", "image": "busybox", "securityContext": {"runAsNonRoot": true}}]}}
	results := k8s.deny_latest_tag with input as manifest
	{r.container | some r in results} == {"init"}
}

test_missing_resources_listed if {
	c := object.remove(good_container, ["resources"])
	results := k8s.deny_missing_resources with input as deployment([c])
	some r in results
	r.msg == `Deployment/web: container "web" does not set resources requests.cpu, requests.memory, limits.memory`
}

test_required_resources_are_data_driven if {
	c := object.union(good_container, {"resources": {"limits": {"memory": "1Gi"}}})
	count(k8s.deny_missing_resources) == 0 with input as deployment([c]) with data.paved.config.kubernetes.required_resources as ["limits.memory"]
}

test_root_by_default if {
	c := object.remove(good_container, ["securityContext"])
	count(k8s.deny_run_as_root) == 1 with input as deployment([c])
}

test_pod_level_non_root_applies if {
	c := object.remove(good_container, ["securityContext"])
	manifest := {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {"securityContext": {"runAsNonRoot": true}, "containers": [c]}}}}
	count(k8s.deny_run_as_root) == 0 with input as manifest
}

test_container_override_to_root_denied if {
	c := object.union(good_container, {"securityContext": {"runAsNonRoot": false}})
	manifest := {"kind": "Deployment", "metadata": {"name": "web"}, "spec": {"template": {"spec": {"securityContext": {"runAsNonRoot": true}, "containers": [c]}}}}
	count(k8s.deny_run_as_root) == 1 with input as manifest
}

test_uid_zero_denied_once if {
	c := object.union(good_container, {"securityContext": {"runAsUser": 0}})
	results := k8s.deny_run_as_root with input as deployment([c])
	count(results) == 1
	some r in results
	contains(r.msg, "runs as UID 0")
}

test_non_zero_uid_is_non_root if {
	c := object.union(good_container, {"securityContext": {"runAsUser": 1000}})
	count(k8s.deny_run_as_root) == 0 with input as deployment([c])
}

test_probes_warned_on_long_running_only if {
	c := object.remove(good_container, ["readinessProbe", "livenessProbe"])
	results := k8s.warn_missing_probes with input as deployment([c])
	some r in results
	contains(r.msg, "has no readinessProbe or livenessProbe")
	job := {"kind": "Job", "metadata": {"name": "once"}, "spec": {"template": {"spec": {"containers": [c]}}}}
	count(k8s.warn_missing_probes) == 0 with input as job
}

test_cronjob_containers_found if {
	c := object.union(good_container, {"image": "alpine"})
	cron := {"kind": "CronJob", "metadata": {"name": "nightly"}, "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [c]}}}}}}
	results := k8s.deny_latest_tag with input as cron
	some r in results
	r.resource == "CronJob/nightly"
}

test_non_workloads_ignored if {
	count(all_findings({"kind": "ConfigMap", "metadata": {"name": "cfg"}, "data": {"a": "b"}})) == 0
}
