output "api_url" {
  description = "Public base URL of the platform's API."
  value       = "https://${local.api_fqdn}"
}

output "name_servers" {
  description = "Name servers of the created zone, to delegate from the parent domain (empty when `zone_id` was given)."
  value       = var.zone_id == null ? aws_route53_zone.public[0].name_servers : []
}

output "load_balancer_arn_suffix" {
  description = "The load balancer's ARN suffix (CloudWatch dimension `LoadBalancer`)."
  value       = aws_lb.this.arn_suffix
}

output "load_balancer_dns_name" {
  description = "The load balancer's own DNS name."
  value       = aws_lb.this.dns_name
}

output "security_group_id" {
  description = "The load balancer's security group: routed services admit it on the container port."
  value       = aws_security_group.alb.id
}

output "https_listener_arn" {
  description = "Production HTTPS listener."
  value       = local.https_listener_arn
}

output "test_listener_arn" {
  description = "Test listener of blue/green deployments, or null."
  value       = var.blue_green ? aws_lb_listener.test[0].arn : null
}

output "target_groups" {
  description = <<-EOT
    Target groups by routed service: `blue` (the one the service starts with)
    and `green` (blue/green default service only, else null), each with
    `arn`, `name` and `arn_suffix` (CloudWatch dimension `TargetGroup`).
  EOT
  value = {
    for service in local.routed_services : service => {
      blue = {
        arn        = aws_lb_target_group.this[service].arn
        name       = aws_lb_target_group.this[service].name
        arn_suffix = aws_lb_target_group.this[service].arn_suffix
      }
      green = var.blue_green && service == var.default_service ? {
        arn        = aws_lb_target_group.this["${service}-green"].arn
        name       = aws_lb_target_group.this["${service}-green"].name
        arn_suffix = aws_lb_target_group.this["${service}-green"].arn_suffix
      } : null
    }
  }
  # ECS refuses a target group that no listener uses yet.
  depends_on = [aws_lb_listener.https, aws_lb_listener.https_blue_green, aws_lb_listener.test, aws_lb_listener_rule.path]
}
