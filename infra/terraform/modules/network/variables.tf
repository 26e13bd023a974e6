variable "name" {
  description = "Name prefix for every resource of this network, e.g. `cdd-dev`."
  type        = string
}

variable "cidr_block" {
  description = "The VPC's IPv4 CIDR. Each environment has its own, so that they can be peered or routed later without overlap."
  type        = string

  validation {
    condition     = can(cidrhost(var.cidr_block, 0)) && tonumber(split("/", var.cidr_block)[1]) <= 20
    error_message = "cidr_block must be a valid IPv4 CIDR of /20 or larger (the module carves /24 public and larger private subnets out of it)."
  }
}

variable "availability_zones" {
  description = "Availability zones (names) that get a private (tasks) and a public (load balancer) subnet. Named, not discovered, so that a zone AWS adds later never moves a subnet."
  type        = list(string)

  validation {
    condition     = length(var.availability_zones) >= 2 && length(var.availability_zones) <= 4
    error_message = "Between 2 and 4 availability zones: tasks and the load balancer need at least two."
  }
}

variable "interface_endpoints" {
  description = "Services reached through interface VPC endpoints from the private subnets (the tasks have no route to the internet). `cognito-idp` carries the staff pool's OIDC discovery document and JWKS (`cognito-idp.<region>.amazonaws.com/<pool id>/.well-known/...`) and its API; it only serves pools without a domain."
  type        = set(string)
  default     = ["ecr.api", "ecr.dkr", "secretsmanager", "logs", "cognito-idp"]
}

variable "gateway_endpoints" {
  description = "Services reached through gateway VPC endpoints (free, routed through the private route table)."
  type        = set(string)
  default     = ["s3", "dynamodb"]
}

variable "s3_endpoint_bucket_arns" {
  description = "Bucket ARNs (and `/*` object ARNs) the S3 gateway endpoint lets the tasks reach. The ECR layer bucket of the region is always added: image pulls need it."
  type        = list(string)
}

variable "flow_log_retention_days" {
  description = "Retention of the VPC flow log group, in days."
  type        = number
  default     = 365
}

variable "logs_kms_key_arn" {
  description = "KMS key that encrypts the flow log group (its key policy must admit the CloudWatch Logs service)."
  type        = string
}

variable "workloads" {
  description = "Workloads (the services) that get a security group of their own, without rules: each service module adds who may call it and what it may reach."
  type        = set(string)
  default     = []
}
