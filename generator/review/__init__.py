"""The review of a pull request's schema change: rules, locations, formats."""
