"""Outputs no mock models, used in apply callbacks and string building as real programs do."""

import json

import pulumi
import pulumi_aws as aws

api = aws.apigateway.RestApi("api")
aws.lambda_.Permission(
    "invoke",
    action="lambda:InvokeFunction",
    function="handler",
    principal="apigateway.amazonaws.com",
    source_arn=api.execution_arn.apply(lambda arn: arn + "/*/*"),
)
graphql = aws.appsync.GraphQLApi("graphql", authentication_type="API_KEY", name="notes")
pulumi.export("endpoint", graphql.uris.apply(lambda uris: uris["GRAPHQL"]))
role = aws.iam.Role("eks", assume_role_policy=json.dumps({"Version": "2012-10-17", "Statement": []}))
cluster = aws.eks.Cluster("eks", role_arn=role.arn, vpc_config=aws.eks.ClusterVpcConfigArgs(subnet_ids=["subnet-1"]))
pulumi.export("kubeconfig", cluster.certificate_authority.apply(lambda authority: authority.data.upper()))
network = pulumi.StackReference("acme/network/dev")
pulumi.export("vpc", network.require_output("vpcId").apply(lambda vpc_id: vpc_id.upper()))
