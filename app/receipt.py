"""The receipt as data, read back from the database (so it says exactly what was stored), and rendered as
HTML (print preview, PDF) or as plain text columns (ESC/POS receipt printers). Plain Python, no Qt."""

from __future__ import annotations

import datetime as dt
import html
from collections import defaultdict
from dataclasses import dataclass, field

from app import dates, loyalty, payment_methods, settings
from app.errors import NotFound
from app.money import format_money
from db.models import Bill, BillLine, Customer, CustomerProfile, Payment, User


@dataclass(frozen=True)
class ReceiptLine:
    code: str
    name: str
    quantity: int
    unit_price: int
    base_price: int
    price_source: str
    discount: int
    tax_rate_bp: int
    tax: int
    total: int
    allergens_confirmed: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReceiptPayment:
    method: str
    amount: int
    tendered: int
    change: int
    reference: str = ""

    @property
    def label(self) -> str:
        return payment_methods.label(self.method)


@dataclass(frozen=True)
class Receipt:
    shop_name: str
    shop_address: str
    shop_tax_number: str
    receipt_no: str
    kind: str
    voids_receipt_no: str | None
    completed_at: dt.datetime
    cashier: str
    customer: str | None
    profile: str | None
    currency: str
    lines: tuple[ReceiptLine, ...]
    subtotal: int
    discount_total: int
    tax_total: int
    tax_by_rate: tuple[tuple[int, int], ...]
    prices_include_tax: bool
    rounding: int
    total: int
    payments: tuple[ReceiptPayment, ...]
    points_earned: int
    points_redeemed: int
    points_balance: int | None
    instructions: str
    reprint: bool = False
    notes: tuple[str, ...] = field(default=())

    @property
    def change(self) -> int:
        return sum(p.change for p in self.payments)

    def money(self, minor: int) -> str:
        return format_money(minor, self.currency)

    # --- renderings ----------------------------------------------------------------------------------------

    def title(self) -> str:
        return {"void": "VOID", "return": "RETURN"}.get(self.kind, "Receipt")

    def _points_line(self, which: str) -> tuple[str, str]:
        """A return carries negative points: those earned are taken back, those paid with come back."""
        value = self.points_earned if which == "earned" else self.points_redeemed
        if value >= 0:
            return f"Points {which}", str(value)
        return ("Points taken back" if which == "earned" else "Points given back"), str(-value)

    @property
    def scan_code(self) -> str:
        """What the receipt's barcode holds: the receipt number, which app/returns.find_sale resolves."""
        return self.receipt_no

    def text(self, width: int = 42) -> str:
        """Fixed-width text for a receipt printer (42 columns on 80 mm paper)."""
        out: list[str] = []

        def centre(text):
            out.append(text[:width].center(width).rstrip())

        def pair(left, right):
            room = width - len(right) - 1
            out.append(f"{left[:room]:<{room}} {right}")

        centre(self.shop_name)
        for part in filter(None, [self.shop_address, self.shop_tax_number and f"Tax no. {self.shop_tax_number}"]):
            centre(part)
        out.append("")
        if self.reprint:
            centre("*** REPRINT ***")
        if self.kind in ("void", "return"):
            centre(f"*** {self.title()} of {self.voids_receipt_no} ***")
        pair(f"{self.title()} {self.receipt_no}", dates.date_time(self.completed_at))
        pair("Served by", self.cashier)
        if self.customer:
            pair("Customer", self.customer)
        if self.profile:
            pair("Profile", self.profile)
        out.append("-" * width)
        for line in self.lines:
            pair(f"{line.quantity} x {line.name}", self.money(line.quantity * line.unit_price))
            if line.quantity > 1 or line.unit_price != line.base_price:
                detail = f"   @ {self.money(line.unit_price)}"
                if line.unit_price != line.base_price:
                    detail += f" (was {self.money(line.base_price)})"
                out.append(detail[:width])
            if line.discount:
                pair("   discount", "-" + self.money(line.discount))
            if line.allergens_confirmed:
                out.append(f"   allergy checked: {', '.join(line.allergens_confirmed)}"[:width])
        out.append("-" * width)
        pair("Subtotal", self.money(self.subtotal))
        if self.discount_total:
            pair("Discounts", "-" + self.money(self.discount_total))
        if not self.prices_include_tax and self.tax_total:
            pair("Tax", self.money(self.tax_total))
        if self.rounding:
            pair("Rounding", self.money(self.rounding))
        pair("TOTAL", self.money(self.total))
        for rate, tax in self.tax_by_rate:
            pair(f"  {'incl. ' if self.prices_include_tax else ''}tax {rate / 100:g}%", self.money(tax))
        out.append("")
        for payment in self.payments:
            pair(payment.label, self.money(payment.tendered or payment.amount))
        if self.change:
            pair("Change", self.money(self.change))
        if self.points_earned or self.points_redeemed or self.points_balance is not None:
            out.append("")
            if self.points_earned:
                pair(*self._points_line("earned"))
            if self.points_redeemed:
                pair(*self._points_line("redeemed"))
            if self.points_balance is not None:
                pair("Points balance", str(self.points_balance))
        if self.instructions:
            out.append("")
            out.append("Instructions:")
            out.extend("  " + part[: width - 2] for part in self.instructions.splitlines())
        out.append("")
        centre("Thank you!")
        return "\n".join(out) + "\n"

    def html(self) -> str:
        """HTML for QTextDocument (print preview and PDF): Qt's rich-text subset, tables for columns."""
        e = html.escape
        rows = []
        for line in self.lines:
            extra = ""
            if line.unit_price != line.base_price:
                extra += f"<br><span style='color:#555'>@ {e(self.money(line.unit_price))} (was {e(self.money(line.base_price))})</span>"
            if line.discount:
                extra += f"<br><span style='color:#555'>discount -{e(self.money(line.discount))}</span>"
            if line.allergens_confirmed:
                extra += f"<br><span style='color:#b42318'>allergy checked: {e(', '.join(line.allergens_confirmed))}</span>"
            rows.append(
                f"<tr><td>{line.quantity}</td><td>{e(line.name)}{extra}</td>"
                f"<td align='right'>{e(self.money(line.total))}</td></tr>")
        totals = [("Subtotal", self.money(self.subtotal))]
        if self.discount_total:
            totals.append(("Discounts", "-" + self.money(self.discount_total)))
        if not self.prices_include_tax and self.tax_total:
            totals.append(("Tax", self.money(self.tax_total)))
        if self.rounding:
            totals.append(("Rounding", self.money(self.rounding)))
        total_rows = "".join(f"<tr><td colspan='2'>{e(k)}</td><td align='right'>{e(v)}</td></tr>" for k, v in totals)
        total_rows += (f"<tr><td colspan='2'><b style='font-size:14pt'>TOTAL</b></td>"
                       f"<td align='right'><b style='font-size:14pt'>{e(self.money(self.total))}</b></td></tr>")
        for rate, tax in self.tax_by_rate:
            label = f"{'incl. ' if self.prices_include_tax else ''}tax {rate / 100:g}%"
            total_rows += f"<tr><td colspan='2' style='color:#555'>{e(label)}</td><td align='right' style='color:#555'>{e(self.money(tax))}</td></tr>"
        pay_rows = "".join(
            f"<tr><td colspan='2'>{e(p.label)}</td><td align='right'>{e(self.money(p.tendered or p.amount))}</td></tr>"
            for p in self.payments)
        if self.change:
            pay_rows += f"<tr><td colspan='2'><b>Change</b></td><td align='right'><b>{e(self.money(self.change))}</b></td></tr>"
        meta = [f"{self.title()} <b>{e(self.receipt_no)}</b> · {e(dates.date_time(self.completed_at))}",
                f"Served by {e(self.cashier)}"]
        if self.customer:
            meta.append(f"Customer: <b>{e(self.customer)}</b>")
        if self.profile:
            meta.append(f"Profile: {e(self.profile)}")
        banner = ""
        if self.reprint:
            banner += "<p align='center'><b>*** REPRINT ***</b></p>"
        if self.kind in ("void", "return"):
            banner += (f"<p align='center' style='color:#b42318'><b>*** {self.title()} of "
                       f"{e(self.voids_receipt_no or '')} ***</b></p>")
        points = []
        if self.points_earned:
            points.append("{}: <b>{}</b>".format(*self._points_line("earned")))
        if self.points_redeemed:
            points.append("{}: <b>{}</b>".format(*self._points_line("redeemed")))
        if self.points_balance is not None:
            points.append(f"Points balance: <b>{self.points_balance}</b>")
        instructions = ""
        if self.instructions:
            instructions = ("<p><b>Instructions:</b><br>" + "<br>".join(e(x) for x in self.instructions.splitlines())
                            + "</p>")
        header = [f"<h2 align='center' style='margin:0'>{e(self.shop_name)}</h2>"]
        for part in filter(None, [self.shop_address, self.shop_tax_number and f"Tax no. {self.shop_tax_number}"]):
            header.append(f"<p align='center' style='margin:0;color:#444'>{e(part)}</p>")
        return (
            "<html><body style='font-family:sans-serif; font-size:10pt'>"
            + "".join(header) + banner
            + "<p>" + "<br>".join(meta) + "</p>"
            + "<table width='100%' cellspacing='0' cellpadding='2'>"
            + "<tr><th align='left'>Qty</th><th align='left'>Item</th><th align='right'>Amount</th></tr>"
            + "".join(rows) + "<tr><td colspan='3'><hr></td></tr>" + total_rows
            + "<tr><td colspan='3'><hr></td></tr>" + pay_rows + "</table>"
            + ("<p>" + "<br>".join(points) + "</p>" if points else "")
            + instructions
            + "<p align='center'>Thank you!</p></body></html>"
        )


def build(bill_id: str, *, reprint: bool = False) -> Receipt:
    """The receipt of a stored bill (a sale or a void), exactly as the database holds it."""
    bill = Bill.get_or_none(Bill.id == bill_id)
    if bill is None:
        raise NotFound("That bill does not exist.")
    shop = settings.shop()
    lines = list(BillLine.select().where((BillLine.bill == bill.id) & BillLine.deleted_at.is_null())
                 .order_by(BillLine.line_no))
    payments = list(Payment.select().where((Payment.bill == bill.id) & Payment.deleted_at.is_null())
                    .order_by(Payment.id))
    customer = Customer.get_or_none(Customer.id == bill.customer_id) if bill.customer_id else None
    profile = CustomerProfile.get_or_none(CustomerProfile.id == bill.profile_id) if bill.profile_id else None
    cashier = User.get_or_none(User.id == bill.cashier_id)
    pointed = bill.voids_id or bill.returns_id  # the sale a void or a return refers to
    voids = Bill.get_or_none(Bill.id == pointed) if pointed else None
    by_rate: dict[int, int] = defaultdict(int)
    for line in lines:
        if line.tax:
            by_rate[line.tax_rate_bp] += line.tax
    tax_added = sum(line.tax for line in lines if line.total != line.quantity * line.unit_price - line.discount)
    balance = None
    if customer is not None:
        completed = Bill.completed_at.db_value(bill.completed_at)
        balance = loyalty.balance_at(customer.id, completed)
    return Receipt(
        shop_name=shop.shop_name, shop_address=shop.shop_address, shop_tax_number=shop.shop_tax_number,
        receipt_no=bill.receipt_no, kind=bill.kind, voids_receipt_no=voids.receipt_no if voids else None,
        completed_at=bill.completed_at, cashier=cashier.name if cashier else "",
        customer=customer.name if customer else None, profile=profile.name if profile else None,
        currency=bill.currency,
        lines=tuple(ReceiptLine(
            code=line.code, name=line.name, quantity=line.quantity, unit_price=line.unit_price,
            base_price=line.base_price, price_source=line.price_source, discount=line.discount,
            tax_rate_bp=line.tax_rate_bp, tax=line.tax, total=line.total,
            allergens_confirmed=tuple(line.allergens_confirmed or ())) for line in lines),
        subtotal=bill.subtotal, discount_total=bill.discount_total, tax_total=bill.tax_total,
        tax_by_rate=tuple(sorted(by_rate.items())), prices_include_tax=tax_added == 0, rounding=bill.rounding,
        total=bill.total,
        payments=tuple(ReceiptPayment(p.method, p.amount, p.tendered, p.change, p.reference) for p in payments),
        points_earned=bill.points_earned, points_redeemed=bill.points_redeemed, points_balance=balance,
        instructions=bill.instructions, reprint=reprint,
    )
