variable "name" {
  description = "Name prefix, e.g. `cdd-dev`: the staff pool is `<name>-staff`, the people app client `<name>-console`."
  type        = string
}

variable "deletion_protection" {
  description = "Refuse to delete the staff pool (and with it every staff account and its MFA enrolment). On in prod; off where an environment is torn down routinely."
  type        = bool
  default     = true
}

variable "roles" {
  description = <<-EOT
    One Cognito group per platform role that people hold, keyed by the role
    name the services know (the right-hand side of CDD_AUTH_ROLE_MAP): the
    group `name` and a `description`. The `service` role has no group on
    purpose: service identity stays with the HS256 key in Secrets Manager.
  EOT
  type = map(object({
    name        = string
    description = string
  }))
  default = {
    clerk           = { name = "cdd-clerks", description = "clerk: submits customers and their documents." }
    analyst         = { name = "cdd-analysts", description = "analyst: reviews alerts and documents, proposes decisions." }
    approver        = { name = "cdd-approvers", description = "approver: approves or rejects a decision another person proposed (four eyes)." }
    senior_manager  = { name = "cdd-senior-managers", description = "senior_manager: approves what the rules reserve for senior management (PEPs) and whatever an approver may." }
    template_author = { name = "cdd-template-authors", description = "template_author: publishes letter templates, and nothing else." }
  }

  validation {
    condition     = !contains(keys(var.roles), "service")
    error_message = "The service role gets no group: services authenticate with the HS256 signing key, never through the staff pool."
  }
}

variable "access_token_hours" {
  description = "Lifetime of access and ID tokens, in hours (1 to 24: the services refuse tokens that live longer than CDD_AUTH_MAX_TOKEN_LIFETIME_SECS, 86400 by default)."
  type        = number
  default     = 1

  validation {
    condition     = var.access_token_hours >= 1 && var.access_token_hours <= 24
    error_message = "access_token_hours must be between 1 and 24."
  }
}

variable "refresh_token_hours" {
  description = "Lifetime of refresh tokens, in hours: how long a signed-in person may stay signed in without entering password and MFA code again (one working day by default)."
  type        = number
  default     = 12
}
