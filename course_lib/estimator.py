"""The parameter side of scikit-learn's estimator protocol, without scikit-learn.

A scikit-learn estimator keeps its parameters as its ``__init__`` received them, under the
same names; ``fit`` validates them and stores what it learns in attributes whose names end
with ``_``. :class:`Estimator` reads the parameter names from the ``__init__`` signature and
gives ``get_params``, ``set_params`` and a repr that shows the parameters changed from their
defaults, so that scikit-learn's ``clone``, ``GridSearchCV`` or ``Pipeline`` can use a
course_lib model while a student's install has no scikit-learn. :class:`NotFittedError` is
what a model raises when it is used before ``fit``.
"""

from __future__ import annotations

import functools
import inspect
import sys


class NotFittedError(ValueError, AttributeError):
    """A model was used (``predict``, ``score``...) before ``fit``.

    Like scikit-learn's exception of the same name it is both a ``ValueError`` and an
    ``AttributeError``, so that code catching either one catches it. Raise it with
    :func:`not_fitted`, which also makes it scikit-learn's when scikit-learn is loaded.
    """


def not_fitted(estimator) -> NotFittedError:
    """The error to raise when ``estimator`` is used before ``fit``.

    When scikit-learn is already loaded (this module never imports it: it is no dependency of
    course_lib), the error is also an instance of ``sklearn.exceptions.NotFittedError``, so that
    code written for scikit-learn, ``except NotFittedError`` included, treats a course_lib model
    like one of its own.
    """
    message = f"This {type(estimator).__name__} is not fitted yet: call fit(X, y) first"
    if "sklearn.exceptions" in sys.modules:
        return _also_scikit_learns()(message)
    return NotFittedError(message)


@functools.cache
def _also_scikit_learns() -> type:
    """``NotFittedError`` that is also scikit-learn's (it pickles as the plain one)."""
    from sklearn.exceptions import NotFittedError as ScikitLearnNotFittedError

    return type("NotFittedError", (NotFittedError, ScikitLearnNotFittedError), {
        "__module__": __name__, "__doc__": NotFittedError.__doc__,
        "__reduce__": lambda self: (NotFittedError, self.args),
    })


class Estimator:
    """Parameters are the ``__init__`` arguments, stored unchanged as attributes of the same names.

    A subclass's ``__init__`` only assigns its arguments (no ``*args``, no ``**kwargs``, no
    validation); ``fit`` validates them.
    """

    @classmethod
    def _param_names(cls) -> list[str]:
        """The parameter names, sorted: the named arguments of ``__init__``."""
        if cls.__init__ is object.__init__:
            return []
        names = []
        for parameter in inspect.signature(cls.__init__).parameters.values():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise TypeError(f"{cls.__name__}.__init__: expected named parameters only (an estimator's "
                                f"parameters are its __init__ arguments), got *{parameter.name}")
            if parameter.name != "self":
                names.append(parameter.name)
        return sorted(names)

    def get_params(self, deep: bool = True) -> dict:
        """The parameters as a dict ``{name: value}``.

        Parameters
        ----------
        deep : bool
            Also list the parameters of a parameter that is itself an estimator (one with
            ``get_params``), as ``"name__parameter"``.
        """
        params = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                params.update((f"{name}__{key}", inner) for key, inner in value.get_params().items())
            params[name] = value
        return params

    def set_params(self, **params):
        """Set parameters (``name=value``, or ``name__parameter=value`` inside a nested estimator); return ``self``.

        Nothing is validated here: ``fit`` does that. An unknown name is refused (and nothing is set).
        """
        if not params:
            return self
        valid = self.get_params(deep=True)
        own = self._param_names()
        nested: dict[str, dict] = {}
        for key, value in params.items():
            name, nested_key, inner = key.partition("__")
            if name not in own:
                raise ValueError(f"set_params: expected parameters of {type(self).__name__} ({', '.join(own)}), "
                                 f"got {key!r}")
            if nested_key:
                if not hasattr(valid[name], "set_params"):
                    raise ValueError(f"set_params: {key!r} sets a parameter of {name}, but {name} "
                                     f"({type(valid[name]).__name__}) has no parameters")
                nested.setdefault(name, {})[inner] = value
        for key, value in params.items():
            if "__" not in key:
                setattr(self, key, value)
                valid[key] = value
        for name, inner_params in nested.items():
            valid[name].set_params(**inner_params)
        return self

    def __repr__(self) -> str:
        defaults = {name: parameter.default
                    for name, parameter in inspect.signature(type(self).__init__).parameters.items()}
        changed = [f"{name}={_describe(value)}" for name, value in self.get_params(deep=False).items()
                   if _differs(value, defaults.get(name, inspect.Parameter.empty))]
        return f"{type(self).__name__}({', '.join(changed)})"


def _differs(value, default) -> bool:
    """Whether a parameter is not its default (an array or anything not comparable counts as changed)."""
    if value is default:
        return False
    if type(value) is not type(default):
        return True
    try:
        return bool(value != default)
    except (TypeError, ValueError):
        return True


def _describe(value) -> str:
    """A parameter as the repr shows it: a function by its name (no memory address), anything else by its repr."""
    if inspect.isfunction(value) or inspect.isbuiltin(value):
        return value.__name__
    return repr(value)
