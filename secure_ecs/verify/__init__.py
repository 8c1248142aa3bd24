"""`secure-ecs verify`: check a deployed stack against the secure design, from its outputs, with boto3.

The checks are the source document's "Testing the Secure Setup" made executable: the ALB health URL
answers, the service and its task ENIs have no public IP, the private subnets have no internet
route, the VPC endpoints Fargate needs exist with private DNS, ECR scans images, WAF guards the
ALB, flow logs are active and the database is private and encrypted.
"""

from secure_ecs.verify.model import CheckResult, Status
from secure_ecs.verify.outputs import OutputsError, StackOutputs

__all__ = ["CheckResult", "OutputsError", "StackOutputs", "Status"]
