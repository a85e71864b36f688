"""The command-line layer: the console entry, the quick reader, the Typer app, the process's exit policy."""
