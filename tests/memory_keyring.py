"""A keyring backend that keeps secrets in memory: the tests' stand-in for the OS keyring."""

import keyring.backend
from keyring.errors import PasswordDeleteError


class MemoryKeyring(keyring.backend.KeyringBackend):
    priority = 1

    def __init__(self):
        super().__init__()
        self.secrets = {}

    def get_password(self, service, username):
        return self.secrets.get((service, username))

    def set_password(self, service, username, password):
        self.secrets[(service, username)] = password

    def delete_password(self, service, username):
        if self.secrets.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


class FileKeyring(keyring.backend.KeyringBackend):
    """A keyring in a JSON file named by $TILL_TEST_KEYRING_FILE, for tests that start the till as a
    separate process (select it with PYTHON_KEYRING_BACKEND=memory_keyring.FileKeyring)."""

    priority = 1

    def _load(self):
        import json
        import os

        path = os.environ["TILL_TEST_KEYRING_FILE"]
        try:
            with open(path) as fh:
                return path, json.load(fh)
        except FileNotFoundError:
            return path, {}

    def get_password(self, service, username):
        return self._load()[1].get(f"{service}\x00{username}")

    def set_password(self, service, username, password):
        import json

        path, data = self._load()
        data[f"{service}\x00{username}"] = password
        with open(path, "w") as fh:
            json.dump(data, fh)

    def delete_password(self, service, username):
        import json

        path, data = self._load()
        if data.pop(f"{service}\x00{username}", None) is None:
            raise PasswordDeleteError(username)
        with open(path, "w") as fh:
            json.dump(data, fh)
