# Every member account of the organisation (or of some OUs), from the management
# account, with a service-managed StackSet of ../../stackset.yaml. New accounts moved
# into the targeted OUs get the role automatically. The management account itself is
# never a StackSet target: use the module (..) there if driftdeck should read it.
#
# Requires trusted access for CloudFormation StackSets in the organisation
# (`aws organizations enable-aws-service-access --service-principal member.org.stacksets.cloudformation.amazonaws.com`,
# or the console's "Activate trusted access").

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # `stack_set_instance_region` (it was `region` before 6.0).
      version = ">= 6.0"
    }
  }
}

variable "tooling_account_id" {
  description = "The account driftdeck runs from."
  type        = string
}

variable "target_ou_ids" {
  description = "OUs (or the root id r-…) whose accounts get the role."
  type        = list(string)
}

resource "aws_cloudformation_stack_set" "driftdeck" {
  name             = "driftdeck-readonly"
  permission_model = "SERVICE_MANAGED"
  capabilities     = ["CAPABILITY_NAMED_IAM"]
  template_body    = file("${path.module}/../../stackset.yaml")
  parameters = {
    TrustedAccountId = var.tooling_account_id
  }
  auto_deployment {
    enabled                          = true
    retain_stacks_on_account_removal = false
  }
  lifecycle {
    # AWS sets this on service-managed stack sets.
    ignore_changes = [administration_role_arn]
  }
}

resource "aws_cloudformation_stack_set_instance" "driftdeck" {
  stack_set_name = aws_cloudformation_stack_set.driftdeck.name
  # IAM is global: one region is enough.
  stack_set_instance_region = "us-east-1"
  deployment_targets {
    organizational_unit_ids = var.target_ou_ids
  }
}
