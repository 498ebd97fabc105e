"""The control panel's pages, one module per concept; each exposes `router`."""
