variable "name" {
  description = "Bucket name (global: include the account id)."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer managed key for default SSE-KMS encryption (with S3 bucket keys)."
  type        = string
}

variable "object_lock" {
  description = "Default object-lock retention (`mode` GOVERNANCE or COMPLIANCE, `days`), or null for no object lock. Can only be switched on when the bucket is created."
  type = object({
    mode = string
    days = number
  })
  default = null
}

variable "noncurrent_version_days" {
  description = "How long a replaced or deleted object version stays recoverable."
  type        = number
  default     = 90
}

variable "access_log_bucket" {
  description = "Bucket receiving this bucket's S3 server access logs (under `s3/<name>/`); its policy must admit the logging service."
  type        = string
}

variable "force_destroy" {
  description = "Let `terraform destroy` empty the bucket first (disposable environments only; object lock still protects locked versions)."
  type        = bool
  default     = false
}
