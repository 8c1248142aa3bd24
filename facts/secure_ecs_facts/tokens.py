"""pulumi-aws v7 type tokens the pack inspects (checked against the pulumi-aws 7.51 Python SDK)."""

from __future__ import annotations

from typing import Final

ECS_SERVICE: Final = "aws:ecs/service:Service"
ECS_TASK_DEFINITION: Final = "aws:ecs/taskDefinition:TaskDefinition"

ECR_REPOSITORY: Final = "aws:ecr/repository:Repository"
ECR_LIFECYCLE_POLICY: Final = "aws:ecr/lifecyclePolicy:LifecyclePolicy"
ECR_REGISTRY_SCANNING: Final = "aws:ecr/registryScanningConfiguration:RegistryScanningConfiguration"
ECR_REPOSITORY_POLICY: Final = "aws:ecr/repositoryPolicy:RepositoryPolicy"

VPC: Final = "aws:ec2/vpc:Vpc"
SUBNET: Final = "aws:ec2/subnet:Subnet"
EC2_INSTANCE: Final = "aws:ec2/instance:Instance"
LAUNCH_TEMPLATE: Final = "aws:ec2/launchTemplate:LaunchTemplate"
LAUNCH_CONFIGURATION: Final = "aws:ec2/launchConfiguration:LaunchConfiguration"
AUTOSCALING_GROUP: Final = "aws:autoscaling/group:Group"
FLOW_LOG: Final = "aws:ec2/flowLog:FlowLog"
VPC_ENDPOINT: Final = "aws:ec2/vpcEndpoint:VpcEndpoint"
ROUTE_TABLE: Final = "aws:ec2/routeTable:RouteTable"
ROUTE: Final = "aws:ec2/route:Route"
ROUTE_TABLE_ASSOCIATION: Final = "aws:ec2/routeTableAssociation:RouteTableAssociation"
MAIN_ROUTE_TABLE_ASSOCIATION: Final = "aws:ec2/mainRouteTableAssociation:MainRouteTableAssociation"
DEFAULT_ROUTE_TABLE: Final = "aws:ec2/defaultRouteTable:DefaultRouteTable"
NAT_GATEWAY: Final = "aws:ec2/natGateway:NatGateway"
INTERNET_GATEWAY: Final = "aws:ec2/internetGateway:InternetGateway"
SECURITY_GROUP: Final = "aws:ec2/securityGroup:SecurityGroup"
SECURITY_GROUP_RULE: Final = "aws:ec2/securityGroupRule:SecurityGroupRule"
SECURITY_GROUP_INGRESS_RULE: Final = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"

LOAD_BALANCERS: Final = ("aws:lb/loadBalancer:LoadBalancer", "aws:alb/loadBalancer:LoadBalancer")
LISTENERS: Final = ("aws:lb/listener:Listener", "aws:alb/listener:Listener")
TARGET_GROUPS: Final = ("aws:lb/targetGroup:TargetGroup", "aws:alb/targetGroup:TargetGroup")
WAF_ASSOCIATION: Final = "aws:wafv2/webAclAssociation:WebAclAssociation"

LOG_GROUP: Final = "aws:cloudwatch/logGroup:LogGroup"
KMS_KEY: Final = "aws:kms/key:Key"
S3_BUCKETS: Final = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
S3_PUBLIC_ACCESS_BLOCK: Final = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_BUCKET_POLICY: Final = "aws:s3/bucketPolicy:BucketPolicy"
S3_BUCKET_ACLS: Final = ("aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2")

IAM_ROLE: Final = "aws:iam/role:Role"
IAM_POLICY: Final = "aws:iam/policy:Policy"
IAM_ROLE_POLICY: Final = "aws:iam/rolePolicy:RolePolicy"
IAM_INLINE_POLICIES: Final = (IAM_ROLE_POLICY, "aws:iam/userPolicy:UserPolicy", "aws:iam/groupPolicy:GroupPolicy")
IAM_ROLE_POLICY_ATTACHMENT: Final = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"

RDS_INSTANCE: Final = "aws:rds/instance:Instance"
DEFAULT_SECURITY_GROUP: Final = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
