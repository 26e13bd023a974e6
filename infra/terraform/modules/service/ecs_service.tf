/**
 * The ECS service, in one of two shapes (lifecycle rules cannot be chosen
 * by a variable, hence two resources of which exactly one exists):
 * - rolling: ECS replaces tasks itself; the circuit breaker and the
 *   deployment alarms roll a failed deployment back;
 * - blue/green: CodeDeploy starts the green task set and shifts traffic
 *   (canary), so it, not Terraform, owns the running task definition and the
 *   live target group.
 */

locals {
  rolling = var.blue_green == null
  # The green target group of a blue/green service, else null. (Not try():
  # it turns a value with unknown parts into an unknown, and counts then fail.)
  green_target_group = var.load_balancer == null ? null : var.load_balancer.green
  # ECS wants the target group on a listener before the service points at it;
  # the edge module's target group output already waits for that.
  load_balancers = var.load_balancer == null ? [] : [var.load_balancer.blue]
}

resource "aws_ecs_service" "rolling" {
  count = local.rolling ? 1 : 0

  name                               = var.service
  cluster                            = var.cluster_arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.desired_count
  platform_version                   = var.platform_version
  propagate_tags                     = "SERVICE"
  enable_ecs_managed_tags            = true
  enable_execute_command             = false
  health_check_grace_period_seconds  = var.load_balancer == null ? null : 30
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  # After a zone outage, move tasks back so that every zone carries its share.
  availability_zone_rebalancing = "ENABLED"

  deployment_controller {
    type = "ECS"
  }

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  dynamic "alarms" {
    for_each = length(local.deployment_alarm_names) == 0 ? [] : [local.deployment_alarm_names]

    content {
      alarm_names = alarms.value
      enable      = true
      rollback    = true
    }
  }

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.security_group_id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = local.load_balancers

    content {
      target_group_arn = load_balancer.value.arn
      container_name   = var.service
      container_port   = var.container_port
    }
  }

  dynamic "service_registries" {
    for_each = aws_service_discovery_service.this

    content {
      registry_arn   = service_registries.value.arn
      container_name = var.service
      container_port = var.container_port
    }
  }

  lifecycle {
    # Autoscaling owns the task count once the service exists.
    ignore_changes = [desired_count]
  }
}

resource "aws_ecs_service" "blue_green" {
  count = local.rolling ? 0 : 1

  name                               = var.service
  cluster                            = var.cluster_arn
  task_definition                    = aws_ecs_task_definition.this.arn
  desired_count                      = var.desired_count
  platform_version                   = var.platform_version
  propagate_tags                     = "SERVICE"
  enable_ecs_managed_tags            = true
  enable_execute_command             = false
  health_check_grace_period_seconds  = 30
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_controller {
    type = "CODE_DEPLOY"
  }

  dynamic "capacity_provider_strategy" {
    for_each = var.capacity_provider_strategy

    content {
      capacity_provider = capacity_provider_strategy.value.capacity_provider
      base              = capacity_provider_strategy.value.base
      weight            = capacity_provider_strategy.value.weight
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.security_group_id]
    assign_public_ip = false
  }

  dynamic "load_balancer" {
    for_each = local.load_balancers

    content {
      target_group_arn = load_balancer.value.arn
      container_name   = var.service
      container_port   = var.container_port
    }
  }

  lifecycle {
    # CodeDeploy swaps the task set and the live target group on every
    # deployment; autoscaling owns the count.
    ignore_changes = [desired_count, task_definition, load_balancer]

    precondition {
      condition     = local.green_target_group != null && var.service_discovery == null
      error_message = "A blue/green service needs a load balancer with a green target group, and cannot register in Cloud Map (CodeDeploy supports only services behind a load balancer)."
    }
  }
}

locals {
  ecs_service_name = local.rolling ? aws_ecs_service.rolling[0].name : aws_ecs_service.blue_green[0].name
}
