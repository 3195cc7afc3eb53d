"""Village Hall: an online village hall for every neighbourhood."""
