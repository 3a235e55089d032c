"""A receipt on screen, in Qt's print preview, as a PDF, or on an ESC/POS receipt printer.

The document is app/receipt.Receipt.html() in a QTextDocument; PDFs are 80 mm wide like the paper roll.
ESC/POS printers are reached through python-escpos when the till's LocalConfig ``receipt_printer`` says
where: ``usb:0x04b8:0x0202``, ``network:192.168.1.50[:9100]``, ``serial:/dev/ttyUSB0``,
``file:/dev/usb/lp0``, or ``dummy`` (keeps the bytes, for trying it out).
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QMarginsF, QSizeF, Qt
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout

from app.errors import ValidationError
from app.private_files import open_private
from app.receipt import Receipt

PAPER_MM = QSizeF(80, 297)


def receipts_dir() -> Path:
    return Path(platformdirs.user_data_dir("the-till", appauthor=False)) / "receipts"


def document(receipt: Receipt) -> QTextDocument:
    doc = QTextDocument()
    doc.setHtml(receipt.html())
    return doc


def save_pdf(receipt: Receipt, path: Path | None = None) -> Path:
    path = Path(path) if path else receipts_dir() / f"{receipt.receipt_no}{'-reprint' if receipt.reprint else ''}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    open_private(path, "wb").close()  # created 0600: Qt writes into it and keeps the mode
    writer = QPdfWriter(str(path))
    writer.setTitle(f"{receipt.shop_name} {receipt.receipt_no}")
    writer.setPageLayout(QPageLayout(QPageSize(PAPER_MM, QPageSize.Millimeter, "Receipt roll"),
                                     QPageLayout.Portrait, QMarginsF(4, 4, 4, 4), QPageLayout.Millimeter))
    writer.setResolution(300)
    document(receipt).print_(writer)
    return path


def open_printer(spec: str):
    """The python-escpos printer a ``receipt_printer`` setting names."""
    from escpos import printer

    kind, _, rest = (spec or "").strip().partition(":")
    kind = kind.lower()
    try:
        if kind == "usb":
            vendor, product = rest.split(":")[:2]
            return printer.Usb(int(vendor, 16), int(product, 16))
        if kind == "network":
            host, _, port = rest.partition(":")
            return printer.Network(host, int(port or 9100), timeout=5)
        if kind == "serial":
            return printer.Serial(rest)
        if kind == "file":
            return printer.File(rest)
        if kind == "dummy":
            return printer.Dummy()
    except (ValueError, IndexError):
        pass
    raise ValidationError(
        f"The receipt printer setting '{spec}' is not understood. Use usb:VENDOR:PRODUCT, network:HOST[:PORT], "
        "serial:DEVICE, file:DEVICE or dummy.")


def print_escpos(receipt: Receipt, spec: str, width: int = 42):
    """Print the receipt's text on an ESC/POS printer and cut. Returns the printer (Dummy keeps the bytes).
    Runs on a worker: a network printer may take seconds to answer."""
    from escpos.printer import Dummy

    device = open_printer(spec)
    try:
        device.set(align="left")
        for line in receipt.text(width).splitlines():
            device.text(line + "\n")
        # the receipt number as a barcode: scanned at a return (app/returns.find_sale)
        device.barcode("{B" + receipt.scan_code, "CODE128", function_type="B", height=48, width=2)  # {B: code set B
        device.cut()
    finally:
        if not isinstance(device, Dummy):
            device.close()
    return device


def print_preview(parent, window, receipt: Receipt):
    """Qt's print preview of the receipt (``receiptPrintPreview``), over ``parent``."""
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    printer = QPrinter(QPrinter.HighResolution)
    preview = QPrintPreviewDialog(printer, parent)
    preview.setObjectName("receiptPrintPreview")
    preview.setAccessibleName("Print preview")
    doc = document(receipt)
    preview.paintRequested.connect(doc.print_)
    # The preview keeps only a C++ pointer to the printer and the document: without these references
    # Python frees them when this function returns and the preview paints on freed memory (segfault).
    preview._printer = printer
    preview._document = doc
    window.keep_open(preview)
    preview.open()
    return preview


class ReceiptDialog(QDialog):
    def __init__(self, window, receipt: Receipt):
        super().__init__(window)
        self.window_ = window
        self.receipt = receipt
        self.setObjectName("receiptDialog")
        self.setAccessibleName("Receipt")
        self.setWindowTitle(f"Receipt {receipt.receipt_no}")
        self.setWindowModality(Qt.WindowModal)
        self.resize(460, 680)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setObjectName("receiptBrowser")
        self.browser.setHtml(receipt.html())
        self.browser.setStyleSheet("background: white; padding: 12px")
        layout.addWidget(self.browser, 1)
        self.message = QLabel("")
        self.message.setObjectName("receiptMessageLabel")
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.print_button = QPushButton("Print…  (Ctrl+P)")
        self.print_button.setObjectName("printReceiptButton")
        self.print_button.clicked.connect(self.print_preview)
        self.pdf_button = QPushButton("Save PDF  (Ctrl+S)")
        self.pdf_button.setObjectName("saveReceiptPdfButton")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.escpos_button = QPushButton("Receipt printer  (Ctrl+E)")
        self.escpos_button.setObjectName("escposPrintButton")
        self.escpos_button.clicked.connect(self.print_escpos)
        self.close_button = QPushButton("Close  (Esc)")
        self.close_button.clicked.connect(self.reject)
        for button in (self.print_button, self.pdf_button, self.escpos_button, self.close_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        layout.addLayout(buttons)
        from app import settings

        self.printer_spec = settings.local("receipt_printer") or ""
        self.escpos_button.setVisible(bool(self.printer_spec))

    def keyPressEvent(self, event):
        if event.modifiers() & Qt.ControlModifier:
            if event.key() == Qt.Key_P:
                self.print_preview()
                return
            if event.key() == Qt.Key_S:
                self.save_pdf()
                return
            if event.key() == Qt.Key_E and self.printer_spec:
                self.print_escpos()
                return
        super().keyPressEvent(event)

    def save_pdf(self) -> Path:
        path = save_pdf(self.receipt)
        self.message.setText(f"Saved {path}")
        return path

    def print_preview(self):
        return print_preview(self, self.window_, self.receipt)

    def print_escpos(self):
        self.message.setText("Printing…")
        self.window_.reads.submit(
            print_escpos, self.receipt, self.printer_spec,
            owner=self, on_done=lambda _: self.message.setText("Sent to the receipt printer."),
            on_error=lambda exc: self.message.setText(f"The receipt printer did not print: {exc}"),
        )
