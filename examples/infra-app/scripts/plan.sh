#!/usr/bin/env bash
# The plan half of the paved scripts contract, for a demo project that needs no cloud and no
# terraform: it writes what `terraform show -json tfplan` would print for this project to the file
# named by $PLAN_JSON. A real project runs its tool here, e.g.
#   terraform plan -out=tfplan -var-file="env/${PAVED_ENVIRONMENT}.tfvars" && terraform show -json tfplan > "$PLAN_JSON"
set -euo pipefail

: "${PLAN_JSON:?PLAN_JSON must name the file to write the plan to}"
env="${PAVED_ENVIRONMENT:-dev}"

case "$env" in
  prod|production) replicas=6; size="db.r6g.large" ;;
  staging)         replicas=2; size="db.t4g.medium" ;;
  *)               replicas=1; size="db.t4g.small" ;;
esac

echo "planning infra-app for ${env} (${replicas} replicas, ${size})" >&2

# Production still has the queue the app stopped using; removing it is a delete that apply will
# refuse in a protected environment until someone passes --allow-deletes.
legacy_queue=""
if [ "$env" = "prod" ] || [ "$env" = "production" ]; then
  legacy_queue=',
    {
      "address": "aws_sqs_queue.legacy_jobs",
      "mode": "managed", "type": "aws_sqs_queue", "name": "legacy_jobs",
      "provider_name": "registry.terraform.io/hashicorp/aws",
      "change": {
        "actions": ["delete"],
        "before": { "name": "infra-app-'"$env"'-legacy-jobs", "visibility_timeout_seconds": 30 },
        "after": null, "after_unknown": {}, "before_sensitive": {}, "after_sensitive": false
      },
      "action_reason": "delete_because_no_resource_config"
    }'
fi

cat > "$PLAN_JSON" <<JSON
{
  "format_version": "1.2",
  "terraform_version": "1.9.5",
  "variables": {
    "environment": { "value": "${env}" },
    "replicas": { "value": ${replicas} },
    "db_password": { "value": "example-only-not-a-real-password-${env}" }
  },
  "planned_values": { "outputs": { "bucket": { "sensitive": false }, "db_url": { "sensitive": true } }, "root_module": {} },
  "resource_changes": [
    {
      "address": "aws_s3_bucket.assets",
      "mode": "managed", "type": "aws_s3_bucket", "name": "assets",
      "provider_name": "registry.terraform.io/hashicorp/aws",
      "change": {
        "actions": ["create"],
        "before": null,
        "after": { "bucket": "infra-app-${env}-assets", "force_destroy": false, "tags": { "app": "infra-app", "env": "${env}", "owner": "team-shop", "cost-center": "cc-1234" } },
        "after_unknown": { "arn": true, "id": true, "bucket_domain_name": true },
        "before_sensitive": false, "after_sensitive": { "tags": {} }
      }
    },
    {
      "address": "module.app.aws_ecs_service.web",
      "module_address": "module.app",
      "mode": "managed", "type": "aws_ecs_service", "name": "web",
      "provider_name": "registry.terraform.io/hashicorp/aws",
      "change": {
        "actions": ["update"],
        "before": { "name": "infra-app-${env}-web", "desired_count": 1, "task_definition": "infra-app:41" },
        "after": { "name": "infra-app-${env}-web", "desired_count": ${replicas}, "task_definition": "infra-app:42" },
        "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}
      }
    },
    {
      "address": "aws_db_instance.main",
      "mode": "managed", "type": "aws_db_instance", "name": "main",
      "provider_name": "registry.terraform.io/hashicorp/aws",
      "change": {
        "actions": ["update"],
        "before": { "identifier": "infra-app-${env}", "instance_class": "db.t4g.small", "storage_encrypted": true, "password": "example-only-not-a-real-password-${env}" },
        "after": { "identifier": "infra-app-${env}", "instance_class": "${size}", "storage_encrypted": true, "password": "example-only-not-a-real-password-${env}" },
        "after_unknown": {}, "before_sensitive": { "password": true }, "after_sensitive": { "password": true }
      }
    },
    {
      "address": "data.aws_caller_identity.current",
      "mode": "data", "type": "aws_caller_identity", "name": "current",
      "provider_name": "registry.terraform.io/hashicorp/aws",
      "change": { "actions": ["read"], "before": null, "after": {}, "after_unknown": { "account_id": true } },
      "action_reason": "read_because_config_unknown"
    }${legacy_queue}
  ],
  "output_changes": {
    "bucket": { "actions": ["create"], "before": null, "after": "infra-app-${env}-assets", "after_unknown": false, "before_sensitive": false, "after_sensitive": false },
    "db_url": { "actions": ["no-op"], "before": "postgres://app:example-only@db.${env}.internal/app", "after": "postgres://app:example-only@db.${env}.internal/app", "after_unknown": false, "before_sensitive": true, "after_sensitive": true }
  },
  "configuration": { "root_module": { "variables": { "environment": {}, "replicas": {}, "db_password": { "sensitive": true } }, "outputs": { "db_url": { "sensitive": true } } } },
  "applyable": true,
  "complete": true,
  "errored": false
}
JSON
