"""Run by a policy pack's interpreter at start-up: ops.offline.pack_process puts this directory first on the
pack's PYTHONPATH and names itself in OPS_PACK_PARENT_PID. The pack then dies with the process that started
it, even when that process is killed with SIGKILL (Linux PR_SET_PDEATHSIG).

The parent cannot arrange this itself: that takes code between fork and exec (``preexec_fn``), which forces a
plain fork() of a process whose gRPC threads are running — the child can crash there (SIGSEGV) before it
execs. Here it runs in the new interpreter, before the pack's own code. Nothing else is changed."""

import os

_parent = os.environ.pop("OPS_PACK_PARENT_PID", "")
if _parent.isdigit():
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGTERM))  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):  # not Linux: the parent's close() and exit hooks still reap the pack
        pass
    else:
        if os.getppid() != int(_parent):  # the parent died before the signal was armed
            os._exit(1)
