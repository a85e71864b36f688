"""`python -m dprkrel` runs the command-line tool."""

from dprkrel.launch import main

main()
