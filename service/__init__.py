"""The application service, storage, HTTP API and command line."""
