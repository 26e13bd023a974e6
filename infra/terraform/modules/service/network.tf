# The security group itself comes from the network module, so that services
# can name each other as callers before any of them exists.

resource "aws_vpc_security_group_ingress_rule" "callers" {
  for_each                     = var.callers
  security_group_id            = var.security_group_id
  description                  = "${each.key} calls ${var.service}"
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
  referenced_security_group_id = each.value
}

resource "aws_vpc_security_group_egress_rule" "endpoints" {
  security_group_id = var.security_group_id
  description       = "HTTPS to the interface VPC endpoints (ECR, Secrets Manager, Logs, Cognito)"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_vpc_security_group_egress_rule" "gateway_endpoints" {
  for_each          = var.gateway_prefix_list_ids
  security_group_id = var.security_group_id
  description       = "HTTPS to the ${each.key} gateway endpoint"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  prefix_list_id    = each.value
}

resource "aws_vpc_security_group_egress_rule" "services" {
  count             = var.calls_services ? 1 : 0
  security_group_id = var.security_group_id
  description       = "Calls to the other services (each admits only its own callers)"
  ip_protocol       = "tcp"
  from_port         = var.container_port
  to_port           = var.container_port
  cidr_ipv4         = var.vpc_cidr_block
}
