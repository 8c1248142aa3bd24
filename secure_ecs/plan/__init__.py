"""`secure-ecs plan`: run a stack offline, check it with policy packs and report what was found."""
