"""Wrong and unusual-but-correct answers for ``06_hinge_vs_softmax``."""

CORRECT = {
    "growth_losses": ["losses_after_growth = (0, 0.2834)\n", "losses_after_growth = [0.0, 0.283]\n"],
    "which_loss_moves": ["which_changes = 'Softmax'\n", "which_changes = ' softmax '\n"],
}

WRONG = {
    "growth_losses": [
        ("losses_after_growth = (1.58, 1.04)\n", "unchanged"),
        ("losses_after_growth = (0.0, 0.0)\n", "softmax_zero"),
        ("losses_after_growth = (0.0, 0.123)\n", "log_base_10"),
        ("losses_after_growth = (1.0, 0.283)\n", "includes_correct_class"),
    ],
    "which_loss_moves": [
        ("which_changes = 'both'\n", "both"),
        ("which_changes = 'hinge'\n", "hinge"),
        ("which_changes = 'neither'\n", "neither"),
    ],
}
