output "vpc_id" {
  description = "ID of the environment's VPC."
  value       = aws_vpc.this.id
}

output "vpc_cidr_block" {
  description = "The VPC's CIDR (security groups admit endpoint and service traffic from it)."
  value       = aws_vpc.this.cidr_block
}

output "private_subnet_ids" {
  description = "Subnets for the Fargate tasks, one per availability zone."
  value       = aws_subnet.private[*].id
}

output "public_subnet_ids" {
  description = "Subnets for the internet-facing load balancer only."
  value       = aws_subnet.public[*].id
}

output "availability_zones" {
  description = "The zones the subnets are in."
  value       = local.azs
}

output "gateway_prefix_list_ids" {
  description = "Managed prefix list by gateway endpoint (`s3`, `dynamodb`), for security group egress rules."
  value       = { for service, endpoint in aws_vpc_endpoint.gateway : service => endpoint.prefix_list_id }
}

output "flow_log_group_name" {
  description = "CloudWatch log group receiving the VPC flow logs."
  value       = aws_cloudwatch_log_group.flow_logs.name
}

output "workload_security_group_ids" {
  description = "Security group ID by workload (rules are added by the service modules)."
  value       = { for workload, group in aws_security_group.workload : workload => group.id }
}
