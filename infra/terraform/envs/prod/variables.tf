variable "region" {
  description = "AWS region of the prod environment."
  type        = string
  default     = "eu-central-1"
}

variable "domain" {
  description = "Public DNS domain of the prod environment (the API answers at api.<domain>), e.g. prod.cdd.<bank domain>."
  type        = string
}

variable "zone_id" {
  description = "Existing Route 53 hosted zone of `domain`; null creates it (delegate its name servers from the parent domain, see the name_servers output)."
  type        = string
  default     = null
}

variable "letterhead" {
  description = "The bank's letterhead and signatory on every letter."
  type = object({
    bank_name       = string
    address_lines   = list(string)
    signatory_name  = string
    signatory_title = string
  })
  default = {
    bank_name       = "Example Bank plc"
    address_lines   = ["1 Example Street", "London EC1A 1AA"]
    signatory_name  = "Customer Due Diligence Team"
    signatory_title = "Head of Customer Due Diligence"
  }
}
