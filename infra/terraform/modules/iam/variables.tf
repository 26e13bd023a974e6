variable "name" {
  description = "Name prefix, e.g. `cdd-dev`: roles are `<name>-<service>-task` and `<name>-<service>-execution`, repositories `<name>/<service>`."
  type        = string
}

variable "services" {
  description = <<-EOT
    What each service's roles may touch, keyed by service name:
    - `table_arn`: its DynamoDB table (and the table's indexes);
    - `data_kms_key_arn`: its own key (table and bucket encryption), used only through DynamoDB and S3;
    - `buckets`: bucket ARN, the one `prefix` it may touch ("" for the whole bucket), whether it may `write`,
      and whether it may set object-lock `legal_hold` and retention;
    - `runtime_secret_arns`: secrets the application reads itself (task role);
    - `injected_secret_arns`: secrets ECS injects as environment variables (execution role);
    - `log_group_name`: the CloudWatch log group its container writes to.
  EOT
  type = map(object({
    table_arn        = string
    data_kms_key_arn = string
    buckets = optional(list(object({
      arn        = string
      prefix     = string
      write      = bool
      legal_hold = optional(bool, false)
    })), [])
    runtime_secret_arns  = optional(list(string), [])
    injected_secret_arns = optional(list(string), [])
    log_group_name       = string
  }))
}

variable "secrets_kms_key_arn" {
  description = "Key that encrypts the Secrets Manager secrets (decrypt is allowed only through Secrets Manager)."
  type        = string
}

variable "ecr_kms_key_arn" {
  description = "Key that encrypts the ECR repositories."
  type        = string
}

variable "force_delete_repositories" {
  description = "Let `terraform destroy` delete repositories that still hold images (disposable environments only)."
  type        = bool
  default     = false
}

variable "untagged_image_days" {
  description = "Untagged images (left behind by re-pushed layers) are expired after this many days."
  type        = number
  default     = 7
}

variable "kept_images" {
  description = "How many tagged images each repository keeps (the rest expire, oldest first)."
  type        = number
  default     = 100
}

variable "create_codedeploy_role" {
  description = "Create the service role CodeDeploy uses for blue/green deployments (environments with canary deployments)."
  type        = bool
  default     = false
}
