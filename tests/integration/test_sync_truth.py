"""One truth (issue 17, items 1-9): tills that act on the same things while offline end, once everything
has synced, with identical rows on every node, and the outcome each case's rule promises."""

from __future__ import annotations

import pytest
from convergence import assert_converged, quiesce
from sync_helpers import enroll, opened, sell, sync

pytestmark = pytest.mark.postgres


def _shop(server, shop, first_till, tmp_path, n=2, office=None):
    path, known = first_till
    enroll(path, server.url, server.enroll_till(shop, "T1"))
    sync(path)
    paths = [path]
    for k in range(2, n + 1):
        other = tmp_path / f"T{k}.db"
        with opened(other):
            pass
        enroll(other, server.url, server.enroll_till(shop, f"T{k}", office=office))
        sync(other)
        paths.append(other)
    return paths, known["customers"], known["manager"]


def _manager():
    from db.models import User

    return User.select().where(User.role == "manager").order_by(User.name).first()


def test_1_the_same_sale_voided_on_two_offline_tills_is_voided_once(central_server, shop, first_till, tmp_path):
    from app import billing, loyalty
    from app.sync import problems

    (t1, t2), customers, _ = _shop(central_server, shop, first_till, tmp_path)
    with opened(t1):
        sale = sell(customers[0], ("1001", "1003"))
    quiesce([t1, t2], rounds=1)
    for path in (t1, t2):  # both offline: each voids the sale and pays the refund
        with opened(path):
            billing.void_sale(sale.bill_id, _manager(), "customer changed their mind")
    sync(t1)
    sync(t2)
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2], refused_ok=True)
    voids = [b for b in central["bill"].values() if b["kind"] == "void"]
    assert len(voids) == 1 and voids[0]["receipt_no"].startswith("T1-")
    refunds = [p for p in central["payment"].values() if p["bill_id"] == voids[0]["id"]]
    assert [p["amount"] for p in refunds] == [-sale.total]
    with opened(t2):
        refused = problems.refused()
        assert any(r.table == "bill" and "already voided" in r.reason for r in refused)
        assert any(r.table == "payment" and "left the drawer twice" in r.reason for r in refused)
        assert loyalty.balance(customers[0]) == 0
    with opened(t1):
        assert not problems.refused()
        assert loyalty.balance(customers[0]) == 0


def test_5_points_expire_at_most_once_shop_wide(central_server, shop, first_till, tmp_path):
    import datetime as dt

    from app import loyalty, loyalty_rules
    from db.ids import utcnow
    from db.models import CustomerStats, LoyaltyEntry

    (t1, t2), customers, _ = _shop(central_server, shop, first_till, tmp_path)
    old = utcnow() - dt.timedelta(days=400)
    with opened(t1):
        from app.billing import Tender, complete_sale
        from app.cart import Cart, load_customer

        for entries in (("1003",), ("2*1003",)):
            cart = Cart()
            for entry in entries:
                cart.add_entry(entry)
            cart.set_customer(load_customer(customers[0]))
            complete_sale(cart, [Tender("card", cart.price().total)], _manager(), now=old)
        sell(customers[0], ("1001",))  # recent points: these stay
    quiesce([t1, t2], rounds=1)
    with opened(t1):
        earned_recently = loyalty.balance(customers[0]) - sum(
            e.points for e in LoyaltyEntry.select().where((LoyaltyEntry.customer == customers[0])
                                                          & (LoyaltyEntry.at < utcnow() - dt.timedelta(days=300))))
    # offline: T1 expires today, T2 (a day ahead) expires tomorrow; then both again
    with opened(t1):
        first = loyalty_rules.expire_points(_manager())
        assert first > 0
        assert CustomerStats.get_by_id(customers[0]).points == loyalty.balance(customers[0]) == earned_recently
    with opened(t2):
        assert loyalty_rules.expire_points(_manager(), now=utcnow() + dt.timedelta(days=1)) == first
    sync(t2)
    sync(t1)
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    expiries = [e for e in central["loyalty_entry"].values() if e["kind"] == "expire"]
    assert sum(-e["points"] for e in expiries) == first, "each earned point expired once"
    for path in (t1, t2):
        with opened(path):
            assert loyalty.balance(customers[0]) == earned_recently >= 0
            assert CustomerStats.get_by_id(customers[0]).points == earned_recently
            assert loyalty_rules.expire_points(_manager(), now=utcnow() + dt.timedelta(days=2)) == 0


@pytest.mark.parametrize("first", ["delete", "sale"])
def test_4_a_customer_deleted_while_another_till_sells_to_them_comes_back(central_server, shop, first_till,
                                                                         tmp_path, first):
    from app import customers as rules
    from db.models import Bill, Customer

    (t1, t2), _, _ = _shop(central_server, shop, first_till, tmp_path)
    with opened(t1):
        new = rules.create({"name": "Brief Visitor", "phone": "+1 555 010 4444"}, None).id
    quiesce([t1, t2], rounds=1)
    with opened(t1):
        assert rules.delete(new, _manager()) == "deleted"  # no sales known here
    with opened(t2):
        receipt = sell(new).receipt_no
    for path in ((t1, t2) if first == "delete" else (t2, t1)):
        sync(path)
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    row = central["customer"][new]
    assert row["deleted_at"] is None and row["status"] == "inactive"
    for path in (t1, t2):
        with opened(path):
            bill = Bill.get(Bill.receipt_no == receipt)
            assert Customer.get_by_id(bill.customer_id).deleted_at is None


def test_4_a_deleted_customer_never_keeps_a_phone_nobody_can_use_again(central_server, shop, first_till, tmp_path):
    from app import customers as rules
    from db.models import Customer

    (t1, t2), customers, _ = _shop(central_server, shop, first_till, tmp_path)
    with opened(t1):
        new = rules.create({"name": "Phone Changer", "phone": "+1 555 010 5555"}, None).id
    quiesce([t1, t2], rounds=1)
    with opened(t1):
        rules.delete(new, _manager())
    with opened(t2):
        rules.update(new, {"phone": "+1 555 010 6666"}, None)
    sync(t1)
    sync(t2)
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    assert central["customer"][new]["deleted_at"] is not None and central["customer"][new]["phone"] is None
    with opened(t1):
        again = rules.create({"name": "New Owner", "phone": "+1 555 010 6666"}, None).id
    with opened(t2):
        # a tombstone on this till still holding the number (as an older central store left it)
        from db.models import database

        database.execute_sql("UPDATE customer SET phone = '+15550107777' WHERE id = ?", (new,))
        other = rules.create({"name": "Third Owner", "phone": "+1 555 010 7777"}, None).id
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    assert central["customer"][again]["phone"] == "+15550106666" and central["customer"][again]["deleted_at"] is None
    assert central["customer"][other]["phone"] == "+15550107777"
    with opened(t1):
        assert Customer.get_by_id(again).merged_into_id is None


def _ledger_sum(central, ids) -> int:
    return sum(e["points"] for e in central["loyalty_entry"].values() if e["customer_id"] in ids)


def _bills_of(central, ids) -> int:
    voided = {b["voids_id"] for b in central["bill"].values() if b["kind"] == "void"}
    return sum(1 for b in central["bill"].values()
               if b["customer_id"] in ids and b["kind"] == "sale" and b["id"] not in voided)


def _group_figures(path, customer_id):
    from app import loyalty
    from db.models import CustomerStats

    with opened(path):
        stats = CustomerStats.get_or_none(CustomerStats.customer == customer_id)
        return (stats.orders if stats else 0, loyalty.balance(customer_id), stats.points if stats else 0)


@pytest.mark.parametrize("order", ["first-merge-first", "second-merge-first"])
def test_2_opposite_merges_resolve_to_the_earlier_one_on_every_node(central_server, shop, first_till, tmp_path,
                                                                     order):
    from app import merge
    from db.models import Customer

    (t1, t2), (a, b, _), _ = _shop(central_server, shop, first_till, tmp_path)
    for path, who in ((t1, a), (t2, b), (t1, b)):
        with opened(path):
            sell(who, ("1003",))
    quiesce([t1, t2], rounds=1)
    with opened(t1):
        merge.merge(b, a, _manager())  # A into B: the earlier merge
    with opened(t2):
        merge.merge(a, b, _manager())  # B into A, later, offline
    for path in ((t1, t2) if order == "first-merge-first" else (t2, t1)):
        sync(path)
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    assert central["customer"][a]["merged_into_id"] == b and central["customer"][b]["merged_into_id"] is None
    assert central["customer"][b]["status"] == "active"
    for path in (t1, t2):
        with opened(path):
            assert Customer.get_by_id(b).merged_into_id is None
        orders, balance, points = _group_figures(path, b)
        assert orders == _bills_of(central, {a, b}) == 3
        assert balance == points == _ledger_sum(central, {a, b})


def test_2_merge_chains_learned_in_any_order_give_the_same_figures(central_server, shop, first_till, tmp_path):
    from app import merge

    (t1, t2, t3), (a, b, c), _ = _shop(central_server, shop, first_till, tmp_path, n=3)
    for path, who in ((t1, a), (t2, b), (t3, c), (t1, a)):
        with opened(path):
            sell(who, ("1004",))
    quiesce([t1, t2, t3], rounds=1)
    with opened(t1):
        merge.merge(b, a, _manager())  # A into B here
    with opened(t2):
        merge.merge(c, b, _manager())  # B into C there
    with opened(t3):
        sell(a, ("1001",))  # T3 does not know yet: a sale (and points) on A
    sync(t2)
    sync(t3)
    sync(t1)
    quiesce([t3, t1, t2])
    central = assert_converged(central_server, shop, [t1, t2, t3])
    for path in (t1, t2, t3):
        orders, balance, points = _group_figures(path, c)
        assert orders == _bills_of(central, {a, b, c}) == 5
        assert balance == points == _ledger_sum(central, {a, b, c}) > 0
        assert _group_figures(path, a)[1:] == (0, 0) and _group_figures(path, b)[1:] == (0, 0)


def test_3_points_on_a_merged_away_duplicate_count_for_the_survivor(central_server, shop, first_till, tmp_path):
    from app import customers as rules
    from db.models import Customer

    (t1, t2), _, _ = _shop(central_server, shop, first_till, tmp_path)
    with opened(t1):
        one = rules.create({"name": "Dee Plicate", "phone": "+1 555 010 8888"}, None).id
        sell(one, ("1003",))
    with opened(t2):
        two = rules.create({"name": "Dee Plicate", "phone": "+1 555 010 8888"}, None).id
        sell(two, ("2*1003",))
        sell(two, ("1001",))
    sync(t1)
    sync(t2)  # the store merges T2's copy into T1's
    with opened(t2):
        assert Customer.get_by_id(two).merged_into_id == one
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    for path in (t1, t2):
        orders, balance, points = _group_figures(path, one)
        assert orders == 3
        assert balance == points == _ledger_sum(central, {one, two}) > 0


def test_6_figures_equal_a_recomputation_after_voids_on_a_merged_customer(central_server, shop, first_till, tmp_path):
    import datetime as dt

    from app import billing, merge
    from db.models import CustomerStats

    (t1, t2), (a, b, _), _ = _shop(central_server, shop, first_till, tmp_path)
    with opened(t1):
        sell(b, ("1004",))
        early = sell(a, ("1003",))
        late = sell(a, ("1001",))
    quiesce([t1, t2], rounds=1)
    with opened(t1):
        merge.merge(b, a, _manager())
        billing.void_sale(late.bill_id, _manager())  # voided on a till that knows A was merged into B
    quiesce([t1, t2])
    assert_converged(central_server, shop, [t1, t2])
    for path in (t1, t2):
        with opened(path):
            stats = CustomerStats.get_by_id(b)
            assert stats.orders == 2
            assert abs(stats.last_visit - early.completed_at) < dt.timedelta(milliseconds=1)


@pytest.mark.parametrize("first", ["erase", "edit"])
def test_9_erasure_sticks_over_any_edit_everywhere(central_server, shop, first_till, tmp_path, first):
    from app import customers as rules
    from app import privacy
    from db.models import Customer

    (t1, t2), _, _ = _shop(central_server, shop, first_till, tmp_path)
    with opened(t1):
        person = rules.create({"name": "Eve Rased", "phone": "+1 555 010 9999", "email": "eve@example.com"}, None).id
        rules.save_addresses(Customer.get_by_id(person), [{"line1": "1 Secret Lane", "city": "Hidden"}], None)
    with opened(t2):  # the same person added offline on T2: the store merges it into T1's
        twin = rules.create({"name": "Eve Rased", "phone": "+1 555 010 9999", "email": "eve.r@example.com",
                             "date_of_birth": "1990-01-02"}, None).id
    quiesce([t1, t2], rounds=1)
    with opened(t2):
        assert Customer.get_by_id(twin).merged_into_id == person
        rules.update(person, {"email": "eve.new@example.com", "date_of_birth": "1990-02-03"}, None)
        address = rules.addresses(person)[0]
        rules.save_addresses(Customer.get_by_id(person), [{"id": address.id, "line1": "2 Secret Lane",
                                                           "city": "Hidden"}], None)
    with opened(t1):
        privacy.erase(person, _manager())
    for path in ((t1, t2) if first == "erase" else (t2, t1)):
        sync(path)
    quiesce([t1, t2])
    tables = ["customer", "customer_address", "bill", "loyalty_entry"]
    central = assert_converged(central_server, shop, [t1, t2], tables=tables)
    secrets = ["555010999", "eve", "Secret", "1990-0", "Eve Rased"]
    for who in (person, twin):
        row = central["customer"][who]
        assert row["erased_at"] is not None and row["email"] is None and row["date_of_birth"] is None
    stored = str(central) + str(central_server.rows(shop, "conflict_log"))
    assert not [s for s in secrets if s in stored], "no erased value at the central store"
    for path in (t1, t2):
        with opened(path):
            from sync_helpers import table_rows

            held = str(table_rows("customer")) + str(table_rows("customer_address")) + str(table_rows("conflict_log"))
            assert not [s for s in secrets if s in held], f"{path.name} keeps an erased value"


@pytest.mark.parametrize("first", ["erase", "merge"])
def test_9_erasure_reaches_the_audit_log_on_every_node(central_server, shop, first_till, tmp_path, first):
    """The erasing till scrubs its audit log (app/privacy._scrub_audit); the store does the same to its
    copy, and drops the details of entries about the person or naming them that arrive later (a merge made
    offline on another till names her, with the email it filled in): every node holds the same log, and
    no value of hers is in it."""
    from sync_helpers import table_rows

    from app import customers as rules
    from app import merge, privacy

    (t1, t2), customers, _ = _shop(central_server, shop, first_till, tmp_path)
    with opened(t1):
        eve = rules.create({"name": "Eve Rased", "phone": "+1 555 010 9999", "email": "eve@example.com"}, None).id
        rules.update(eve, {"notes": "likes tea"}, None)
    quiesce([t1, t2], rounds=1)
    with opened(t2):  # offline: Eve merged into another customer; the merge's entry names her
        merge.merge(customers[0], eve, _manager())
    with opened(t1):
        privacy.erase(eve, _manager())
    for path in ((t1, t2) if first == "erase" else (t2, t1)):
        sync(path)
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2], tables=["customer", "audit_log"])
    secrets = ["Eve Rased", "eve@example.com", "5550109999", "eve-rased"]
    log = central["audit_log"]
    assert any(r["action"] == "customer.merge" for r in log.values())
    assert not [s for s in secrets if s in str(log)], "no erased value in the store's audit log"
    assert all(r["detail"] in (None, '{"erased":true}') for r in log.values()
               if r["entity"] == "customer" and r["entity_id"] == eve)
    for path in (t1, t2):
        with opened(path):
            assert not [s for s in secrets if s in str(table_rows("audit_log"))], f"{path.name} keeps an erased value"


def test_9_erasure_empties_an_address_the_erasing_till_never_saw(central_server, shop, first_till, tmp_path):
    """Another till gave the customer an address and synced; the erasing till had not pulled it: the
    store empties and deletes it when the erasure arrives, and every till takes that."""
    from app import customers as rules
    from app import privacy
    from db.models import Customer

    (t1, t2), customers, _ = _shop(central_server, shop, first_till, tmp_path)
    who = customers[0]
    with opened(t2):
        rules.save_addresses(Customer.get_by_id(who), [{"line1": "1 Secret Lane", "city": "Hidden"}], None)
    sync(t2)
    with opened(t1):
        privacy.erase(who, _manager())
    sync(t1)
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2], tables=["customer", "customer_address"])
    (address,) = [a for a in central["customer_address"].values() if a["customer_id"] == who]
    assert address["line1"] == address["city"] == "" and address["deleted_at"] is not None


def test_8_over_redeeming_on_two_offline_tills_stands_and_is_repaid(central_server, shop, first_till, tmp_path):
    import datetime as dt

    from app import loyalty, settings
    from app.billing import Tender, complete_sale
    from app.cart import Cart, load_customer
    from db.models import CustomerStats

    (t1, t2), customers, _ = _shop(central_server, shop, first_till, tmp_path)
    who = customers[0]
    with opened(t1):
        sell(who, ("3*1003",))  # 20 points
    quiesce([t1, t2], rounds=1)
    spent = {}
    for path in (t1, t2):  # offline: each till takes the whole balance
        with opened(path):
            balance = loyalty.balance(who)
            assert balance > 0
            settings.set_local("last_sync_at", (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat())
            assert "not confirmed" in loyalty.redeem_warning()
            cart = Cart()
            cart.add_entry("1003")
            cart.set_customer(load_customer(who))
            total = cart.price().total
            complete_sale(cart, [Tender("loyalty", balance), Tender("card", total - balance)], _manager())
            spent[path] = balance
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    owed = _ledger_sum(central, {who})
    assert owed < 0, "both sales stand: the balance is negative"
    for path in (t1, t2):
        with opened(path):
            assert loyalty.redeem_warning() is None  # just synced: confirmed
            assert CustomerStats.get_by_id(who).points == loyalty.balance(who) == owed
            assert [o.customer_id for o in loyalty.negative_balances()] == [who]
    with opened(t2):
        sell(who, ("3*1003", "3*1003"))  # later earnings repay it
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    for path in (t1, t2):
        with opened(path):
            assert loyalty.balance(who) == _ledger_sum(central, {who}) > owed


def test_7_the_same_profile_created_on_two_offline_tills_ends_as_one_row(central_server, shop, first_till, tmp_path):
    from app import customers as rules
    from app import profiles
    from app.billing import Tender, complete_sale
    from app.cart import Cart, load_customer, load_profile
    from db.models import Bill, Customer, CustomerProfile

    (t1, t2), _, _ = _shop(central_server, shop, first_till, tmp_path, office=True)  # both back-office tills
    with opened(t1):
        from app import settings

        settings.update({"show_customer_profile": True}, _manager())
    quiesce([t1, t2], rounds=1)
    with opened(t1):
        kept = profiles.save(profiles.ProfileValues("Wholesale", rule="discount", discount_bp=1000), _manager()).id
    with opened(t2):
        local = profiles.save(profiles.ProfileValues("Wholesale", rule="discount", discount_bp=500), _manager()).id
        buyer = rules.create({"name": "Trade Buyer", "phone": "+1 555 010 3333"}, None)
        rules.update(buyer.id, {"default_profile": local}, None)
        cart = Cart()
        cart.add_entry("1003")
        cart.set_customer(load_customer(buyer.id))
        cart.set_profile(load_profile(local))
        receipt = complete_sale(cart, [Tender("card", cart.price().total)], _manager()).receipt_no
    sync(t1)
    sync(t2)
    quiesce([t1, t2])
    central = assert_converged(central_server, shop, [t1, t2])
    live = [p for p in central["customer_profile"].values() if p["deleted_at"] is None and
            p["name"].startswith("Wholesale")]
    assert [p["id"] for p in live] == [kept]
    assert central["customer_profile"][local]["deleted_at"] is not None  # the same tombstone everywhere
    for path in (t1, t2):
        with opened(path):
            assert Customer.get_by_id(buyer.id).default_profile_id == kept
            assert Bill.get(Bill.receipt_no == receipt).profile_id == kept
            assert CustomerProfile.get_by_id(local).deleted_at is not None
