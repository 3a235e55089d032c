"""Seating a reservation opens its bill: the customer on the bill (their profile and preferences follow) with
a note for the table; a bill already open is held first (F6 brings it back)."""

from __future__ import annotations

from app import reservations


def seat_on_bill(page, booking: reservations.Booking) -> bool:
    """Put the booking's customer on the sale page's bill; whether it is theirs now."""
    if not page.cart.is_empty() or (page.cart.customer is not None and page.cart.customer.id != booking.customer_id):
        page.hold()
    page.set_customer(booking.customer_id)
    if page.cart.customer is None or page.cart.customer.id != booking.customer_id:
        return False
    seating = f", {booking.seating}" if booking.seating else ""
    page.cart.note = f"Table for {booking.party_size}{seating}" + (f": {booking.notes}" if booking.notes else "")
    page.refresh()
    return True
