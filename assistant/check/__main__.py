"""``python -m assistant.check PATH...``: the check command's fast entry point."""

import sys

from assistant.check.fastcli import main

sys.exit(main())
