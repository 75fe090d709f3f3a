# driftdeck events (`--events QUEUE_URL`), as Terraform: the same as ../central.yaml and
# ../member.yaml. The central side (queue, bus, rules, policies) goes in the account that
# runs driftdeck; the member side (one forwarding rule) in every watched account and region.
#
# Two ways to admit member accounts to the bus:
#   - org-wide: set organization_id; every account of the organisation may forward;
#   - per account: set member_account_ids; only those may.
# This example forwards from one member account through the `aws.member` provider; repeat
# the member block (or make it a module) per account and region, or deploy ../member.yaml
# as a service-managed StackSet for the whole organisation.

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0"
    }
  }
}

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "member"
  region = var.region
  assume_role {
    role_arn = var.member_deploy_role_arn
  }
}

variable "region" {
  type    = string
  default = "eu-west-2"
}

variable "organization_id" {
  type        = string
  default     = ""
  description = "Admit every account of this organisation (o-...). Empty: list accounts in member_account_ids."
}

variable "member_account_ids" {
  type    = list(string)
  default = []
}

variable "member_deploy_role_arn" {
  type        = string
  description = "A role in the member account that Terraform assumes to create the forwarding rule."
}

locals {
  # The write calls of the services driftdeck reads; readOnly false leaves out Describe/List/Get.
  event_pattern = jsonencode({
    "detail-type" = ["AWS API Call via CloudTrail"]
    source        = ["aws.ec2", "aws.rds", "aws.elasticache", "aws.cloudwatch"]
    detail        = { readOnly = [false] }
  })
}

# ---- central account ----

resource "aws_sqs_queue" "events" {
  name                    = "driftdeck-events"
  sqs_managed_sse_enabled = true
  # A message driftdeck never applied (it was down) is covered by the LookupEvents backfill.
  message_retention_seconds  = 86400
  visibility_timeout_seconds = 120
}

resource "aws_cloudwatch_event_bus" "driftdeck" {
  name = "driftdeck-events"
}

data "aws_iam_policy_document" "bus" {
  statement {
    sid       = "driftdeck-members"
    actions   = ["events:PutEvents"]
    resources = [aws_cloudwatch_event_bus.driftdeck.arn]
    principals {
      type        = "AWS"
      identifiers = var.organization_id != "" ? ["*"] : var.member_account_ids
    }
    dynamic "condition" {
      for_each = var.organization_id != "" ? [var.organization_id] : []
      content {
        test     = "StringEquals"
        variable = "aws:PrincipalOrgID"
        values   = [condition.value]
      }
    }
  }
}

resource "aws_cloudwatch_event_bus_policy" "driftdeck" {
  event_bus_name = aws_cloudwatch_event_bus.driftdeck.name
  policy         = data.aws_iam_policy_document.bus.json
}

resource "aws_cloudwatch_event_rule" "forwarded" {
  name           = "driftdeck-forwarded"
  description    = "driftdeck - forwarded CloudTrail write events to the queue"
  event_bus_name = aws_cloudwatch_event_bus.driftdeck.name
  event_pattern  = local.event_pattern
}

resource "aws_cloudwatch_event_target" "forwarded" {
  rule           = aws_cloudwatch_event_rule.forwarded.name
  event_bus_name = aws_cloudwatch_event_bus.driftdeck.name
  target_id      = "driftdeck-queue"
  arn            = aws_sqs_queue.events.arn
}

resource "aws_cloudwatch_event_rule" "local" {
  name          = "driftdeck-local"
  description   = "driftdeck - this account's CloudTrail write events to the queue"
  event_pattern = local.event_pattern
}

resource "aws_cloudwatch_event_target" "local" {
  rule      = aws_cloudwatch_event_rule.local.name
  target_id = "driftdeck-queue"
  arn       = aws_sqs_queue.events.arn
}

data "aws_iam_policy_document" "queue" {
  statement {
    sid       = "EventBridgeSends"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.events.arn]
    principals {
      type        = "Service"
      identifiers = ["events.amazonaws.com"]
    }
    condition {
      test     = "ArnEquals"
      variable = "aws:SourceArn"
      values   = [aws_cloudwatch_event_rule.forwarded.arn, aws_cloudwatch_event_rule.local.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "events" {
  queue_url = aws_sqs_queue.events.id
  policy    = data.aws_iam_policy_document.queue.json
}

# ---- one member account (repeat per account and watched region) ----

data "aws_caller_identity" "member" {
  provider = aws.member
}

resource "aws_iam_role" "forward" {
  provider = aws.member
  name     = "driftdeck-events-forward"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.member.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "forward" {
  provider = aws.member
  name     = "driftdeck-forward"
  role     = aws_iam_role.forward.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "events:PutEvents", Resource = aws_cloudwatch_event_bus.driftdeck.arn }]
  })
}

resource "aws_cloudwatch_event_rule" "forward" {
  provider      = aws.member
  name          = "driftdeck-forward"
  description   = "driftdeck - CloudTrail write events of the services driftdeck reads, to the central bus"
  event_pattern = local.event_pattern
}

resource "aws_cloudwatch_event_target" "forward" {
  provider  = aws.member
  rule      = aws_cloudwatch_event_rule.forward.name
  target_id = "driftdeck-central-bus"
  arn       = aws_cloudwatch_event_bus.driftdeck.arn
  role_arn  = aws_iam_role.forward.arn
}

output "queue_url" {
  description = "driftdeck --events"
  value       = aws_sqs_queue.events.id
}

output "event_bus_arn" {
  value = aws_cloudwatch_event_bus.driftdeck.arn
}
