/**
 * The internet-facing Application Load Balancer: HTTPS only (HTTP answers
 * with a redirect), TLS 1.2+, access logs to S3, WAF in front. Requests go to
 * the default service unless a path route claims them.
 */

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "Internet-facing load balancer"
  vpc_id      = var.vpc_id
  tags        = { Name = "${var.name}-alb" }
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from the internet"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  #checkov:skip=CKV_AWS_260:Port 80 only answers with a permanent redirect to HTTPS; no request is forwarded over plain HTTP.
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from the internet, redirected to HTTPS"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_test_listener" {
  for_each          = var.blue_green ? toset(var.test_listener_cidrs) : toset([])
  security_group_id = aws_security_group.alb.id
  description       = "Test listener (blue/green checks)"
  ip_protocol       = "tcp"
  from_port         = var.test_listener_port
  to_port           = var.test_listener_port
  cidr_ipv4         = each.value
}

resource "aws_vpc_security_group_egress_rule" "alb_to_targets" {
  security_group_id = aws_security_group.alb.id
  description       = "To the service tasks in the VPC"
  ip_protocol       = "tcp"
  from_port         = var.container_port
  to_port           = var.container_port
  cidr_ipv4         = var.vpc_cidr_block
}

resource "aws_lb" "this" {
  #checkov:skip=CKV_AWS_150:Deletion protection follows var.deletion_protection: on in prod (envs/prod), off in dev and test, which are torn down and rebuilt.
  name                       = var.name
  internal                   = false
  load_balancer_type         = "application"
  security_groups            = [aws_security_group.alb.id]
  subnets                    = var.public_subnet_ids
  drop_invalid_header_fields = true
  # Below the services' client read timeout (20 s, CDD_CLIENT_READ_TIMEOUT_MS),
  # so the balancer closes an idle connection before a task does: a task
  # closing one the balancer is about to reuse would give the caller a 502.
  idle_timeout               = 15
  enable_deletion_protection = var.deletion_protection

  access_logs {
    bucket  = var.logs_bucket
    prefix  = "alb"
    enabled = true
  }
}

locals {
  # Target groups: one per routed service, plus the green one of a blue/green service.
  routed_services = concat([var.default_service], keys(var.path_routes))
  target_groups = merge(
    { for service in local.routed_services : service => { service = service, colour = "blue" } },
    var.blue_green ? { "${var.default_service}-green" = { service = var.default_service, colour = "green" } } : {},
  )
}

resource "aws_lb_target_group" "this" {
  for_each = local.target_groups

  name                 = "${var.name}-${each.key}"
  port                 = var.container_port
  protocol             = "HTTP"
  target_type          = "ip"
  vpc_id               = var.vpc_id
  deregistration_delay = 30

  health_check {
    path                = var.health_check_path
    matcher             = "200"
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"

    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

# Rolling services: Terraform owns where the listener forwards.
resource "aws_lb_listener" "https" {
  count             = var.blue_green ? 0 : 1
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = aws_acm_certificate_validation.api.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[var.default_service].arn
  }
}

# Blue/green: CodeDeploy flips the forward target between blue and green on
# every deployment, so Terraform sets it once and then leaves it alone.
resource "aws_lb_listener" "https_blue_green" {
  count             = var.blue_green ? 1 : 0
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = aws_acm_certificate_validation.api.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[var.default_service].arn
  }

  lifecycle {
    ignore_changes = [default_action]
  }
}

resource "aws_lb_listener" "test" {
  count             = var.blue_green ? 1 : 0
  load_balancer_arn = aws_lb.this.arn
  port              = var.test_listener_port
  protocol          = "HTTPS"
  ssl_policy        = var.ssl_policy
  certificate_arn   = aws_acm_certificate_validation.api.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this["${var.default_service}-green"].arn
  }

  lifecycle {
    ignore_changes = [default_action]
  }
}

locals {
  https_listener_arn = var.blue_green ? aws_lb_listener.https_blue_green[0].arn : aws_lb_listener.https[0].arn
}

resource "aws_lb_listener_rule" "path" {
  for_each     = var.path_routes
  listener_arn = local.https_listener_arn
  priority     = 100 + index(keys(var.path_routes), each.key)

  action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this[each.key].arn
  }

  condition {
    path_pattern {
      values = each.value
    }
  }
}

# GET /metrics is for a collector inside the VPC, never the internet (issue
# 17): the load balancer answers it with a 404 of its own, before any path
# rule forwards it, on the HTTPS listener and the blue/green test listener.
locals {
  metrics_blocked_on = concat([local.https_listener_arn], aws_lb_listener.test[*].arn)
}

resource "aws_lb_listener_rule" "metrics_not_public" {
  count        = var.blue_green ? 2 : 1
  listener_arn = local.metrics_blocked_on[count.index]
  priority     = 10

  action {
    type = "fixed-response"

    fixed_response {
      # The load balancer offers no application/problem+json; the body is one.
      content_type = "application/json"
      status_code  = "404"
      message_body = jsonencode({
        type   = "https://cdd.example/problems/not-found"
        title  = "Not found"
        status = 404
        detail = "no such resource or route"
      })
    }
  }

  condition {
    path_pattern {
      values = ["/metrics", "/metrics/*"]
    }
  }
}
