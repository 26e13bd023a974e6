# Emulator run only: see modules/service/moto_override.tf.

# moto stores the EventBridge switch of a bucket notification but does not
# return it.
resource "aws_s3_bucket_notification" "this" {
  lifecycle {
    ignore_changes = [eventbridge]
  }
}
