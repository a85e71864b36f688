"""`python -m dprkrel` runs the command-line tool."""

from dprkrel.cli.launch import main

main()
