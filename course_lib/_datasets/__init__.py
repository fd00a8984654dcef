"""Data that ships inside course_lib: the digits (``digits.npz``) and the pretrained weights (``pretrained.npz``).

``pretrained.npz`` is made by :mod:`course_lib._datasets.make_pretrained` (instructor's checkout only) and
read with :func:`course_lib.data.load_pretrained`.
"""
