"""`python -m flows` runs the `chitieu` command."""

from flows.cli import main

if __name__ == "__main__":  # extraction workers re-import the main module when they start
    main()
