"""The student's copy: ``build`` writes a release (graded or open), ``start`` opens one in JupyterLab.

May import: ``exercises`` (cells, the data bank). The autograder imports ``build`` for the
answer-free package its sandbox binds.
"""
