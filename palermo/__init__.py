"""Palermo: case management and data for the UK response to human trafficking.

Built from the House of Commons Library note "Human trafficking: UK responses" (2012),
cited throughout as "seed note §N".
"""

__version__ = "0.1.0"
