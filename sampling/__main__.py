"""Entry point for ``python -m sampling``."""

import sys

from sampling.cli import main

sys.exit(main())
