output "user_pool_id" {
  description = "ID of the staff user pool (`aws cognito-idp admin-create-user --user-pool-id ...`)."
  value       = aws_cognito_user_pool.staff.id
}

output "user_pool_arn" {
  description = "ARN of the staff user pool (for IAM policies of administrators)."
  value       = aws_cognito_user_pool.staff.arn
}

output "issuer" {
  description = "OIDC issuer of the pool's tokens (CDD_AUTH_ISSUER): `<issuer>/.well-known/openid-configuration` and `<issuer>/.well-known/jwks.json` are served under it."
  value       = local.issuer
}

output "client_id" {
  description = "ID of the people app client (CDD_AUTH_AUDIENCE): the `client_id` claim of its access tokens and the `aud` of its ID tokens."
  value       = aws_cognito_user_pool_client.console.id
}

output "roles_claim" {
  description = "Token claim that lists the groups (CDD_AUTH_ROLES_CLAIM)."
  value       = "cognito:groups"
}

output "role_map" {
  description = "Group-to-role map (CDD_AUTH_ROLE_MAP): `group=role` pairs joined by commas."
  value       = local.role_map
}

output "groups" {
  description = "Group name by platform role."
  value       = { for role, group in aws_cognito_user_group.role : role => group.name }
}
