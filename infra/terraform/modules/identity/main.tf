/**
 * Sign-in for the bank's staff: one Cognito user pool per environment
 * (`<name>-staff`), one group per platform role that people hold, and one
 * app client for people (the analyst web console). The services accept the
 * pool's access tokens besides their own HS256 service tokens: they fetch
 * `<issuer>/.well-known/openid-configuration` and the JWKS named there,
 * check `client_id` against CDD_AUTH_AUDIENCE and `token_use=access`, and map
 * `cognito:groups` to roles with CDD_AUTH_ROLE_MAP (see infra/README.md,
 * "Sign-in").
 *
 * MFA. The issue asks for MFA for approvers and senior managers. Cognito has
 * no per-group MFA setting: MFA is OFF, OPTIONAL (each user chooses) or ON
 * for the whole pool. OPTIONAL plus something that forces the two groups
 * (a pre-token-generation Lambda dropping those groups from the tokens of a
 * user without MFA; adaptive authentication reacts to risk, not to groups)
 * is more code to run and review, and a slip in it, or a privileged group
 * it does not know, lets a role in without a second factor. So MFA is ON
 * for every staff member, with software tokens (TOTP): nobody can hold any
 * role, least of all approver or senior_manager, without a second factor,
 * and moving someone into a group never depends on their MFA state.
 * SMS is not offered (SIM swapping; no SNS role to run).
 *
 * No domain. A user pool with a domain (managed login, hosted UI, the
 * /oauth2 endpoints) cannot be used through AWS PrivateLink, and the tasks
 * reach Cognito only through the `cognito-idp` interface endpoint (network
 * module). The console signs people in with SRP through the user pool API,
 * which needs no domain. Do not add an aws_cognito_user_pool_domain.
 */

data "aws_region" "current" {}

locals {
  region = data.aws_region.current.name
  # The original (regional) issuer: what the pool writes into `iss`.
  issuer = "https://cognito-idp.${local.region}.amazonaws.com/${aws_cognito_user_pool.staff.id}"

  # CDD_AUTH_ROLE_MAP in the order people read roles (role.rs: Role::ALL),
  # then any role added later.
  role_order = concat(
    [for role in ["clerk", "analyst", "approver", "senior_manager", "template_author"] : role if contains(keys(var.roles), role)],
    sort([for role in keys(var.roles) : role if !contains(["clerk", "analyst", "approver", "senior_manager", "template_author"], role)]),
  )
  role_map = join(",", [for role in local.role_order : "${aws_cognito_user_group.role[role].name}=${role}"])
}

resource "aws_cognito_user_pool" "staff" {
  name = "${var.name}-staff"

  # Only administrators create accounts: no self sign-up.
  admin_create_user_config {
    allow_admin_create_user_only = true
  }

  # Each person has a user name the bank chooses (e.g. `jane.roe`) and signs
  # in with it or with their work email (an alias), in any letter case. Not
  # `username_attributes = ["email"]`: then the access token's `username`
  # claim is the opaque `sub`, access tokens carry no email, and the audit
  # trail could name nobody. The services record the `username` claim.
  alias_attributes         = ["email"]
  auto_verified_attributes = ["email"]
  username_configuration {
    case_sensitive = false
  }

  password_policy {
    minimum_length                   = 14
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    temporary_password_validity_days = 3
  }

  # Forgotten password: a code to the verified email address, nothing else
  # (no SMS recovery, no admin-only dead end).
  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  # A changed email address counts only once verified, so that recovery
  # codes never go to an address nobody confirmed.
  user_attribute_update_settings {
    attributes_require_verification_before_update = ["email"]
  }

  # MFA for everyone, by authenticator app (see the comment at the top).
  mfa_configuration = "ON"
  software_token_mfa_configuration {
    enabled = true
  }

  # Threat protection (formerly advanced security) enforced: compromised
  # credentials are blocked and risky sign-ins challenged or refused. It
  # needs the Plus feature plan.
  user_pool_tier = "PLUS"
  user_pool_add_ons {
    advanced_security_mode = "ENFORCED"
  }

  deletion_protection = var.deletion_protection ? "ACTIVE" : "INACTIVE"
}

# One group per platform role that people hold; no group for `service`
# (the variable's validation refuses it).
resource "aws_cognito_user_group" "role" {
  for_each     = var.roles
  user_pool_id = aws_cognito_user_pool.staff.id
  name         = each.value.name
  description  = each.value.description
}

# The people app client: a browser application, so no client secret; SRP
# sign-in (the password never leaves the browser) and refresh tokens only.
resource "aws_cognito_user_pool_client" "console" {
  name         = "${var.name}-console"
  user_pool_id = aws_cognito_user_pool.staff.id

  generate_secret     = false
  explicit_auth_flows = ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]

  access_token_validity  = var.access_token_hours
  id_token_validity      = var.access_token_hours
  refresh_token_validity = var.refresh_token_hours
  token_validity_units {
    access_token  = "hours"
    id_token      = "hours"
    refresh_token = "hours"
  }

  # Sign-in answers the same whether or not the account exists.
  prevent_user_existence_errors = "ENABLED"
  # Sign-out (RevokeToken) ends the refresh token. Access tokens it issued
  # are refused by Cognito from then on, but the services verify tokens
  # offline and accept them until they expire: hence the short lifetime.
  enable_token_revocation = true
}
