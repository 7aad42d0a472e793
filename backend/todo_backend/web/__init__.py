"""The web chat client: the page at `/`, its static modules, its configuration, dev sign-in."""
