variable "env" {
  description = "Environment name: `dev`, `test` or `prod`."
  type        = string

  validation {
    condition     = contains(["dev", "test", "prod"], var.env)
    error_message = "env must be dev, test or prod."
  }
}

variable "vpc_cidr" {
  description = "The environment's own VPC CIDR (no two environments overlap)."
  type        = string
}

variable "availability_zones" {
  description = "Availability zones used, by name (at least two)."
  type        = list(string)
}

variable "domain" {
  description = "Public DNS domain of the environment; the API is `api.<domain>`."
  type        = string
}

variable "zone_id" {
  description = "Existing Route 53 hosted zone of `domain`, or null to create it (then delegate its name servers)."
  type        = string
  default     = null
}

variable "services" {
  description = "Size and scale of each service: task `cpu` units and `memory` MiB, `desired_count` at creation, autoscaling between `min_count` and `max_count`."
  type = map(object({
    cpu           = number
    memory        = number
    desired_count = number
    min_count     = number
    max_count     = number
  }))

  validation {
    condition     = toset(keys(var.services)) == toset(["intake", "screening", "documents", "letters"])
    error_message = "services must size exactly intake, screening, documents and letters."
  }
}

variable "spot_weight" {
  description = "Weight of FARGATE_SPOT next to FARGATE (base 1 on FARGATE); 0 keeps every task on FARGATE."
  type        = number
  default     = 0
}

variable "canary" {
  description = "Deploy the public entry service (intake) through CodeDeploy canaries (CodeDeployDefault.ECSCanary10Percent5Minutes); the other services roll with circuit breaker and alarms."
  type        = bool
  default     = false
}

variable "deletion_protection" {
  description = "Protect the load balancer and tables from deletion and keep non-empty buckets and repositories on destroy."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of every CloudWatch log group (services, flow logs, WAF, ECS Exec)."
  type        = number
  default     = 365
}

variable "documents_retention" {
  description = "Object-lock default retention of the documents bucket."
  type = object({
    mode = string
    days = number
  })
  default = { mode = "COMPLIANCE", days = 3650 }
}

variable "waf_rate_limit" {
  description = "Requests per client IP per 5 minutes before WAF blocks."
  type        = number
  default     = 2000
}

variable "log_level" {
  description = "RUST_LOG of every service."
  type        = string
  default     = "info"
}

variable "initial_image_tag" {
  description = "Image tag for the first deployment of each service; afterwards the pipeline owns the tag."
  type        = string
  default     = "bootstrap"
}

variable "secret_recovery_days" {
  description = "Recovery window of deleted secrets (0 deletes at once)."
  type        = number
  default     = 30
}

variable "letterhead" {
  description = "The bank's letterhead and signatory on every letter (letters service: CDD_BANK_NAME, CDD_BANK_ADDRESS, CDD_SIGNATORY_NAME, CDD_SIGNATORY_TITLE). At most 4 address lines."
  type = object({
    bank_name       = string
    address_lines   = list(string)
    signatory_name  = string
    signatory_title = string
  })
  validation {
    condition     = length(var.letterhead.address_lines) >= 1 && length(var.letterhead.address_lines) <= 4
    error_message = "letterhead.address_lines must have 1 to 4 lines."
  }
}
