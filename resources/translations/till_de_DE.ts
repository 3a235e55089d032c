<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AllergenConfirmDialog</name>
    <message>
        <source>Allergy warning</source>
        <translation>Allergiewarnung</translation>
    </message>
    <message>
        <source>⚠  Allergy warning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove line  (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep it, customer agreed  (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HeldBillsDialog</name>
    <message>
        <source>No bills are on hold.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ItemSearchDialog</name>
    <message>
        <source>Find an item</source>
        <translation>Artikel suchen</translation>
    </message>
    <message>
        <source>Item name or code…</source>
        <translation>Artikelname oder -nummer…</translation>
    </message>
    <message>
        <source>↑↓ choose · Enter add · Esc close</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ManagerApprovalDialog</name>
    <message>
        <source>Manager approval</source>
        <translation>Freigabe durch die Filialleitung</translation>
    </message>
    <message>
        <source>Manager PIN, then Enter</source>
        <translation>PIN der Filialleitung, dann Enter</translation>
    </message>
</context>
<context>
    <name>PaymentDialog</name>
    <message>
        <source>Payment</source>
        <translation>Zahlung</translation>
    </message>
    <message>
        <source>Total to pay</source>
        <translation>Zu zahlen</translation>
    </message>
    <message>
        <source>Method</source>
        <translation>Zahlungsart</translation>
    </message>
    <message>
        <source>Amount</source>
        <translation>Betrag</translation>
    </message>
    <message>
        <source>Cancel  (Esc)</source>
        <translation>Abbrechen  (Esc)</translation>
    </message>
    <message>
        <source>Split  (F5)</source>
        <translation>Aufteilen  (F5)</translation>
    </message>
    <message>
        <source>Complete sale  (Enter)</source>
        <translation>Verkauf abschließen  (Enter)</translation>
    </message>
    <message>
        <source>Completing the sale…</source>
        <translation>Verkauf wird abgeschlossen…</translation>
    </message>
</context>
<context>
    <name>PaymentMethod</name>
    <message>
        <source>Cash</source>
        <translation>Bar</translation>
    </message>
    <message>
        <source>Card</source>
        <translation>Karte</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Sonstige</translation>
    </message>
    <message>
        <source>Loyalty points</source>
        <translation>Treuepunkte</translation>
    </message>
</context>
<context>
    <name>PromptDialog</name>
    <message>
        <source>Cancel  (Esc)</source>
        <translation>Abbrechen  (Esc)</translation>
    </message>
    <message>
        <source>Apply  (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecentBillsDialog</name>
    <message>
        <source>No sales yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecordAllergiesDialog</name>
    <message>
        <source>Allergies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Number keys tick what they say; Enter records the answer (nothing ticked: none).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not now  (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record  (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReturnDialog</name>
    <message>
        <source>Return</source>
        <translation>Rückgabe</translation>
    </message>
    <message>
        <source>Return items from a past sale</source>
        <translation>Artikel aus einem früheren Verkauf zurücknehmen</translation>
    </message>
    <message>
        <source>Scan the receipt&apos;s barcode or type its number (T1-42), then Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund as  F4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close  Esc</source>
        <translation>Schließen  Esc</translation>
    </message>
    <message>
        <source>Refund  Enter</source>
        <translation>Erstatten  Enter</translation>
    </message>
</context>
<context>
    <name>SignInPage</name>
    <message>
        <source>Type your PIN and press Enter to start selling</source>
        <translation>PIN eingeben und Enter drücken, um zu verkaufen</translation>
    </message>
    <message>
        <source>PIN</source>
        <translation>PIN</translation>
    </message>
</context>
<context>
    <name>TillWindow</name>
    <message>
        <source>The Till: {shop}</source>
        <translation>Die Kasse: {shop}</translation>
    </message>
    <message>
        <source>Not signed in</source>
        <translation>Nicht angemeldet</translation>
    </message>
    <message>
        <source>&amp;Till</source>
        <translation>&amp;Kasse</translation>
    </message>
    <message>
        <source>Sync now</source>
        <translation>Jetzt synchronisieren</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Reservations…</source>
        <translation>Reservierungen…</translation>
    </message>
    <message>
        <source>&amp;Bill</source>
        <translation>&amp;Bon</translation>
    </message>
    <message>
        <source>&amp;Manage</source>
        <translation>&amp;Verwaltung</translation>
    </message>
    <message>
        <source>Settings…</source>
        <translation>Einstellungen…</translation>
    </message>
    <message>
        <source>Customers…</source>
        <translation>Kunden…</translation>
    </message>
    <message>
        <source>Customer profiles…</source>
        <translation>Kundenprofile…</translation>
    </message>
    <message>
        <source>Reports…</source>
        <translation>Berichte…</translation>
    </message>
    <message>
        <source>Staff…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Items…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed PIN attempts…</source>
        <translation>Fehlgeschlagene PIN-Eingaben…</translation>
    </message>
    <message>
        <source>Promotions…</source>
        <translation>Aktionen…</translation>
    </message>
    <message>
        <source>Preference audit…</source>
        <translation>Präferenzprüfung…</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation>Filialleitung</translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation>Kassierer/in</translation>
    </message>
</context>
</TS>
