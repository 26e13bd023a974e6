resource "aws_dynamodb_table" "this" {
  for_each = var.tables

  name                        = "${var.name}-${each.key}"
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "pk"
  range_key                   = "sk"
  deletion_protection_enabled = var.deletion_protection

  attribute {
    name = "pk"
    type = "S"
  }

  attribute {
    name = "sk"
    type = "S"
  }

  dynamic "attribute" {
    for_each = flatten([for index in each.value : ["${index}pk", "${index}sk"]])

    content {
      name = attribute.value
      type = "S"
    }
  }

  dynamic "global_secondary_index" {
    for_each = each.value

    content {
      name            = global_secondary_index.value
      hash_key        = "${global_secondary_index.value}pk"
      range_key       = "${global_secondary_index.value}sk"
      projection_type = "ALL"
    }
  }

  # Idempotency records (and anything else short-lived) carry `expires_at`
  # in epoch seconds; DynamoDB deletes them after it passes.
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = aws_kms_key.this[each.key].arn
  }
}
