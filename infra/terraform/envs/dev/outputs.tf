output "api_url" {
  description = "Public base URL of the API."
  value       = module.platform.api_url
}

output "name_servers" {
  description = "Name servers of the environment's zone, to delegate from the parent domain."
  value       = module.platform.name_servers
}

output "namespace" {
  description = "Cloud Map namespace (CDD_NAMESPACE)."
  value       = module.platform.namespace
}

output "cluster_name" {
  description = "ECS cluster."
  value       = module.platform.cluster_name
}

output "repository_urls" {
  description = "ECR repository by service."
  value       = module.platform.repository_urls
}

output "services" {
  description = "What the pipeline needs to deploy each service."
  value       = module.platform.services
}

output "tables" {
  description = "DynamoDB table by service."
  value       = module.platform.tables
}

output "buckets" {
  description = "Bucket by purpose."
  value       = module.platform.buckets
}

output "sign_in" {
  description = "The staff user pool, the OIDC issuer and the console's app client (README: Sign-in)."
  value       = module.platform.sign_in
}
