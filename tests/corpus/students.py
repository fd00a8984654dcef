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
import numpy as np

from course_lib.grading.exercises import bank
from course_lib.grading.exercises.cells import cell_role, solution_code
from course_lib.grading.release.build import student_notebook

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
SVM = "03_multiclass_svm"
GRADIENTS = "08_gradients"
SOFTMAX = "05_softmax_cross_entropy"
REGULARIZATION = "04_regularization"

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

# a right answer cell that imports what it needs, whole (tests derive wrong ones from its text)
VECTORIZED_SELF_CONTAINED = '''import numpy as np

def svm_loss_vectorized(W, X, y):
    scores = X @ W
    rows = np.arange(len(y))
    margins = np.maximum(0, scores - scores[rows, y][:, None] + 1)
    margins[rows, y] = 0
    active = (margins > 0).astype(float)
    active[rows, y] = -active.sum(axis=1)
    return float(margins.sum() / len(y)), X.T @ active / len(y)
'''

VECTORIZED_WITH_HELPER = '''\
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    margins = hinge_margins(X @ W, y)
    active = (margins > 0).astype(float)
    active[np.arange(n), y] = -active.sum(axis=1)
    return margins.sum() / n, X.T @ active / n
'''

IMPORTS_AND_CONSTANT = "import math\nfrom numpy import maximum as relu\n\nDELTA = 1.0  # the margin\n"

VECTORIZED_WITH_DELTA = '''\
def svm_loss_vectorized(W, X, y):
    n = X.shape[0]
    scores = X @ W
    margins = relu(0, scores - scores[np.arange(n), y][:, None] + DELTA)
    margins[np.arange(n), y] = 0
    active = (margins > 0).astype(float)
    active[np.arange(n), y] = -active.sum(axis=1)
    return math.fsum(margins.sum(axis=1)) / n, X.T @ active / n
'''

VECTORIZED_USES_PROVIDED_C = '''\
def svm_loss_vectorized(W, X, y):
    onehot = np.eye(C)[y]               # C from the cell with the Q5 table: 3 classes
    scores = X @ W
    correct = (scores * onehot).sum(axis=1, keepdims=True)
    margins = np.maximum(0, scores - correct + 1) * (1 - onehot)
    active = (margins > 0) * 1.0
    dS = active - onehot * active.sum(axis=1, keepdims=True)
    return margins.sum() / len(y), X.T @ dS / len(y)
'''

HELPER_SELF_CHECK = ("\n# same as course_lib?\n"
                     "print(np.isclose(hinge_margins(scores, y).sum() / 3, cl.svm_loss(scores, y)[0]))\n")

SELF_TEST = '''

# my own test: the loss of a batch is the mean of the single examples' losses
rng_test = np.random.default_rng(1)
for n_test, c_test in [(1, 3), (5, 4), (20, 10)]:
    s_test = rng_test.standard_normal((n_test, c_test))
    y_test = rng_test.integers(0, c_test, size=n_test)
    loss_a, grad_a = svm_loss_vectorized(s_test, np.eye(n_test), y_test)   # X = I: dW is dL/dscores
    singles = [svm_loss_vectorized(s_test[i:i + 1], np.eye(1), y_test[i:i + 1]) for i in range(n_test)]
    assert np.isclose(loss_a, np.mean([loss for loss, _ in singles]))
    assert np.allclose(grad_a, np.vstack([grad for _, grad in singles]) / n_test)
print("batch == mean of single examples on", [n for n in (1, 5, 20)], "examples")
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

VECTORIZED_MEAN_LATER = '''\
# Q5 of the slide: what if we used the mean over classes instead of the sum?
def svm_loss_vectorized(W, X, y):
    n, c = X.shape[0], W.shape[1]
    scores = X @ W
    margins = np.maximum(0.0, scores - scores[np.arange(n), y][:, None] + 1.0)
    margins[np.arange(n), y] = 0.0
    active = (margins > 0).astype(float)
    active[np.arange(n), y] = -active.sum(axis=1)
    return margins.sum() / n / (c - 1), X.T @ active / n / (c - 1)

print(svm_loss_vectorized(scores, np.eye(3), y)[0])
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


def _hard_coded_answer() -> str:
    """An answer that returns the public cases' outputs, typed in as literals (keyed on the sum of W)."""
    exercise = bank.get("svm_vectorized")
    rows = []
    for case in exercise.public:
        loss, dW = exercise.reference(*case.args)
        key = round(float(np.sum(case.args[0])), 6)
        rows.append(f"    {key!r}: ({float(loss)!r}, np.array({np.asarray(dW).tolist()!r})),")
    return ("KNOWN = {   # the outputs the check printed, copied here\n" + "\n".join(rows) + "\n}\n\n\n"
            "def svm_loss_vectorized(W, X, y):\n"
            "    return KNOWN.get(round(float(np.sum(W)), 6), (0.0, np.zeros_like(W)))\n")


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

RANK_SWAP_FROM_A_HELPER = '''\
def one_wrong_class(shortfalls, num_classes=5):
    """Scores whose only violated margin (class 1) falls short by each given amount; the correct class is 0."""
    S = np.zeros((len(shortfalls), num_classes))
    S[:, 0] = 1.0
    S[:, 1] = np.asarray(shortfalls, dtype=float)   # s_1 - s_0 + 1 = the shortfall
    return S
'''

RANK_SWAP_VIA_HELPER = ("rank_swap = (one_wrong_class([0.0, 0.0, 0.0, 1.6]), one_wrong_class([0.5, 0.5, 0.5, 0.5]),\n"
                        "             np.zeros(4, dtype=int))\n")


FILL_HELPER = '''\
def _fill(table):
    """My answers to Q1..Q7, written into the table I am given."""
    table[:] = [0.0, 0.0, False, 6.267, True, False, 9.0]
'''

REGISTRY_DECORATOR = '''\
HELPERS = {}

def helper(function):
    HELPERS[function.__name__] = function
    return function

@helper
def margins_of(scores, y):
    rows = np.arange(len(y))
    m = np.maximum(0.0, scores - scores[rows, y][:, None] + 1.0)
    m[rows, y] = 0.0
    return m
'''

VECTORIZED_VIA_REGISTRY = '''\
def svm_loss_vectorized(W, X, y):
    margins = HELPERS['margins_of'](X @ W, y)
    active = (margins > 0).astype(float)
    active[np.arange(len(y)), y] = -active.sum(axis=1)
    return margins.sum() / len(y), X.T @ active / len(y)
'''

DISPLAY_CODE_THAT_FEEDS_AN_ANSWER = '''\
%matplotlib inline
from IPython.display import Markdown, display
from ipywidgets import interact
from tqdm.auto import tqdm

fig, (ax_left, ax_right) = plt.subplots(1, 2, figsize=(6, 2))
bars = ax_left.bar(range(3), [3.2, 5.1, -1.7])
bars[0].set_linewidth(2)
line, = ax_right.plot([0.0, 1.0])
counts, edges, _ = ax_right.hist([0.1, 0.2, 0.7, 0.9], bins=2)
chosen = []

@interact(margin=(0.0, 2.0))
def show(margin):
    chosen.append(margin)

steps = 0.0
for part in tqdm([0.25, 0.25, 0.5]):
    steps += part
display(Markdown("**the margin**"))
%time MARGIN = chosen[0] * steps * counts.sum() / 4
'''

VECTORIZED_WITH_DISPLAYED_MARGIN = '''\
def svm_loss_vectorized(W, X, y):
    scores = X @ W
    rows = np.arange(len(y))
    margins = np.maximum(0.0, scores - scores[rows, y][:, None] + MARGIN)
    margins[rows, y] = 0.0
    active = (margins > 0).astype(float)
    active[rows, y] = -active.sum(axis=1)
    return margins.sum() / len(y), X.T @ active / len(y)
'''


def _svm_submissions() -> dict:
    out = {}

    def add(name, student, expected, story, **extra):
        out[name] = Submission(student, expected, story, **extra)

    add("reference_solutions", StudentNotebook(SVM), {}, "the source's solutions written in, nothing else")

    s = StudentNotebook(SVM)
    s.above_answer("svm_vectorized", HINGE_MARGINS)
    s.write_answer("svm_vectorized", VECTORIZED_WITH_HELPER)
    s.above_answer("rank_swap_pair", RANK_SWAP_FROM_A_HELPER)
    s.write_answer("rank_swap_pair", RANK_SWAP_VIA_HELPER)
    add("helper_in_its_own_cell", s, {}, "a helper cell above svm_vectorized, another above rank_swap_pair")

    s = StudentNotebook(SVM)
    s.insert(s.provided("import course_lib as cl") + 1, IMPORTS_AND_CONSTANT)
    s.write_answer("svm_vectorized", VECTORIZED_WITH_DELTA)
    add("imports_and_a_constant_in_another_cell", s, {},
        "`import math`, `from numpy import maximum as relu` and DELTA = 1.0 in a cell under the imports")

    s = StudentNotebook(SVM)
    s.insert(s.provided("import course_lib as cl") + 1, IMPORTS_AND_CONSTANT)
    s.write_answer("svm_vectorized", VECTORIZED_WITH_DELTA)
    s.append("DELTA = 2.0  # what if the margin were 2?\nprint(svm_loss_vectorized(scores, np.eye(3), y)[0])\n")
    add("constant_changed_by_a_later_experiment", s, {"svm_vectorized": FAILED},
        "DELTA = 1.0 used by the answer, set to 2.0 by an experiment at the end (the kernel's last value counts)")

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized", VECTORIZED_USES_PROVIDED_C)
    add("answer_uses_a_global_of_a_provided_cell", s, {"svm_vectorized": (FAILED, ERROR)},
        "svm_loss_vectorized builds a one-hot with the provided cell's C = 3: right on 3 classes only")

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
    s.append(VECTORIZED_MEAN_LATER)
    add("redefined_later_last_is_wrong", s, {"svm_vectorized": FAILED},
        "a right answer, redefined with the mean over classes in an experiment cell at the end",
        details={"hint_mistake": ("svm_vectorized", "mean_over_classes")})

    s = StudentNotebook(SVM)
    helper = s.above_answer("svm_vectorized", HINGE_MARGINS)
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
    s.below_check("svm_predictions", "My notes: I think Q6 changes the ranking, squaring is not a rescaling.",
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
    s.cells[s.index("svm_vectorized", "check")].source = (
        "def svm_loss_vectorized(W, X, y):\n    return 0.0, np.zeros_like(W)\n\n"
        'check("svm_vectorized", svm_loss_vectorized)\n')
    add("check_cell_redefines_the_answer", s, {}, "the check cell edited to redefine the answer (it must not run)")

    s = StudentNotebook(SVM)
    s.below_check("svm_vectorized", "print(svm_loss_vectorised(scores, np.eye(3), y))  # typo\n")
    add("a_cell_with_a_typo_raises", s, {}, "an experiment cell raising NameError, nothing depends on it")

    s = StudentNotebook(SVM)
    s.below_check("svm_vectorized", "step = 0\nwhile step < 10:   # forgot step += 1\n"
                                    "    loss, _ = svm_loss_vectorized(scores, np.eye(3), y)\n")
    add("an_experiment_never_ends", s, {}, "an experiment cell looping forever, nothing depends on it")

    s = StudentNotebook(SVM)
    broken = s.above_answer("svm_vectorized", RAISES_BEFORE_HELPER)
    s.write_answer("svm_vectorized", VECTORIZED_WITH_HELPER)
    s.ran_in_order()
    add("helper_cell_raises_before_the_helper", s, {"svm_vectorized": (ERROR, FAILED)},
        "the helper's cell raises (a broadcasting error) before defining it", culprit=broken.id)

    s = StudentNotebook(SVM)
    s.above_answer("svm_vectorized", "from course_lib import svm_loss_W as my_loss  # for comparing\n")
    s.write_answer("svm_vectorized", "def svm_loss_vectorized(W, X, y):\n    return my_loss(W, X, y)\n")
    add("calls_the_reference_through_an_alias", s, {"svm_vectorized": REFERENCE},
        "`from course_lib import svm_loss_W as my_loss` in another cell, called by the answer")

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized", "def svm_loss_vectorized(W, X, y):\n    loss_fn = getattr(cl, 'svm_' + 'loss_W')\n"
                                     "    return loss_fn(W, X, y)\n")
    add("calls_the_reference_through_getattr", s, {"svm_vectorized": REFERENCE},
        "getattr(cl, 'svm_' + 'loss_W'): a name built at run time")

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized", "import course_lib.losses\n\ndef svm_loss_vectorized(W, X, y):\n"
                                     "    return course_lib.losses.svm_loss_W(W, X, y)\n")
    add("calls_the_reference_by_module_path", s, {"svm_vectorized": REFERENCE}, "course_lib.losses.svm_loss_W")

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized", _hard_coded_answer())
    add("hard_coded_public_outputs", s, {"svm_vectorized": FAILED}, "the public cases' outputs typed in")

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized", VECTORIZED_MUTATES_INPUT)
    add("mutates_its_input", s, {"svm_vectorized": FAILED}, "right numbers, with X divided by N in place")

    # --- issue 22: the notebook run top to bottom, as the kernel ran it ---
    s = StudentNotebook(SVM)
    s.above_answer("svm_predictions", FILL_HELPER)
    s.above_answer("svm_predictions", "table = [None] * 7\n")
    s.above_answer("svm_predictions", "_fill(table)\n")
    s.write_answer("svm_predictions", "svm_predictions = tuple(table)\n")
    add("value_from_a_table_a_helper_fills", s, {},
        "a top-level `_fill(table)` whose helper writes into its argument; the answer reads the table")

    s = StudentNotebook(SVM)
    s.above_answer("svm_predictions", "q4_and_q7 = np.array([6.267, -1.0])\n")
    s.above_answer("svm_predictions", "np.maximum(q4_and_q7, 0, out=q4_and_q7)\n")
    s.write_answer("svm_predictions", "svm_predictions = (0.0, 0.0, False, float(q4_and_q7[0]), True, False, "
                                      "9.0 + float(q4_and_q7[1]))\n")
    add("value_after_maximum_out", s, {}, "`np.maximum(m, 0, out=m)` in its own cell changes what the answer reads")

    s = StudentNotebook(SVM)
    s.above_answer("svm_predictions", "q7 = []\n")
    s.above_answer("svm_predictions", "q7.append(4.5); doubled = 2 * sum(q7)\n")
    s.write_answer("svm_predictions", "svm_predictions = (0.0, 0.0, False, 6.267, True, False, doubled)\n")
    add("append_and_assign_on_one_line", s, {}, "`a.append(x); b = ...` on one line (run once, as the kernel did)")

    s = StudentNotebook(SVM)
    s.above_answer("svm_vectorized", REGISTRY_DECORATOR)
    s.write_answer("svm_vectorized", VECTORIZED_VIA_REGISTRY)
    add("decorated_helpers", s, {}, "a registry decorator on the helper the answer calls")

    s = StudentNotebook(SVM)
    s.below_check("svm_vectorized", "# scratch: an older try, below the answer\n" + VECTORIZED_INCLUDES_CORRECT)
    add("scratch_cell_below_the_answer", s, {"svm_vectorized": FAILED},
        "a scratch cell below the (right) answer redefines it wrongly: the notebook's last definition counts")

    s = StudentNotebook(SVM)
    s.above_answer("svm_vectorized", DISPLAY_CODE_THAT_FEEDS_AN_ANSWER)
    s.write_answer("svm_vectorized", VECTORIZED_WITH_DISPLAYED_MARGIN)
    add("plots_tqdm_interact_display_and_magics", s, {},
        "plot calls unpacked and indexed, tqdm iterated, interact, display and magics feed the answer's margin")

    s = StudentNotebook(SVM)
    s.above_answer("svm_vectorized", "counter = 0\nwhile True:   # forgot to stop\n    counter += 1\n")
    s.write_answer("svm_vectorized", reference_solution(SVM, "svm_vectorized").replace(
        "    n = scores.shape[0]\n", "    n = scores.shape[0] + 0 * min(counter, 1)\n", 1))
    add("a_cell_interrupted_keeps_its_namespace", s, {},
        "a cell that never ends is interrupted like a kernel interrupt: what it set survives (counter > 0)")

    s = StudentNotebook(SVM)
    s.write_answer("svm_vectorized",
                   "if True:\n" + "".join("    " + line + "\n" for line in SVM_W_NESTED_LOOPS.splitlines()))
    add("nested_loops_bound_inside_if_true", s, {"svm_vectorized": FORBIDDEN},
        "the loop solution, renamed, defined inside `if True:`")
    return out


SVM_W_NESTED_LOOPS = '''\
def svm_loss_vectorized(W, X, y):
    scores = X @ W
    n = scores.shape[0]
    loss, dscores = 0.0, np.zeros_like(scores)
    for i in range(n):
        for j in range(scores.shape[1]):
            if j != y[i] and scores[i, j] - scores[i, y[i]] + 1 > 0:
                loss += scores[i, j] - scores[i, y[i]] + 1
                dscores[i, j] += 1
                dscores[i, y[i]] -= 1
    return loss / n, X.T @ dscores / n
'''


# --- answers students write: notebook 08 ----------------------------------------------------------

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

HINGE_ACTIVE = '''\
def hinge_active(W, X, y):
    """Which hinge terms are active (margin > 0), (N, C), False in each example's own class."""
    s = X @ W
    n = len(y)
    m = s - s[np.arange(n), y][:, None] + MARGIN
    m[np.arange(n), y] = 0
    return m > 0
'''

KINK_WITH_HELPER = '''\
def crosses_kink(W, X, y, index, h):
    low, high = W.astype(float), W.astype(float)
    low[index] -= h
    high[index] += h
    return bool(np.any(hinge_active(low, X, y) != hinge_active(high, X, y)))
'''

KINK_AT_ZERO_LATER = '''\
# a margin of 0 touches the kink: count it as active
def crosses_kink(W, X, y, index, h):
    low, high = W.astype(float), W.astype(float)
    low[index] -= h
    high[index] += h
    def active(V):
        s = X @ V
        m = s - s[np.arange(len(y)), y][:, None] + 1
        m[np.arange(len(y)), y] = -1
        return m >= 0
    return bool(np.any(active(low) != active(high)))

print(crosses_kink(np.eye(3), np.eye(3), np.arange(3), (0, 1), 0.5))
'''

KINK_HELPER_RAISES = '''\
print(margins_of(np.eye(3), np.eye(3), np.arange(3)))   # try it first

def margins_of(W, X, y):
    s = X @ W
    m = s - s[np.arange(len(y)), y][:, None] + 1
    m[np.arange(len(y)), y] = 0
    return m
'''

KINK_WITH_MARGINS_OF = '''\
def crosses_kink(W, X, y, index, h):
    low, high = W.astype(float), W.astype(float)
    low[index] -= h
    high[index] += h
    return bool(np.any((margins_of(low, X, y) > 0) != (margins_of(high, X, y) > 0)))
'''

KINK_MUTATES_W = '''\
def crosses_kink(W, X, y, index, h):
    def active(V):
        s = X @ V
        m = s - s[np.arange(len(y)), y][:, None] + 1
        m[np.arange(len(y)), y] = 0
        return m > 0
    old = W[index]
    W[index] = old - h
    low = active(W)
    W[index] = old + h          # ...and W[index] is never put back
    return bool(np.any(low != active(W)))
'''

KINK_VIA_REFERENCE = '''\
def crosses_kink(W, X, y, index, h):
    # a kink between the two ends changes the hinge gradient: compare course_lib's at both ends
    low, high = W.astype(float), W.astype(float)
    low[index] -= h
    high[index] += h
    return not np.allclose(cl.svm_loss_W(low, X, y)[1], cl.svm_loss_W(high, X, y)[1])
'''

KINK_VIA_A_HELPER_OF_THE_REFERENCE = (
    "import course_lib.losses\n\n\ndef hinge_gradient(W, X, y):\n"
    "    return course_lib.losses.svm_loss_W(W, X, y)[1]\n",
    "def crosses_kink(W, X, y, index, h):\n    low, high = W.astype(float), W.astype(float)\n"
    "    low[index] -= h\n    high[index] += h\n"
    "    return not np.allclose(hinge_gradient(low, X, y), hinge_gradient(high, X, y))\n")

HANGS_BEFORE_HELPER = ("# how small can h get?\ntolerance = 1.0\nwhile tolerance > 0:\n"
                       "    tolerance = 0.5 * tolerance + 1e-9   # tends to 2e-9, never 0\n\n" + NUDGED)


def _gradient_submissions() -> dict:
    out = {}

    def add(name, student, expected, story, **extra):
        out[name] = Submission(student, expected, story, **extra)

    add("reference_solutions", StudentNotebook(GRADIENTS), {}, "the source's solutions written in, nothing else")

    s = StudentNotebook(GRADIENTS)
    s.above_answer("numerical_gradient_centred", NUDGED)
    s.write_answer("numerical_gradient_centred", NUMERICAL_WITH_HELPER)
    s.above_answer("crosses_kink", "MARGIN = 1.0\n\n\n" + HINGE_ACTIVE)
    s.write_answer("crosses_kink", KINK_WITH_HELPER)
    add("helpers_in_their_own_cells", s, {}, "helper cells above both answers, one with the constant it uses")

    s = StudentNotebook(GRADIENTS)
    s.insert(s.provided("import course_lib as cl") + 1, "MARGIN = 1.0\n")
    s.above_answer("crosses_kink", HINGE_ACTIVE)
    s.write_answer("crosses_kink", KINK_WITH_HELPER)
    add("constant_in_its_own_cell", s, {}, "MARGIN = 1.0 in its own cell under the imports, used by a helper")

    s = StudentNotebook(GRADIENTS)
    s.write_answer("numerical_gradient_centred", NUMERICAL_FORWARD)
    s.below_check("numerical_gradient_centred",
                  "# centred is better:\n" + reference_solution(GRADIENTS, "numerical_gradient_centred"))
    add("redefined_later_last_is_correct", s, {}, "a forward difference first, the centred one in a later cell")

    s = StudentNotebook(GRADIENTS)
    s.append(KINK_AT_ZERO_LATER)
    add("redefined_later_last_is_wrong", s, {"crosses_kink": FAILED},
        "a right answer, redefined with margin >= 0 at the end",
        details={"hint_mistake": ("crosses_kink", "zero_margin_active")})

    s = StudentNotebook(GRADIENTS)
    s.strip_metadata()
    s.strip_ids()
    add("no_metadata_no_cell_ids", s, {}, "cell metadata and ids gone (nbformat 4.4), as some editors leave it")

    s = StudentNotebook(GRADIENTS)
    check_tools = s.cells[s.provided("def analytic_at_check")]
    check_tools.source = "raise RuntimeError('too slow, skipped')\n" + check_tools.source
    s.remove(s.provided("import course_lib as cl"))
    add("provided_cells_deleted_and_edited", s, {},
        "the imports cell deleted and the gradient-check cell edited to raise (the source's versions run)")

    s = StudentNotebook(GRADIENTS)
    s.below_check("numerical_gradient_centred",
                  "error = 1.0\nwhile error > 1e-12:   # never updated\n"
                  "    approx = numerical_grad(bowl, point, 1e-5)\n")
    s.below_check("crosses_kink", "crosses_kink(np.eye(3), np.eye(3), np.arange(3), (0, 1))   # forgot h\n")
    add("experiments_raise_and_never_end", s, {},
        "one experiment cell looping forever, one raising TypeError; nothing depends on them")

    s = StudentNotebook(GRADIENTS)
    broken = s.above_answer("crosses_kink", KINK_HELPER_RAISES)
    s.write_answer("crosses_kink", KINK_WITH_MARGINS_OF)
    s.ran_in_order()
    add("helper_cell_raises_before_the_helper", s, {"crosses_kink": (ERROR, FAILED)},
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
    s.write_answer("crosses_kink", KINK_VIA_REFERENCE)
    add("calls_the_reference", s, {"numerical_gradient_centred": REFERENCE, "crosses_kink": REFERENCE},
        "cl.numerical_gradient, and course_lib's hinge gradient (cl.svm_loss_W) compared at both ends")

    s = StudentNotebook(GRADIENTS)
    helper, answer = KINK_VIA_A_HELPER_OF_THE_REFERENCE
    s.above_answer("crosses_kink", helper)
    s.write_answer("crosses_kink", answer)
    add("calls_a_helper_that_calls_the_reference", s, {"crosses_kink": REFERENCE},
        "the answer calls the student's own helper cell, which wraps course_lib.losses.svm_loss_W")

    s = StudentNotebook(GRADIENTS)
    s.write_answer("crosses_kink", KINK_MUTATES_W)
    add("mutates_its_input", s, {"crosses_kink": FAILED}, "a right answer, but W is moved in place and not put back")
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


SOFTMAX_VEC_LOGADDEXP = '''\
def softmax_loss_vectorized(W, X, y):
    n = len(y)
    scores = X @ W
    log_total = np.logaddexp.reduce(scores, axis=1)
    dscores = np.exp(scores - log_total[:, None])
    dscores[np.arange(n), y] -= 1
    return float(np.mean(log_total - scores[np.arange(n), y])), X.T @ dscores / n
'''


def _regularization_submissions() -> dict:
    out = {}

    def add(name, student, expected, story, **extra):
        out[name] = Submission(student, expected, story, **extra)

    add("reference_solutions", StudentNotebook(REGULARIZATION), {}, "the source's solutions written in, nothing else")

    s = StudentNotebook(REGULARIZATION)
    s.write_answer("regularized_objective", reference_solution(REGULARIZATION, "regularized_objective").replace(
        "def regularized_objective(", "def _own_objective(", 1) + (
        "\n\ndef regularized_objective(W, X, y, data_loss, reg, kind='l2', beta=0.5, penalize_bias=True):\n"
        "    getattr(cl, 'pen' + 'alty')(W, kind)  # the same numbers\n"
        "    return _own_objective(W, X, y, data_loss, reg, kind, beta, penalize_bias)\n"))
    add("penalty_by_a_name_built_at_run_time", s, {"regularized_objective": REFERENCE},
        "course_lib's `penalty`, which the sandbox implements, reached through getattr(cl, 'pen' + 'alty')")
    return out


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
    s = StudentNotebook(SOFTMAX)
    s.write_answer("softmax_vectorized", SOFTMAX_VEC_LOGADDEXP)
    add("logaddexp_reduce", s, {}, "`np.logaddexp.reduce(scores, axis=1)`: a ufunc method, no Python loop")
    return out


def submissions(stem: str) -> dict:
    """``{name: Submission}`` for one notebook (03, 04, 05 or 08)."""
    return {SVM: _svm_submissions, GRADIENTS: _gradient_submissions, SOFTMAX: _softmax_submissions,
            REGULARIZATION: _regularization_submissions}[stem]()


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

VEC_SCORES_GRADIENT = _vectorized_via(
    "    margins = np.maximum(0.0, scores - scores[np.arange(n), y][:, None] + 1.0)\n"
    "    margins[np.arange(n), y] = 0.0\n").replace("X.T @ active / n", "active / n")

VEC_CORRECT_ONCE = _vectorized_via(
    "    margins = np.maximum(0.0, scores - scores[np.arange(n), y][:, None] + 1.0)\n"
    "    margins[np.arange(n), y] = 0.0\n").replace("-active.sum(axis=1)", "-active.max(axis=1)")

TOTAL_BY_EXEC = ("exec('def total_hinge(margins):\\n    total = 0.0\\n    for row in margins:\\n"
                 "        total += row.sum()\\n    return total\\n')\n")
TOTAL_BY_GLOBALS = "globals()['total_' + 'hinge'] = lambda margins: float(sum(map(np.sum, margins)))\n"
TOTAL_BY_CODE_SWAP = ("def total_hinge(margins):\n    return float(margins.sum())\n\n"
                      "def _by_rows(margins):\n    return float(sum([row.sum() for row in margins]))\n\n"
                      "total_hinge.__code__ = _by_rows.__code__\n")
TOTAL_BY_MUTUAL_RECURSION = ("def _head(m):\n    return 0.0 if len(m) == 0 else float(m[0].sum()) + _tail(m[1:])\n\n"
                             "def _tail(m):\n    return _head(m)\n\ntotal_hinge = _head\n")
TOTAL_BY_SORTED_KEY = ("def total_hinge(margins):\n    sums = []\n"
                       "    sorted(range(len(margins)), key=lambda i: sums.append(margins[i].sum()) or i)\n"
                       "    return float(sum(sums))\n")
TOTAL_BY_ITER_SENTINEL = ("def total_hinge(margins):\n    k = [0]\n\n    def step():\n"
                          "        if k[0] == len(margins):\n            return None\n        k[0] += 1\n"
                          "        return float(margins[k[0] - 1].sum())\n\n    return float(sum(iter(step, None)))\n")
TOTAL_BY_DECORATOR = ("def per_row(f):\n    def wrapper(margins):\n"
                      "        return float(sum([f(row) for row in margins]))\n"
                      "    return wrapper\n\n@per_row\ndef total_hinge(row):\n    return row.sum()\n")

AGREEMENT_SVM = {
    "svm_predictions": _answers(   # graded for commitment: a complete answer passes, right or not
        "svm_predictions",
        ("solution", "correct", [reference_solution(SVM, "svm_predictions")]),
        ("all_wrong_but_complete", "unusual", ["svm_predictions = (1.0, 1.0, True, 5.267, False, True, 10.0)\n"]),
        ("expressions", "unusual", ["svm_predictions = (0, 0, 1 > 2, 5.267 + 1, True, False, 10 - 1)\n"]),
        ("a_list_not_a_tuple", "unusual", ["svm_predictions = [0, 0, False, 6.267, True, False, 9]\n"]),  # as good
        ("six_answers", "wrong", ["svm_predictions = (0.0, 0.0, False, 6.267, True, False)\n"]),
        ("a_word_for_a_number", "wrong", ["svm_predictions = (0.0, 'zero', False, 6.267, True, False, 9.0)\n"]),
    ),
    "rank_swap_pair": _answers(
        "rank_swap_pair",
        ("solution", "correct", [reference_solution(SVM, "rank_swap_pair")]),
        ("with_helper", "unusual", [RANK_SWAP_FROM_A_HELPER, RANK_SWAP_VIA_HELPER]),
        ("vectors_and_an_int", "unusual", ["rank_swap = (np.array([1.0, 1.9, 0, 0, 0]),\n"
                                           "             np.array([1.0, 0.5, 0.5, 0.5, 0.5]), 0)\n"]),
        ("swapped_pair", "wrong", ["rank_swap = (np.array([[1.0, 0.5, 0.5, 0.5, 0.5]]),\n"
                                   "             np.array([[1.0, 1.9, 0, 0, 0]]), np.array([0]))\n"]),
        ("gap_too_small", "wrong", ["rank_swap = (np.array([[1.0, 1.995, 0, 0, 0]]),\n"
                                    "             np.array([[1.0, 0.5, 0.5, 0.5, 0.5]]), np.array([0]))\n"]),
        ("labels_out_of_range", "wrong", ["rank_swap = (np.zeros((1, 3)), np.zeros((1, 3)), np.array([3]))\n"]),
    ),
    "svm_vectorized": _answers(
        "svm_vectorized",
        ("solution", "correct", [reference_solution(SVM, "svm_vectorized")]),
        ("np_where", "unusual", [VEC_WHERE]),
        ("take_along_axis", "unusual", [VEC_TAKE_ALONG]),
        ("with_helper", "unusual", [HINGE_MARGINS, VECTORIZED_WITH_HELPER]),
        ("with_self_test", "unusual", [reference_solution(SVM, "svm_vectorized") + SELF_TEST]),
        ("no_margin", "wrong", [VEC_NO_MARGIN]),
        ("not_averaged", "wrong", [VEC_NOT_AVERAGED]),
        ("swapped_outputs", "wrong", [VEC_SWAPPED]),
        ("includes_correct_class", "wrong", [VECTORIZED_INCLUDES_CORRECT]),
        ("mutates_input", "wrong", [VECTORIZED_MUTATES_INPUT]),
        ("gradient_of_the_scores", "wrong", [VEC_SCORES_GRADIENT]),
        ("correct_class_counted_once", "wrong", [VEC_CORRECT_ONCE]),
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
        # issue 22: the loop hidden by how it is bound or reached (judged by what runs)
        ("loop_in_exec", "loop", [TOTAL_BY_EXEC, VEC_VIA_TOTAL], "loop"),
        ("map_bound_through_globals", "loop", [TOTAL_BY_GLOBALS, VEC_VIA_TOTAL], "map"),
        ("code_swapped", "loop", [TOTAL_BY_CODE_SWAP, VEC_VIA_TOTAL], "comprehension"),
        ("mutual_recursion", "loop", [TOTAL_BY_MUTUAL_RECURSION, VEC_VIA_TOTAL], "recurs"),
        ("sorted_key", "loop", [TOTAL_BY_SORTED_KEY, VEC_VIA_TOTAL], "sorted"),
        ("iter_sentinel", "loop", [TOTAL_BY_ITER_SENTINEL, VEC_VIA_TOTAL], "iter"),
        ("decorated_per_row", "loop", [TOTAL_BY_DECORATOR, VEC_VIA_TOTAL], "comprehension"),
        ("inside_try", "loop", ["try:\n" + "".join("    " + x + "\n" for x in ROW_LOSS_FOR_LOOP.splitlines())
                                + "except ValueError:\n    pass\n", VEC_VIA_TOTAL], "for loop"),
        ("walrus", "loop", ["(total_hinge := lambda margins: float(sum([row.sum() for row in margins])))\n",
                            VEC_VIA_TOTAL], "comprehension"),
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

NUMERICAL_INTEGER_COPY = '''\
def numerical_grad(f, x, h):
    x = x.copy()
    grad = np.zeros(x.shape)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + h
        up = f(x)
        x[idx] = old - h
        down = f(x)
        x[idx] = old
        grad[idx] = (up - down) / (2 * h)
    return grad
'''

KINK_ANALYTIC = '''\
def crosses_kink(W, X, y, index, h):
    # each margin moves with W[index]: by x_id for class c, by -x_id for every margin of an example of class c
    d, c = index
    n = len(y)
    scores = X @ W
    margins = scores - scores[np.arange(n), y][:, None] + 1
    slope = np.zeros_like(margins)
    slope[:, c] += X[:, d]
    slope[y == c, :] -= X[y == c, d][:, None]
    low, high = margins - h * slope > 0, margins + h * slope > 0
    low[np.arange(n), y] = high[np.arange(n), y] = False
    return bool(np.any(low != high))
'''

KINK_NO_ONE = KINK_WITH_MARGINS_OF.replace("margins_of(", "margins_without_one(")
MARGINS_WITHOUT_ONE = KINK_HELPER_RAISES.split("\n\n", 1)[1].replace(
    "def margins_of(", "def margins_without_one(").replace("[:, None] + 1\n", "[:, None]\n")
KINK_COUNTS = KINK_WITH_HELPER.replace(
    "return bool(np.any(hinge_active(low, X, y) != hinge_active(high, X, y)))",
    "return bool(hinge_active(low, X, y).sum() != hinge_active(high, X, y).sum())")

AGREEMENT_GRADIENTS = {
    "numerical_gradient_centred": _answers(
        "numerical_gradient_centred",
        ("solution", "correct", [reference_solution(GRADIENTS, "numerical_gradient_centred")]),
        ("with_helper", "unusual", [NUDGED, NUMERICAL_WITH_HELPER]),
        ("flat_index", "unusual", [NUMERICAL_FLAT]),
        ("forward_difference", "wrong", [NUMERICAL_FORWARD]),
        ("not_restored", "wrong", [NUMERICAL_NOT_RESTORED]),
        ("divided_by_h", "wrong", [NUMERICAL_DIVIDED_BY_H]),
        ("integer_copy", "wrong", [NUMERICAL_INTEGER_COPY]),
        ("calls_reference", "reference", ["def numerical_grad(f, x, h):\n    return cl.numerical_gradient(f, x, h)\n"]),
    ),
    "crosses_kink": _answers(
        "crosses_kink",
        ("solution", "correct", [reference_solution(GRADIENTS, "crosses_kink")]),
        ("analytic_slopes", "unusual", [KINK_ANALYTIC]),
        ("constant_and_helper", "unusual", ["MARGIN = 1.0\n", HINGE_ACTIVE, KINK_WITH_HELPER]),
        ("zero_margin_active", "wrong", [KINK_AT_ZERO_LATER.split("\n\nprint")[0] + "\n"]),
        ("without_the_one", "wrong", [MARGINS_WITHOUT_ONE, KINK_NO_ONE]),
        ("counts", "wrong", ["MARGIN = 1.0\n", HINGE_ACTIVE, KINK_COUNTS]),
        ("mutates_W", "wrong", [KINK_MUTATES_W]),
        ("calls_reference", "reference", [KINK_VIA_REFERENCE]),
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
        ("logaddexp_reduce", "unusual", [SOFTMAX_VEC_LOGADDEXP]),
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

