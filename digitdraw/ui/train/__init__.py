"""The Train tab: the form, the background training run and its live views."""
