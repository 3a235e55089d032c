"""phonenumbers: only the metadata the till uses to parse and format numbers.

Replaces the contrib hook, which collects every submodule including the 40 MB geocoder and carrier
tables. Region metadata modules are imported by name at run time, so they are listed here."""

from PyInstaller.utils.hooks import collect_submodules

hiddenimports = collect_submodules("phonenumbers.data") + collect_submodules("phonenumbers.shortdata")
