"""What a notebook's display code meets in the grader's sandbox, where there is no kernel and no screen.

The grader runs a notebook top to bottom as a kernel would (:mod:`.worker`); a correct notebook's
later cells must compute what they compute in the student's kernel, so whatever can hand a value
to a later cell runs for real, and only what talks to a front end is a stand-in.

Real (bound read-only into the sandbox: :data:`REAL_DISTRIBUTIONS`)
    numpy; matplotlib with the Agg backend (``fig, ax = plt.subplots()`` unpacks, ``ax.bar(...)``
    returns its bars, ``plt.hist`` its counts, exactly as in the kernel; figures are closed after
    each cell, as the inline backend closes them); Pillow (matplotlib's images); tqdm
    (``tqdm(range(n))`` iterates for real, its bar goes to /dev/null); and the answer-free course_lib,
    whose reference functions raise :class:`course_lib.answers.ReferenceUnavailable` there.

Stand-ins (:func:`install`)
    - ``get_ipython()`` (:class:`Shell`), which IPython's input transformer writes for magics and
      ``!`` lines: ``%time``/``%%time``, ``%%capture`` and ``%%prun`` run their code in the notebook's
      namespace; ``%timeit``/``%%timeit`` run it once where it binds nothing (timeit's own namespace);
      ``%reset -f`` empties the namespace; every other magic (``%matplotlib``, ``%load_ext``,
      ``%pip``...) and ``!cmd`` do nothing, and ``files = !ls`` is an empty list;
    - ``IPython`` and ``IPython.display``: ``display`` and ``clear_output`` do nothing, ``HTML``,
      ``Markdown``... are inert objects;
    - ``ipywidgets``: ``interact(f, ...)`` calls ``f`` once with the values a kernel starts the
      widgets at (the middle of a slider's range, a number itself, the first option), swallowing
      what ``f`` raises as the widget's output area does, and returns ``f``, as ipywidgets does;
      ``interact_manual`` waits for a button nobody presses (``f`` is not called); ``interactive``
      calls ``f`` and keeps ``.result`` and ``.kwargs``; a widget holds its keyword arguments
      (``.value``); callbacks (``observe``, ``on_click``) never fire: nobody moves a slider;
    - the modules of :data:`ABSENT_MODULES` (scikit-learn, scipy, pandas, threadpoolctl...), which the
      sandbox does not have: their import succeeds, and every use gives an inert object (graded
      answers use numpy only; a comparison with scikit-learn in notebook 11 computes nothing).
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import sys
import types

# distributions bound read-only into the sandbox (each one's files in its site-packages): what runs real
REAL_DISTRIBUTIONS = ("numpy", "matplotlib", "contourpy", "cycler", "fonttools", "kiwisolver", "packaging",
                      "pillow", "pyparsing", "python-dateutil", "six", "tqdm")
# top-level modules that get a stand-in when the sandbox does not have them
ABSENT_MODULES = frozenset({"IPython", "ipywidgets", "ipykernel", "ipympl", "jupyter_client", "traitlets", "comm",
                            "sklearn", "scipy", "pandas", "seaborn", "threadpoolctl", "plotly", "google",
                            "widgetsnbextension", "jupyterlab_widgets", "nbformat", "ipyvolume", "bqplot"})


class Inert:
    """Stands for anything of a module the sandbox does not have: every use is harmless.

    Attributes, calls, items and arithmetic give inert objects; it iterates as empty, compares as
    unequal, formats as its name, works as a context manager.
    """

    def __init__(self, name: str = "object"):
        object.__setattr__(self, "_name", name)

    def __getattr__(self, attribute):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return Inert(f"{self._name}.{attribute}")

    def __setattr__(self, attribute, value):
        pass

    def __call__(self, *args, **kwargs):
        return Inert(f"{self._name}()")

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __bool__(self):
        return False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __getitem__(self, key):
        return Inert(f"{self._name}[]")

    def __setitem__(self, key, value):
        pass

    def __contains__(self, item):
        return False

    def __eq__(self, other):
        return other is self

    def __hash__(self):
        return id(self)

    def __lt__(self, other):
        return False

    __le__ = __gt__ = __ge__ = __lt__

    def __add__(self, other):
        return self

    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __neg__ = __add__

    def __float__(self):
        return float("nan")

    def __format__(self, spec):
        return f"<{self._name}>"

    def __repr__(self):
        return f"<{self._name}: not available while grading>"


class _InertModule(types.ModuleType):
    def __getattr__(self, attribute):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return Inert(f"{self.__name__}.{attribute}")


# --- the kernel ----------------------------------------------------------------------------------------

class Shell:
    """What ``get_ipython()`` returns in the sandbox (see the module docstring).

    Parameters
    ----------
    namespace : dict
        The notebook's namespace (``user_ns``).
    """

    def __init__(self, namespace: dict):
        self.user_ns = namespace
        self.filename = "<magic>"  # the cell running now (the worker sets it): tracebacks name it

    def _code(self, source: str, mode: str, first_line: int = 1):
        return compile("\n" * (first_line - 1) + source, self.filename, mode)

    def run_line_magic(self, name, line, _stack_depth=1):
        if name == "time":
            try:
                return eval(self._code(line, "eval"), self.user_ns)  # noqa: S307 (the student's own code)
            except SyntaxError:
                exec(self._code(line, "exec"), self.user_ns)  # noqa: S102
                return None
        if name == "timeit":
            statement = " ".join(w for w in line.split() if not w.startswith("-")) if line.lstrip().startswith("-") \
                else line
            exec(self._code(statement, "exec"), self.user_ns, {})  # noqa: S102 (timeit binds nothing)
            return None
        if name == "reset" and "-f" in line.split():
            kept = {k: self.user_ns[k] for k in ("__name__", "__builtins__", "get_ipython") if k in self.user_ns}
            self.user_ns.clear()
            self.user_ns.update(kept)
        return None

    def run_cell_magic(self, name, line, cell):
        if name in ("time", "capture", "prun"):
            if name == "capture" and line.split() and not line.split()[0].startswith("-"):
                self.user_ns[line.split()[0]] = Inert("CapturedIO")
            exec(self._code(cell, "exec", 2), self.user_ns)  # noqa: S102
        elif name == "timeit":
            exec(self._code(cell, "exec", 2), self.user_ns, {})  # noqa: S102 (timeit binds nothing)
        return None

    def system(self, command, *args, **kwargs):
        return None

    def getoutput(self, command, *args, **kwargs):
        return []

    def __getattr__(self, attribute):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return Inert(f"get_ipython().{attribute}")


# --- IPython ---------------------------------------------------------------------------------------------

def _nothing(*args, **kwargs):
    return None


def _ipython_display_module(name: str) -> types.ModuleType:
    module = _InertModule(name)
    for function in ("display", "clear_output", "update_display", "display_html", "display_markdown",
                     "display_latex", "display_png", "display_svg", "display_json", "display_javascript",
                     "display_pretty", "publish_display_data"):
        setattr(module, function, _nothing)
    return module


# --- ipywidgets ----------------------------------------------------------------------------------------------

_EMPTY = object()


class fixed:  # noqa: N801 (ipywidgets' name)
    """A value that ``interact`` passes as it is."""

    def __init__(self, value):
        self.value = value


class Widget:
    """A widget: holds its keyword arguments; its callbacks never fire."""

    def __init__(self, *args, **kwargs):
        if args and "children" not in kwargs and isinstance(args[0], (list, tuple)):
            kwargs["children"] = tuple(args[0])
        self.__dict__.update(kwargs)
        if "value" not in kwargs:
            options = kwargs.get("options")
            if options:
                first = next(iter(options.values() if isinstance(options, dict) else options), None)
                self.value = first[1] if isinstance(first, tuple) and len(first) == 2 else first
            elif "min" in kwargs:
                self.value = kwargs["min"]
            else:
                self.value = Inert("widget.value")

    def __getattr__(self, attribute):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)
        return Inert(f"widget.{attribute}")

    def observe(self, *args, **kwargs):
        return None

    unobserve = on_click = on_submit = on_msg = on_trait_change = observe

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _number(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


def _start_value(abbreviation, default=_EMPTY):
    """The value a kernel's widget for ``abbreviation`` starts at (ipywidgets' rules)."""
    if isinstance(abbreviation, fixed) or isinstance(abbreviation, Widget):
        return abbreviation.value
    if isinstance(abbreviation, (bool, str)) or _number(abbreviation):
        return abbreviation
    if isinstance(abbreviation, tuple) and 2 <= len(abbreviation) <= 3 and all(map(_number, abbreviation)):
        low, high = abbreviation[0], abbreviation[1]
        step = abbreviation[2] if len(abbreviation) == 3 else None
        if _number(default) and low <= default <= high:
            return default
        diff = high - low
        value = low + diff / 2
        if not isinstance(value, type(diff)):
            value = low + diff // 2
        if step:
            value = low + int((value - low) / step) * step
        return value
    if isinstance(abbreviation, dict):
        return next(iter(abbreviation.values()), None)
    if isinstance(abbreviation, (list, tuple, range)):
        first = next(iter(abbreviation), None)
        return first[1] if isinstance(first, tuple) and len(first) == 2 and isinstance(first[0], str) else first
    return default if default is not _EMPTY else abbreviation


def _start_values(function, kwargs: dict) -> dict:
    import inspect

    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):
        parameters = {}
    values = {}
    for name, parameter in parameters.items():
        default = parameter.default if parameter.default is not inspect.Parameter.empty else _EMPTY
        if name in kwargs:
            values[name] = _start_value(kwargs[name], default)
        elif default is not _EMPTY:
            values[name] = _start_value(default)
    for name, abbreviation in kwargs.items():
        values.setdefault(name, _start_value(abbreviation))
    return values


def _call_once(function, kwargs: dict):
    """``function`` called with the widgets' start values; what it raises stays in its output area."""
    from course_lib.grading.judging.running import Interrupted

    values = _start_values(function, kwargs)
    try:
        return function(**values), values
    except (KeyboardInterrupt, Interrupted):
        raise
    except Exception:  # shown in the widget's output in a kernel; the cell goes on
        return None, values


class _Interact:
    def __init__(self, manual: bool = False):
        self.manual = manual

    def __call__(self, __interact_f=None, **kwargs):
        if __interact_f is None or not callable(__interact_f):
            return lambda function: self(function, **kwargs)
        if not self.manual:
            _call_once(__interact_f, kwargs)
        __interact_f.widget = Widget()
        return __interact_f

    def options(self, **options):
        return _Interact(self.manual or bool(options.get("manual")))


class interactive(Widget):  # noqa: N801 (ipywidgets' name)
    """``interactive(f, **kwargs)``: ``f`` called once; ``.result`` and ``.kwargs`` as in ipywidgets."""

    def __init__(self, __interact_f, **kwargs):
        super().__init__()
        self.result, self.kwargs = _call_once(__interact_f, kwargs)
        self.children = ()

    def update(self, *args):
        return None


def _ipywidgets_module(name: str) -> types.ModuleType:
    class Module(types.ModuleType):
        def __getattr__(self, attribute):
            if attribute.startswith("__") and attribute.endswith("__"):
                raise AttributeError(attribute)
            if attribute[:1].isupper():
                kind = type(attribute, (Widget,), {})
                setattr(self, attribute, kind)
                return kind
            return _nothing

    module = Module(name)
    module.interact = _Interact()
    module.interact_manual = _Interact(manual=True)
    module.interactive = interactive
    module.fixed = fixed
    module.Widget = Widget
    module.widgets = module
    return module


# --- the import system --------------------------------------------------------------------------------------

class _Loader(importlib.abc.Loader):
    def create_module(self, spec):
        top = spec.name.split(".")[0]
        if spec.name in ("IPython.display", "IPython.core.display"):
            return _ipython_display_module(spec.name)
        if top == "ipywidgets":
            return _ipywidgets_module(spec.name)
        module = _InertModule(spec.name)
        if spec.name == "IPython":
            module.get_ipython = lambda: _SHELL[0]
            module.display = _nothing
        return module

    def exec_module(self, module):
        module.__path__ = []  # a package: its submodules are stand-ins too


class _Finder(importlib.abc.MetaPathFinder):
    """Last on ``sys.meta_path``: a stand-in for a module of :data:`ABSENT_MODULES` no real finder found."""

    def find_spec(self, fullname, path, target=None):
        if fullname.split(".")[0] not in ABSENT_MODULES:
            return None
        return importlib.util.spec_from_loader(fullname, _Loader(), is_package=True)


_SHELL: list = [None]


def install(namespace: dict) -> Shell:
    """Install the stand-ins for ``namespace`` (the notebook's): ``get_ipython`` in it, the import finder."""
    shell = Shell(namespace)
    _SHELL[0] = shell
    namespace["get_ipython"] = lambda: shell
    if not any(isinstance(f, _Finder) for f in sys.meta_path):
        sys.meta_path.append(_Finder())
    return shell


def close_figures() -> None:
    """Close every matplotlib figure, as the inline backend does after each cell (if pyplot is loaded)."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        try:
            pyplot.close("all")
        except Exception:  # noqa: S110 (a student's patched pyplot must not stop the grading)
            pass
