output "api_url" {
  description = "Public base URL of the API."
  value       = module.edge.api_url
}

output "name_servers" {
  description = "Name servers to delegate the environment's domain to (when the zone was created here)."
  value       = module.edge.name_servers
}

output "namespace" {
  description = "Cloud Map namespace of the environment (CDD_NAMESPACE)."
  value       = module.cluster.namespace_name
}

output "cluster_name" {
  description = "ECS cluster name."
  value       = module.cluster.cluster_name
}

output "repository_urls" {
  description = "ECR repository by service."
  value       = module.iam.repository_urls
}

output "services" {
  description = "Per service what the pipeline needs to deploy it: ECS service name, task definition family, image-tag parameter, CodeDeploy application and group (blue/green only)."
  value = {
    for name, service in module.service : name => {
      ecs_service            = service.ecs_service_name
      task_definition_family = service.task_definition_family
      image_tag_parameter    = service.image_tag_parameter
      codedeploy             = service.codedeploy
    }
  }
}

output "tables" {
  description = "DynamoDB table name by service."
  value       = { for service, table in module.data.tables : service => table.name }
}

output "buckets" {
  description = "Bucket name by purpose."
  value       = { for purpose, bucket in module.data.buckets : purpose => bucket.name }
}

output "sign_in" {
  description = "The staff pool: `user_pool_id` (for admin-create-user), `issuer` (CDD_AUTH_ISSUER), `client_id` (CDD_AUTH_AUDIENCE, the console's app client) and `groups` (group name by role)."
  value = {
    user_pool_id = module.identity.user_pool_id
    issuer       = module.identity.issuer
    client_id    = module.identity.client_id
    groups       = module.identity.groups
  }
}
