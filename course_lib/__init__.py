"""course_lib: the package behind the "Loss functions and optimization" workbook.

One module per concept: ``data`` (the lecture's numbers, toy sets, digits, CIFAR-10),
``linear`` (scores and a linear classifier), ``estimator`` (scikit-learn's estimator protocol
without scikit-learn: ``get_params``/``set_params``, ``NotFittedError``), ``losses`` (hinge, softmax, L1/L2),
``regularization`` (penalties), ``gradcheck`` (numerical gradients), ``optim`` (update
rules, random search), ``answers`` (your own answers from earlier notebooks, ``cl.mine``, ``cl.which``),
``plots``, ``widgets`` and ``grading``.

Conventions, stated once: scores are (N, C), labels (N,) integers in [0, C), natural logs,
losses averaged over examples, ``reg * R(W)`` added once.

Names are loaded on first use (``cl.svm_loss`` imports ``course_lib.losses`` then), so that
``import course_lib`` is quick and needs nothing but numpy.
"""

import importlib

_EXPORTS = {
    "answers": ("AnswerMissing", "ReferenceUnavailable", "mine", "which"),
    "data": ("CIFAR10_CLASSES", "ScoreExample", "Splits", "cifar10_scores_example", "hinge_vs_softmax_example",
             "lecture_example", "load_cifar10", "load_digits", "load_pretrained", "make_blobs",
             "make_opposite_quadrants", "make_ring", "make_three_modes", "pretrained_recipe"),
    "estimator": ("NotFittedError",),
    "gradcheck": ("grad_check_sparse", "numerical_gradient", "relative_error"),
    "linear": ("LinearClassifier", "add_bias_column", "fold_bias", "linear_scores"),
    "losses": ("l1_loss", "l2_loss", "softmax", "softmax_loss", "softmax_loss_W", "svm_loss", "svm_loss_W",
               "svm_loss_naive"),
    "optim": ("adam", "adam_steps", "as_rule", "as_step", "epoch_orders", "random_search", "rmsprop", "sgd",
              "sgd_epochs", "sgd_momentum"),
    "regularization": ("elastic_net_penalty", "l1_penalty", "l2_penalty", "penalty", "regularized_objective"),
}
_WHERE = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_WHERE)
__version__ = "0.1.0"


def __getattr__(name):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'course_lib' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_WHERE))
