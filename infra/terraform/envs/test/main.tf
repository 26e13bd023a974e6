# test: production-like shape (rolling deployments, two zones) at small
# sizes; disposable like dev, but with a realistic object lock.
module "platform" {
  source = "../../modules/platform"

  env                = "test"
  vpc_cidr           = "10.20.0.0/16"
  availability_zones = [for zone in ["a", "b"] : "${var.region}${zone}"]
  domain             = var.domain
  zone_id            = var.zone_id

  services = {
    intake    = { cpu = 512, memory = 1024, desired_count = 2, min_count = 2, max_count = 4 }
    screening = { cpu = 512, memory = 1024, desired_count = 2, min_count = 2, max_count = 4 }
    documents = { cpu = 512, memory = 1024, desired_count = 2, min_count = 2, max_count = 4 }
    letters   = { cpu = 256, memory = 512, desired_count = 2, min_count = 2, max_count = 3 }
  }
  spot_weight = 1

  canary               = false
  deletion_protection  = false
  documents_retention  = { mode = "GOVERNANCE", days = 30 }
  secret_recovery_days = 7
  letterhead           = var.letterhead
  waf_rate_limit       = 2000
}
