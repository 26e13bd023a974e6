/**
 * Per service: an ECR repository, a task role (what the application may
 * touch: its table, its bucket prefixes, its key, the secrets it reads at run
 * time) and a separate execution role (what ECS needs to start it: pull its
 * image, write its log stream, read the secrets it injects).
 */

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
}

# ----------------------------------------------------------------------- ECR

resource "aws_ecr_repository" "this" {
  for_each = var.services

  name                 = "${var.name}/${each.key}"
  image_tag_mutability = "IMMUTABLE"
  force_delete         = var.force_delete_repositories

  image_scanning_configuration {
    scan_on_push = true
  }

  encryption_configuration {
    encryption_type = "KMS"
    kms_key         = var.ecr_kms_key_arn
  }
}

resource "aws_ecr_lifecycle_policy" "this" {
  for_each   = aws_ecr_repository.this
  repository = each.value.name

  policy = jsonencode({
    rules = [
      {
        rulePriority = 1
        description  = "Expire untagged images"
        selection = {
          tagStatus   = "untagged"
          countType   = "sinceImagePushed"
          countUnit   = "days"
          countNumber = var.untagged_image_days
        }
        action = { type = "expire" }
      },
      {
        rulePriority = 2
        description  = "Keep the newest tagged images"
        selection = {
          tagStatus   = "any"
          countType   = "imageCountMoreThan"
          countNumber = var.kept_images
        }
        action = { type = "expire" }
      },
    ]
  })
}

# ---------------------------------------------------------------- trust

data "aws_iam_policy_document" "ecs_tasks_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }

    # Only ECS acting for this account may assume the roles (confused deputy).
    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }

    condition {
      test     = "ArnLike"
      variable = "aws:SourceArn"
      values   = ["arn:${local.partition}:ecs:${local.region}:${local.account_id}:*"]
    }
  }
}

# ------------------------------------------------------------ task roles

resource "aws_iam_role" "task" {
  for_each           = var.services
  name               = "${var.name}-${each.key}-task"
  description        = "What the ${each.key} service may touch at run time."
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "task" {
  for_each = var.services

  statement {
    sid = "OwnTable"
    actions = [
      "dynamodb:DescribeTable",
      "dynamodb:GetItem",
      "dynamodb:BatchGetItem",
      "dynamodb:Query",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:ConditionCheckItem",
    ]
    resources = [each.value.table_arn, "${each.value.table_arn}/index/*"]
  }

  statement {
    sid       = "OwnKeyThroughDataServices"
    actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
    resources = [each.value.data_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["dynamodb.${local.region}.amazonaws.com", "s3.${local.region}.amazonaws.com"]
    }
  }

  dynamic "statement" {
    for_each = each.value.buckets

    content {
      sid = "ReadObjects${statement.key}"
      actions = concat(
        ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectAttributes"],
        statement.value.write ? ["s3:PutObject"] : [],
        statement.value.legal_hold ? ["s3:GetObjectLegalHold", "s3:PutObjectLegalHold", "s3:GetObjectRetention", "s3:PutObjectRetention"] : [],
      )
      resources = ["${statement.value.arn}/${statement.value.prefix}*"]
    }
  }

  dynamic "statement" {
    for_each = each.value.buckets

    content {
      sid       = "ListPrefix${statement.key}"
      actions   = ["s3:ListBucket"]
      resources = [statement.value.arn]

      dynamic "condition" {
        for_each = statement.value.prefix == "" ? [] : [statement.value.prefix]

        content {
          test     = "StringLike"
          variable = "s3:prefix"
          values   = ["${condition.value}*"]
        }
      }
    }
  }

  dynamic "statement" {
    for_each = length(each.value.runtime_secret_arns) > 0 ? [1] : []

    content {
      sid       = "ReadRuntimeSecrets"
      actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      resources = each.value.runtime_secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(each.value.runtime_secret_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptSecretsThroughSecretsManager"
      actions   = ["kms:Decrypt"]
      resources = [var.secrets_kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "task" {
  for_each = var.services
  name     = "own-data"
  role     = aws_iam_role.task[each.key].id
  policy   = data.aws_iam_policy_document.task[each.key].json
}

# ------------------------------------------------------- execution roles

resource "aws_iam_role" "execution" {
  for_each           = var.services
  name               = "${var.name}-${each.key}-execution"
  description        = "What ECS needs to start the ${each.key} service."
  assume_role_policy = data.aws_iam_policy_document.ecs_tasks_assume.json
}

data "aws_iam_policy_document" "execution" {
  for_each = var.services

  statement {
    sid = "EcrLogin"
    # GetAuthorizationToken has no resource-level permissions.
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }

  statement {
    sid       = "PullOwnImage"
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [aws_ecr_repository.this[each.key].arn]
  }

  statement {
    sid       = "DecryptImageThroughEcr"
    actions   = ["kms:Decrypt"]
    resources = [var.ecr_kms_key_arn]

    condition {
      test     = "StringEquals"
      variable = "kms:ViaService"
      values   = ["ecr.${local.region}.amazonaws.com"]
    }
  }

  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${each.value.log_group_name}:*"]
  }

  dynamic "statement" {
    for_each = length(each.value.injected_secret_arns) > 0 ? [1] : []

    content {
      sid       = "ReadInjectedSecrets"
      actions   = ["secretsmanager:GetSecretValue"]
      resources = each.value.injected_secret_arns
    }
  }

  dynamic "statement" {
    for_each = length(each.value.injected_secret_arns) > 0 ? [1] : []

    content {
      sid       = "DecryptInjectedSecrets"
      actions   = ["kms:Decrypt"]
      resources = [var.secrets_kms_key_arn]

      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["secretsmanager.${local.region}.amazonaws.com"]
      }
    }
  }
}

resource "aws_iam_role_policy" "execution" {
  for_each = var.services
  name     = "start-task"
  role     = aws_iam_role.execution[each.key].id
  policy   = data.aws_iam_policy_document.execution[each.key].json
}

# ------------------------------------------------------------ CodeDeploy

data "aws_iam_policy_document" "codedeploy_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["codedeploy.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "codedeploy" {
  count              = var.create_codedeploy_role ? 1 : 0
  name               = "${var.name}-codedeploy"
  description        = "CodeDeploy shifting traffic between blue and green ECS task sets."
  assume_role_policy = data.aws_iam_policy_document.codedeploy_assume.json
}

resource "aws_iam_role_policy_attachment" "codedeploy" {
  count      = var.create_codedeploy_role ? 1 : 0
  role       = aws_iam_role.codedeploy[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AWSCodeDeployRoleForECS"
}
