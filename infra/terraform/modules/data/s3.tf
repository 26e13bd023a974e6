/**
 * Data buckets (documents, outbound letters, sanctions lists) and the
 * environment's log bucket (S3 server access logs and load balancer logs).
 */

locals {
  # Bucket names are global: the account id keeps each environment's unique.
  data_buckets = {
    documents = { key = "documents", object_lock = true }
    outbound  = { key = "letters", object_lock = false }
    lists     = { key = "screening", object_lock = false }
  }
  bucket_names = { for purpose, _ in local.data_buckets : purpose => "${var.name}-${purpose}-${local.account_id}" }
  logs_bucket  = "${var.name}-logs-${local.account_id}"
}

# ---------------------------------------------------------------- data buckets

module "bucket" {
  source   = "../bucket"
  for_each = local.data_buckets

  name                    = local.bucket_names[each.key]
  kms_key_arn             = aws_kms_key.this[each.value.key].arn
  object_lock             = each.value.object_lock ? var.documents_retention : null
  noncurrent_version_days = var.noncurrent_version_days
  # Through the policy: S3 checks that the log bucket admits the logging
  # service before it accepts a logging configuration.
  access_log_bucket = aws_s3_bucket_policy.logs.bucket
  force_destroy     = !var.deletion_protection
}

# ----------------------------------------------------------------- log bucket

resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_144:Logs stay in the region with the data they describe.
  #checkov:skip=CKV_AWS_145:S3 server access logs and ALB access logs can only be delivered to SSE-S3 buckets, not SSE-KMS.
  #checkov:skip=CKV2_AWS_62:Nothing reacts to new log objects; they are read on demand.
  bucket        = local.logs_bucket
  force_destroy = !var.deletion_protection
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.logs]
}

data "aws_elb_service_account" "current" {}

data "aws_iam_policy_document" "logs_bucket" {
  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]

    principals {
      type        = "AWS"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  # Only this environment's buckets (SourceArn) of this account may deliver.
  statement {
    sid       = "S3ServerAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/*"]

    principals {
      type        = "Service"
      identifiers = ["logging.s3.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = [for name in values(local.bucket_names) : "arn:${local.partition}:s3:::${name}"]
    }
  }

  # Regions older than August 2022 deliver ALB logs from a regional ELB
  # account, newer ones from the log delivery service: admit both.
  statement {
    sid       = "LoadBalancerAccessLogs"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/alb/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "AWS"
      identifiers = [data.aws_elb_service_account.current.arn]
    }
  }

  statement {
    sid       = "LoadBalancerLogDelivery"
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.logs.arn}/alb/AWSLogs/${local.account_id}/*"]

    principals {
      type        = "Service"
      identifiers = ["logdelivery.elasticloadbalancing.amazonaws.com"]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs_bucket.json

  depends_on = [aws_s3_bucket_public_access_block.logs]
}
