"""Small pieces of the first-run wizard (ui/setup_wizard.py): its captions, cards and fields, and the shop's
defaults guessed from the computer's locale."""

from __future__ import annotations

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QFrame, QLabel, QLineEdit, QVBoxLayout

from app import currencies, shop_setup
from ui.form_helpers import named


def _section(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "section")
    return label


def _hint(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "hint")
    label.setWordWrap(True)
    return label


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setMinimumWidth(150)  # the same first column in both cards
    label.setAlignment(Qt.AlignLeft | Qt.AlignVCenter)
    return label


def _card() -> tuple[QFrame, QVBoxLayout]:
    card = QFrame()
    card.setObjectName("wizardCard")
    box = QVBoxLayout(card)
    box.setContentsMargins(18, 14, 18, 14)
    box.setSpacing(8)
    return card, box


def _line(name: str, accessible: str, placeholder: str = "", password: bool = False, length: int = 80) -> QLineEdit:
    edit = named(QLineEdit(), name, accessible)
    edit.setPlaceholderText(placeholder)
    edit.setMaxLength(length)
    if password:
        edit.setEchoMode(QLineEdit.Password)
    return edit


def region_name(code: str) -> str:
    """The region's English name from Qt's locale data (the frozen till leaves out phonenumbers' geodata)."""
    territory = QLocale.codeToTerritory(code)
    return QLocale.territoryToString(territory) if territory != QLocale.AnyTerritory else code


def _locale_defaults() -> tuple[str, str]:
    """(currency, region) of this computer's locale when they are known codes, else USD / US."""
    system = QLocale.system()
    currency = system.currencySymbol(QLocale.CurrencyIsoCode)
    try:
        region = QLocale.territoryToCode(system.territory())
    except AttributeError:  # pragma: no cover - Qt < 6.2
        region = ""
    return (currency if currency in currencies.CURRENCIES else "USD",
            region if region in shop_setup.region_codes() else "US")
