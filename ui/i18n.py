"""Translations: Qt's own strings (qtbase_<lang>.qm from the PySide6 wheel) and the Till's
(resources/translations/till_<locale>.qm), chosen by the shop's locale setting and loaded at start-up.

Widgets wrap their user-visible text in ``self.tr()`` (context: the class name) or ``translate(context, text)``;
with no translation for the locale the English source text shows. How to make a translation: packaging/INSTALL.md.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app import payment_methods
from app.resources import resource_dir

log = logging.getLogger(__name__)

_installed: list[QTranslator] = []  # a translator works only while Python holds it


def translations_dir():
    return resource_dir() / "translations"


def translate(context: str, text: str, disambiguation: str | None = None, n: int = -1) -> str:
    return QCoreApplication.translate(context, text, disambiguation, n)


def payment_label(method: str) -> str:
    """A payment method's label in the shop's language (app/payment_methods.py holds the English ones)."""
    return translate("PaymentMethod", payment_methods.label(method))


def install(app: QCoreApplication, locale_code: str) -> list[str]:
    """Replace the translators with those for ``locale_code`` (e.g. de_DE); return the files loaded."""
    for old in _installed:
        app.removeTranslator(old)
    _installed.clear()
    locale = QLocale(locale_code)
    QLocale.setDefault(locale)  # Qt's own number and date widgets follow the shop too
    loaded = []
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    for name, folder in (("qtbase", qt_dir), ("till", str(translations_dir()))):
        translator = QTranslator(app)
        # tries till_de_DE.qm, then till_de.qm: a German translation serves de_AT and de_CH too
        if translator.load(locale, name, "_", folder, ".qm"):
            app.installTranslator(translator)
            _installed.append(translator)
            loaded.append(translator.filePath())
        elif not locale_code.startswith("en"):
            log.info("no %s translation for %s in %s", name, locale_code, folder)
    return loaded
