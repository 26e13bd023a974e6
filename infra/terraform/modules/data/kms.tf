/**
 * One customer managed key per purpose, so that a task role can be given
 * exactly its own: a key per service (its table, and its bucket where it has
 * one), one for secrets, one for CloudWatch Logs and one for ECR.
 */

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name

  key_purposes = merge(
    { for service in keys(var.tables) : service => "DynamoDB table and S3 objects of the ${service} service" },
    {
      secrets = "Secrets Manager secrets"
      logs    = "CloudWatch Logs log groups"
      ecr     = "ECR repositories"
    },
  )
}

data "aws_iam_policy_document" "key" {
  for_each = local.key_purposes

  # The account administers the key; who may *use* it is decided by IAM
  # policies (the task and execution roles), which this statement enables.
  #checkov:skip=CKV_AWS_109:A key policy's Resource "*" means this key only; admin rights stay with the account root, which delegates to IAM.
  #checkov:skip=CKV_AWS_111:A key policy's Resource "*" means this key only; write rights stay with the account root, which delegates to IAM.
  #checkov:skip=CKV_AWS_356:A key policy's Resource "*" means this key only.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }

  dynamic "statement" {
    for_each = each.key == "logs" ? [1] : []

    content {
      sid = "CloudWatchLogsEncrypts"
      actions = [
        "kms:Encrypt*",
        "kms:Decrypt*",
        "kms:ReEncrypt*",
        "kms:GenerateDataKey*",
        "kms:Describe*",
      ]
      resources = ["*"]

      principals {
        type        = "Service"
        identifiers = ["logs.${local.region}.amazonaws.com"]
      }

      condition {
        test     = "ArnLike"
        variable = "kms:EncryptionContext:aws:logs:arn"
        values   = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"]
      }
    }
  }
}

resource "aws_kms_key" "this" {
  for_each                = local.key_purposes
  description             = "${var.name}: ${each.value}"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key[each.key].json
}

resource "aws_kms_alias" "this" {
  for_each      = local.key_purposes
  name          = "alias/${var.name}-${each.key}"
  target_key_id = aws_kms_key.this[each.key].key_id
}
