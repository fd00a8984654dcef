"""Interactive demos for the lecture, each one call returning an ipywidgets widget.

- :func:`playground`: drag W and b of a 2D linear classifier; regions, hinge and softmax losses,
  regularization, gradient steps.
- :func:`loss_explorer`: drag one example's class scores; hinge vs softmax, probabilities.
- :func:`regression_outliers`: drag one point; L2 vs L1 line fits.
- :func:`regularization_preferences`: λ on a polynomial fit; w1 vs w2 under L1, L2, elastic net.
- :func:`optimizer_race`: GD, SGD, momentum, RMSProp, Adam and random search on 2D surfaces.

Every demo takes optional callables (your loss, penalty or update functions) and shows a
clear message in the widget, not a traceback, when a value is bad. Figures are rendered
to an image (JPEG frames, PNG for saved screenshots) in an ``ipywidgets.Image``, so any matplotlib backend works.
"""

from course_lib.widgets.loss_explorer import loss_explorer
from course_lib.widgets.optimizer_race import optimizer_race
from course_lib.widgets.playground import playground
from course_lib.widgets.regression import regression_outliers
from course_lib.widgets.regularization import regularization_preferences

__all__ = ["loss_explorer", "optimizer_race", "playground", "regression_outliers", "regularization_preferences"]
