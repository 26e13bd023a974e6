/**
 * Target tracking on CPU for every service, and on requests per task for a
 * service behind the load balancer (both target groups of a blue/green
 * service are summed: outside a deployment one of them is idle).
 */

locals {
  scaling = {
    service_namespace  = "ecs"
    scalable_dimension = "ecs:service:DesiredCount"
    resource_id        = "service/${var.cluster_name}/${local.ecs_service_name}"
  }
}

resource "aws_appautoscaling_target" "this" {
  service_namespace  = local.scaling.service_namespace
  scalable_dimension = local.scaling.scalable_dimension
  resource_id        = local.scaling.resource_id
  min_capacity       = var.min_count
  max_capacity       = var.max_count
}

resource "aws_appautoscaling_policy" "cpu" {
  name               = "${local.family}-cpu"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = local.scaling.service_namespace
  scalable_dimension = local.scaling.scalable_dimension
  resource_id        = local.scaling.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.cpu_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    predefined_metric_specification {
      predefined_metric_type = "ECSServiceAverageCPUUtilization"
    }
  }

  depends_on = [aws_appautoscaling_target.this]
}

resource "aws_appautoscaling_policy" "requests" {
  count              = var.load_balancer == null ? 0 : 1
  name               = "${local.family}-requests"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = local.scaling.service_namespace
  scalable_dimension = local.scaling.scalable_dimension
  resource_id        = local.scaling.resource_id

  target_tracking_scaling_policy_configuration {
    target_value       = var.requests_per_task_target
    scale_in_cooldown  = 300
    scale_out_cooldown = 60

    dynamic "predefined_metric_specification" {
      for_each = local.green_target_group == null ? [var.load_balancer] : []

      content {
        predefined_metric_type = "ALBRequestCountPerTarget"
        resource_label         = "${predefined_metric_specification.value.load_balancer_arn_suffix}/${predefined_metric_specification.value.blue.arn_suffix}"
      }
    }

    dynamic "customized_metric_specification" {
      for_each = local.green_target_group == null ? [] : [var.load_balancer]

      content {
        metrics {
          id          = "blue"
          return_data = false

          metric_stat {
            stat = "Sum"

            metric {
              namespace   = "AWS/ApplicationELB"
              metric_name = "RequestCountPerTarget"

              dimensions {
                name  = "TargetGroup"
                value = customized_metric_specification.value.blue.arn_suffix
              }
            }
          }
        }

        metrics {
          id          = "green"
          return_data = false

          metric_stat {
            stat = "Sum"

            metric {
              namespace   = "AWS/ApplicationELB"
              metric_name = "RequestCountPerTarget"

              dimensions {
                name  = "TargetGroup"
                value = customized_metric_specification.value.green.arn_suffix
              }
            }
          }
        }

        metrics {
          id          = "requests"
          label       = "Requests per task, both target groups"
          expression  = "FILL(blue, 0) + FILL(green, 0)"
          return_data = true
        }
      }
    }
  }

  depends_on = [aws_appautoscaling_target.this]
}
