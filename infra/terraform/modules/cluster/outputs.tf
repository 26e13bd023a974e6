output "cluster_name" {
  description = "ECS cluster name."
  value       = aws_ecs_cluster.this.name
}

output "cluster_arn" {
  description = "ECS cluster ARN."
  value       = aws_ecs_cluster.this.arn
}

output "capacity_provider_strategy" {
  description = "The cluster's default capacity provider strategy, for services to repeat explicitly."
  value = concat(
    [{ capacity_provider = "FARGATE", base = 1, weight = 1 }],
    var.spot_weight > 0 ? [{ capacity_provider = "FARGATE_SPOT", base = 0, weight = var.spot_weight }] : [],
  )
  # Services may only name providers the cluster already has.
  depends_on = [aws_ecs_cluster_capacity_providers.this]
}

output "namespace_id" {
  description = "Cloud Map namespace ID (services register in it)."
  value       = aws_service_discovery_private_dns_namespace.this.id
}

output "namespace_name" {
  description = "Cloud Map namespace name, the services' CDD_NAMESPACE."
  value       = aws_service_discovery_private_dns_namespace.this.name
}
