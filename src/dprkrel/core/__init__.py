"""The core: records, loading and checks, the compiled store, subjects, search and the answers to each command.

It never prints and never exits; what goes wrong is raised as a `dprkrel.core.errors.DprkrelError`.
"""
