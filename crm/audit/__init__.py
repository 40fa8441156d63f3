"""The audit log: every change to an audited model, with who, when, before and after."""
