output "task_role_arns" {
  description = "Task role ARN by service (what the application may touch)."
  value       = { for service, role in aws_iam_role.task : service => role.arn }
  # A task started before its policy is attached would fail its first calls.
  depends_on = [aws_iam_role_policy.task]
}

output "execution_role_arns" {
  description = "Execution role ARN by service (what ECS needs to start a task)."
  value       = { for service, role in aws_iam_role.execution : service => role.arn }
  depends_on  = [aws_iam_role_policy.execution]
}

output "repository_urls" {
  description = "ECR repository URL by service; the pipeline pushes `<url>:<build number>`."
  value       = { for service, repo in aws_ecr_repository.this : service => repo.repository_url }
}

output "codedeploy_role_arn" {
  description = "Service role for CodeDeploy blue/green deployments, or null when not created."
  value       = var.create_codedeploy_role ? aws_iam_role.codedeploy[0].arn : null
  depends_on  = [aws_iam_role_policy_attachment.codedeploy]
}
