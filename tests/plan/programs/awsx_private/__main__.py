"""awsx components configured securely: scanned immutable KMS repository, private tasks, read-only containers."""

import pulumi
import pulumi_aws as aws
import pulumi_awsx as awsx

key = aws.kms.Key("key", enable_key_rotation=True)
repository = awsx.ecr.Repository(
    "repo",
    image_scanning_configuration=aws.ecr.RepositoryImageScanningConfigurationArgs(scan_on_push=True),
    image_tag_mutability="IMMUTABLE",
    encryption_configurations=[
        aws.ecr.RepositoryEncryptionConfigurationArgs(encryption_type="KMS", kms_key=key.arn)
    ],
)
cluster = aws.ecs.Cluster("cluster")
awsx.ecs.FargateService(
    "svc",
    cluster=cluster.arn,
    network_configuration=aws.ecs.ServiceNetworkConfigurationArgs(
        subnets=["subnet-0a1b2c3d"], security_groups=["sg-0a1b2c3d"], assign_public_ip=False
    ),
    task_definition_args=awsx.ecs.FargateServiceTaskDefinitionArgs(
        container=awsx.ecs.TaskDefinitionContainerDefinitionArgs(
            name="app",
            image=repository.url.apply(lambda url: f"{url}@sha256:{'0' * 64}"),
            readonly_root_filesystem=True,
            essential=True,
        )
    ),
)
pulumi.export("repository", repository.url)
