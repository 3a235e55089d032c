"""Runtime hook: let a test or a support engineer supply a keyring backend to the frozen till.

A frozen app ignores PYTHONPATH, so ``PYTHON_KEYRING_BACKEND=module.Class`` could only name a backend that
was bundled. When (and only when) ``TILL_KEYRING_BACKEND_FILE`` names a Python file, that one file becomes
importable under its own name (``/x/memory_keyring.py`` -> ``memory_keyring``), so for example

    TILL_KEYRING_BACKEND_FILE=/x/memory_keyring.py PYTHON_KEYRING_BACKEND=memory_keyring.FileKeyring pos-till

runs the till with that backend. Nothing is imported until keyring asks for the module, sys.path is left
alone, and without the variable this hook does nothing. (Whoever can set a process's environment can
already choose its keyring through PYTHON_KEYRING_BACKEND or its libraries through LD_PRELOAD; this adds
no new power.)
"""


def _install():
    import os

    path = os.environ.get("TILL_KEYRING_BACKEND_FILE")
    if not path:
        return
    import importlib.abc
    import importlib.util
    import sys

    name = os.path.splitext(os.path.basename(path))[0]

    class _OneFile(importlib.abc.MetaPathFinder):
        def find_spec(self, fullname, target_path=None, target=None):
            if fullname != name:
                return None
            return importlib.util.spec_from_file_location(name, path)

    sys.meta_path.append(_OneFile())


_install()
del _install
