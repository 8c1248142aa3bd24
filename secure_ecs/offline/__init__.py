"""Run a Pulumi Python program with no engine, provider or cloud account and capture what it declares."""
