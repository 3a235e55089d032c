"""python-escpos (receipt printers) reads capabilities.json beside its modules at import time."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("escpos")
