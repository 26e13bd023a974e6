output "tables" {
  description = "DynamoDB tables by service: `name` (the CDD_<SERVICE>_TABLE setting) and `arn`."
  value       = { for service, table in aws_dynamodb_table.this : service => { name = table.name, arn = table.arn } }
}

output "buckets" {
  description = "Data buckets by purpose (`documents`, `outbound`, `lists`): `name`, `arn` and the `kms_key_arn` that encrypts them."
  value = {
    for purpose, bucket in module.bucket : purpose => {
      name        = bucket.name
      arn         = bucket.arn
      kms_key_arn = aws_kms_key.this[local.data_buckets[purpose].key].arn
    }
  }
}

output "logs_bucket" {
  description = "Bucket receiving S3 server access logs (prefix `s3/`) and load balancer access logs (prefix `alb/`)."
  value       = { name = aws_s3_bucket.logs.id, arn = aws_s3_bucket.logs.arn }
  # The load balancer checks the bucket policy when logging is switched on.
  depends_on = [aws_s3_bucket_policy.logs]
}

output "bucket_arns" {
  description = "Every bucket of the environment (and its objects), for the S3 gateway endpoint policy."
  value = flatten([
    for arn in concat([for b in module.bucket : b.arn], [aws_s3_bucket.logs.arn]) : [arn, "${arn}/*"]
  ])
}

output "kms_key_arns" {
  description = "Customer managed keys by purpose: one per service, plus `secrets`, `logs` and `ecr`."
  value       = { for purpose, key in aws_kms_key.this : purpose => key.arn }
}

output "auth_secret" {
  description = "The JWT signing key secret: `name` (CDD_AUTH_SECRET_ID) and `arn`."
  value       = { name = aws_secretsmanager_secret.auth_signing_key.name, arn = aws_secretsmanager_secret.auth_signing_key.arn }
}
