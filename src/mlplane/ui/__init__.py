"""The control panel: server-rendered pages over the services, with their assets."""
