variable "name" {
  description = "Name prefix, e.g. `cdd-dev`."
  type        = string
}

variable "vpc_id" {
  description = "VPC of the load balancer and its target groups."
  type        = string
}

variable "vpc_cidr_block" {
  description = "The VPC's CIDR: the load balancer may only talk to targets inside it."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets (at least two zones) for the internet-facing load balancer."
  type        = list(string)
}

variable "domain" {
  description = "Public DNS domain of the environment, e.g. `dev.cdd.example.com`; the API answers at `api.<domain>`."
  type        = string
}

variable "zone_id" {
  description = "Existing Route 53 public hosted zone for `domain`. When null, the zone is created here and its name servers must be delegated from the parent domain (see the `name_servers` output) before the certificate can validate."
  type        = string
  default     = null
}

variable "default_service" {
  description = "Service receiving every request that no path route claims."
  type        = string
  default     = "intake"
}

variable "path_routes" {
  description = "Services reached through the load balancer by path, with their ALB path patterns (at most five per service)."
  type        = map(list(string))
  default = {
    documents = ["/v1/documents*", "/v1/customers/*/documents*"]
  }
}

variable "container_port" {
  description = "Port the containers listen on (runtime contract: 8080)."
  type        = number
  default     = 8080
}

variable "health_check_path" {
  description = "Path the target groups probe; readiness, so that a task whose dependencies are down gets no traffic."
  type        = string
  default     = "/health/ready"
}

variable "blue_green" {
  description = "Give the default service a second (green) target group and a test listener for CodeDeploy blue/green deployments. The listener's forward target is then owned by CodeDeploy."
  type        = bool
  default     = false
}

variable "test_listener_port" {
  description = "Port of the test listener through which CodeDeploy's green task set can be checked before traffic shifts."
  type        = number
  default     = 8443
}

variable "test_listener_cidrs" {
  description = "Who may reach the test listener (none by default: the deployment hooks run inside AWS)."
  type        = list(string)
  default     = []
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listeners (TLS 1.2 and 1.3 only)."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion (prod)."
  type        = bool
  default     = true
}

variable "logs_bucket" {
  description = "Bucket receiving the load balancer's access logs under `alb/`."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "Key that encrypts the WAF log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the WAF log group."
  type        = number
  default     = 365
}

variable "rate_limit" {
  description = "Requests one client IP may send in any 5-minute window before WAF blocks it."
  type        = number
  default     = 2000
}
