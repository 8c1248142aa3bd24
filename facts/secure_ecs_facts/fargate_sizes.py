"""Task-level CPU and memory combinations Fargate accepts (Linux, platform version 1.4.0+).

AWS rejects any other pair at deploy time with "No Fargate configuration exists for given values";
checking here turns that into a construction-time error that names the argument.
"""

from __future__ import annotations

# CPU units -> the memory sizes (MiB) Fargate pairs with them. 256 units take three sizes, not a range.
_MEMORY: dict[int, tuple[int, ...]] = {
    256: (512, 1024, 2048),
    512: tuple(range(1024, 4096 + 1, 1024)),
    1024: tuple(range(2048, 8192 + 1, 1024)),
    2048: tuple(range(4096, 16384 + 1, 1024)),
    4096: tuple(range(8192, 30720 + 1, 1024)),
    8192: tuple(range(16384, 61440 + 1, 4096)),
    16384: tuple(range(32768, 122880 + 1, 8192)),
}


def valid_cpu_values() -> tuple[int, ...]:
    return tuple(_MEMORY)


def valid_memory_values(cpu: int) -> tuple[int, ...]:
    """Memory sizes (MiB) Fargate pairs with `cpu` units; empty for an unsupported CPU value."""
    return _MEMORY.get(cpu, ())


def describe_memory_values(cpu: int) -> str:
    sizes = _MEMORY[cpu]
    if len(sizes) <= 3:
        return f"{', '.join(map(str, sizes[:-1]))} or {sizes[-1]}"
    return f"{sizes[0]} to {sizes[-1]} in steps of {sizes[1] - sizes[0]}"
