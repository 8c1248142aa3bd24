"""A plain HTTP listener that forwards traffic, on a stack named like one of secure-ecs's own."""

import pulumi_aws as aws

balancer = aws.lb.LoadBalancer("web", load_balancer_type="application", subnets=["subnet-1", "subnet-2"])
group = aws.lb.TargetGroup("web", port=80, protocol="HTTP", target_type="ip", vpc_id="vpc-1")
aws.lb.Listener(
    "http",
    load_balancer_arn=balancer.arn,
    port=80,
    protocol="HTTP",
    default_actions=[aws.lb.ListenerDefaultActionArgs(type="forward", target_group_arn=group.arn)],
)
