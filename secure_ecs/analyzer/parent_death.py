"""Tie a child process's life to ours, so a pack never outlives the CLI, even after SIGKILL.

Packs run in their own session (a Ctrl-C at the terminal must not kill them before we stop them
cleanly), so no terminal or process-group signal reaches them. On Linux the kernel can send a
child SIGKILL when its parent dies (``prctl(PR_SET_PDEATHSIG)``), which covers every way the CLI
process can end. The setting survives ``exec``, so a small launcher sets it and then becomes the
pack: the pack's command line stays exactly what the Pulumi CLI runs. (A ``preexec_fn`` would run
Python in the forked child, where gRPC's fork handlers can abort it.) Elsewhere only the CLI's
own clean-up stops packs.
"""

from __future__ import annotations

import os
import shutil
import sys

# argv: <parent pid> <command...>. The kernel signals the child when the *thread* that forked it
# exits: start packs from a thread that outlives them.
_LAUNCHER = """\
import ctypes, os, sys
if ctypes.CDLL(None, use_errno=True).prctl(1, 9) != 0 or os.getppid() != int(sys.argv[1]):
    os._exit(70)  # PR_SET_PDEATHSIG (1) to SIGKILL (9) failed, or the parent is already gone
os.execv(sys.argv[2], sys.argv[2:])
"""


def supported() -> bool:
    return sys.platform.startswith("linux")


def dying_with_parent(command: list[str]) -> list[str]:
    """``command`` started so that it is killed when this process dies (unchanged where unsupported).

    The program is resolved on PATH here, so a missing one is an OSError for the caller, as with Popen.
    """
    if not supported():
        return command
    program = shutil.which(command[0]) if os.sep not in command[0] else command[0]
    if program is None or not os.access(program, os.X_OK):
        raise FileNotFoundError(2, "No such file or directory", command[0])
    return [sys.executable, "-I", "-S", "-c", _LAUNCHER, str(os.getpid()), program, *command[1:]]
