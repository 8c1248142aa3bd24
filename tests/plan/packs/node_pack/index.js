// A minimal Node CrossGuard pack: one resource policy and one stack policy. Plain JavaScript, so the
// Node policy host runs it without compiling anything.
"use strict";

const { PolicyPack } = require("@pulumi/policy");

const ECS_SERVICE = "aws:ecs/service:Service";
const FLOW_LOG = "aws:ec2/flowLog:FlowLog";

new PolicyPack("node-fixture", {
    policies: [
        {
            name: "node-ecs-service-no-public-ip",
            description: "ECS services must not give their tasks a public IP.",
            enforcementLevel: "mandatory",
            configSchema: {
                properties: {
                    exemptServices: {
                        type: "array",
                        items: { type: "string" },
                        default: [],
                    },
                },
            },
            validateResource: (args, reportViolation) => {
                if (args.type !== ECS_SERVICE) {
                    return;
                }
                const exempt = args.getConfig().exemptServices || [];
                if (exempt.includes(args.name)) {
                    return;
                }
                const network = args.props.networkConfiguration;
                if (network && network.assignPublicIp === true) {
                    reportViolation(`ECS service ${args.name} assigns public IPs to its tasks (provider ${args.provider ? args.provider.name : "?"}).`);
                }
            },
        },
        {
            name: "node-stack-flow-logs",
            description: "A stack that runs ECS services must also declare a VPC flow log.",
            enforcementLevel: "advisory",
            validateStack: (args, reportViolation) => {
                const services = args.resources.filter((r) => r.type === ECS_SERVICE);
                const flowLogs = args.resources.filter((r) => r.type === FLOW_LOG);
                if (services.length > 0 && flowLogs.length === 0) {
                    reportViolation(`${services.length} ECS service(s) but no VPC flow log among ${args.resources.length} resources.`);
                }
            },
        },
    ],
});
