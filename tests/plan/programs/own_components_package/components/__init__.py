"""The program's own helper package, named like secure-ecs's."""
