<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
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
