"""course_lib: the package behind the "Loss functions and optimization" workbook.

One module per concept: ``data`` (the lecture's numbers, toy sets, digits, CIFAR-10),
``linear`` (scores and a linear classifier), ``losses`` (hinge, softmax, L1/L2),
``regularization`` (penalties), ``gradcheck`` (numerical gradients), ``optim`` (update
rules, random search), ``plots``, ``widgets`` and ``grading``.

Conventions, stated once: scores are (N, C), labels (N,) integers in [0, C), natural logs,
losses averaged over examples, ``reg * R(W)`` added once.
"""

from .data import (
    CIFAR10_CLASSES,
    ScoreExample,
    Splits,
    cifar10_scores_example,
    hinge_vs_softmax_example,
    lecture_example,
    load_cifar10,
    load_digits,
    make_blobs,
    make_opposite_quadrants,
    make_ring,
    make_three_modes,
)
from .gradcheck import grad_check_sparse, numerical_gradient, relative_error
from .linear import LinearClassifier, add_bias_column, fold_bias, linear_scores
from .losses import (
    l1_loss,
    l2_loss,
    softmax,
    softmax_loss,
    softmax_loss_naive,
    svm_loss,
    svm_loss_naive,
)
from .optim import adam, random_search, rmsprop, sgd, sgd_momentum
from .mine import AnswerMissing, ReferenceUnavailable, mine
from .regularization import elastic_net_penalty, l1_penalty, l2_penalty, penalty

__version__ = "0.1.0"
