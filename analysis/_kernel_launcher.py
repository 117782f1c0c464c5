"""Start a report kernel that dies with the worker that started it and leaves no files behind.

Run as ``python -m analysis._kernel_launcher -f CONNECTION_FILE`` (the argv of the runner's pinned
kernel spec). Before the kernel starts, the kernel process asks to be killed when its parent ends
(:func:`analysis._proc.die_with_parent`); once it has read its connection file it deletes it (the
worker keeps the connection details in memory), so a killed run leaves no kernel file behind. The
kernel's sockets are abstract ones (see ``analysis._runguard.kernel_ip``): nothing on disk either.
"""

from __future__ import annotations

import contextlib
import os


def main() -> None:
    from analysis._proc import die_with_parent

    die_with_parent()
    from ipykernel.kernelapp import IPKernelApp

    app = IPKernelApp.instance()
    app.initialize()
    if app.connection_file and os.path.isfile(app.connection_file):
        with contextlib.suppress(OSError):
            os.remove(app.connection_file)
    app.start()


if __name__ == "__main__":
    main()
