#!/usr/bin/env python
"""Development convenience: the same as the ``palermo`` console command."""

from palermo.__main__ import main

if __name__ == "__main__":
    main()
