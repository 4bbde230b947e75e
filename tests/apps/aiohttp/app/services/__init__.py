"""Use cases. Framework-free: routes call these and translate their errors to HTTP."""
