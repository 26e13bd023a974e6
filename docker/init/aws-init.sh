#!/usr/bin/env bash
# Creates in the AWS emulator what Terraform creates in AWS, with the same
# names: the services' tables, buckets, KMS key and signing-key secret.
# Idempotent: safe to run on every `docker compose up`.
set -euo pipefail
: "${AWS_ENDPOINT_URL:?set AWS_ENDPOINT_URL to the emulator}"
env_name=${CDD_ENV_NAME:-local}
aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" "$@"; }

table() { # name [with-gsi1]
  if aws dynamodb describe-table --table-name "$1" >/dev/null 2>&1; then return; fi
  local extra=()
  local attrs=(AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S)
  if [[ "${2:-}" == gsi1 ]]; then
    attrs+=(AttributeName=gsi1pk,AttributeType=S AttributeName=gsi1sk,AttributeType=S)
    extra=(--global-secondary-indexes 'IndexName=gsi1,KeySchema=[{AttributeName=gsi1pk,KeyType=HASH},{AttributeName=gsi1sk,KeyType=RANGE}],Projection={ProjectionType=ALL}')
  fi
  aws dynamodb create-table --table-name "$1" --billing-mode PAY_PER_REQUEST \
    --attribute-definitions "${attrs[@]}" \
    --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE "${extra[@]}" >/dev/null
  aws dynamodb update-time-to-live --table-name "$1" \
    --time-to-live-specification Enabled=true,AttributeName=expires_at >/dev/null
  echo "table $1"
}

bucket() {
  if aws s3api head-bucket --bucket "$1" >/dev/null 2>&1; then return; fi
  aws s3api create-bucket --bucket "$1" >/dev/null
  aws s3api put-bucket-versioning --bucket "$1" --versioning-configuration Status=Enabled
  aws s3api put-public-access-block --bucket "$1" --public-access-block-configuration \
    BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
  echo "bucket $1"
}

table "cdd-${env_name}-intake" gsi1
table "cdd-${env_name}-letters"
table "cdd-${env_name}-screening"
table "cdd-${env_name}-documents"
bucket "cdd-${env_name}-outbound"
bucket "cdd-${env_name}-documents"
bucket "cdd-${env_name}-lists"

alias="alias/cdd-${env_name}-data"
if ! aws kms describe-key --key-id "$alias" >/dev/null 2>&1; then
  key_id=$(aws kms create-key --description "CDD ${env_name} data" --query KeyMetadata.KeyId --output text)
  aws kms create-alias --alias-name "$alias" --target-key-id "$key_id"
  echo "kms $alias"
fi

# The signing key holds the development key so that `cdd token` works against
# the emulator; the services still read it from Secrets Manager, as in AWS.
secret="cdd/${env_name}/auth-signing-key"
if ! aws secretsmanager describe-secret --secret-id "$secret" >/dev/null 2>&1; then
  aws secretsmanager create-secret --name "$secret" \
    --secret-string "${CDD_DEV_SIGNING_KEY:?set CDD_DEV_SIGNING_KEY}" >/dev/null
  echo "secret $secret"
fi
echo "emulator ready"
