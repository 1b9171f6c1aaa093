"""``python -m assistant.check PATH...``: the check command's fast entry point."""

from assistant.check.fastcli import exit_now, main

exit_now(main())
