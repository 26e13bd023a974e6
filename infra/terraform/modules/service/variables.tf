variable "service" {
  description = "Service name (`intake`, `screening`, `documents`, `letters`): container name, Cloud Map name, and the template `infra/task-definitions/<service>.json.tftpl`."
  type        = string
}

variable "name_prefix" {
  description = "Name prefix of the environment, e.g. `cdd-dev`."
  type        = string
}

# ------------------------------------------------------------------ placement

variable "cluster_arn" {
  description = "ECS cluster the service runs in."
  type        = string
}

variable "cluster_name" {
  description = "Name of that cluster (CodeDeploy and autoscaling address it by name)."
  type        = string
}

variable "capacity_provider_strategy" {
  description = "Capacity providers (FARGATE, FARGATE_SPOT) with base and weight."
  type = list(object({
    capacity_provider = string
    base              = number
    weight            = number
  }))
  default = [{ capacity_provider = "FARGATE", base = 1, weight = 1 }]
}

variable "platform_version" {
  description = "Pinned Fargate platform version: a new one is taken on purpose, not whenever AWS moves LATEST."
  type        = string
  default     = "1.4.0"
}

variable "cpu_architecture" {
  description = "CPU architecture the image is built for (X86_64 or ARM64)."
  type        = string
  default     = "X86_64"
}

variable "vpc_cidr_block" {
  description = "The VPC's CIDR: the tasks reach interface endpoints (and, for callers, other services) inside it."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets the tasks are placed in."
  type        = list(string)
}

variable "gateway_prefix_list_ids" {
  description = "Prefix lists of the S3 and DynamoDB gateway endpoints, by endpoint (HTTPS egress to them is allowed)."
  type        = map(string)
}

variable "security_group_id" {
  description = "The tasks' security group (from the network module); this module adds its rules."
  type        = string
}

variable "callers" {
  description = "Security groups allowed to call this service on its port, by a name that says who they are (e.g. `alb`, `intake`). Nothing else may connect."
  type        = map(string)
}

variable "calls_services" {
  description = "Whether this service calls other services (egress on the container port inside the VPC)."
  type        = bool
  default     = false
}

# ------------------------------------------------------------------ container

variable "repository_url" {
  description = "ECR repository of the service's image."
  type        = string
}

variable "initial_image_tag" {
  description = "Image tag of the very first deployment. After that the pipeline owns the tag (see README: task-definition drift) and this value is ignored."
  type        = string
  default     = "bootstrap"
}

variable "task_role_arn" {
  description = "Role the application runs with."
  type        = string
}

variable "execution_role_arn" {
  description = "Role ECS uses to pull the image, write logs and inject secrets."
  type        = string
}

variable "cpu" {
  description = "Task CPU units (256 = 0.25 vCPU)."
  type        = number
}

variable "memory" {
  description = "Task memory in MiB (must suit the CPU size on Fargate)."
  type        = number
}

variable "container_port" {
  description = "Port the container listens on (runtime contract: 8080)."
  type        = number
  default     = 8080
}

variable "environment" {
  description = "Settings common to every service (PORT, CDD_ENV, CDD_BACKEND, AWS_REGION, CDD_NAMESPACE, CDD_LOG_FORMAT, RUST_LOG, CDD_AUTH_SECRET_ID...)."
  type        = map(string)
}

variable "settings" {
  description = "The service's own resource names, as its template expects them (e.g. `table`, `lists_bucket`)."
  type        = map(string)
}

variable "injected_secrets" {
  description = "Environment variables ECS fills from Secrets Manager at start (name => secret ARN). The execution role must be allowed to read exactly these."
  type        = map(string)
  default     = {}
}

variable "logs_kms_key_arn" {
  description = "Key that encrypts the service's log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the service's log group."
  type        = number
  default     = 365
}

# ------------------------------------------------------------------ discovery

variable "service_discovery" {
  description = "Cloud Map registration: the namespace to register in, with A and SRV records of `ttl` seconds (10: the discovery crate caches by it). Null for a service reached only through the load balancer."
  type = object({
    namespace_id = string
    ttl          = optional(number, 10)
  })
  default = null
}

# ------------------------------------------------------------ scale & deploy

variable "desired_count" {
  description = "Tasks at creation; afterwards autoscaling owns the count."
  type        = number
  default     = 2
}

variable "min_count" {
  description = "Fewest tasks autoscaling keeps."
  type        = number
  default     = 2
}

variable "max_count" {
  description = "Most tasks autoscaling starts."
  type        = number
  default     = 4
}

variable "cpu_target" {
  description = "Average CPU utilisation (%) autoscaling aims at."
  type        = number
  default     = 60
}

variable "requests_per_task_target" {
  description = "Requests per task per minute autoscaling aims at (services behind the load balancer)."
  type        = number
  default     = 1000
}

variable "load_balancer" {
  description = <<-EOT
    Target group(s) of a service behind the load balancer, or null.
    `load_balancer_arn_suffix` and each target group's `arn_suffix` feed the
    request-count autoscaling and the deployment alarms; `green` is set for a
    blue/green service only.
  EOT
  type = object({
    load_balancer_arn_suffix = string
    blue = object({
      arn        = string
      name       = string
      arn_suffix = string
    })
    green = optional(object({
      arn        = string
      name       = string
      arn_suffix = string
    }))
  })
  default = null
}

variable "blue_green" {
  description = <<-EOT
    CodeDeploy canary deployments (CodeDeployDefault.ECSCanary10Percent5Minutes
    by default) for a service behind the load balancer, or null for rolling
    deployments with circuit breaker and rollback. CodeDeploy needs the
    production and test listeners and its service role.
  EOT
  type = object({
    codedeploy_role_arn    = string
    prod_listener_arn      = string
    test_listener_arn      = string
    deployment_config_name = optional(string, "CodeDeployDefault.ECSCanary10Percent5Minutes")
  })
  default = null
}

variable "error_alarm_threshold" {
  description = "5xx answers from the service's targets in one minute that mark a deployment as bad."
  type        = number
  default     = 10
}

variable "log_group_name" {
  description = "CloudWatch log group of the container (the execution role is allowed to write exactly this one)."
  type        = string
}
