# The role driftdeck-readonly in one account, for `driftdeck --org` to assume.
#
# Its permissions are policy.json, a copy of assets/iam-policy.json written by
# scripts/org-role.py: exactly the calls driftdeck makes. To cover every account of an
# organisation, call this module once per account (a provider per account), or deploy
# ../stackset.yaml as a StackSet over the organisation's OUs (examples/stackset.tf).

terraform {
  required_version = ">= 1.3"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

variable "trusted_account_id" {
  description = "The management or tooling account driftdeck runs from (its principals may assume the role)."
  type        = string
  validation {
    condition     = can(regex("^[0-9]{12}$", var.trusted_account_id))
    error_message = "trusted_account_id must be a 12-digit AWS account id."
  }
}

variable "external_id" {
  description = "Optional; when set, the caller must pass it (external_id in the org file)."
  type        = string
  default     = null
}

data "aws_partition" "current" {}

data "aws_iam_policy_document" "trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["arn:${data.aws_partition.current.partition}:iam::${var.trusted_account_id}:root"]
    }
    dynamic "condition" {
      for_each = var.external_id == null ? [] : [var.external_id]
      content {
        test     = "StringEquals"
        variable = "sts:ExternalId"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_iam_role" "driftdeck" {
  name                 = "driftdeck-readonly"
  description          = "driftdeck read-only access (assets/iam-policy.json)"
  assume_role_policy   = data.aws_iam_policy_document.trust.json
  max_session_duration = 3600
}

resource "aws_iam_role_policy" "driftdeck" {
  name   = "driftdeck-readonly"
  role   = aws_iam_role.driftdeck.id
  policy = file("${path.module}/policy.json")
}

output "role_arn" {
  value = aws_iam_role.driftdeck.arn
}
