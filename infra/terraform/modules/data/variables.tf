variable "name" {
  description = "Name prefix, e.g. `cdd-dev`: tables are `<name>-<service>`, buckets `<name>-<purpose>-<account id>`."
  type        = string
}

variable "tables" {
  description = <<-EOT
    One DynamoDB table per service, keyed by service name. Every table has the
    generic single-table schema (`pk`/`sk` strings, TTL on `expires_at`); the
    value lists the table's global secondary indexes by name: `gsi1` is keyed
    on `gsi1pk`/`gsi1sk`, and so on.
  EOT
  type        = map(list(string))
}

variable "deletion_protection" {
  description = "Protect tables from deletion and keep buckets (no force_destroy). Off only where an environment is torn down routinely."
  type        = bool
  default     = true
}

variable "documents_retention" {
  description = "Default object-lock retention of the documents bucket: `mode` GOVERNANCE (privileged users may shorten it) or COMPLIANCE (nobody can), and `days`."
  type = object({
    mode = string
    days = number
  })
  default = { mode = "COMPLIANCE", days = 3650 }

  validation {
    condition     = contains(["GOVERNANCE", "COMPLIANCE"], var.documents_retention.mode) && var.documents_retention.days >= 1
    error_message = "documents_retention.mode must be GOVERNANCE or COMPLIANCE, and days at least 1."
  }
}

variable "noncurrent_version_days" {
  description = "How long a replaced or deleted object version stays recoverable in the data buckets."
  type        = number
  default     = 90
}

variable "access_log_days" {
  description = "How long S3 and load balancer access logs are kept."
  type        = number
  default     = 365
}

variable "secret_recovery_days" {
  description = "Recovery window of deleted secrets (0 deletes at once; 7 to 30 otherwise)."
  type        = number
  default     = 30
}
