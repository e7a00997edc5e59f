data "aws_iam_policy_document" "training" {
  statement {
    sid       = "Training"
    actions   = ["sagemaker:CreateTrainingJob", "sagemaker:DescribeTrainingJob"]
    resources = ["*"]
  }

  statement {
    sid       = "PassRole"
    actions   = ["iam:PassRole"]
    resources = [aws_iam_role.execution.arn]
  }
}

resource "aws_iam_role" "execution" {
  name = "sagemaker-execution"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "*" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_policy" "training" {
  name   = "training"
  policy = data.aws_iam_policy_document.training.json
}
