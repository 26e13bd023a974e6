/**
 * The environment's ECS cluster (Container Insights on, FARGATE and
 * FARGATE_SPOT capacity providers) and the Cloud Map private DNS namespace
 * `<env>.cdd.local` in which the services find each other.
 */

resource "aws_cloudwatch_log_group" "exec" {
  name              = "/${var.name}/ecs-exec"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  # No service enables ECS Exec; should one be switched on for an incident,
  # its sessions are encrypted and written to an audit log.
  configuration {
    execute_command_configuration {
      kms_key_id = var.logs_kms_key_arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
      }
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    base              = 1
    weight            = 1
  }

  dynamic "default_capacity_provider_strategy" {
    for_each = var.spot_weight > 0 ? [var.spot_weight] : []

    content {
      capacity_provider = "FARGATE_SPOT"
      weight            = default_capacity_provider_strategy.value
    }
  }
}

resource "aws_service_discovery_private_dns_namespace" "this" {
  name        = var.namespace
  description = "Service discovery for ${var.name}: <service>.${var.namespace} (SRV and A)."
  vpc         = var.vpc_id
}
