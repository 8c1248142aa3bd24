"""What an offline plan puts where a stack file holds an encrypted (`secure:`) value it cannot decrypt."""

OFFLINE_SECRET_PREFIX = "[offline placeholder for secret "
