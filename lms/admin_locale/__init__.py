"""Vietnamese for the Wagtail admin strings Wagtail's own catalogue leaves out.

Wagtail 8's Vietnamese catalogue translates a fraction of the admin ("Save
draft", "Page title", "Collapse all" stay English). This app carries the
missing translations in its own ``locale`` directory, kept apart from our
strings so ``make messages`` (which rewrites our catalogues from our sources)
never marks them obsolete. Listed before Wagtail's apps, its entries also
replace the few Wagtail translations staff misread ("Site" as "Trang").
"""
