"""`python -m dprkrel` runs the command-line tool."""

from dprkrel.cli import main

main()
