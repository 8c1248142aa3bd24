"""A worker image built with docker-build, run with a password in its plain environment."""

import json

import pulumi
import pulumi_aws as aws
import pulumi_docker_build as docker_build

repository = aws.ecr.Repository("queue", image_scanning_configuration={"scan_on_push": True},
                                image_tag_mutability="IMMUTABLE")
image = docker_build.Image(
    "worker",
    context={"location": "./worker"},
    push=True,
    tags=[repository.repository_url.apply(lambda url: f"{url}:v1")],
)

aws.ecs.TaskDefinition(
    "worker",
    family="worker",
    requires_compatibilities=["FARGATE"],
    network_mode="awsvpc",
    cpu="256",
    memory="512",
    container_definitions=image.ref.apply(lambda ref: json.dumps([{
        "name": "worker",
        "image": ref,
        "essential": True,
        "readonlyRootFilesystem": True,
        "environment": [{"name": "REDIS_PWD", "value": "hunter2-in-plain-sight"}],
    }])),
)

pulumi.export("image", image.ref)
