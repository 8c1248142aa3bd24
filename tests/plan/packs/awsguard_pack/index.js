// The public AWS policy pack, instantiated as its README shows, with every policy mandatory.
// Plain JavaScript (the README's index.ts compiles to this), so the Node policy host runs it as is.
"use strict";

const { AwsGuard } = require("@pulumi/awsguard");

new AwsGuard({ all: "mandatory" });
