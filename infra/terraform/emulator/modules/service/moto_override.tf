# Emulator run only (scripts/check-terraform copies this next to the module
# in a scratch copy; Terraform merges *_override.tf files into the module).
# Each entry is a gap of the moto server, not of the configuration: see
# infra/README.md, "Emulator".

# moto has no ListTagsForResource for Application Auto Scaling, which the
# provider calls after every create: leave scaling out of the emulator run.
resource "aws_appautoscaling_target" "this" {
  count = 0
}

resource "aws_appautoscaling_policy" "cpu" {
  count = 0
}

resource "aws_appautoscaling_policy" "requests" {
  count = 0
}

# moto's ECS service does not keep the capacity provider strategy (it reports
# launch type EC2), managed tags, the health check grace period, zone
# rebalancing or the registry port.
resource "aws_ecs_service" "rolling" {
  lifecycle {
    ignore_changes = [
      capacity_provider_strategy,
      enable_ecs_managed_tags,
      health_check_grace_period_seconds,
      availability_zone_rebalancing,
      service_registries,
    ]
  }
}

# moto drops the description of rules that reference a security group or a
# prefix list, and prefixes referenced groups with the account id.
resource "aws_vpc_security_group_ingress_rule" "callers" {
  lifecycle {
    ignore_changes = [description, referenced_security_group_id]
  }
}

resource "aws_vpc_security_group_egress_rule" "gateway_endpoints" {
  lifecycle {
    ignore_changes = [description]
  }
}
