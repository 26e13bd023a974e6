output "ecs_service_name" {
  description = "Name of the ECS service in the cluster."
  value       = local.ecs_service_name
}

output "task_definition_family" {
  description = "Task definition family; the pipeline registers new revisions in it."
  value       = aws_ecs_task_definition.this.family
}

output "task_definition_arn" {
  description = "Newest revision of the family (the one deployed, or to deploy)."
  value       = aws_ecs_task_definition.this.arn
}

output "image_tag_parameter" {
  description = "SSM parameter holding the deployed image tag, written by the pipeline."
  value       = aws_ssm_parameter.image_tag.name
}

output "codedeploy" {
  description = "CodeDeploy application and deployment group of a blue/green service, or null."
  value = local.rolling ? null : {
    application      = aws_codedeploy_app.this[0].name
    deployment_group = aws_codedeploy_deployment_group.this[0].deployment_group_name
  }
}
