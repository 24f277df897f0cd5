"""Sessions travel from an offline laptop to the county's central server: the transfer
document (a JSON export with each session's record), its import, and ``facilitate sync push``."""
