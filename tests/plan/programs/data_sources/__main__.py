"""Data sources as public programs call them: string booleans, docker registry credentials, a DNS zone."""

import base64

import pulumi
import pulumi_aws as aws

ami = aws.ec2.get_ami(
    most_recent="true",
    owners=["amazon"],
    filters=[aws.ec2.GetAmiFilterArgs(name="name", values=["amzn2-ami-hvm-*"])],
)
token = aws.ecr.get_authorization_token()
user, password = base64.b64decode(token.authorization_token).decode().split(":", 1)
zone = aws.route53.get_zone(name="example.com")
aws.route53.Record("www", zone_id=zone.zone_id, name="www.example.com", type="CNAME", ttl=300, records=["a.example"])
aws.ec2.Instance("web", ami=ami.id, instance_type="t3.micro")
pulumi.export("registry_user", user)
