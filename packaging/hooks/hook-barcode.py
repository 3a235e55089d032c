"""python-barcode (receipt barcodes) draws text with the font it ships."""

from PyInstaller.utils.hooks import collect_data_files

datas = collect_data_files("barcode")
