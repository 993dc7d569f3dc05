"""The hello function's folder, deployable as it is with ``fn deploy`` (fn ignores this file).

This file only makes the folder a regular package, so that setuptools ships it and pytest
imports ``func.py`` by its full name (``labhelpers.functions.hello.func``) instead of as a bare
``func`` that would clash with other functions' ``func.py``.  labhelpers never imports the
function: :mod:`labhelpers.functions` finds the folder as package data.
"""
