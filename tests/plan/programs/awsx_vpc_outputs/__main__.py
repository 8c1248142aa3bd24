"""Outputs of remote components that programs read: an awsx VPC with a NAT strategy, a load balancer's DNS name."""

import pulumi
import pulumi_awsx as awsx

vpc = awsx.ec2.Vpc(
    "vpc",
    nat_gateways=awsx.ec2.NatGatewayConfigurationArgs(strategy=awsx.ec2.NatGatewayStrategy.SINGLE),
)
lb = awsx.lb.ApplicationLoadBalancer("lb", subnet_ids=vpc.public_subnet_ids)
pulumi.export("url", lb.load_balancer.apply(lambda balancer: balancer.dns_name).apply(lambda dns: "http://" + dns))
pulumi.export("first_private_subnet", vpc.private_subnet_ids.apply(lambda ids: ids[0]))
