"""Use cases of Conduit. Plain Python: no Flask, no HTTP; errors are domain exceptions."""
