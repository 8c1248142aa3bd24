"""A Fargate web service as common public examples write it: default VPC, public IPs, HTTP only.

The plan tests expect the secure-ecs pack to flag it (public IP, unscanned repository, HTTP-only
listener); keep it insecure.
"""

import json

import pulumi
import pulumi_aws as aws

vpc = aws.ec2.get_vpc(default=True)
subnets = aws.ec2.get_subnets(filters=[aws.ec2.GetSubnetsFilterArgs(name="vpc-id", values=[vpc.id])])

repo = aws.ecr.Repository("app-repo")

cluster = aws.ecs.Cluster("cluster")

group = aws.ec2.SecurityGroup(
    "web-sg",
    vpc_id=vpc.id,
    description="Enable HTTP access",
    ingress=[aws.ec2.SecurityGroupIngressArgs(protocol="tcp", from_port=80, to_port=80, cidr_blocks=["0.0.0.0/0"])],
    egress=[aws.ec2.SecurityGroupEgressArgs(protocol="-1", from_port=0, to_port=0, cidr_blocks=["0.0.0.0/0"])],
)

alb = aws.lb.LoadBalancer("app-lb", security_groups=[group.id], subnets=subnets.ids)

target_group = aws.lb.TargetGroup("app-tg", port=80, protocol="HTTP", target_type="ip", vpc_id=vpc.id)

listener = aws.lb.Listener(
    "web",
    load_balancer_arn=alb.arn,
    port=80,
    default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=target_group.arn)],
)

assume_role = aws.iam.get_policy_document(
    statements=[
        aws.iam.GetPolicyDocumentStatementArgs(
            actions=["sts:AssumeRole"],
            principals=[
                aws.iam.GetPolicyDocumentStatementPrincipalArgs(type="Service", identifiers=["ecs-tasks.amazonaws.com"])
            ],
        )
    ]
)
role = aws.iam.Role("task-exec-role", assume_role_policy=assume_role.json)
aws.iam.RolePolicyAttachment(
    "task-exec-policy",
    role=role.name,
    policy_arn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
)

task_definition = aws.ecs.TaskDefinition(
    "app-task",
    family="fargate-task-definition",
    cpu="256",
    memory="512",
    network_mode="awsvpc",
    requires_compatibilities=["FARGATE"],
    execution_role_arn=role.arn,
    container_definitions=repo.repository_url.apply(
        lambda url: json.dumps(
            [{"name": "my-app", "image": f"{url}:latest", "portMappings": [{"containerPort": 80, "hostPort": 80,
                                                                            "protocol": "tcp"}]}]
        )
    ),
)

service = aws.ecs.Service(
    "app-svc",
    cluster=cluster.arn,
    desired_count=3,
    launch_type="FARGATE",
    task_definition=task_definition.arn,
    network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
        assign_public_ip=True, subnets=subnets.ids, security_groups=[group.id]
    ),
    load_balancers=[
        aws.ecs.ServiceLoadBalancerArgs(target_group_arn=target_group.arn, container_name="my-app", container_port=80)
    ],
    opts=pulumi.ResourceOptions(depends_on=[listener]),
)

pulumi.export("url", alb.dns_name)
