"""`python -m service.cli`: the same as the `scr` command."""

import sys

from service.cli.main import main

sys.exit(main())
