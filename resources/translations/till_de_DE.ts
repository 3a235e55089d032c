<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>AddressesAndPreferences</name>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address line 1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line 2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>City</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Region</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Postcode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Country</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>+ Add address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Addresses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shop default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty: use the shop default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shop default ({value})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation type="unfinished"></translation>
    </message>
</context>
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
    <name>BillDialog</name>
    <message>
        <source>Bill {receipt}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt {receipt}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Voided {when}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Completed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till {code}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cashier {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Qty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subtotal</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tax</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rounding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid: {payments}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished">Schließen</translation>
    </message>
</context>
<context>
    <name>CsvImportDialog</name>
    <message>
        <source>Choose CSV file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv *.txt)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check file</source>
        <translation>Datei prüfen</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importieren</translation>
    </message>
    <message>
        <source>Rejected rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why it was not imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished">Schließen</translation>
    </message>
    <message>
        <source>Reading {name}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} · {rows} rows · columns: {columns}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check only, nothing written: {summary}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CustomerActions</name>
    <message>
        <source>{name} has bought from you, so their record is kept for the books and marked inactive instead of deleted. Continue?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deactivate customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deactivate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete {name}? They have no sales; the record is removed from every till.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer not deleted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {count:,} customers to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CustomerCard</name>
    <message>
        <source>{orders} orders · {spent} · {points} points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{points} points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status: {status} · since {since}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CustomerForm</name>
    <message>
        <source>Fields marked * are required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First and last name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Working phone, e.g. (555) 010-0001</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>name@example.com</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Personal phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Personal email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished">Aktiv</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation type="unfinished">Inaktiv</translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gender</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Known</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date of birth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None (shelf prices)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} (inactive)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loyalty tier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Agrees to marketing messages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marketing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anything the team should know (never a card number)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose photo…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Photo</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>since {day}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Correct the fields marked in red to save.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That file is not a picture the Till can read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CustomerView</name>
    <message>
        <source>The customer could not be shown: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tier: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Segments: {names}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer since {month}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marketing: yes since {day}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marketing: yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marketing: no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Erased</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished">Aktiv</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation type="unfinished">Inaktiv</translation>
    </message>
    <message>
        <source>Edit</source>
        <translation>Bearbeiten</translation>
    </message>
    <message>
        <source>Export data…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Erase…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merged into {name}: their bills and points count there.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total orders</source>
        <translation>Bestellungen</translation>
    </message>
    <message>
        <source>Total spent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last order</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Average bill</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points balance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>Export this customer&apos;s data to…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer data exported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Written:
{0}
{1}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Erase customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Erase {name}&apos;s personal data for good? Name, contact details, addresses, preferences, notes and photo are removed on every till. Their sales stay in the books, anonymised. This cannot be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Erase</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not erased</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>CustomersWindow</name>
    <message>
        <source>Customers</source>
        <translation>Kunden</translation>
    </message>
    <message>
        <source>+ New customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search by name, email or phone…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit</source>
        <translation type="unfinished">Bearbeiten</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicates…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Categories, prices &amp;&amp; loyalty…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation>Inaktiv</translation>
    </message>
    <message>
        <source>All segments</source>
        <translation>Alle Segmente</translation>
    </message>
    <message>
        <source>Could not load: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All profiles</source>
        <translation>Alle Profile</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everyone who has shopped with you: find, add, edit and look after them</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>DuplicatesDialog</name>
    <message>
        <source>Duplicate customers</source>
        <translation>Doppelte Kunden</translation>
    </message>
    <message>
        <source>Records that look like the same person. Merging keeps one record and moves bills, points, preferences and addresses to it; it can be undone.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking for duplicates…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Possible duplicate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep this one</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge into the one kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent merges</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merged</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undo merge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished">Schließen</translation>
    </message>
    <message>
        <source>Could not look: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No likely duplicates found.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Undone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep {keep} and merge {gone} into it? {gone}&apos;s bills, points, preferences and addresses move to the record kept. You can undo this below.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merged. {gone} now counts as {keep}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Merge undone: {name} is a separate customer again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HeldBillsDialog</name>
    <message>
        <source>Held bills</source>
        <translation>Geparkte Bons</translation>
    </message>
    <message>
        <source>Held at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bill</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation type="unfinished">Kassierer/in</translation>
    </message>
    <message>
        <source>Drop  (Del)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close  (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recall  (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No bills are on hold.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportDialog</name>
    <message>
        <source>Import customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A CSV file (UTF-8) whose first row names the columns. Name and phone are required; a phone that is already a customer&apos;s updates that customer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customers to import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Columns&lt;/b&gt;: which column of the file fills each field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overwrite the names of existing customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A row whose phone is an existing customer&apos;s may rename that customer. Check the changes below first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changes to existing customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>After the import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Column {number}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the column for {fields}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (the first ones)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>   (not without “Overwrite names”)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ItemImportDialog</name>
    <message>
        <source>Import items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A CSV file (UTF-8) whose first row names the columns: code, name and price are required; barcode, tax_rate (%), allergens, tags, active and department are optional. A code already in the catalogue updates that item.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Items to import</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ItemListModel</name>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tax</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Allergens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tags</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished">Aktiv</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation type="unfinished">Inaktiv</translation>
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
    <name>ItemsDialog</name>
    <message>
        <source>Items</source>
        <translation>Artikel</translation>
    </message>
    <message>
        <source>Import CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>+ New item  (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search by name, code or barcode…  (↓ goes to the list)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished">Schließen</translation>
    </message>
    <message>
        <source>New item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active (sold at the till)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A cashier sells the item by its code or any of its barcodes as soon as it is saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save  (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sells now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is inactive (not sold)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added {code} {name} at {price}: it {sold}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {code} {name} at {price}: it {sold}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{total} · search by name, code or barcode</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count:,}{more} found · type more to narrow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count:,} found</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit item · {code}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LoyaltyPage</name>
    <message>
        <source>Earning and spending points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> per {unit}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points earned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One point pays</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Points expire after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Expire old points now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tiers by lifetime spend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From spend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> % of points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reached at spend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New tier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save tier</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tier saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loyalty rules saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{points} old points expired.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No points were due to expire.</source>
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
    <message>
        <source>The approval was not saved: %s</source>
        <translation type="unfinished"></translation>
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
    <name>PreferenceAuditWindow</name>
    <message>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not confirmed for a long time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contradicted by behaviour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overridden at checkout</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preference audit</source>
        <translation>Präferenzprüfung</translation>
    </message>
    <message>
        <source>Saved preferences that look outdated or wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Since</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirm  Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove  Del</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not load: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} to review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed: {what} of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed: {what} of {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed: {what} of {name}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PricingDialog</name>
    <message>
        <source>Categories, prices and loyalty</source>
        <translation>Kategorien, Preise und Treue</translation>
    </message>
    <message>
        <source>Who gets which discount, special prices, and how customers earn points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished">Schließen</translation>
    </message>
    <message>
        <source>Loyalty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earns points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Earns loyalty points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished">Aktiv</translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation type="unfinished">Inaktiv</translation>
    </message>
    <message>
        <source>Category saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name of a new price list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item prices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shelf price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>List price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price lists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price list saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the item&apos;s price on this list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price set for item {code}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Item {code} removed from the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find a customer by name, phone or email…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Their price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fixed price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save price</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer prices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{percent} off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find and choose a customer first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type their price for this item.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer price saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Their price for {code} removed.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PrinterSettingsTab</name>
    <message>
        <source>Receipt printer of this till (ESC/POS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipts open in the print dialog (Ctrl+P) or are saved as PDF.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 0x04b8 (Epson)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 0x0202</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vendor id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Product id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. 192.168.1.50</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Port</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. /dev/ttyUSB0 or COM3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. /dev/usb/lp0</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test print</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose how the printer is connected first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Printing a test page…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test page sent: check the printer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The printer did not print: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProfilesDialog</name>
    <message>
        <source>Customer profiles</source>
        <translation>Kundenprofile</translation>
    </message>
    <message>
        <source>The price rule a bill is rung up under. Deactivate a profile to stop offering it; old bills keep it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show inactive profiles</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>+ New profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Wholesale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active: offered on the bill</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discount</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the cashier should know, e.g. &apos;Trade customers with an account&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Used on {bills}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not used on any bill yet.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProfilesModel</name>
    <message>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Price rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished">Aktiv</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation type="unfinished">Inaktiv</translation>
    </message>
</context>
<context>
    <name>PromotionsWindow</name>
    <message>
        <source>Percent off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Amount off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bonus points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Promotions</source>
        <translation>Aktionen</translation>
    </message>
    <message>
        <source>Targeted offers applied at checkout, only with consent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Offers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Birthdays and contacts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished">Aktiv</translation>
    </message>
    <message>
        <source>+ New promotion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>10%, 1.50 or 50 points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any segment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only in the customer&apos;s birthday week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>YYYY-MM-DD (empty: open)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Needs marketing consent (always for email and SMS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Gives</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Segment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ends</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save promotion</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>birthday week</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Always</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> · consent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bonus points are a whole number.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Birthdays this week (customers who agreed to marketing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Birthday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Email</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SMS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All segments</source>
        <translation type="unfinished">Alle Segmente</translation>
    </message>
    <message>
        <source>Export contact list…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact list for</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export contact list</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} customers who agreed to {channel} → {path}</source>
        <translation type="unfinished"></translation>
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
        <source>Void a sale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Print a receipt again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close  (Esc)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt  (F10)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Void sale  (F8)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Walk-in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No sales yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{receipt} is already void.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{receipt} is a return: a return is not voided.</source>
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
    <name>ReportsWindow</name>
    <message>
        <source>Sales reports</source>
        <translation>Umsatzberichte</translation>
    </message>
    <message>
        <source>Export CSV…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export PDF…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export bills…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Total sales</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Bills</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Average bill</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tax</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discounts given</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sales by profile over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updating…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Could not run the report: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export report as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export bills as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting bills…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {n:,} bills to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export failed: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export report as PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sales report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Yesterday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This month</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This year</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 365 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReservationsReportTab</name>
    <message>
        <source>Day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By day</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reservations</source>
        <translation type="unfinished">Reservierungen</translation>
    </message>
    <message>
        <source>Covers {covers:,} · No-show rate {rate:.1%} ({no_shows} of {due} due)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReservationsTab</name>
    <message>
        <source>Visits {visits} · No-shows {no_shows} · Cancellations {cancellations}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Party</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seating</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No reservations yet.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reservations ({count})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReservationsWindow</name>
    <message>
        <source>Reservations</source>
        <translation>Reservierungen</translation>
    </message>
    <message>
        <source>◀  PgUp</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Today</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PgDn  ▶</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The day before (PgUp)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The day after (PgDn)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New  Ctrl+N</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seat  F5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Completed  F6</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No-show  F7</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel  F8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Seating opens a bill for the customer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New reservation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the customer…  F2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HH:MM, e.g. 19:30</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Birthday, high chair, allergies…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save  Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{waiting} to come ({guests} guests) · {covers} covers seated · {no_shows}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Booked {time} for {who}, party of {party}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} at {time}: {status}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} is seated; their bill is open on the till.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No preference</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Book  Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit reservation · {status_label}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a reservation in the list first (↑↓).</source>
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
    <name>SettingsDialog</name>
    <message>
        <source>No rounding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To the nearest 0.01</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To the nearest 0.05</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To the nearest 0.10</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To the nearest 0.25</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To the nearest 0.50</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To the nearest 1.00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>How this shop sells, charges and looks after its customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update (F4)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished">Schließen</translation>
    </message>
    <message>
        <source>Business</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business Configuration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show Customer Profile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On: each bill has a Customer Profile (Retail, Wholesale, Staff…) that sets its prices; it starts at the chosen customer&apos;s default profile and the cashier can change it. Off: no bill has a profile and the dropdown is hidden: items sell at shelf prices (a customer&apos;s own item prices and category or tier discount still apply). Switching it during a sale re-prices the open bill and says so on it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On receipts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shop name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tax number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Phone numbers from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Numbers typed without a country code are read as numbers of this country.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Money and tax</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Prices and payments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Currency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To {units} minor units</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cash rounding</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cash totals are rounded this way; card payments are never rounded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Shelf prices include tax</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tax</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default tax rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New items start with this tax rate.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Line discount limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A cashier needs a manager&apos;s PIN to give more than this off one line.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refund limit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A cashier needs a manager&apos;s PIN to refund more than this on a return.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This till</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Till code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Receipts are numbered CODE-1, CODE-2… Use a different code on each till of the shop.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Central store</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>https://hq.example.com:8700</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Central store URL</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Empty: this till works on its own. Link it with &apos;pos-till enroll&apos; to sync.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sync every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How often every till of the shop sends and fetches changes when online.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Customer defaults</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>At the till</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ask for allergies when a customer is chosen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Default preferences (a customer&apos;s own choice overrides these)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The shop needs a name for its receipts.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The till code is 1 to 8 letters or digits, e.g. T1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The central store URL starts with http:// or https:// and names a server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved {changes}. Prices show as {example}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing to save: the settings are as shown.</source>
        <translation type="unfinished"></translation>
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
    <name>StaffDialog</name>
    <message>
        <source>Staff</source>
        <translation>Personal</translation>
    </message>
    <message>
        <source>+ New person  (Ctrl+N)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everyone who signs in to the till, with their own PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;New person&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cashier</source>
        <translation type="unfinished">Kassierer/in</translation>
    </message>
    <message>
        <source>Manager</source>
        <translation type="unfinished">Filialleitung</translation>
    </message>
    <message>
        <source>Active (may sign in)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PIN</source>
        <translation type="unfinished">PIN</translation>
    </message>
    <message>
        <source>Save  (Enter)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished">Schließen</translation>
    </message>
    <message>
        <source>Active</source>
        <translation type="unfinished">Aktiv</translation>
    </message>
    <message>
        <source>Inactive</source>
        <translation type="unfinished">Inaktiv</translation>
    </message>
    <message>
        <source>4 to 8 digits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each active person has their own PIN.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Edit person&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty: keep the current PIN</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type a new PIN to reset it; leave it empty to keep the current one.</source>
        <translation type="unfinished"></translation>
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
