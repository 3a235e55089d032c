"""The settings dialog's "Receipt printer" tab: this till's ESC/POS printer (USB, network, serial or a device
file) and a test print. It edits the till's own ``receipt_printer`` setting (LocalConfig), in the form
ui/receipt_view.open_printer reads: ``usb:0x04b8:0x0202``, ``network:HOST[:PORT]``, ``serial:DEVICE``,
``file:PATH``; empty means receipts go to the print dialog or a PDF. The test print runs on a worker (a
network printer may take seconds to answer)."""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app import settings
from app.errors import ValidationError
from ui.form_helpers import InlineMessage, hbox, named

KINDS = [("", "None: print dialog or PDF"), ("usb", "USB"), ("network", "Network (TCP, port 9100)"),
         ("serial", "Serial port"), ("file", "Device file")]
HEX_ID = re.compile(r"^(0x)?[0-9a-fA-F]{1,4}$")
HOST = re.compile(r"^[A-Za-z0-9.\-]{1,253}$|^\[[0-9a-fA-F:]+\]$")


def parse_spec(spec: str) -> dict:
    kind, _, rest = (spec or "").strip().partition(":")
    out = {"kind": kind.lower() if kind.lower() in dict(KINDS) else "", "vendor": "", "product": "", "host": "",
           "port": 9100, "device": "", "path": ""}
    if out["kind"] == "usb":
        parts = rest.split(":")
        out["vendor"], out["product"] = (parts + ["", ""])[:2]
    elif out["kind"] == "network":
        host, _, port = rest.rpartition(":") if rest.count(":") == 1 else (rest, "", "")
        out["host"] = host
        out["port"] = int(port) if port.isdigit() else 9100
    elif out["kind"] == "serial":
        out["device"] = rest
    elif out["kind"] == "file":
        out["path"] = rest
    return out


def test_page(spec: str, shop_name: str, width: int = 42):
    """Print a short test receipt and cut (on a worker). Returns the printer (a Dummy keeps its bytes)."""
    from escpos.printer import Dummy

    from ui.receipt_view import open_printer

    device = open_printer(spec)
    try:
        device.set(align="center", bold=True)
        device.text(f"{shop_name}\n")
        device.set(align="center", bold=False)
        device.text("Test print\n")
        device.text(dt.datetime.now().strftime("%Y-%m-%d %H:%M") + "\n")
        device.set(align="left")
        device.text("-" * width + "\n")
        device.text("".join(str(n % 10) for n in range(1, width + 1)) + "\n")
        device.text(f"{width} characters per line. If this line and the\nrule above fit, the printer is ready.\n")
        device.cut()
    finally:
        if not isinstance(device, Dummy):
            device.close()
    return device


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setMinimumWidth(110)
    return label


def _form(widget: QWidget) -> QFormLayout:
    form = QFormLayout(widget)
    form.setContentsMargins(0, 0, 0, 0)
    form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
    return form


class PrinterSettingsTab(QWidget):
    def __init__(self, window):
        super().__init__()
        self.window_ = window
        current = parse_spec(str(settings.local("receipt_printer") or ""))
        box = QVBoxLayout(self)
        box.setContentsMargins(16, 16, 16, 16)
        box.setSpacing(12)
        group = QGroupBox(self.tr("Receipt printer of this till (ESC/POS)"))
        form = QFormLayout(group)
        form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.kind_combo = named(QComboBox(), "receiptPrinterKindCombo", "Receipt printer connection")
        for value, label in KINDS:
            self.kind_combo.addItem(label, value)
        form.addRow(_label(self.tr("Connection")), self.kind_combo)
        self.pages = QStackedWidget()
        none = QWidget()
        _form(none).addRow(_label(""), QLabel(self.tr("Receipts open in the print dialog (Ctrl+P) or are saved as PDF.")))
        self.pages.addWidget(none)

        usb = QWidget()
        usb_form = _form(usb)
        self.vendor_edit = named(QLineEdit(current["vendor"]), "printerUsbVendorEdit", "USB vendor id")
        self.vendor_edit.setPlaceholderText(self.tr("e.g. 0x04b8 (Epson)"))
        self.product_edit = named(QLineEdit(current["product"]), "printerUsbProductEdit", "USB product id")
        self.product_edit.setPlaceholderText(self.tr("e.g. 0x0202"))
        usb_form.addRow(_label(self.tr("Vendor id")), self.vendor_edit)
        usb_form.addRow(_label(self.tr("Product id")), self.product_edit)
        usb_form.addRow(_label(""), self._hint("lsusb shows them as VENDOR:PRODUCT."))
        self.pages.addWidget(usb)

        network = QWidget()
        net_form = _form(network)
        self.host_edit = named(QLineEdit(current["host"]), "printerHostEdit", "Printer address")
        self.host_edit.setPlaceholderText(self.tr("e.g. 192.168.1.50"))
        self.port_spin = named(QSpinBox(), "printerPortSpin", "Printer port")
        self.port_spin.setRange(1, 65535)
        self.port_spin.setValue(current["port"])
        net_form.addRow(_label(self.tr("Address")), self.host_edit)
        net_form.addRow(_label(self.tr("Port")), self.port_spin)
        self.pages.addWidget(network)

        serial = QWidget()
        serial_form = _form(serial)
        self.serial_edit = named(QLineEdit(current["device"]), "printerSerialEdit", "Serial port")
        self.serial_edit.setPlaceholderText(self.tr("e.g. /dev/ttyUSB0 or COM3"))
        serial_form.addRow(_label(self.tr("Port")), self.serial_edit)
        self.pages.addWidget(serial)

        device = QWidget()
        file_form = _form(device)
        self.file_edit = named(QLineEdit(current["path"]), "printerFileEdit", "Printer device file")
        self.file_edit.setPlaceholderText(self.tr("e.g. /dev/usb/lp0"))
        file_form.addRow(_label(self.tr("Device file")), self.file_edit)
        self.pages.addWidget(device)

        form.addRow(self.pages)
        self.kind_combo.currentIndexChanged.connect(self._show_page)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(current["kind"])))
        self._show_page(self.kind_combo.currentIndex())
        box.addWidget(group)

        self.test_button = named(QPushButton(self.tr("Test print")), "testPrintButton", "Test print")
        self.test_button.setAutoDefault(False)
        self.test_button.clicked.connect(self.test_print)
        self.test_message = InlineMessage("testPrintMessageLabel")
        self.test_message.setTextFormat(Qt.PlainText)
        row = hbox(self.test_button, self.test_message)
        row.setStretch(1, 1)
        box.addLayout(row)
        box.addWidget(self._hint("After each sale the receipt prints here at once; Update (F4) saves the printer "
                                 "for this till only."))
        box.addStretch(1)

    def _show_page(self, index: int) -> None:
        """The stack is as tall as the page shown, not as its tallest page."""
        for n in range(self.pages.count()):
            policy = QSizePolicy.Preferred if n == index else QSizePolicy.Ignored
            self.pages.widget(n).setSizePolicy(QSizePolicy.Preferred, policy)
        self.pages.setCurrentIndex(index)
        self.pages.adjustSize()

    @staticmethod
    def _hint(text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "hint")
        label.setWordWrap(True)
        return label

    def spec(self) -> str:
        """The ``receipt_printer`` value the form shows; ValidationError (field receipt_printer) if unusable."""
        kind = self.kind_combo.currentData()

        def bad(message: str):
            raise ValidationError(message, "receipt_printer")

        if not kind:
            return ""
        if kind == "usb":
            vendor, product = self.vendor_edit.text().strip(), self.product_edit.text().strip()
            if not (HEX_ID.match(vendor) and HEX_ID.match(product)):
                bad("A USB printer needs its vendor and product ids in hexadecimal, e.g. 0x04b8 and 0x0202.")
            return f"usb:0x{int(vendor, 16):04x}:0x{int(product, 16):04x}"
        if kind == "network":
            host = self.host_edit.text().strip()
            if not HOST.match(host):
                bad("A network printer needs its address, e.g. 192.168.1.50.")
            return f"network:{host}:{self.port_spin.value()}"
        if kind == "serial":
            port = self.serial_edit.text().strip()
            if not port:
                bad("A serial printer needs its port, e.g. /dev/ttyUSB0 or COM3.")
            return f"serial:{port}"
        path = self.file_edit.text().strip()
        if not path:
            bad("A device-file printer needs its file, e.g. /dev/usb/lp0.")
        return f"file:{path}"

    def test_print(self) -> None:
        try:
            spec = self.spec()
        except ValidationError as exc:
            self.test_message.bad(exc.message)
            return
        if not spec:
            self.test_message.bad(self.tr("Choose how the printer is connected first."))
            return
        self.test_button.setEnabled(False)
        self.test_message.ok(self.tr("Printing a test page…"))
        self.window_.reads.submit(test_page, spec, str(settings.shop().shop_name), owner=self,
                                  on_done=lambda _: self._tested(None), on_error=self._tested)

    def _tested(self, exc: Exception | None) -> None:
        self.test_button.setEnabled(True)
        if exc is None:
            self.test_message.ok(self.tr("Test page sent: check the printer."))
        else:
            self.test_message.bad(self.tr("The printer did not print: {error}").format(
                error=getattr(exc, "message", None) or exc))
