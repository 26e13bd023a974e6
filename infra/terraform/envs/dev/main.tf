# dev: smallest sizes, one task per service (Fargate Spot next to the base
# task), torn down and rebuilt freely: no deletion protection, short object lock.
module "platform" {
  source = "../../modules/platform"

  env                = "dev"
  vpc_cidr           = "10.10.0.0/16"
  availability_zones = [for zone in ["a", "b"] : "${var.region}${zone}"]
  domain             = var.domain
  zone_id            = var.zone_id

  services = {
    intake    = { cpu = 256, memory = 512, desired_count = 1, min_count = 1, max_count = 2 }
    screening = { cpu = 256, memory = 512, desired_count = 1, min_count = 1, max_count = 2 }
    documents = { cpu = 256, memory = 512, desired_count = 1, min_count = 1, max_count = 2 }
    letters   = { cpu = 256, memory = 512, desired_count = 1, min_count = 1, max_count = 2 }
  }
  spot_weight = 1

  canary               = false
  deletion_protection  = false
  documents_retention  = { mode = "GOVERNANCE", days = 1 }
  secret_recovery_days = 0
  letterhead           = var.letterhead
  waf_rate_limit       = 1000
}
