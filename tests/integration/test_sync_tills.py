"""Two and three tills, each with its own encrypted database, syncing through one real central server on
a real PostgreSQL."""

from __future__ import annotations

import pytest
from sync_helpers import enroll, opened, sell, set_central_url, sync, table_rows

from app.sync.client import Offline

pytestmark = pytest.mark.postgres


def _link_first(central_server, shop, path, code="T1", url=None):
    enroll(path, url or central_server.url, central_server.enroll_till(shop, code))
    return sync(path)


def _new_till(central_server, shop, tmp_path, code, url=None):
    path = tmp_path / f"{code}.db"
    with opened(path):
        pass
    enroll(path, url or central_server.url, central_server.enroll_till(shop, code))
    return path


def test_first_till_brings_the_shop_up_and_a_new_till_receives_it(central_server, shop, first_till, tmp_path):
    path, known = first_till
    with opened(path):
        from db.outbox import pending_count

        waiting = pending_count()
    report = _link_first(central_server, shop, path)
    assert report.pushed == waiting and report.rejected == 0
    with opened(path):
        assert pending_count() == 0
    assert set(central_server.rows(shop, "customer")) == set(known["customers"])
    assert len(central_server.rows(shop, "user")) == 2

    second = _new_till(central_server, shop, tmp_path, "T2")
    report = sync(second)
    assert report.bootstrapped > 0
    with opened(second) as till:
        assert set(table_rows("customer")) == set(known["customers"])
        assert till.sign_in("1111").name == "Cashier"  # the shop's users arrived
        from app import settings

        assert settings.local("till_code") == "T2"


def test_a_customer_added_on_one_till_appears_on_the_other_two(central_server, shop, first_till, tmp_path):
    path, known = first_till
    _link_first(central_server, shop, path)
    t2 = _new_till(central_server, shop, tmp_path, "T2")
    t3 = _new_till(central_server, shop, tmp_path, "T3")
    sync(t2)
    sync(t3)
    from app import customers

    with opened(t2):
        added = customers.create({"name": "Zoë Müller", "phone": "+1 555 020 7777", "email": "zoe@example.com"}, None)
    sync(t2)
    for other in (path, t3):
        sync(other)
        with opened(other):
            row = table_rows("customer")[added.id]
            assert (row["name"], row["phone"], row["email"]) == ("Zoë Müller", "+15550207777", "zoe@example.com")


def test_a_sale_made_while_the_server_is_down_reaches_it_exactly_once(central_server, shop, first_till, tmp_path,
                                                                       proxy):
    path, known = first_till
    _link_first(central_server, shop, path, url=proxy.url)
    other = _new_till(central_server, shop, tmp_path, "T2")
    sync(other)
    customer = known["customers"][0]
    proxy.down = True
    with opened(path):
        sale = sell(customer, ["2*1001", "1003"])
    with pytest.raises(Offline):
        sync(path)
    with opened(path):
        from db.outbox import pending_count

        assert pending_count() > 0  # kept, nothing lost
    proxy.down = False
    first = sync(path)
    again = sync(path)
    assert first.pushed > 0 and again.pushed == 0 and again.duplicates == 0
    bills = [b for b in central_server.rows(shop, "bill").values() if b["receipt_no"] == sale.receipt_no]
    assert len(bills) == 1
    sync(other)
    sync(other)
    with opened(other):
        from db.models import CustomerStats

        assert [b["receipt_no"] for b in table_rows("bill").values()].count(sale.receipt_no) == 1
        stats = CustomerStats.get(CustomerStats.customer == customer)
        assert (stats.orders, stats.spent) == (1, sale.total)


def test_loyalty_points_are_never_doubled_by_retries(central_server, shop, first_till, tmp_path, proxy):
    path, known = first_till
    _link_first(central_server, shop, path, url=proxy.url)
    customer = known["customers"][1]
    with opened(path):
        sale = sell(customer, ["3*1003"])
    assert sale.points_earned > 0
    # the server applies the push but the answer is lost, twice; the till retries each time
    proxy.add("/v1/push", "lose_response", times=2)
    with pytest.raises(Offline):
        sync(path)
    with pytest.raises(Offline):
        sync(path)
    report = sync(path)
    assert report.duplicates > 0 and report.pushed == 0
    entries = [e for e in central_server.rows(shop, "loyalty_entry").values() if e["customer_id"] == customer]
    assert sum(e["points"] for e in entries) == sale.points_earned
    other = _new_till(central_server, shop, tmp_path, "T2")
    sync(other)
    sync(other)
    with opened(other):
        from db.models import CustomerStats

        assert CustomerStats.get(CustomerStats.customer == customer).points == sale.points_earned
    with opened(path):
        assert CustomerStats.get(CustomerStats.customer == customer).points == sale.points_earned


def test_moving_a_till_to_the_proxy_keeps_its_cursor(central_server, shop, first_till, proxy):
    path, _ = first_till
    _link_first(central_server, shop, path)
    set_central_url(path, proxy.url)
    report = sync(path)
    assert report.pushed == 0 and proxy.seen


def test_the_demo_database_as_a_shops_first_till_brings_everything_up(central_server, shop, demo_db_path, tmp_path):
    from sync_helpers import comparable

    from central.tables import TABLE_ORDER, TABLES
    from db.models import Customer, CustomerStats, Outbox

    with opened(demo_db_path):
        queued = Outbox.select().count()
        emily = Customer.get(Customer.name == "Emily Roberts").id
        figures = CustomerStats.get_or_none(CustomerStats.customer == emily)
        figures = figures and (figures.orders, figures.spent, figures.points)
    report = _link_first(central_server, shop, demo_db_path)
    assert (report.pushed, report.rejected) == (queued, 0)
    second = _new_till(central_server, shop, tmp_path, "T2")
    sync(second)
    with opened(second) as till:
        for table in TABLE_ORDER:
            if table == "conflict_log":
                continue
            columns = TABLES[table].column_names
            server = {i: comparable(r, columns) for i, r in central_server.rows(shop, table).items()}
            assert {i: comparable(r, columns) for i, r in table_rows(table).items()} == server, table
        again = CustomerStats.get_or_none(CustomerStats.customer == emily)
        assert (again and (again.orders, again.spent, again.points)) == figures
        assert till.sign_in("9999").role == "manager"


def test_a_replacement_till_with_the_same_code_carries_on_its_receipt_numbers(central_server, shop, first_till,
                                                                              tmp_path):
    path, known = first_till
    _link_first(central_server, shop, path)
    with opened(path):
        sold = [sell(known["customers"][0]).receipt_no for _ in range(2)]
    sync(path)
    replacement = _new_till(central_server, shop, tmp_path, "T1")  # the same till code, a new computer
    sync(replacement)
    with opened(replacement):
        receipt = sell(None).receipt_no
    report = sync(replacement)
    assert report.rejected == 0
    numbers = sorted(int(r.rsplit("-", 1)[1]) for r in [*sold, receipt])
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]
    assert len(central_server.rows(shop, "bill")) == 3
