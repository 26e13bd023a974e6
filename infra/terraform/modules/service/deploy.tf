/**
 * What marks a deployment as bad, and who rolls it back: for a service behind
 * the load balancer, alarms on its target groups' 5xx answers and unhealthy
 * targets; ECS (rolling) or CodeDeploy (blue/green) rolls back when one
 * fires. Every rolling service also has the circuit breaker, which rolls back
 * tasks that never get healthy.
 */

locals {
  alarm_target_groups = var.load_balancer == null ? {} : merge(
    { blue = var.load_balancer.blue },
    local.green_target_group == null ? {} : { green = local.green_target_group },
  )
}

resource "aws_cloudwatch_metric_alarm" "target_5xx" {
  for_each            = local.alarm_target_groups
  alarm_name          = "${local.family}-${each.key}-5xx"
  alarm_description   = "${var.service} answers 5xx through the load balancer (${each.key} target group)."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.error_alarm_threshold
  treat_missing_data  = "notBreaching"

  dimensions = {
    LoadBalancer = var.load_balancer.load_balancer_arn_suffix
    TargetGroup  = each.value.arn_suffix
  }
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_targets" {
  for_each            = local.alarm_target_groups
  alarm_name          = "${local.family}-${each.key}-unhealthy"
  alarm_description   = "${var.service} has targets failing the readiness check (${each.key} target group)."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 3
  comparison_operator = "GreaterThanThreshold"
  threshold           = 0
  treat_missing_data  = "notBreaching"

  dimensions = {
    LoadBalancer = var.load_balancer.load_balancer_arn_suffix
    TargetGroup  = each.value.arn_suffix
  }
}

locals {
  deployment_alarm_names = concat(
    [for alarm in aws_cloudwatch_metric_alarm.target_5xx : alarm.alarm_name],
    [for alarm in aws_cloudwatch_metric_alarm.unhealthy_targets : alarm.alarm_name],
  )
}

resource "aws_codedeploy_app" "this" {
  count            = local.rolling ? 0 : 1
  name             = local.family
  compute_platform = "ECS"
}

resource "aws_codedeploy_deployment_group" "this" {
  count                  = local.rolling ? 0 : 1
  app_name               = aws_codedeploy_app.this[0].name
  deployment_group_name  = local.family
  service_role_arn       = var.blue_green.codedeploy_role_arn
  deployment_config_name = var.blue_green.deployment_config_name

  deployment_style {
    deployment_type   = "BLUE_GREEN"
    deployment_option = "WITH_TRAFFIC_CONTROL"
  }

  blue_green_deployment_config {
    deployment_ready_option {
      action_on_timeout = "CONTINUE_DEPLOYMENT"
    }

    terminate_blue_instances_on_deployment_success {
      action                           = "TERMINATE"
      termination_wait_time_in_minutes = 5
    }
  }

  ecs_service {
    cluster_name = var.cluster_name
    service_name = aws_ecs_service.blue_green[0].name
  }

  load_balancer_info {
    target_group_pair_info {
      prod_traffic_route {
        listener_arns = [var.blue_green.prod_listener_arn]
      }

      test_traffic_route {
        listener_arns = [var.blue_green.test_listener_arn]
      }

      target_group {
        name = var.load_balancer.blue.name
      }

      target_group {
        name = var.load_balancer.green.name
      }
    }
  }

  auto_rollback_configuration {
    enabled = true
    events  = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"]
  }

  alarm_configuration {
    enabled = true
    alarms  = local.deployment_alarm_names
  }
}
