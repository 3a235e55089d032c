"""The bill's function-key row wraps to the width it is given, and says so again after its buttons change
(its height for a width is kept between relayouts of the bill)."""

from PySide6.QtWidgets import QPushButton, QWidget

from ui.flow_layout import FlowLayout


def test_the_row_wraps_and_answers_again_after_its_buttons_change(qtbot):
    row = QWidget()
    qtbot.addWidget(row)
    layout = FlowLayout(row)
    buttons = [QPushButton(f"Key {n}") for n in range(6)]
    for button in buttons:
        layout.addWidget(button)
    row.show()
    one_row = buttons[0].sizeHint().height()
    wide = sum(b.sizeHint().width() + layout.spacing() for b in buttons) + 10
    assert layout.heightForWidth(wide) == one_row
    narrow = layout.heightForWidth(buttons[0].sizeHint().width() + 5)
    assert narrow >= 6 * one_row  # one button a row

    for button in buttons[1:]:
        button.hide()
    assert layout.heightForWidth(buttons[0].sizeHint().width() + 5) == one_row  # hidden buttons take no row
    for button in buttons[1:]:
        button.show()
    buttons[0].setText("A much longer label than any other key on the row " * 3)
    assert layout.heightForWidth(wide) > one_row  # the long key no longer fits on the one row
