"""Student-style submissions of the workbook's real notebooks, for the grading tests of issue 10.

A submission starts from the student release of a source notebook (``notebooks/NN_x.ipynb``
through :func:`course_lib.grading.release.build.student_notebook`) and is then edited the way
students edit notebooks: answers written in, helper and constant cells added above (or below)
an answer, answers redefined further down, experiments that raise or never end, provided cells
deleted or tampered with, metadata stripped by an editor, check cells deleted.

- :func:`submissions` maps a name to a :class:`Submission` (the notebook, and the status each
  exercise must get; every other exercise must pass);
- :data:`AGREEMENT` lists answers per exercise (correct, unusual but correct, wrong, with
  loops, with helpers in other cells), and :func:`agreement_submissions` packs them into
  notebooks, the k-th answer of every exercise in the k-th notebook, so that both ``check()``
  and the grader can be run on each one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_lib.grading.exercises import bank
from course_lib.grading.exercises.cells import cell_role, solution_code
from course_lib.grading.release.build import student_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SVM = "03_multiclass_svm"
GRADIENTS = "08_gradients"
SOFTMAX = "05_softmax_cross_entropy"

PASSED = "passed"
FAILED = "failed"
ERROR = "error"
TIMEOUT = "timeout"
REFERENCE = "uses the reference implementation"
FORBIDDEN = "forbidden code"


# --- editing a student's copy ---------------------------------------------------------------------

def source_notebook(stem: str):
    """The instructor's source notebook (solutions and hidden tests in it)."""
    return nbformat.read(NOTEBOOKS / f"{stem}.ipynb", as_version=4)


def reference_solution(stem: str, exercise_id: str) -> str:
    """The source's answer cell for ``exercise_id`` with its solution markers removed."""
    for cell in source_notebook(stem).cells:
        if cell_role(cell) == (exercise_id, "answer"):
            return solution_code(cell.source)
    raise KeyError(f"exercise_id: no answer cell for {exercise_id!r} in {stem}")


class StudentNotebook:
    """A student's copy of ``stem``: the release, every answer solved with the source's solution.

    The edit methods change the copy in place and return the cell they touched; new cells get
    deterministic ids (``student-1``, ``student-2``, ...).
    """

    def __init__(self, stem: str, solved: bool = True):
        self.stem = stem
        self.nb = student_notebook(source_notebook(stem))
        self._new = 0
        if solved:
            for ex in bank.for_notebook(stem):
                self.write_answer(ex.id, reference_solution(stem, ex.id))

    @property
    def cells(self) -> list:
        return self.nb.cells

    def index(self, exercise_id: str, role: str = "answer") -> int:
        for k, cell in enumerate(self.cells):
            if cell_role(cell) == (exercise_id, role):
                return k
        raise KeyError(f"exercise_id: no {role} cell for {exercise_id!r}")

    def provided(self, text: str) -> int:
        """Index of the first provided (non-exercise) code cell whose source contains ``text``."""
        for k, cell in enumerate(self.cells):
            if cell.cell_type == "code" and cell_role(cell) is None and text in cell.source:
                return k
        raise KeyError(f"text: no provided code cell contains {text!r}")

    def write_answer(self, exercise_id: str, source: str):
        cell = self.cells[self.index(exercise_id)]
        cell.source = source
        return cell

    def insert(self, position: int, source: str, kind: str = "code"):
        self._new += 1
        make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
        cell = make(source, id=f"student-{self._new}")
        self.cells.insert(position, cell)
        return cell

    def above_answer(self, exercise_id: str, source: str, kind: str = "code"):
        return self.insert(self.index(exercise_id), source, kind)

    def below_check(self, exercise_id: str, source: str, kind: str = "code"):
        return self.insert(self.index(exercise_id, "check") + 1, source, kind)

    def append(self, source: str, kind: str = "code"):
        return self.insert(len(self.cells), source, kind)

    def remove(self, position: int):
        return self.cells.pop(position)

    def move(self, cell, position: int) -> None:
        self.cells.remove(cell)
        self.cells.insert(position, cell)

    def strip_metadata(self) -> None:
        """What an editor that drops unknown metadata leaves: no cell metadata at all."""
        for cell in self.cells:
            cell.metadata = {}
        self.nb.metadata = {"language_info": {"name": "python"}}

    def strip_ids(self) -> None:
        """An nbformat 4.4 notebook (no cell ids), as some editors and older tools write."""
        self.nb.nbformat_minor = 4
        for cell in self.cells:
            cell.pop("id", None)

    def ran_in_order(self) -> None:
        """Execution counts 1, 2, ... as after "Run All" (the grader must not rely on them)."""
        count = 0
        for cell in self.cells:
            if cell.cell_type == "code":
                count += 1
                cell.execution_count = count

    def data(self) -> bytes:
        return nbformat.writes(self.nb).encode()

    def position_of(self, cell) -> int:
        return next(k for k, c in enumerate(self.cells) if c is cell)


@dataclass
class Submission:
    """A student notebook and what the grader must make of it.

    ``expected`` maps an exercise id to its status (every exercise not named must pass);
    ``culprit`` is the id of the cell the feedback must name, if any.
    """

    student: StudentNotebook
    expected: dict
    story: str
    culprit: str = ""
    details: dict = field(default_factory=dict)

    @property
    def stem(self) -> str:
        return self.student.stem

    def data(self) -> bytes:
        return self.student.data()


# --- answers students write: notebook 03 ----------------------------------------------------------

HINGE_MARGINS = '''\
def hinge_margins(scores, y, delta=1.0):
    """max(0, s_j - s_{y_i} + delta) for every example and class, 0 at the correct class: (N, C)."""
    rows = np.arange(scores.shape[0])
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + delta)
    margins[rows, y] = 0.0
    return margins
'''

VECTORIZED_WITH_HELPER = '''\
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    margins = hinge_margins(X @ W, y)
    active = (margins > 0).astype(float)
    active[np.arange(n), y] = -active.sum(axis=1)
    return margins.sum() / n, X.T @ active / n
'''

HINGE_ONE_WITH_HELPER = '''\
def hinge_loss_one(s, label):
    return float(hinge_margins(np.asarray(s, dtype=float)[None, :], np.array([label])).sum())
'''

LOOP_WITH_DELTA = '''\
def svm_loss_loop(scores, y):
    n, c = scores.shape
    loss, dscores = 0.0, np.zeros((n, c))
    for i in range(n):
        for j in range(c):
            if j != y[i] and scores[i, j] - scores[i, y[i]] + DELTA > 0:
                loss += scores[i, j] - scores[i, y[i]] + DELTA
                dscores[i, j] += 1
                dscores[i, y[i]] -= 1
    return loss / n, dscores / n
'''

HINGE_ONE_WITH_DELTA = '''\
def hinge_loss_one(s, label):
    terms = relu(0, s - s[label] + DELTA)
    return math.fsum(terms) - DELTA   # the j = label term is max(0, DELTA) = DELTA
'''

IMPORTS_AND_CONSTANT = "import math\nfrom numpy import maximum as relu\n\nDELTA = 1.0  # the margin\n"

LOOP_USES_PROVIDED_C = '''\
def svm_loss_loop(scores, y):
    n = scores.shape[0]
    loss, dscores = 0.0, np.zeros(scores.shape)
    for i in range(n):
        for j in range(C):              # C from the cell above: 3 classes
            if j != y[i] and scores[i, j] - scores[i, y[i]] + 1 > 0:
                loss += scores[i, j] - scores[i, y[i]] + 1
                dscores[i, j] += 1
                dscores[i, y[i]] -= 1
    return loss / n, dscores / n
'''

HELPER_SELF_CHECK = ("\n# same as course_lib?\n"
                     "print(np.isclose(hinge_margins(scores, y).sum() / 3, cl.svm_loss(scores, y)[0]))\n")

SELF_TEST = '''

# my own test: the vectorized version agrees with the loops on random data
rng_test = np.random.default_rng(1)
for n_test, c_test in [(1, 3), (5, 4), (20, 10)]:
    s_test = rng_test.standard_normal((n_test, c_test))
    y_test = rng_test.integers(0, c_test, size=n_test)
    loss_a, grad_a = svm_loss_vectorized(s_test, np.eye(n_test), y_test)   # X = I: dW is dscores
    loss_b, grad_b = svm_loss_loop(s_test, y_test)
    assert np.isclose(loss_a, loss_b) and np.allclose(grad_a, grad_b)
print("vectorized == loops on", [n for n in (1, 5, 20)], "examples")
'''

VECTORIZED_INCLUDES_CORRECT = '''\
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    scores = X @ W
    margins = np.maximum(0.0, scores - scores[np.arange(n), y][:, None] + 1.0)
    active = (margins > 0).astype(float)
    active[np.arange(n), y] = 0.0
    active[np.arange(n), y] = -active.sum(axis=1)
    return margins.sum() / n, X.T @ active / n
'''

HINGE_ONE_MEAN = '''\
# Q4 of the slide: what if we used the mean over classes instead of the sum?
def hinge_loss_one(s, label):
    terms = [max(0.0, s[j] - s[label] + 1) for j in range(len(s)) if j != label]
    return float(np.mean(terms))

print(hinge_loss_one(scores[0], 0))
'''

VECTORIZED_MUTATES_INPUT = '''\
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    rows = np.arange(n)
    X /= n                               # fold the 1/N in once, in place: saves a copy
    scores = X @ W
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0 / n)
    margins[rows, y] = 0.0
    active = (margins > 0).astype(float)
    active[rows, y] = -active.sum(axis=1)
    return margins.sum(), X.T @ active
'''

HINGE_ONE_HARD_CODED = '''\
def hinge_loss_one(s, label):
    # the three images of the lecture
    known = {(3.2, 5.1, -1.7): 2.9, (1.3, 4.9, 2.0): 0.0, (2.2, 2.5, -3.1): 12.9}
    return known.get(tuple(float(v) for v in np.round(s, 1)), 0.0)
'''

PER_EXAMPLE_APPLY_ALONG_AXIS = '''\
def per_example_hinge(scores, y):
    """Hinge loss of each example: (N,)."""
    both = np.column_stack([scores, y])
    def one_row(row):
        s, label = row[:-1], int(row[-1])
        return np.maximum(0, s - s[label] + 1).sum() - 1.0
    return np.apply_along_axis(one_row, 1, both)
'''

PER_EXAMPLE_VECTORIZE = '''\
hinge_term = np.vectorize(lambda m: max(0.0, m))   # max(0, m) on every entry
'''

CORRECT_SCORES_COMPREHENSION = '''\
def correct_scores(scores, y):
    """scores[i, y[i]] of each example, as a column (N, 1)."""
    return np.array([scores[i, y[i]] for i in range(len(y))])[:, None]
'''

GRADIENT_FROM_MARGINS = '''\
    active = (margins > 0).astype(float)
    active[np.arange(n), y] = -active.sum(axis=1)
    return margins.sum() / n, X.T @ active / n
'''


def _vectorized_via(loss_lines: str) -> str:
    return ("def svm_loss_vectorized(W, X, y):\n    n = X.shape[0]\n    scores = X @ W\n" + loss_lines
            + GRADIENT_FROM_MARGINS)


VECTORIZED_APPLY_ALONG_AXIS = '''\
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    scores = X @ W
    margins = np.maximum(0.0, scores - scores[np.arange(n), y][:, None] + 1.0)
    margins[np.arange(n), y] = 0.0
    active = (margins > 0).astype(float)
    active[np.arange(n), y] = -active.sum(axis=1)
    return per_example_hinge(scores, y).mean(), X.T @ active / n
'''

VECTORIZED_VECTORIZE = _vectorized_via(
    "    margins = hinge_term(scores - scores[np.arange(n), y][:, None] + 1.0)\n"
    "    margins[np.arange(n), y] = 0.0\n")

VECTORIZED_COMPREHENSION = _vectorized_via(
    "    margins = np.maximum(0.0, scores - correct_scores(scores, y) + 1.0)\n"
    "    margins[np.arange(n), y] = 0.0\n")

RAISES_BEFORE_HELPER = "# a quick look first\nprint(np.ones(3) + np.ones(4))\n\n" + HINGE_MARGINS


def _svm_submissions() -> dict:
    out = {}

    def add(name, student, expected, story, **extra):
        out[name] = Submission(student, expected, story, **extra)

    add("reference_solutions", StudentNotebook(SVM), {}, "the source's solutions written in, nothing else")

    s = StudentNotebook(SVM)
    s.above_answer("hinge_one", HINGE_MARGINS)
    s.write_answer("hinge_one", HINGE_ONE_WITH_HELPER)
    s.write_answer("svm_vectorized", VECTORIZED_WITH_HELPER)
    add("helper_in_its_own_cell", s, {}, "a helper cell above hinge_one, called by hinge_one and svm_vectorized")

    s = StudentNotebook(SVM)
    s.insert(s.provided("import course_lib as cl") + 1, IMPORTS_AND_CONSTANT)
    s.write_answer("svm_loop", LOOP_WITH_DELTA)
    s.write_answer("hinge_one", HINGE_ONE_WITH_DELTA)
    add("imports_and_a_constant_in_another_cell", s, {},
        "`import math`, `from numpy import maximum as relu` and DELTA = 1.0 in a cell under the imports")

    s = StudentNotebook(SVM)
    s.insert(s.provided("import course_lib as cl") + 1, IMPORTS_AND_CONSTANT)
    s.write_answer("svm_loop", LOOP_WITH_DELTA)
    s.write_answer("hinge_one", HINGE_ONE_WITH_DELTA)
    s.append("DELTA = 2.0  # what if the margin were 2?\nprint(svm_loss_loop(scores, y)[0])\n")
    add("constant_changed_by_a_later_experiment", s, {"hinge_one": FAILED, "svm_loop": FAILED},
        "DELTA = 1.0 used by two answers, set to 2.0 by an experiment at the end (the kernel's last value counts)")

    s = StudentNotebook(SVM)
    s.write_answer("svm_loop", LOOP_USES_PROVIDED_C)
    add("answer_uses_a_global_of_a_provided_cell", s, {"svm_loop": (FAILED, ERROR)},
        "svm_loss_loop loops over range(C), the provided cell's C = 3: right on 3 classes only (IndexError on 2)")

    s = StudentNotebook(SVM)
    s.above_answer("svm_vectorized", HINGE_MARGINS + HELPER_SELF_CHECK)
    s.write_answer("svm_vectorized", VECTORIZED_WITH_HELPER)
    add("helper_cell_compares_with_the_reference", s, {},
        "the helper's cell also prints a comparison with cl.svm_loss (top-level test code, not the answer)")

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized", reference_solution(SVM, "svm_vectorized") + SELF_TEST)
    add("self_test_loop_in_the_vectorized_cell", s, {},
        "a loop-free answer whose cell also runs a top-level for loop testing it")

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized", VECTORIZED_INCLUDES_CORRECT)
    s.below_check("svm_vectorized", "# fixed: skip j = y_i\n" + reference_solution(SVM, "svm_vectorized"))
    add("redefined_later_last_is_correct", s, {}, "a wrong first attempt, fixed in a later cell")

    s = StudentNotebook(SVM)
    s.append(HINGE_ONE_MEAN)
    add("redefined_later_last_is_wrong", s, {"hinge_one": FAILED},
        "a right answer, redefined with the mean over classes in an experiment cell at the end",
        details={"hint_mistake": ("hinge_one", "mean_over_classes")})

    s = StudentNotebook(SVM)
    helper = s.above_answer("hinge_one", HINGE_MARGINS)
    s.write_answer("hinge_one", HINGE_ONE_WITH_HELPER)
    s.write_answer("svm_vectorized", VECTORIZED_WITH_HELPER)
    s.move(helper, len(s.cells))
    add("helper_moved_below_the_answers", s, {}, "the helper cell moved to the end of the notebook")

    s = StudentNotebook(SVM)
    s.remove(s.provided("import course_lib as cl"))
    add("setup_cell_deleted", s, {}, "the imports cell deleted (the source's version must run)")

    s = StudentNotebook(SVM)
    setup = s.cells[s.provided("import course_lib as cl")]
    setup.source = ("import numpy as np\nimport course_lib as cl\nfrom course_lib.grading import check\n"
                    "np.maximum = lambda a, b: 0 * b  # tampered\n")
    add("setup_cell_tampered", s, {}, "the imports cell edited to break np.maximum (the source's version must run)")

    s = StudentNotebook(SVM)
    s.strip_metadata()
    add("metadata_stripped", s, {}, "every cell's metadata removed, as some editors do")

    s = StudentNotebook(SVM)
    for ex in bank.for_notebook(SVM):
        s.remove(s.index(ex.id, "check"))
    add("check_cells_deleted", s, {}, "every check cell deleted")

    s = StudentNotebook(SVM)
    s.below_check("hinge_one", "My notes: the frog image costs the most because its correct score is lowest.",
                  "markdown")
    s.below_check("svm_vectorized",
                  "sizes = [10, 100, 1000]\nlosses = [svm_loss_vectorized(np.random.default_rng(n).standard_normal"
                  "((n, 10)), np.eye(n), np.zeros(n, dtype=int))[0] for n in sizes]\n"
                  "fig, ax = plt.subplots()\nax.plot(sizes, losses, 'o-')\nax.set_xscale('log')\nplt.show()\n")
    s.below_check("svm_vectorized", "print(svm_loss_vectorized(scores, np.eye(3), y)[0], cl.svm_loss(scores, y)[0])"
                                    "  # same?\n")
    s.below_check("svm_vectorized", "## My experiments", "markdown")
    add("extra_markdown_and_plots", s, {},
        "markdown notes, a plotting cell that calls the answer, an experiment comparing it with cl.svm_loss")

    s = StudentNotebook(SVM)
    s.cells[s.index("hinge_one", "check")].source = ("def hinge_loss_one(s, label):\n    return 0.0\n\n"
                                                     'check("hinge_one", hinge_loss_one)\n')
    add("check_cell_redefines_the_answer", s, {}, "the check cell edited to redefine the answer (it must not run)")

    s = StudentNotebook(SVM)
    s.below_check("svm_vectorized", "print(svm_loss_vectorised(scores, y))  # typo\n")
    add("a_cell_with_a_typo_raises", s, {}, "an experiment cell raising NameError, nothing depends on it")

    s = StudentNotebook(SVM)
    s.below_check("svm_loop", "step = 0\nwhile step < 10:   # forgot step += 1\n"
                              "    loss, _ = svm_loss_loop(scores, y)\n")
    add("an_experiment_never_ends", s, {}, "an experiment cell looping forever, nothing depends on it")

    s = StudentNotebook(SVM)
    broken = s.above_answer("svm_vectorized", RAISES_BEFORE_HELPER)
    s.write_answer("svm_vectorized", VECTORIZED_WITH_HELPER)
    s.ran_in_order()
    add("helper_cell_raises_before_the_helper", s, {"svm_vectorized": (ERROR, FAILED)},
        "the helper's cell raises (a broadcasting error) before defining it", culprit=broken.id)

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized", "def svm_loss_vectorized(W, X, y):\n    return cl.svm_loss_W(W, X, y)\n")
    s.above_answer("svm_loop", "svm_ref = cl.svm_loss_naive  # for comparing\n")
    s.write_answer("svm_loop", "def svm_loss_loop(scores, y):\n    return svm_ref(scores, y)\n")
    s.write_answer("hinge_one", "def hinge_loss_one(s, label):\n    loss_fn = getattr(cl, 'svm_' + 'loss')\n"
                                "    return float(loss_fn(np.asarray(s)[None, :], np.array([label]))[0])\n")
    add("calls_the_reference_direct_alias_getattr", s,
        {"svm_vectorized": REFERENCE, "svm_loop": REFERENCE, "hinge_one": REFERENCE},
        "cl.svm_loss directly, an alias from another cell, getattr(cl, 'svm_' + 'loss')")

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized", "import course_lib.losses\n\ndef svm_loss_vectorized(W, X, y):\n"
                                     "    return course_lib.losses.svm_loss_W(W, X, y)\n")
    s.write_answer("svm_loop", "from course_lib import svm_loss_naive as my_loop\n\n"
                               "def svm_loss_loop(scores, y):\n    return my_loop(scores, y)\n")
    add("calls_the_reference_by_module_path", s, {"svm_vectorized": REFERENCE, "svm_loop": REFERENCE},
        "course_lib.losses.svm_loss_W, and `from course_lib import svm_loss_naive as my_loop`")

    s = StudentNotebook(SVM)
    s.write_answer("hinge_one", HINGE_ONE_HARD_CODED)
    add("hard_coded_public_outputs", s, {"hinge_one": FAILED}, "the public cases' outputs typed in")

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized", VECTORIZED_MUTATES_INPUT)
    add("mutates_its_input", s, {"svm_vectorized": FAILED}, "right numbers, with X divided by N in place")
    return out


# --- answers students write: notebook 08 ----------------------------------------------------------

OWN_SOFTMAX = '''\
def softmax(scores):
    """Row-wise softmax of (N, C) scores, shifted for stability (my own, not course_lib's)."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=1, keepdims=True)
'''

SOFTMAX_GRAD_WITH_OWN_SOFTMAX = '''\
def softmax_loss_grad(W, X, y, reg):
    n = X.shape[0]
    probs = softmax(X @ W)
    loss = -np.mean(np.log(probs[np.arange(n), y])) + reg * np.sum(W ** 2)
    probs[np.arange(n), y] -= 1
    return loss, X.T @ probs / n + 2 * reg * W
'''

NUDGED = '''\
def nudged(x, idx, delta):
    """A copy of x with x[idx] moved by delta."""
    moved = x.copy()
    moved[idx] += delta
    return moved
'''

NUMERICAL_WITH_HELPER = '''\
def numerical_grad(f, x, h):
    x = np.asarray(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        grad[idx] = (f(nudged(x, idx, h)) - f(nudged(x, idx, -h))) / (2 * h)
    return grad
'''

NUMERICAL_FORWARD = '''\
def numerical_grad(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    fx = f(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        grad[idx] = (f(x) - fx) / h
        x[idx] = old
    return grad
'''

SVM_GRAD_WITH_CL_HELPER = '''\
def svm_loss_grad(W, X, y, reg):
    n = X.shape[0]
    rows = np.arange(n)
    scores = cl.linear_scores(X, W)          # X @ W
    margins = np.maximum(0, scores - scores[rows, y][:, None] + MARGIN)
    margins[rows, y] = 0
    dscores = (margins > 0).astype(float)
    dscores[rows, y] = -dscores.sum(axis=1)
    return margins.sum() / n + reg * np.sum(W * W), X.T @ dscores / n + 2 * reg * W
'''

SVM_GRAD_MUTATES_W = '''\
def svm_loss_grad(W, X, y, reg):
    n = X.shape[0]
    rows = np.arange(n)
    scores = X @ W
    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0
    loss = margins.sum() / n + reg * np.sum(W * W)
    dscores = (margins > 0).astype(float)
    dscores[rows, y] = -dscores.sum(axis=1)
    dW = W              # start from the regularization term...
    dW *= 2 * reg       # ...in place: this changes W too
    dW += X.T @ dscores / n
    return loss, dW
'''

SOFTMAX_LOG10_LATER = '''\
# the slide's 0.452 uses log base 10: let me match it
def softmax_loss_grad(W, X, y, reg):
    n = X.shape[0]
    s = X @ W
    s = s - s.max(axis=1, keepdims=True)
    p = np.exp(s) / np.exp(s).sum(axis=1, keepdims=True)
    loss = -np.log10(p[np.arange(n), y]).mean() + reg * np.sum(W * W)
    p[np.arange(n), y] -= 1
    return loss, X.T @ p / n + 2 * reg * W

print(softmax_loss_grad(np.array([[-2.85, 0.86, 0.28]]), np.array([[1.0]]), np.array([2]), 0.0)[0])
'''

STABLE_SOFTMAX_RAISES = '''\
print(stable_softmax(np.array([[1.0, 2.0, 3.0]])))   # try it first

def stable_softmax(scores):
    shifted = scores - scores.max(axis=1, keepdims=True)
    return np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
'''

HANGS_BEFORE_HELPER = ("# how small can h get?\ntolerance = 1.0\nwhile tolerance > 0:\n"
                       "    tolerance = 0.5 * tolerance + 1e-9   # tends to 2e-9, never 0\n\n" + NUDGED)

SOFTMAX_GRAD_WITH_STABLE = SOFTMAX_GRAD_WITH_OWN_SOFTMAX.replace("probs = softmax(", "probs = stable_softmax(")


def _gradient_submissions() -> dict:
    out = {}

    def add(name, student, expected, story, **extra):
        out[name] = Submission(student, expected, story, **extra)

    add("reference_solutions", StudentNotebook(GRADIENTS), {}, "the source's solutions written in, nothing else")

    s = StudentNotebook(GRADIENTS)
    s.above_answer("numerical_gradient_centred", NUDGED)
    s.write_answer("numerical_gradient_centred", NUMERICAL_WITH_HELPER)
    s.above_answer("softmax_loss_grad_W", OWN_SOFTMAX)
    s.write_answer("softmax_loss_grad_W", SOFTMAX_GRAD_WITH_OWN_SOFTMAX)
    add("helpers_in_their_own_cells", s, {},
        "helper cells above two answers, one of them the student's own function named softmax")

    s = StudentNotebook(GRADIENTS)
    s.insert(s.provided("import course_lib as cl") + 1, "MARGIN = 1.0\n")
    s.write_answer("svm_loss_grad_W", SVM_GRAD_WITH_CL_HELPER.replace("cl.linear_scores(X, W)",
                                                                      'np.einsum("nd,dc->nc", X, W)'))
    add("constant_in_its_own_cell", s, {}, "MARGIN = 1.0 in its own cell under the imports, used by the answer")

    s = StudentNotebook(GRADIENTS)
    s.write_answer("numerical_gradient_centred", NUMERICAL_FORWARD)
    s.below_check("numerical_gradient_centred",
                  "# centred is better:\n" + reference_solution(GRADIENTS, "numerical_gradient_centred"))
    add("redefined_later_last_is_correct", s, {}, "a forward difference first, the centred one in a later cell")

    s = StudentNotebook(GRADIENTS)
    s.append(SOFTMAX_LOG10_LATER)
    add("redefined_later_last_is_wrong", s, {"softmax_loss_grad_W": FAILED},
        "a right answer, redefined with log10 at the end", details={"hint_mistake": ("softmax_loss_grad_W", "log10")})

    s = StudentNotebook(GRADIENTS)
    s.strip_metadata()
    s.strip_ids()
    add("no_metadata_no_cell_ids", s, {}, "cell metadata and ids gone (nbformat 4.4), as some editors leave it")

    s = StudentNotebook(GRADIENTS)
    check_tools = s.cells[s.provided("def svm_objective")]
    check_tools.source = "raise RuntimeError('too slow, skipped')\n" + check_tools.source
    s.remove(s.provided("import course_lib as cl"))
    add("provided_cells_deleted_and_edited", s, {},
        "the imports cell deleted and the gradient-check cell edited to raise (the source's versions run)")

    s = StudentNotebook(GRADIENTS)
    s.below_check("numerical_gradient_centred",
                  "error = 1.0\nwhile error > 1e-12:   # never updated\n"
                  "    approx = numerical_grad(bowl, point, 1e-5)\n")
    s.below_check("svm_loss_grad_W", "numerical_grad(bowl, point)   # forgot h\n")
    add("experiments_raise_and_never_end", s, {},
        "one experiment cell looping forever, one raising TypeError; nothing depends on them")

    s = StudentNotebook(GRADIENTS)
    broken = s.above_answer("softmax_loss_grad_W", STABLE_SOFTMAX_RAISES)
    s.write_answer("softmax_loss_grad_W", SOFTMAX_GRAD_WITH_STABLE)
    s.ran_in_order()
    add("helper_cell_raises_before_the_helper", s, {"softmax_loss_grad_W": (ERROR, FAILED)},
        "the helper's cell calls it before defining it (NameError)", culprit=broken.id)

    s = StudentNotebook(GRADIENTS)
    stuck = s.above_answer("numerical_gradient_centred", HANGS_BEFORE_HELPER)
    s.write_answer("numerical_gradient_centred", NUMERICAL_WITH_HELPER)
    s.ran_in_order()
    add("helper_cell_never_finishes", s, {"numerical_gradient_centred": (TIMEOUT, ERROR, FAILED)},
        "the helper's cell loops forever before defining it", culprit=stuck.id)

    s = StudentNotebook(GRADIENTS)
    s.write_answer("numerical_gradient_centred", "def numerical_grad(f, x, h):\n"
                                                 "    return cl.numerical_gradient(f, x, h=h)\n")
    s.write_answer("svm_loss_grad_W", "import course_lib.losses\n\ndef svm_loss_grad(W, X, y, reg):\n"
                                      "    loss, dscores = course_lib.losses.svm_loss(X @ W, y)\n"
                                      "    return loss + reg * np.sum(W * W), X.T @ dscores + 2 * reg * W\n")
    s.write_answer("softmax_loss_grad_W", "def softmax_loss_grad(W, X, y, reg):\n"
                                          "    loss, dscores = getattr(cl, 'softmax_' + 'loss')(X @ W, y)\n"
                                          "    return loss + reg * np.sum(W * W), X.T @ dscores + 2 * reg * W\n")
    add("calls_the_reference", s, {"numerical_gradient_centred": REFERENCE, "svm_loss_grad_W": REFERENCE,
                                   "softmax_loss_grad_W": REFERENCE},
        "cl.numerical_gradient, course_lib.losses.svm_loss, getattr(cl, 'softmax_' + 'loss')")

    s = StudentNotebook(GRADIENTS)
    s.write_answer("svm_loss_grad_W", "def svm_loss_grad(W, X, y, reg):\n    return svm_objective(W, X, y, reg)\n")
    s.write_answer("softmax_loss_grad_W", "def softmax_loss_grad(W, X, y, reg):\n"
                                          "    return softmax_objective(W, X, y, reg)\n")
    add("calls_the_notebooks_own_reference_helpers", s,
        {"svm_loss_grad_W": REFERENCE, "softmax_loss_grad_W": REFERENCE},
        "the answers call svm_objective / softmax_objective, the provided cell's wrappers of cl.svm_loss")

    s = StudentNotebook(GRADIENTS)
    s.write_answer("svm_loss_grad_W", SVM_GRAD_MUTATES_W)
    add("mutates_its_input", s, {"svm_loss_grad_W": FAILED}, "right numbers, but dW aliases W and is built in place")
    return out


# --- answers students write: notebook 05 ----------------------------------------------------------

LOG_SOFTMAX = '''\
def log_softmax(scores):
    """ln p for each row of (N, C) scores, stable for any size of scores."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
'''

PROBS_VIA_LOG_SOFTMAX = ("def softmax_probabilities(scores):\n"
                         "    return np.exp(log_softmax(np.asarray(scores, dtype=float)))\n")

SOFTMAX_VEC_VIA_LOG_SOFTMAX = '''\
def softmax_loss_vectorized(W, X, y):
    n = len(y)
    lp = log_softmax(X @ W)
    dscores = np.exp(lp)
    dscores[np.arange(n), y] -= 1
    return float(-lp[np.arange(n), y].mean()), X.T @ dscores / n
'''

PROBS_COMPREHENSION = '''\
def softmax_probabilities(scores):
    rows = [np.exp(row - row.max()) / np.exp(row - row.max()).sum() for row in np.asarray(scores, dtype=float)]
    return np.array(rows)
'''

SOFTMAX_VEC_VIA_PROBS = '''\
def softmax_loss_vectorized(W, X, y):
    scores = X @ W
    n = len(y)
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_p_correct = shifted[np.arange(n), y] - np.log(np.exp(shifted).sum(axis=1))
    dscores = softmax_probabilities(scores)          # my answer to exercise 1
    dscores[np.arange(n), y] -= 1
    return float(-log_p_correct.mean()), X.T @ dscores / n
'''

PROBS_IN_PLACE = '''\
def softmax_probabilities(scores):
    scores = np.asarray(scores, dtype=float)    # no copy: it is already a float array
    scores -= scores.max(axis=1, keepdims=True)
    np.exp(scores, out=scores)
    scores /= scores.sum(axis=1, keepdims=True)
    return scores
'''

SOFTMAX_VEC_LOG10_LATER = '''\
# with log10, to compare with the slide
def softmax_loss_vectorized(W, X, y):
    scores = X @ W
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    dscores = np.exp(log_probs)
    dscores[np.arange(n), y] -= 1.0
    return float(-log_probs[np.arange(n), y].sum() / n / np.log(10)), X.T @ dscores / n
'''


def _softmax_submissions() -> dict:
    out = {}

    def add(name, student, expected, story, **extra):
        out[name] = Submission(student, expected, story, **extra)

    add("reference_solutions", StudentNotebook(SOFTMAX), {}, "the source's solutions written in, nothing else")

    s = StudentNotebook(SOFTMAX)
    s.above_answer("softmax_probs", LOG_SOFTMAX)
    s.write_answer("softmax_probs", PROBS_VIA_LOG_SOFTMAX)
    s.write_answer("softmax_vectorized", SOFTMAX_VEC_VIA_LOG_SOFTMAX)
    add("helper_in_its_own_cell", s, {}, "a log_softmax helper cell above the first answer, used by two answers")

    s = StudentNotebook(SOFTMAX)
    s.write_answer("softmax_vectorized", SOFTMAX_VEC_VIA_PROBS)
    add("vectorized_calls_the_first_answer", s, {},
        "the vectorized loss calls the student's own softmax_probabilities from exercise 1")

    s = StudentNotebook(SOFTMAX)
    s.write_answer("softmax_probs", PROBS_COMPREHENSION)
    s.write_answer("softmax_vectorized", SOFTMAX_VEC_VIA_PROBS)
    add("vectorized_calls_a_looping_first_answer", s, {"softmax_vectorized": FORBIDDEN},
        "softmax_probabilities (loops allowed there) uses a comprehension; the vectorized loss calls it")

    s = StudentNotebook(SOFTMAX)
    s.above_answer("softmax_probs", "from course_lib.losses import softmax as sm  # to compare\n")
    s.write_answer("softmax_probs", "def softmax_probabilities(scores):\n    return sm(np.asarray(scores))\n")
    add("calls_the_reference_through_an_alias", s, {"softmax_probs": REFERENCE},
        "`from course_lib.losses import softmax as sm` in one cell, the answer returns sm(scores)")

    s = StudentNotebook(SOFTMAX)
    s.write_answer("softmax_probs", PROBS_IN_PLACE)
    add("mutates_its_input", s, {"softmax_probs": FAILED}, "right numbers, computed in place in `scores`")

    s = StudentNotebook(SOFTMAX)
    s.append(SOFTMAX_VEC_LOG10_LATER)
    add("redefined_later_last_is_wrong", s, {"softmax_vectorized": FAILED},
        "a right answer, redefined with log base 10 at the end",
        details={"hint_mistake": ("softmax_vectorized", "log_base_10")})
    return out


def submissions(stem: str) -> dict:
    """``{name: Submission}`` for one notebook (03, 05 or 08)."""
    return {SVM: _svm_submissions, GRADIENTS: _gradient_submissions, SOFTMAX: _softmax_submissions}[stem]()


# --- the agreement corpus ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Answer:
    """One student's answer to one exercise: the cells they wrote, helpers first, the answer cell last.

    ``kind`` is what the answer is: "correct", "unusual" (correct, unusual style), "wrong",
    "loop" (a loop-free exercise answered with a loop somewhere, named by ``loop``), "reference"
    (calls course_lib's).
    """

    exercise_id: str
    name: str
    kind: str
    cells: tuple
    loop: str = ""  # for kind "loop": a word the grader's message must contain


def _answers(exercise_id: str, *rows) -> list:
    return [Answer(exercise_id, row[0], row[1], tuple(row[2]), *row[3:]) for row in rows]


HINGE_ONE_NUMPY = "def hinge_loss_one(s, label):\n    m = np.maximum(0, s - s[label] + 1)\n" \
                  "    m[label] = 0\n    return float(m.sum())\n"

VEC_WHERE = '''\
def svm_loss_vectorized(W, X, y):
    scores = X @ W
    n, c = scores.shape
    is_correct = np.arange(c)[None, :] == y[:, None]
    margins = np.where(is_correct, 0.0, np.maximum(0.0, scores - scores[is_correct][:, None] + 1.0))
    active = margins > 0
    dscores = active - is_correct * active.sum(axis=1, keepdims=True)
    return float(margins.sum() / n), X.T @ dscores / n
'''

VEC_TAKE_ALONG = '''\
def svm_loss_vectorized(W, X, y):
    n = len(y)
    scores = X @ W
    correct = np.take_along_axis(scores, y[:, None], axis=1)
    margins = np.clip(scores - correct + 1, 0, None)
    np.put_along_axis(margins, y[:, None], 0, axis=1)
    grad = np.sign(margins)
    np.put_along_axis(grad, y[:, None], -grad.sum(axis=1, keepdims=True), axis=1)
    return margins.sum() / n, X.T @ grad / n
'''

VEC_NO_MARGIN = '''\
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    scores = X @ W
    rows = np.arange(n)
    margins = np.maximum(0.0, scores - scores[rows, y][:, None])
    margins[rows, y] = 0.0
    active = (margins > 0).astype(float)
    active[rows, y] = -active.sum(axis=1)
    return margins.sum() / n, X.T @ active / n
'''

VEC_NOT_AVERAGED = '''\
def svm_loss_vectorized(W, X, y):
    scores = X @ W
    rows = np.arange(scores.shape[0])
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    active = (margins > 0).astype(float)
    active[rows, y] = -active.sum(axis=1)
    return margins.sum(), X.T @ active
'''

VEC_SWAPPED = '''\
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    scores = X @ W
    rows = np.arange(n)
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    active = (margins > 0).astype(float)
    active[rows, y] = -active.sum(axis=1)
    return X.T @ active / n, margins.sum() / n
'''

ROW_LOSS_FOR_LOOP = '''\
def total_hinge(margins):
    total = 0.0
    for row in margins:
        total += row.sum()
    return total
'''

ROW_LOSS_RECURSIVE = '''\
def total_hinge(margins):
    if len(margins) == 0:
        return 0.0
    return margins[0].sum() + total_hinge(margins[1:])
'''

ROW_LOSS_MAP = "def total_hinge(margins):\n    return sum(map(np.sum, margins))\n"

ROW_LOSS_FROMPYFUNC = '''\
relu = np.frompyfunc(lambda m: m if m > 0 else 0.0, 1, 1)

def total_hinge(margins):
    return float(relu(margins).astype(float).sum())
'''

ROW_LOSS_FILTER = "def total_hinge(margins):\n    return float(sum(filter(lambda m: m > 0, margins.ravel())))\n"

VEC_VIA_TOTAL = '''\
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    scores = X @ W
    rows = np.arange(n)
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    active = (margins > 0).astype(float)
    active[rows, y] = -active.sum(axis=1)
    return total_hinge(margins) / n, X.T @ active / n
'''

VEC_INLINE_COMPREHENSION = '''\
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    scores = X @ W
    rows = np.arange(n)
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    margins[rows, y] = 0.0
    active = (margins > 0).astype(float)
    active[rows, y] = -np.array([active[i].sum() for i in range(n)])
    return margins.sum() / n, X.T @ active / n
'''

LOOP_GRAD_SIGN = '''\
def svm_loss_loop(scores, y):
    n, c = scores.shape
    loss, d = 0.0, np.zeros((n, c))
    for i in range(n):
        for j in range(c):
            m = scores[i, j] - scores[i, y[i]] + 1
            if j != y[i] and m > 0:
                loss += m
                d[i, j] -= 1
                d[i, y[i]] += 1
    return loss / n, d / n
'''

LOOP_BOUNDARY = '''\
def svm_loss_loop(scores, y):
    n, c = scores.shape
    loss, d = 0.0, np.zeros((n, c))
    for i in range(n):
        for j in range(c):
            m = scores[i, j] - scores[i, y[i]] + 1
            if j != y[i] and m >= 0:
                loss += m
                d[i, j] += 1
                d[i, y[i]] -= 1
    return loss / n, d / n
'''

LOOP_ROW_HELPER = '''\
def row_loss_and_grad(s, label):
    """Hinge loss of one row and its gradient (C,)."""
    m = np.maximum(0, s - s[label] + 1)
    m[label] = 0
    g = (m > 0).astype(float)
    g[label] = -g.sum()
    return m.sum(), g
'''

LOOP_VIA_ROW_HELPER = '''\
def svm_loss_loop(scores, y):
    n = len(y)
    loss, d = 0.0, np.zeros_like(scores, dtype=float)
    for i in range(n):
        li, gi = row_loss_and_grad(scores[i], y[i])
        loss += li
        d[i] = gi
    return loss / n, d / n
'''

ROW_HELPER_WRONG = LOOP_ROW_HELPER.replace("    m[label] = 0\n", "")

HINGE_ONE_SQUARED = "def hinge_loss_one(s, label):\n    m = np.maximum(0, s - s[label] + 1)\n" \
                    "    m[label] = 0\n    return float((m ** 2).sum())\n"

HINGE_ONE_WITH_CORRECT = "def hinge_loss_one(s, label):\n    return float(np.maximum(0, s - s[label] + 1).sum())\n"

HINGE_ONE_FLIPPED = "def hinge_loss_one(s, label):\n    m = np.maximum(0, s[label] - s + 1)\n" \
                    "    m[label] = 0\n    return float(m.sum())\n"

HINGE_ONE_INT = "def hinge_loss_one(s, label):\n    return sum(max(0, s[j] - s[label] + 1) " \
                "for j in range(len(s)) if j != label)\n"

HINGE_ONE_REFERENCE = "def hinge_loss_one(s, label):\n    return cl.svm_loss(s[None, :], np.array([label]))[0]\n"

AGREEMENT_SVM = {
    "hinge_one": _answers(
        "hinge_one",
        ("solution", "correct", [reference_solution(SVM, "hinge_one")]),
        ("numpy", "unusual", [HINGE_ONE_NUMPY]),
        ("generator_sum", "unusual", [HINGE_ONE_INT]),
        ("with_helper", "unusual", [HINGE_MARGINS, HINGE_ONE_WITH_HELPER]),
        ("includes_correct_class", "wrong", [HINGE_ONE_WITH_CORRECT]),
        ("squared", "wrong", [HINGE_ONE_SQUARED]),
        ("flipped", "wrong", [HINGE_ONE_FLIPPED]),
        ("mean_over_classes", "wrong", [HINGE_ONE_MEAN.split("\n\nprint")[0] + "\n"]),
        ("calls_reference", "reference", [HINGE_ONE_REFERENCE]),
    ),
    "svm_loop": _answers(
        "svm_loop",
        ("solution", "correct", [reference_solution(SVM, "svm_loop")]),
        ("row_helper", "unusual", [LOOP_ROW_HELPER, LOOP_VIA_ROW_HELPER]),
        ("with_delta", "unusual", ["DELTA = 1.0\n", LOOP_WITH_DELTA]),
        ("gradient_sign", "wrong", [LOOP_GRAD_SIGN]),
        ("boundary_counted", "wrong", [LOOP_BOUNDARY]),
        ("wrong_row_helper", "wrong", [ROW_HELPER_WRONG, LOOP_VIA_ROW_HELPER]),
        ("hard_coded", "wrong", ["def svm_loss_loop(scores, y):\n    return 5.27, np.zeros_like(scores)\n"]),
    ),
    "svm_vectorized": _answers(
        "svm_vectorized",
        ("solution", "correct", [reference_solution(SVM, "svm_vectorized")]),
        ("np_where", "unusual", [VEC_WHERE]),
        ("take_along_axis", "unusual", [VEC_TAKE_ALONG]),
        ("with_helper", "unusual", [HINGE_MARGINS, VECTORIZED_WITH_HELPER]),
        ("with_self_test", "unusual", [reference_solution(SVM, "svm_vectorized") + SELF_TEST.replace(
            "svm_loss_loop(s_test, y_test)", "svm_loss_vectorized(s_test.copy(), np.eye(n_test), y_test)")]),
        ("no_margin", "wrong", [VEC_NO_MARGIN]),
        ("not_averaged", "wrong", [VEC_NOT_AVERAGED]),
        ("swapped_outputs", "wrong", [VEC_SWAPPED]),
        ("includes_correct_class", "wrong", [VECTORIZED_INCLUDES_CORRECT]),
        ("mutates_input", "wrong", [VECTORIZED_MUTATES_INPUT]),
        ("comprehension_inline", "loop", [VEC_INLINE_COMPREHENSION], "comprehension"),
        ("for_loop_in_helper", "loop", [ROW_LOSS_FOR_LOOP, VEC_VIA_TOTAL], "for loop"),
        ("recursion_in_helper", "loop", [ROW_LOSS_RECURSIVE, VEC_VIA_TOTAL], "recurs"),
        ("map_in_helper", "loop", [ROW_LOSS_MAP, VEC_VIA_TOTAL], "map"),
        ("filter_in_helper", "loop", [ROW_LOSS_FILTER, VEC_VIA_TOTAL], "filter"),
        ("frompyfunc_in_helper", "loop", [ROW_LOSS_FROMPYFUNC, VEC_VIA_TOTAL], "frompyfunc"),
        ("comprehension_in_helper", "loop", [CORRECT_SCORES_COMPREHENSION, VECTORIZED_COMPREHENSION],
         "comprehension"),
        ("apply_along_axis_in_helper", "loop", [PER_EXAMPLE_APPLY_ALONG_AXIS, VECTORIZED_APPLY_ALONG_AXIS],
         "apply_along_axis"),
        ("np_vectorize_in_helper", "loop", [PER_EXAMPLE_VECTORIZE, VECTORIZED_VECTORIZE], "vectorize"),
        ("calls_reference", "reference", ["def svm_loss_vectorized(W, X, y):\n"
                                          "    return cl.svm_loss_W(W, X, y)\n"]),
    ),
}

NUMERICAL_DIVIDED_BY_H = reference_solution(GRADIENTS, "numerical_gradient_centred").replace(
    "(2 * h)", "h")

NUMERICAL_NOT_RESTORED = '''\
def numerical_grad(f, x, h):
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        plus = f(x)
        x[idx] = old - h
        grad[idx] = (plus - f(x)) / (2 * h)
    return grad
'''

NUMERICAL_FLAT = '''\
def numerical_grad(f, x, h):
    flat = np.array(x, dtype=float).ravel()
    grad = np.zeros_like(flat)
    for k in range(flat.size):
        step = np.zeros_like(flat)
        step[k] = h
        grad[k] = (f((flat + step).reshape(np.shape(x))) - f((flat - step).reshape(np.shape(x)))) / (2 * h)
    return grad.reshape(np.shape(x))
'''

SVM_GRAD_NO_REG_GRAD = reference_solution(GRADIENTS, "svm_loss_grad_W").replace(" + 2 * reg * W", "")
SVM_GRAD_NOT_DIVIDED = reference_solution(GRADIENTS, "svm_loss_grad_W").replace("X.T @ dscores / n", "X.T @ dscores")
SOFTMAX_NO_SHIFT = reference_solution(GRADIENTS, "softmax_loss_grad_W").replace(
    "scores - scores.max(axis=1, keepdims=True)", "scores")
SOFTMAX_FORGOT_ONE = reference_solution(GRADIENTS, "softmax_loss_grad_W").replace(
    "    dscores[rows, y] -= 1.0\n", "")
SOFTMAX_REG_WITHOUT_2 = reference_solution(GRADIENTS, "softmax_loss_grad_W").replace("2 * reg * W", "reg * W")

LOG_SOFTMAX_HELPER = '''\
def log_probs(scores):
    """log softmax of each row, computed stably (N, C)."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
'''

SOFTMAX_VIA_LOG_PROBS = '''\
def softmax_loss_grad(W, X, y, reg):
    n = len(y)
    lp = log_probs(X @ W)
    onehot = np.eye(W.shape[1])[y]
    loss = -(lp * onehot).sum() / n + reg * (W ** 2).sum()
    return loss, X.T @ (np.exp(lp) - onehot) / n + 2 * reg * W
'''

AGREEMENT_GRADIENTS = {
    "numerical_gradient_centred": _answers(
        "numerical_gradient_centred",
        ("solution", "correct", [reference_solution(GRADIENTS, "numerical_gradient_centred")]),
        ("with_helper", "unusual", [NUDGED, NUMERICAL_WITH_HELPER]),
        ("flat_index", "unusual", [NUMERICAL_FLAT]),
        ("forward_difference", "wrong", [NUMERICAL_FORWARD]),
        ("not_restored", "wrong", [NUMERICAL_NOT_RESTORED]),
        ("divided_by_h", "wrong", [NUMERICAL_DIVIDED_BY_H]),
        ("calls_reference", "reference", ["def numerical_grad(f, x, h):\n    return cl.numerical_gradient(f, x, h)\n"]),
    ),
    "svm_loss_grad_W": _answers(
        "svm_loss_grad_W",
        ("solution", "correct", [reference_solution(GRADIENTS, "svm_loss_grad_W")]),
        # cl.linear_scores is no exercise's reference any more (notebook 01 dropped class_scores): a helper
        # like any other (were it a reference, every exercise would forbid it)
        ("constant_and_cl_helper", "unusual", ["MARGIN = 1.0\n", SVM_GRAD_WITH_CL_HELPER]),
        ("no_reg_gradient", "wrong", [SVM_GRAD_NO_REG_GRAD]),
        ("not_divided", "wrong", [SVM_GRAD_NOT_DIVIDED]),
        ("mutates_W", "wrong", [SVM_GRAD_MUTATES_W]),
    ),
    "softmax_loss_grad_W": _answers(
        "softmax_loss_grad_W",
        ("solution", "correct", [reference_solution(GRADIENTS, "softmax_loss_grad_W")]),
        ("own_softmax", "unusual", [OWN_SOFTMAX, SOFTMAX_GRAD_WITH_OWN_SOFTMAX]),
        ("log_probs_helper", "unusual", [LOG_SOFTMAX_HELPER, SOFTMAX_VIA_LOG_PROBS]),
        ("no_max_shift", "wrong", [SOFTMAX_NO_SHIFT]),
        ("forgot_minus_one", "wrong", [SOFTMAX_FORGOT_ONE]),
        ("reg_without_2", "wrong", [SOFTMAX_REG_WITHOUT_2]),
        ("log10", "wrong", [SOFTMAX_LOG10_LATER.split("\n\nprint")[0] + "\n"]),
        ("calls_reference", "reference", ["def softmax_loss_grad(W, X, y, reg):\n"
                                          "    loss, ds = cl.softmax_loss(X @ W, y)\n"
                                          "    return loss + reg * np.sum(W * W), X.T @ ds + 2 * reg * W\n"]),
    ),
}

PROBS_UNSHIFTED = "def softmax_probabilities(scores):\n    e = np.exp(scores)\n" \
                  "    return e / e.sum(axis=1, keepdims=True)\n"
PROBS_WRONG_AXIS = "def softmax_probabilities(scores):\n    e = np.exp(scores - scores.max(axis=0))\n" \
                   "    return e / e.sum(axis=0)\n"
PROBS_ONE_SUM = "def softmax_probabilities(scores):\n    e = np.exp(scores - scores.max(axis=1, keepdims=True))\n" \
                "    return e / e.sum()\n"
LOSS_LOG_OF_PROB = '''\
def softmax_loss_vectorized(W, X, y):
    n = len(y)
    scores = X @ W
    e = np.exp(scores - scores.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    loss = -np.log(p[np.arange(n), y]).mean()
    p[np.arange(n), y] -= 1
    return float(loss), X.T @ p / n
'''
LOSS_EPS = LOSS_LOG_OF_PROB.replace("np.log(p[np.arange(n), y])", "np.log(p[np.arange(n), y] + 1e-12)")
LOSS_NO_ONEHOT = SOFTMAX_VEC_VIA_LOG_SOFTMAX.replace("    dscores[np.arange(n), y] -= 1\n", "")
LOSS_ROWS_APPLY = '''\
def row_log_softmax(row):
    return row - row.max() - np.log(np.exp(row - row.max()).sum())

def softmax_loss_vectorized(W, X, y):
    n = len(y)
    lp = np.apply_along_axis(row_log_softmax, 1, X @ W)
    dscores = np.exp(lp)
    dscores[np.arange(n), y] -= 1
    return float(-lp[np.arange(n), y].mean()), X.T @ dscores / n
'''
LOSS_GRADIENT_OF_SCORES = reference_solution(SOFTMAX, "softmax_vectorized").replace(
    "X.T @ dscores / n", "dscores / n")
LOSS_NOT_AVERAGED = reference_solution(SOFTMAX, "softmax_vectorized").replace(
    "return float(-log_probs[rows, y].mean()), X.T @ dscores / n",
    "return float(-log_probs[rows, y].sum()), X.T @ dscores")

AGREEMENT_SOFTMAX = {
    "softmax_probs": _answers(
        "softmax_probs",
        ("solution", "correct", [reference_solution(SOFTMAX, "softmax_probs")]),
        ("via_log_softmax", "unusual", [LOG_SOFTMAX, PROBS_VIA_LOG_SOFTMAX]),
        ("comprehension", "unusual", [PROBS_COMPREHENSION]),
        ("unshifted", "wrong", [PROBS_UNSHIFTED]),
        ("wrong_axis", "wrong", [PROBS_WRONG_AXIS]),
        ("one_sum", "wrong", [PROBS_ONE_SUM]),
        ("mutates_input", "wrong", [PROBS_IN_PLACE]),
        ("calls_reference", "reference", ["def softmax_probabilities(scores):\n    return cl.softmax(scores)\n"]),
    ),
    "softmax_vectorized": _answers(
        "softmax_vectorized",
        ("solution", "correct", [reference_solution(SOFTMAX, "softmax_vectorized")]),
        ("via_log_softmax", "unusual", [LOG_SOFTMAX.replace("log_softmax", "log_probs_of"),
                                        SOFTMAX_VEC_VIA_LOG_SOFTMAX.replace("log_softmax", "log_probs_of")]),
        ("log_of_probability", "wrong", [LOSS_LOG_OF_PROB]),
        ("log_plus_epsilon", "wrong", [LOSS_EPS]),
        ("no_onehot", "wrong", [LOG_SOFTMAX.replace("log_softmax", "log_probs_of"),
                                LOSS_NO_ONEHOT.replace("log_softmax", "log_probs_of")]),
        ("log10", "wrong", [SOFTMAX_VEC_LOG10_LATER]),
        ("gradient_of_the_scores", "wrong", [LOSS_GRADIENT_OF_SCORES]),
        ("not_averaged", "wrong", [LOSS_NOT_AVERAGED]),
        ("apply_along_axis", "loop", [LOSS_ROWS_APPLY], "apply_along_axis"),
        ("calls_reference", "reference", ["def softmax_loss_vectorized(W, X, y):\n"
                                          "    return cl.softmax_loss_W(W, X, y)\n"]),
        ("calls_the_scores_reference", "reference", ["def softmax_loss_vectorized(W, X, y):\n"
                                                     "    loss, ds = cl.softmax_loss(X @ W, y)\n"
                                                     "    return loss, X.T @ ds\n"]),
    ),
}

AGREEMENT = {SVM: AGREEMENT_SVM, GRADIENTS: AGREEMENT_GRADIENTS, SOFTMAX: AGREEMENT_SOFTMAX}


def agreement_submissions(stem: str) -> list:
    """``[(student, {exercise_id: Answer})]``: the k-th answer of every exercise in the k-th notebook.

    An exercise with fewer answers than k gets its first (correct) answer again. The helper
    cells go right above the answer cell, as separate cells.
    """
    corpus = AGREEMENT[stem]
    out = []
    for k in range(max(len(answers) for answers in corpus.values())):
        student = StudentNotebook(stem)
        chosen = {}
        for exercise_id, answers in corpus.items():
            answer = answers[k] if k < len(answers) else answers[0]
            chosen[exercise_id] = answer
            *helpers, last = answer.cells
            for helper in helpers:
                student.above_answer(exercise_id, helper)
            student.write_answer(exercise_id, last)
        out.append((student, chosen))
    return out


def setup_source(stem: str) -> str:
    """The source's imports cell without IPython magics: what a student's kernel ran first."""
    student = StudentNotebook(stem, solved=False)
    text = student.cells[student.provided("import course_lib as cl")].source
    return "\n".join(line for line in text.split("\n") if not line.lstrip().startswith(("%", "!")))

