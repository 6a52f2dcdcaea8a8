"""Browser tests of the book: Debian's Chromium driven by Playwright, axe-core from npm."""
