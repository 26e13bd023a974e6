terraform {
  required_version = ">= 1.11.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }

  # State lives in S3 with a DynamoDB lock table; the settings are in
  # backend.hcl (terraform init -backend-config=backend.hcl). See infra/README.md.
  backend "s3" {}
}
