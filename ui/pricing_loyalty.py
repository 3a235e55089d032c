"""The pricing dialog's Loyalty tab: how points are earned, spent and expire, and the tiers by lifetime spend.
Its saves run as write ops through the dialog (``PricingDialog.write``)."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QPushButton, QSpinBox, QWidget

from app import loyalty_rules
from app.errors import TillError
from app.money import format_money
from ui.form_helpers import MoneyEdit, PercentEdit, hbox, named, primary
from ui.pricing_parts import fill, pct, side_panel, table


class LoyaltyPage(QWidget):
    def __init__(self, dialog):
        super().__init__()
        self.dialog = dialog
        currency = self.currency = dialog.currency
        row = hbox()
        self.setLayout(row)
        panel, box = side_panel()
        box.addWidget(QLabel("<b>{}</b>".format(self.tr("Earning and spending points"))))
        rules = loyalty_rules.rules()
        form = QFormLayout()
        self.points_per_unit = named(QSpinBox(), "pointsPerUnitSpin", "Points per currency unit")
        self.points_per_unit.setRange(0, 1000)
        self.points_per_unit.setValue(rules.points_per_unit)
        unit = format_money(10 ** (2 if currency != 'JPY' else 0), currency)
        self.points_per_unit.setSuffix(self.tr(" per {unit}").format(unit=unit))
        self.point_value = MoneyEdit("pointValueEdit", "Value of one point", currency)
        self.point_value.set_minor(rules.point_value)
        self.expiry_days = named(QSpinBox(), "pointsExpiryDaysSpin", "Points expire after")
        self.expiry_days.setRange(0, 3650)
        self.expiry_days.setSuffix(self.tr(" days"))
        self.expiry_days.setSpecialValueText(self.tr("Never"))
        self.expiry_days.setValue(rules.expiry_days)
        form.addRow(self.tr("Points earned"), self.points_per_unit)
        form.addRow(self.tr("One point pays"), self.point_value)
        form.addRow(self.tr("Points expire after"), self.expiry_days)
        box.addLayout(form)
        save_rules = primary(named(QPushButton(self.tr("Save rules")), "saveLoyaltyRulesButton", "Save loyalty rules"))
        save_rules.clicked.connect(self.save_rules)
        expire = named(QPushButton(self.tr("Expire old points now")), "expirePointsButton", "Expire old points")
        expire.clicked.connect(self.expire_points)
        box.addLayout(hbox(expire, None, save_rules))
        box.addStretch(1)
        row.addWidget(panel, 2)

        tiers, tier_box = side_panel()
        tier_box.addWidget(QLabel("<b>{}</b>".format(self.tr("Tiers by lifetime spend"))))
        self.tiers_view = table("loyaltyTiersView", [self.tr("Tier"), self.tr("From spend"), self.tr("Discount"),
                                                     self.tr("Earns")])
        self.tiers_view.currentCellChanged.connect(lambda r, *_: self._load_tier(r))
        tier_box.addWidget(self.tiers_view, 1)
        form = QFormLayout()
        self.tier_name = named(QLineEdit(), "tierNameEdit", "Tier name")
        self.tier_spend = MoneyEdit("tierMinSpendEdit", "Spend to reach the tier", currency)
        self.tier_discount = PercentEdit("tierDiscountEdit", "Tier discount")
        self.tier_multiplier = named(QSpinBox(), "tierMultiplierSpin", "Earning multiplier")
        self.tier_multiplier.setRange(0, 1000)
        self.tier_multiplier.setSuffix(self.tr(" % of points"))
        form.addRow(self.tr("Name"), self.tier_name)
        form.addRow(self.tr("Reached at spend"), self.tier_spend)
        form.addRow(self.tr("Discount"), self.tier_discount)
        form.addRow(self.tr("Earns"), self.tier_multiplier)
        tier_box.addLayout(form)
        new = named(QPushButton(self.tr("New tier")), "newTierButton", "New tier")
        new.clicked.connect(self._new_tier)
        save = primary(named(QPushButton(self.tr("Save tier")), "saveTierButton", "Save tier"))
        save.clicked.connect(self.save_tier)
        tier_box.addLayout(hbox(new, None, save))
        row.addWidget(tiers, 3)
        self.tier_id: str | None = None
        self._reload_tiers()
        self._new_tier()

    def _reload_tiers(self) -> None:
        self._tiers = loyalty_rules.all_tiers()
        fill(self.tiers_view, [[t.name, format_money(t.min_spend, self.currency), pct(t.discount_bp),
                                f"{t.earn_multiplier_pct}%"] for t in self._tiers], [t.id for t in self._tiers])

    def _new_tier(self) -> None:
        self.tier_id = None
        self.tiers_view.clearSelection()
        self.tier_name.clear()
        self.tier_spend.set_minor(0)
        self.tier_discount.set_bp(0)
        self.tier_multiplier.setValue(100)

    def _load_tier(self, row: int) -> None:
        if not 0 <= row < len(self._tiers):
            return
        t = self._tiers[row]
        self.tier_id = t.id
        self.tier_name.setText(t.name)
        self.tier_spend.set_minor(t.min_spend)
        self.tier_discount.set_bp(t.discount_bp)
        self.tier_multiplier.setValue(t.earn_multiplier_pct)

    def save_tier(self) -> bool:
        def saved(tier):
            self.tier_id = tier.id
            self._reload_tiers()

        try:
            spend = self.tier_spend.minor() or 0
        except TillError as exc:
            return self.dialog.refuse(exc.message)
        return self.dialog.write(loyalty_rules.save_tier, self.dialog.manager, ok=self.tr("Tier saved."), then=saved,
                                 name=self.tier_name.text(), min_spend=spend,
                                 discount_bp=self.tier_discount.bp(), earn_multiplier_pct=self.tier_multiplier.value(),
                                 tier_id=self.tier_id)

    def save_rules(self) -> bool:
        try:
            value = self.point_value.minor()
        except TillError as exc:
            return self.dialog.refuse(exc.message)
        rules = loyalty_rules.Rules(self.points_per_unit.value(), 0 if value is None else value,
                                    self.expiry_days.value())

        def saved(changed):
            if changed:
                self.dialog.window_.notify_settings_changed(changed)

        return self.dialog.write(loyalty_rules.update_rules, self.dialog.manager, rules,
                                 ok=self.tr("Loyalty rules saved."), then=saved)

    def expire_points(self) -> bool:
        def expired(points):
            self.dialog.message.ok(self.tr("{points} old points expired.").format(points=f"{points:,}") if points
                                   else self.tr("No points were due to expire."))

        return self.dialog.write(loyalty_rules.expire_points, self.dialog.manager, then=expired)
