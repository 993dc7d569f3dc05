"""Reliability and security checks for localoci and labhelpers (issue 9).

Each module is one check with ``run(n=..., seed=..., workdir=...) -> Result``; run them with
``python -m reliability <check> [--n N]``.  ``RELIABILITY.md`` has the figures and commands;
``tests/reliability`` runs small versions in ``make test`` and the full ones with ``-m slow``.
"""
