/**
 * One microservice on Fargate: its task definition (rendered from
 * infra/task-definitions/<service>.json.tftpl), its ECS service, Cloud Map
 * registration, security group, autoscaling and deployment safety net.
 */

data "aws_region" "current" {}

locals {
  family   = "${var.name_prefix}-${var.service}"
  template = "${path.module}/../../../task-definitions/${var.service}.json.tftpl"
}

# The pipeline owns which image runs: it writes the tag it deployed here, and
# Terraform renders the task definition with whatever tag it finds, so an
# apply never puts an older image back (README: task-definition drift).
resource "aws_ssm_parameter" "image_tag" {
  #checkov:skip=CKV2_AWS_34:An image tag (a build number) is not a secret; a String parameter keeps it readable in plans.
  name           = "/${var.name_prefix}/${var.service}/image-tag"
  description    = "Image tag of ${var.service} deployed by the pipeline."
  type           = "String"
  insecure_value = var.initial_image_tag

  lifecycle {
    ignore_changes = [insecure_value]
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = var.log_group_name
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_ecs_task_definition" "this" {
  family                   = local.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  task_role_arn            = var.task_role_arn
  execution_role_arn       = var.execution_role_arn

  container_definitions = templatefile(local.template, {
    image       = "${var.repository_url}:${aws_ssm_parameter.image_tag.insecure_value}"
    cpu         = var.cpu
    memory      = var.memory
    port        = var.container_port
    log_group   = aws_cloudwatch_log_group.this.name
    region      = data.aws_region.current.name
    environment = var.environment
    secrets     = var.injected_secrets
    settings    = var.settings
  })

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = var.cpu_architecture
  }

  # The root file system is read-only; /tmp is the task's ephemeral storage.
  volume {
    name = "tmp"
  }

  # Compare against the newest revision of the family, which is the one the
  # pipeline registered last, not the one Terraform registered last.
  track_latest = true
  # Keep old revisions: rollbacks (circuit breaker, CodeDeploy) go back to them.
  skip_destroy = true
}
