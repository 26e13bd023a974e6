# prod: three zones, on-demand Fargate only, canary deployments of the public
# entry service through CodeDeploy, deletion protection everywhere and a
# ten-year compliance lock on KYC evidence.
module "platform" {
  source = "../../modules/platform"

  env                = "prod"
  vpc_cidr           = "10.30.0.0/16"
  availability_zones = [for zone in ["a", "b", "c"] : "${var.region}${zone}"]
  domain             = var.domain
  zone_id            = var.zone_id

  services = {
    intake    = { cpu = 1024, memory = 2048, desired_count = 3, min_count = 3, max_count = 12 }
    screening = { cpu = 1024, memory = 2048, desired_count = 3, min_count = 3, max_count = 9 }
    documents = { cpu = 1024, memory = 2048, desired_count = 3, min_count = 3, max_count = 9 }
    letters   = { cpu = 512, memory = 1024, desired_count = 2, min_count = 2, max_count = 6 }
  }
  spot_weight = 0

  canary               = true
  deletion_protection  = true
  documents_retention  = { mode = "COMPLIANCE", days = 3650 }
  secret_recovery_days = 30
  letterhead           = var.letterhead
  waf_rate_limit       = 2000
}
