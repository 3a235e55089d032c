"""Promotions (``promotionsWindow``, a manager's screen): the list of offers and a form to add or change
one (who, what, when, channel, consent); beside it "Birthdays this week" (consenting customers only) and
the contact list by channel as CSV for the shop's mailing tool."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import categories, dates, profiles, promotions, segments, settings
from app.cart import parse_discount
from app.errors import TillError, ValidationError
from ui import ops
from ui.form_helpers import (
    InlineMessage,
    PageHeader,
    choose_save_path,
    hbox,
    list_table,
    named,
    primary,
)
from ui.i18n import translate
from ui.style import style_class


def _kind_choices() -> list[tuple[str, str]]:
    return [(translate("PromotionsWindow", "Percent off"), "percent"),
            (translate("PromotionsWindow", "Amount off"), "amount"),
            (translate("PromotionsWindow", "Bonus points"), "points")]


class PromotionsWindow(QWidget):
    def __init__(self, window, manager):
        super().__init__(window, Qt.Window)
        self.window_ = window
        self.manager = manager
        self.currency = settings.shop().currency
        self.editing: str | None = None
        self.rules: list[promotions.Rule] = []
        self.setObjectName("promotionsWindow")
        self.setAccessibleName("Promotions")
        self.setWindowTitle(self.tr("Promotions"))
        self.setProperty("backoffice", True)  # the back-office look: resources/till.qss
        self.resize(1180, 720)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 12)
        layout.addWidget(PageHeader(self.tr("Promotions"), self.tr("Targeted offers applied at checkout, only with consent")))
        self.tabs = named(QTabWidget(), "promotionTabs", "Promotions and contacts")
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._offers_page(), self.tr("Offers"))
        self.tabs.addTab(self._contacts_page(), self.tr("Birthdays and contacts"))
        self.reload()

    # --- offers -------------------------------------------------------------------------------------------

    def _offers_page(self) -> QWidget:
        page = QWidget()
        self.view = list_table("promotionsView", [self.tr("Name"), self.tr("Who"), self.tr("What"), self.tr("When"),
                                                  self.tr("Channel"), self.tr("Active")], row_height=30, stretch=1)
        self.view.itemSelectionChanged.connect(self._chosen)
        self.new_button = named(QPushButton(self.tr("+ New promotion")), "newPromotionButton", "New promotion")
        self.new_button.clicked.connect(self.new_promotion)
        form = QFormLayout()
        self.name_edit = named(QLineEdit(), "promotionNameEdit", "Promotion name")
        self.kind_combo = named(QComboBox(), "promotionKindCombo", "What the promotion gives")
        for label, value in _kind_choices():
            self.kind_combo.addItem(label, value)
        self.value_edit = named(QLineEdit(), "promotionValueEdit", "How much")
        self.value_edit.setPlaceholderText(self.tr("10%, 1.50 or 50 points"))
        self.segment_combo = named(QComboBox(), "promotionSegmentCombo", "Segment")
        self.segment_combo.addItem(self.tr("Any segment"), "")
        for segment in segments.SEGMENTS:
            self.segment_combo.addItem(segments.LABELS[segment], segment)
        self.profile_combo = named(QComboBox(), "promotionProfileCombo", "Profile")
        self.profile_combo.addItem(self.tr("Any profile"), "")
        for profile in sorted(profiles.all_profiles(), key=lambda p: p.name):
            self.profile_combo.addItem(profile.name, profile.id)
        self.category_combo = named(QComboBox(), "promotionCategoryCombo", "Category")
        self.category_combo.addItem(self.tr("Any category"), "")
        for category in sorted(categories.all_categories(), key=lambda c: c.name):
            self.category_combo.addItem(category.name, category.id)
        self.birthday_check = named(QCheckBox(self.tr("Only in the customer's birthday week")), "promotionBirthdayCheck",
                                    "Birthday week only")
        self.starts_edit = named(QLineEdit(), "promotionStartsEdit", "Starts on")
        self.ends_edit = named(QLineEdit(), "promotionEndsEdit", "Ends on")
        for edit in (self.starts_edit, self.ends_edit):
            edit.setPlaceholderText(self.tr("YYYY-MM-DD (empty: open)"))
        self.channel_combo = named(QComboBox(), "promotionChannelCombo", "Channel")
        for value, label in promotions.CHANNELS.items():
            self.channel_combo.addItem(label, value)
        self.consent_check = named(QCheckBox(self.tr("Needs marketing consent (always for email and SMS)")),
                                   "promotionConsentCheck", "Needs marketing consent")
        self.consent_check.setChecked(True)
        self.active_check = named(QCheckBox(self.tr("Active")), "promotionActiveCheck", "Active")
        self.active_check.setChecked(True)
        for label, widget in ((self.tr("Name"), self.name_edit), (self.tr("Gives"), self.kind_combo),
                              (self.tr("Value"), self.value_edit), (self.tr("Segment"), self.segment_combo),
                              (self.tr("Profile"), self.profile_combo), (self.tr("Category"), self.category_combo),
                              ("", self.birthday_check), (self.tr("Starts"), self.starts_edit),
                              (self.tr("Ends"), self.ends_edit), (self.tr("Channel"), self.channel_combo),
                              ("", self.consent_check), ("", self.active_check)):
            form.addRow(label, widget)
        self.message = InlineMessage("promotionMessageLabel")
        self.save_button = primary(named(QPushButton(self.tr("Save promotion")), "savePromotionButton", "Save promotion"))
        self.save_button.clicked.connect(self.save)
        self.name_edit.returnPressed.connect(self.save)
        self.value_edit.returnPressed.connect(self.save)
        side = QVBoxLayout()
        side.addLayout(form)
        side.addWidget(self.message)
        side.addLayout(hbox(None, self.save_button))
        side.addStretch(1)
        left = QVBoxLayout()
        left.addLayout(hbox(None, self.new_button))
        left.addWidget(self.view, 1)
        body = hbox(left, side)
        body.setStretch(0, 3)
        body.setStretch(1, 2)
        page.setLayout(body)
        return page

    def reload(self) -> None:
        self.rules = promotions.all_rules()
        profiles = {self.profile_combo.itemData(i): self.profile_combo.itemText(i) for i in range(self.profile_combo.count())}
        categories = {self.category_combo.itemData(i): self.category_combo.itemText(i)
                      for i in range(self.category_combo.count())}
        self.view.setRowCount(len(self.rules))
        for n, rule in enumerate(self.rules):
            who = [segments.LABELS[rule.segment]] if rule.segment else []
            who += [profiles.get(rule.profile_id, "?")] if rule.profile_id else []
            who += [categories.get(rule.category_id, "?")] if rule.category_id else []
            who += [self.tr("birthday week")] if rule.birthday_week else []
            when = f"{rule.starts_on or '…'} – {rule.ends_on or '…'}" if rule.starts_on or rule.ends_on else \
                self.tr("Always")
            channel = promotions.CHANNELS[rule.channel] + (self.tr(" · consent") if rule.consent_required else "")
            cells = [rule.name, ", ".join(who) or self.tr("Everyone"), promotions.describe(rule, self.currency), when,
                     channel, self.tr("Yes") if rule.active else self.tr("No")]
            for c, text in enumerate(cells):
                self.view.setItem(n, c, QTableWidgetItem(text))

    def _chosen(self) -> None:
        row = self.view.currentRow()
        if not 0 <= row < len(self.rules):
            return
        rule = self.rules[row]
        self.editing = rule.id
        self.name_edit.setText(rule.name)
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(rule.kind))
        if rule.kind == "percent":
            self.value_edit.setText(f"{rule.value / 100:g}%")
        elif rule.kind == "amount":
            from app.money import to_decimal

            self.value_edit.setText(str(to_decimal(rule.value, self.currency)))
        else:
            self.value_edit.setText(str(rule.value))
        for combo, value in ((self.segment_combo, rule.segment), (self.profile_combo, rule.profile_id),
                             (self.category_combo, rule.category_id), (self.channel_combo, rule.channel)):
            combo.setCurrentIndex(max(combo.findData(value), 0))
        self.birthday_check.setChecked(rule.birthday_week)
        self.starts_edit.setText(rule.starts_on)
        self.ends_edit.setText(rule.ends_on)
        self.consent_check.setChecked(rule.needs_consent)
        self.active_check.setChecked(rule.active)
        self.message.clear_message()

    def new_promotion(self) -> None:
        self.editing = None
        self.view.clearSelection()
        for edit in (self.name_edit, self.value_edit, self.starts_edit, self.ends_edit):
            edit.clear()
        for combo in (self.kind_combo, self.segment_combo, self.profile_combo, self.category_combo, self.channel_combo):
            combo.setCurrentIndex(0)
        self.birthday_check.setChecked(False)
        self.consent_check.setChecked(True)
        self.active_check.setChecked(True)
        self.message.clear_message()
        self.name_edit.setFocus()

    def _value(self) -> int:
        kind, text = self.kind_combo.currentData(), self.value_edit.text().strip()
        if kind == "points":
            if not text.isdigit():
                raise ValidationError(self.tr("Bonus points are a whole number."), "value")
            return int(text)
        if kind == "percent" and not text.endswith("%"):
            text += "%"
        bp, amount = parse_discount(text, self.currency)
        return bp if kind == "percent" else amount

    def save(self) -> None:
        try:
            values = {
                "name": self.name_edit.text(), "kind": self.kind_combo.currentData(), "value": self._value(),
                "segment": self.segment_combo.currentData(), "profile_id": self.profile_combo.currentData(),
                "category_id": self.category_combo.currentData(), "birthday_week": self.birthday_check.isChecked(),
                "starts_on": self.starts_edit.text(), "ends_on": self.ends_edit.text(),
                "channel": self.channel_combo.currentData(), "needs_consent": self.consent_check.isChecked(),
                "active": self.active_check.isChecked(),
            }
        except TillError as exc:  # refused before anything is written
            self.message.bad(exc.message)
            return

        def saved(row):
            self.editing = row.id
            self.message.ok(self.tr("Saved {name}.").format(name=row.name))
            self.reload()

        ops.write(self.window_, promotions.save, self.manager, values, self.editing, owner=self).success(saved).failure(
            lambda exc: self.message.bad(getattr(exc, "message", str(exc)))).run()

    # --- birthdays and contacts -------------------------------------------------------------------------------

    def _contacts_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        caption = QLabel(self.tr("Birthdays this week (customers who agreed to marketing)"))
        style_class(caption, "bold")
        self.birthdays_view = list_table("birthdaysView", [self.tr("Birthday"), self.tr("Name"), self.tr("Phone"),
                                                           self.tr("Email")], row_height=28, stretch=1)
        self.contact_channel_combo = named(QComboBox(), "contactChannelCombo", "Channel to contact by")
        self.contact_channel_combo.addItem(self.tr("Email"), "email")
        self.contact_channel_combo.addItem(self.tr("SMS"), "sms")
        self.contact_segment_combo = named(QComboBox(), "contactSegmentCombo", "Segment to contact")
        self.contact_segment_combo.addItem(self.tr("All segments"), None)
        for segment in segments.SEGMENTS:
            self.contact_segment_combo.addItem(segments.LABELS[segment], segment)
        self.export_contacts_button = named(QPushButton(self.tr("Export contact list…")), "exportContactsButton",
                                            "Export contact list")
        self.export_contacts_button.clicked.connect(lambda: self.export_contacts())
        self.contacts_message = InlineMessage("contactsMessageLabel")
        layout.addWidget(caption)
        layout.addWidget(self.birthdays_view, 1)
        layout.addLayout(hbox(QLabel(self.tr("Contact list for")), self.contact_channel_combo, self.contact_segment_combo,
                              self.export_contacts_button, None))
        layout.addWidget(self.contacts_message)
        self.window_.reads.submit(promotions.birthdays_this_week, owner=self, on_done=self._show_birthdays)
        return page

    def _show_birthdays(self, rows) -> None:
        from app.contact import format_phone

        region = settings.shop().phone_region
        self.birthdays_view.setRowCount(len(rows))
        for n, (_id, name, phone, email, dob) in enumerate(rows):
            day = dates.weekday(dt.date(2000, int(dob[5:7]), int(dob[8:10])), year=False)
            for c, text in enumerate([day, name, format_phone(phone, region), email or ""]):
                self.birthdays_view.setItem(n, c, QTableWidgetItem(text))

    def export_contacts(self, path: str | None = None):
        channel = self.contact_channel_combo.currentData()
        segment = self.contact_segment_combo.currentData()
        if path is None:
            return choose_save_path(self, self.tr("Export contact list"), f"contacts-{channel}-{dt.date.today()}.csv",
                                    self.tr("CSV files (*.csv)"), self.export_contacts)
        self.contacts_message.ok(self.tr("Exporting…"))
        self.window_.reads.submit(
            promotions.contact_csv, path, channel, segment, self.manager, owner=self,
            on_done=lambda count: self.contacts_message.ok(self.tr("{count} customers who agreed to {channel} → {path}")
                                                           .format(count=f"{count:,}", channel=channel, path=path)),
            on_error=lambda exc: self.contacts_message.bad(getattr(exc, "message", str(exc))))
        return None
