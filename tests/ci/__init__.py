"""CI programs: the steps of .ci/run that drive the site with real servers."""
