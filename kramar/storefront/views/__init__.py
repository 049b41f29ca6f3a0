"""The shop's pages. Each module is one subject: home, catalogue, cart, account, checkout."""
