"""Referral drafts: a first responder's unsent referral, saved to come back to later (issue 14)."""
