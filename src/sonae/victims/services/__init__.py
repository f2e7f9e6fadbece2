"""Every write of the victims part (HackSoft style: keyword-only, one function per use case, in a transaction,
audited). Split by sub-domain: imports, letters, gifts, lookup (call centre and self-service), case settings."""
