# Remote state of the prod environment: terraform init -backend-config=backend.hcl
# The bucket and lock table are created once per account (infra/README.md,
# "State backend"); the bucket is versioned and encrypted with its own key.
bucket         = "cdd-terraform-state-<account id>"
key            = "envs/prod/terraform.tfstate"
region         = "eu-central-1"
encrypt        = true
kms_key_id     = "alias/cdd-terraform-state"
dynamodb_table = "cdd-terraform-locks"
