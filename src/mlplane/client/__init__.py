"""The SDK's transport: HTTP to a platform, or the app in-process when none is running."""
