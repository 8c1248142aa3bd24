"""The most common docs style: awsx components only, a public IP and an HTTP-only listener."""

import pulumi_aws as aws
import pulumi_awsx as awsx

cluster = aws.ecs.Cluster("c")
lb = awsx.lb.ApplicationLoadBalancer("lb")
awsx.ecs.FargateService(
    "svc",
    cluster=cluster.arn,
    assign_public_ip=True,
    task_definition_args=awsx.ecs.FargateServiceTaskDefinitionArgs(
        container=awsx.ecs.TaskDefinitionContainerDefinitionArgs(
            name="web",
            image="nginx:latest",
            cpu=256,
            memory=512,
            essential=True,
            port_mappings=[
                awsx.ecs.TaskDefinitionPortMappingArgs(container_port=80, target_group=lb.default_target_group)
            ],
        )
    ),
)
