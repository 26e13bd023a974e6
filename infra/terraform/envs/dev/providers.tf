provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project     = "cdd"
      Environment = "dev"
      ManagedBy   = "terraform"
    }
  }
}
