"""A till process that sells one espresso, opens its receipt (F10, Enter) and the print preview, by Ctrl+P
and by the Print button, and paints the preview. Run by test_receipt_print.py in a child process: a
preview drawing through a freed QPrinter is a segmentation fault, which only a separate process survives
to report. Prints ``PREVIEWED <pages>`` per preview and exits 0 when nothing crashed."""

from __future__ import annotations

import gc
import sys

from memory_keyring import FileKeyring  # tests/ is on sys.path (PYTHONPATH)


def main(db_path: str) -> int:
    import keyring

    keyring.set_keyring(FileKeyring())
    from PySide6.QtCore import Qt
    from PySide6.QtPrintSupport import QPrintPreviewWidget
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QDialog, QPushButton

    app = QApplication([])
    from app.main import build_till

    window = build_till(["--db", db_path])

    def focused():
        return QApplication.focusWidget()

    def wait(condition, what: str, ms: int = 10000):
        for _ in range(ms // 10):
            app.processEvents()
            if condition():
                return
            QTest.qWait(10)
        raise SystemExit(f"timed out waiting for {what}")

    def dialog(name):
        found = [w for w in window.findChildren(QDialog, name) if w.isVisible()]
        return found[-1] if found else None

    window.activateWindow()
    QTest.keyClicks(window.sign_in_page.pin_edit, "1111")
    QTest.keyClick(window.sign_in_page.pin_edit, Qt.Key_Return)
    page = window.sale_page
    page.item_code_edit.setText("1001")
    page.add_from_entry()
    payment = page.pay()
    QTest.keyClick(payment.tendered_edit, Qt.Key_Return)
    wait(lambda: page.last_sale is not None, "the sale")
    QTest.keyClick(page.item_code_edit, Qt.Key_F10)
    wait(lambda: dialog("recentBillsDialog") is not None, "the recent bills")
    QTest.keyClick(dialog("recentBillsDialog"), Qt.Key_Return)
    wait(lambda: dialog("receiptDialog") is not None, "the receipt")
    receipt = dialog("receiptDialog")
    for how in ("ctrl+p", "button"):
        if how == "ctrl+p":
            QTest.keyClick(receipt, Qt.Key_P, Qt.ControlModifier)
        else:
            receipt.findChild(QPushButton, "printReceiptButton").click()
        wait(lambda: dialog("receiptPrintPreview") is not None, "the print preview")
        preview = dialog("receiptPrintPreview")
        gc.collect()  # whatever Python let go of is gone now, as it would be a moment later in a real till
        widget = preview.findChild(QPrintPreviewWidget)
        widget.updatePreview()  # paint the pages through the preview's printer
        wait(lambda w=widget: w.pageCount() > 0, "the preview's pages")
        preview.grab()
        print("PREVIEWED", widget.pageCount(), flush=True)
        preview.close()
        wait(lambda: dialog("receiptPrintPreview") is None, "the preview to close")
        gc.collect()
    receipt.close()
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
