# <service>.<namespace>: an A record per healthy task and an SRV record
# `1 1 <port> <task-id>.<service>.<namespace>`, both with a 10 s TTL.
resource "aws_service_discovery_service" "this" {
  count         = var.service_discovery == null ? 0 : 1
  name          = var.service
  force_destroy = true

  dns_config {
    namespace_id   = var.service_discovery.namespace_id
    routing_policy = "MULTIVALUE"

    dns_records {
      type = "A"
      ttl  = var.service_discovery.ttl
    }

    dns_records {
      type = "SRV"
      ttl  = var.service_discovery.ttl
    }
  }

  # ECS reports task health to Cloud Map: unhealthy tasks leave DNS.
  health_check_custom_config {
    failure_threshold = 1
  }
}
