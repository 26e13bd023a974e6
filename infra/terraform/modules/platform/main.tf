/**
 * The whole platform of one environment, composed from the single-purpose
 * modules. Each root under envs/ calls this once with its own CIDR, sizes
 * and settings.
 */

data "aws_region" "current" {}

locals {
  name      = "cdd-${var.env}"
  namespace = "${var.env}.cdd.local"
  port      = 8080

  log_group_names = { for service in keys(var.services) : service => "/${local.name}/${service}" }

  # Who calls whom: intake calls the three others; clerks reach intake and
  # documents through the load balancer.
  callers = {
    intake    = { alb = module.edge.security_group_id }
    screening = { intake = module.network.workload_security_group_ids["intake"] }
    documents = { alb = module.edge.security_group_id, intake = module.network.workload_security_group_ids["intake"] }
    letters   = { intake = module.network.workload_security_group_ids["intake"] }
  }

  settings = {
    intake = { table = module.data.tables.intake.name }
    screening = {
      table        = module.data.tables.screening.name
      lists_bucket = module.data.buckets.lists.name
    }
    documents = {
      table                = module.data.tables.documents.name
      documents_bucket     = module.data.buckets.documents.name
      documents_kms_key_id = module.data.buckets.documents.kms_key_arn
    }
    letters = {
      table               = module.data.tables.letters.name
      outbound_bucket     = module.data.buckets.outbound.name
      outbound_kms_key_id = module.data.buckets.outbound.kms_key_arn
      # The letterhead and signature block of every letter.
      bank_name       = var.letterhead.bank_name
      bank_address    = join("|", var.letterhead.address_lines)
      signatory_name  = var.letterhead.signatory_name
      signatory_title = var.letterhead.signatory_title
    }
  }

  common_environment = {
    PORT               = tostring(local.port)
    CDD_ENV            = var.env
    CDD_BACKEND        = "aws"
    AWS_REGION         = data.aws_region.current.name
    CDD_NAMESPACE      = local.namespace
    CDD_LOG_FORMAT     = "json"
    RUST_LOG           = var.log_level
    CDD_AUTH_SECRET_ID = module.data.auth_secret.name
    # Besides the services' own HS256 tokens (CDD_AUTH_SECRET_ID), people's
    # tokens from the staff pool (identity module; README "Sign-in").
    CDD_AUTH_ISSUER      = module.identity.issuer
    CDD_AUTH_AUDIENCE    = module.identity.client_id
    CDD_AUTH_ROLES_CLAIM = module.identity.roles_claim
    CDD_AUTH_ROLE_MAP    = module.identity.role_map
  }
}

module "identity" {
  source = "../identity"

  name                = local.name
  deletion_protection = var.deletion_protection
}

module "data" {
  source = "../data"

  name = local.name
  tables = {
    intake    = ["gsi1"] # customers by status
    screening = []
    documents = []
    letters   = []
  }
  deletion_protection  = var.deletion_protection
  documents_retention  = var.documents_retention
  secret_recovery_days = var.secret_recovery_days
}

module "network" {
  source = "../network"

  name                    = local.name
  cidr_block              = var.vpc_cidr
  availability_zones      = var.availability_zones
  workloads               = keys(var.services)
  s3_endpoint_bucket_arns = module.data.bucket_arns
  logs_kms_key_arn        = module.data.kms_key_arns.logs
  flow_log_retention_days = var.log_retention_days
}

module "cluster" {
  source = "../cluster"

  name               = local.name
  namespace          = local.namespace
  vpc_id             = module.network.vpc_id
  spot_weight        = var.spot_weight
  logs_kms_key_arn   = module.data.kms_key_arns.logs
  log_retention_days = var.log_retention_days
}

module "iam" {
  source = "../iam"

  name = local.name
  services = {
    intake = {
      table_arn           = module.data.tables.intake.arn
      data_kms_key_arn    = module.data.kms_key_arns.intake
      runtime_secret_arns = [module.data.auth_secret.arn]
      log_group_name      = local.log_group_names.intake
    }
    screening = {
      table_arn           = module.data.tables.screening.arn
      data_kms_key_arn    = module.data.kms_key_arns.screening
      buckets             = [{ arn = module.data.buckets.lists.arn, prefix = "lists/", write = false }]
      runtime_secret_arns = [module.data.auth_secret.arn]
      log_group_name      = local.log_group_names.screening
    }
    documents = {
      table_arn           = module.data.tables.documents.arn
      data_kms_key_arn    = module.data.kms_key_arns.documents
      buckets             = [{ arn = module.data.buckets.documents.arn, prefix = "", write = true, legal_hold = true }]
      runtime_secret_arns = [module.data.auth_secret.arn]
      log_group_name      = local.log_group_names.documents
    }
    letters = {
      table_arn           = module.data.tables.letters.arn
      data_kms_key_arn    = module.data.kms_key_arns.letters
      buckets             = [{ arn = module.data.buckets.outbound.arn, prefix = "letters/", write = true }]
      runtime_secret_arns = [module.data.auth_secret.arn]
      log_group_name      = local.log_group_names.letters
    }
  }
  secrets_kms_key_arn       = module.data.kms_key_arns.secrets
  ecr_kms_key_arn           = module.data.kms_key_arns.ecr
  force_delete_repositories = !var.deletion_protection
  create_codedeploy_role    = var.canary
}

module "edge" {
  source = "../edge"

  name                = local.name
  vpc_id              = module.network.vpc_id
  vpc_cidr_block      = module.network.vpc_cidr_block
  public_subnet_ids   = module.network.public_subnet_ids
  domain              = var.domain
  zone_id             = var.zone_id
  default_service     = "intake"
  path_routes         = { documents = ["/v1/documents*", "/v1/customers/*/documents*"] }
  container_port      = local.port
  blue_green          = var.canary
  deletion_protection = var.deletion_protection
  logs_bucket         = module.data.logs_bucket.name
  logs_kms_key_arn    = module.data.kms_key_arns.logs
  log_retention_days  = var.log_retention_days
  rate_limit          = var.waf_rate_limit
}

module "service" {
  source   = "../service"
  for_each = var.services

  service     = each.key
  name_prefix = local.name

  cluster_arn                = module.cluster.cluster_arn
  cluster_name               = module.cluster.cluster_name
  capacity_provider_strategy = module.cluster.capacity_provider_strategy
  vpc_cidr_block             = module.network.vpc_cidr_block
  subnet_ids                 = module.network.private_subnet_ids
  gateway_prefix_list_ids    = module.network.gateway_prefix_list_ids
  security_group_id          = module.network.workload_security_group_ids[each.key]
  callers                    = local.callers[each.key]
  calls_services             = each.key == "intake"

  repository_url     = module.iam.repository_urls[each.key]
  initial_image_tag  = var.initial_image_tag
  task_role_arn      = module.iam.task_role_arns[each.key]
  execution_role_arn = module.iam.execution_role_arns[each.key]
  cpu                = each.value.cpu
  memory             = each.value.memory
  container_port     = local.port
  environment        = local.common_environment
  settings           = local.settings[each.key]
  log_group_name     = local.log_group_names[each.key]
  logs_kms_key_arn   = module.data.kms_key_arns.logs
  log_retention_days = var.log_retention_days

  # A canaried intake is reached only through the load balancer (nothing
  # calls intake); everything else registers <service>.<env>.cdd.local.
  service_discovery = var.canary && each.key == "intake" ? null : { namespace_id = module.cluster.namespace_id }

  desired_count = each.value.desired_count
  min_count     = each.value.min_count
  max_count     = each.value.max_count

  load_balancer = contains(keys(module.edge.target_groups), each.key) ? {
    load_balancer_arn_suffix = module.edge.load_balancer_arn_suffix
    blue                     = module.edge.target_groups[each.key].blue
    green                    = module.edge.target_groups[each.key].green
  } : null

  blue_green = var.canary && each.key == "intake" ? {
    codedeploy_role_arn = module.iam.codedeploy_role_arn
    prod_listener_arn   = module.edge.https_listener_arn
    test_listener_arn   = module.edge.test_listener_arn
  } : null
}
