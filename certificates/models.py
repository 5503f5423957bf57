# Models arrive with their issue; the app label is fixed now.
