"""The kernel the served notebooks run in: IPython's kernel without the debugger.

``share/jupyter/kernels/python3/kernel.json`` (on ``JUPYTER_PATH`` when :mod:`slrt_sim.serve`
starts the server) runs ``python -m slrt_sim.server.kernel``. It is ipykernel's own launcher,
except that ``debugpy`` is made unimportable first: ipykernel imports the debugger in every
kernel, ~29 MiB of resident memory that a class's pages never use (a hall of 70 trainees saves
~2 GB). Nothing else changes; notebooks run exactly as under the stock ``python3`` kernel.
"""
import signal
import sys

if __name__ == "__main__":
    # The server interrupts every kernel before shutting it down (jupyter_client does); a kernel
    # still importing would die with a KeyboardInterrupt traceback on the trainer's console.
    # ipykernel ignores SIGINT too once started (it interrupts running code its own way).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sys.modules.setdefault("debugpy", None)  # `import debugpy` now raises ImportError: no debugger
    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
