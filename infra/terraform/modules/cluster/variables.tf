variable "name" {
  description = "Cluster name, e.g. `cdd-dev`."
  type        = string
}

variable "namespace" {
  description = "Cloud Map private DNS namespace the services register in, e.g. `dev.cdd.local`."
  type        = string
}

variable "vpc_id" {
  description = "VPC whose resolver answers for the namespace."
  type        = string
}

variable "spot_weight" {
  description = "Relative weight of FARGATE_SPOT in the cluster's default strategy (0: every task on FARGATE). One task per service always runs on FARGATE (base 1)."
  type        = number
  default     = 0
}

variable "logs_kms_key_arn" {
  description = "Key that encrypts ECS Exec session logs (ECS Exec itself stays off on every service)."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the ECS Exec audit log group."
  type        = number
  default     = 365
}
