"""Facts the components, the policy pack and the tooling must agree on, in one place that depends on nothing.

`tokens` (AWS type tokens), `tiers` (the subnet tier tag), `secret_names` (what looks like a credential),
`endpoint_services` (what private Fargate tasks reach through VPC endpoints), `log_retention` (the periods
CloudWatch Logs accepts), `fargate_sizes` (task CPU / memory pairs) and `name_limits` (AWS name lengths).
"""
