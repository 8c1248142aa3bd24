"""Task-level CPU and memory combinations Fargate accepts (Linux, platform version 1.4.0+).

AWS rejects any other pair at deploy time with "No Fargate configuration exists for given values";
checking here turns that into a construction-time error that names the argument.
"""

from __future__ import annotations

# CPU units -> (lowest MiB, highest MiB, step MiB)
_MEMORY_RANGES: dict[int, tuple[int, int, int]] = {
    256: (512, 2048, 512),
    512: (1024, 4096, 1024),
    1024: (2048, 8192, 1024),
    2048: (4096, 16384, 1024),
    4096: (8192, 30720, 1024),
    8192: (16384, 61440, 4096),
    16384: (32768, 122880, 8192),
}


def valid_cpu_values() -> tuple[int, ...]:
    return tuple(_MEMORY_RANGES)


def valid_memory_values(cpu: int) -> tuple[int, ...]:
    """Memory sizes (MiB) Fargate pairs with `cpu` units; empty for an unsupported CPU value."""
    if cpu not in _MEMORY_RANGES:
        return ()
    low, high, step = _MEMORY_RANGES[cpu]
    if cpu == 256:
        return (512, 1024, 2048)
    return tuple(range(low, high + 1, step))


def describe_memory_values(cpu: int) -> str:
    low, high, step = _MEMORY_RANGES[cpu]
    if cpu == 256:
        return "512, 1024 or 2048"
    return f"{low} to {high} in steps of {step}"
