"""`python -m flows` runs the `chitieu` command."""

from flows.cli import main

main()
