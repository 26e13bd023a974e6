resource "aws_route53_zone" "public" {
  #checkov:skip=CKV2_AWS_38:DNSSEC signing needs a KMS key in us-east-1 and a DS record in the bank's parent zone; a follow-up (infra/README.md).
  #checkov:skip=CKV2_AWS_39:Query logs of public zones can only go to us-east-1; every request that reaches the platform is already in the ALB and WAF logs.
  count = var.zone_id == null ? 1 : 0
  name  = var.domain
}

locals {
  zone_id  = var.zone_id == null ? aws_route53_zone.public[0].zone_id : var.zone_id
  api_fqdn = "api.${var.domain}"
}

resource "aws_acm_certificate" "api" {
  domain_name       = local.api_fqdn
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "certificate_validation" {
  for_each = {
    for option in aws_acm_certificate.api.domain_validation_options : option.domain_name => {
      name   = option.resource_record_name
      type   = option.resource_record_type
      record = option.resource_record_value
    }
  }

  zone_id         = local.zone_id
  name            = each.value.name
  type            = each.value.type
  records         = [each.value.record]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "api" {
  certificate_arn         = aws_acm_certificate.api.arn
  validation_record_fqdns = [for record in aws_route53_record.certificate_validation : record.fqdn]
}

resource "aws_route53_record" "api" {
  zone_id = local.zone_id
  name    = local.api_fqdn
  type    = "A"

  alias {
    name                   = aws_lb.this.dns_name
    zone_id                = aws_lb.this.zone_id
    evaluate_target_health = true
  }
}
