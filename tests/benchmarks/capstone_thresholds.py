"""The capstone's accuracy targets, measured: how much room they leave a recipe a student finds within the budget.

Notebook 11 asks for a ``capstone_recipe`` (loss, learning rate, lambda, epochs, batch size, centring) that takes
at most ``nb11.CAPSTONE_STEPS`` Adam steps (epochs times batches per epoch; the notebook's grid takes 170, so no
grid cell passes as it is) and that the judge (:func:`course_lib.grading.exercises.judges.capstone_recipe`) trains
with the student's parts and scores: public, the validation part of ``load_digits(seed=0)`` >= VALIDATION; hidden,
its test part >= TEST, and the test part of the other split ``load_digits(seed=1)`` >= OTHER_SPLIT. This script

1. searches, on split 0's validation part, what a student can search within the budget: the grid's 6 learning
   rates, batch sizes from 32 to 1077, each with as many epochs as the budget allows, lambda 0, centred pixels,
   both losses, and takes each loss's best as a recipe (also the grid's best cell cut to 4 epochs, the laziest
   recipe that fits);
2. trains each recipe on the splits ``load_digits(seed=s)``, s = 0 .. 4, with the judge's own pipeline
   (:func:`~course_lib.grading.exercises.judges.train_recipe`), and prints the validation and test accuracy;
3. prints, per split, how many images each recipe has to spare against each target (how many more it could
   get wrong and still pass), and the fewest over the splits: the validation target counts on split 0 only (the
   public case), the two test targets on every split (any split could have been the hidden one).

The design asks for at least 2 images to spare on each of the 5 splits for the best recipes (docs/course-flow.md,
4.3 item 27). Measured with the 70-step budget (references of the bank, this script as it is): softmax's best
(learning rate 0.3, batches of 64, 4 epochs) has 9 to spare on validation, at least 6 against 0.935 and 8 against
0.93; the SVM's best (0.3, 128, 7) 5, 4 and 6; the grid's best cell cut to 4 epochs (0.1, 64, 4) 5, 7 and 9. A
50-step budget left the SVM's best 1 image against 0.935. Run in the instructor's checkout
(``mine`` gives the bank's references): ``.venv/bin/python tests/benchmarks/capstone_thresholds.py``. No timing
is measured.
"""

from __future__ import annotations

import itertools
import math
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

from course_lib.grading.exercises import judges  # noqa: E402
from course_lib.grading.exercises.bank import nb11  # noqa: E402

LEARNING_RATES = (3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1.0)
BATCH_SIZES = (32, 64, 128, 256, 512, 1077)
TRAINING_IMAGES = 1077
SEEDS = range(5)
VALIDATION, TEST, OTHER_SPLIT = nb11.CAPSTONE_TARGETS
IMAGES = 360


def accuracy(W, part) -> float:
    X, y = part
    return float(np.mean(np.argmax(X @ W, axis=1) == y))


def best_recipes() -> dict:
    """Each loss's best recipe within the step budget on split 0's validation part, and the laziest one that fits."""
    found = {}
    for loss in ("softmax", "svm"):
        scores = {}
        for lr, batch_size in itertools.product(LEARNING_RATES, BATCH_SIZES):
            epochs = min(50, nb11.CAPSTONE_STEPS // math.ceil(TRAINING_IMAGES / batch_size))
            recipe = {"loss": loss, "learning_rate": lr, "reg": 0.0, "epochs": epochs, "batch_size": batch_size,
                      "centre": True}
            W, parts = judges.train_recipe(recipe, 0)
            scores[lr, batch_size] = (accuracy(W, parts["val"]), recipe)
        (lr, batch_size), (best, recipe) = max(scores.items(), key=lambda item: item[1][0])  # the first best
        print(f"{loss:7s} within {nb11.CAPSTONE_STEPS} steps: best validation {best:.3f} at learning rate {lr:g}, "
              f"batches of {batch_size}, {recipe['epochs']} epochs")
        found[loss] = recipe
    found["grid's best cut to 4 epochs"] = {"loss": "softmax", "learning_rate": 0.1, "reg": 0.0, "epochs": 4,
                                            "batch_size": 64, "centre": True}
    return found


def spare(correct: int, target: float) -> int:
    """How many more images of 360 a run could get wrong and still reach ``target``."""
    return correct - math.ceil(target * IMAGES - 1e-9)


def main() -> None:
    smallest = {}
    for loss, recipe in best_recipes().items():
        print(f"\n{loss}: {recipe}")
        print(f"split  validation  test   images to spare: validation >= {VALIDATION:g} (split 0 only), "
              f"test >= {TEST:g} (split 0), test >= {OTHER_SPLIT:g} (another split)")
        for seed in SEEDS:
            W, parts = judges.train_recipe(recipe, seed)
            val, test = (int(round(accuracy(W, parts[name]) * IMAGES)) for name in ("val", "test"))
            margins = {"validation": spare(val, VALIDATION), "test": spare(test, TEST),
                       "other split": spare(test, OTHER_SPLIT)}
            for name, margin in margins.items():
                if name != "validation" or seed == 0:
                    smallest[loss, name] = min(smallest.get((loss, name), margin), margin)
            print(f"{seed:5d}  {val / IMAGES:10.3f}  {test / IMAGES:.3f}  "
                  + "  ".join(f"{margin:+4d}" for margin in margins.values()))
    print("\nfewest images to spare (validation: split 0, the public case; test targets: every split; "
          "the design asks for >= 2):")
    for (loss, name), margin in smallest.items():
        print(f"  {loss:7s} {name:12s} {margin:+d}")


if __name__ == "__main__":
    main()
