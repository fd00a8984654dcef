"""Independent answers for 11_capstone_digits, written from the exercise text only (authors: careful, beginner, terse, slides)."""
# ruff: noqa: E501
ENTRIES = [
    # ---------------- early_stopping ----------------
    {"id": "nb11-early-c01", "exercise": "early_stopping", "name": "early_stopping",
     "author": "careful", "correct": True, "mistake": "",
     "note": "copies w0 and every new best; counts epochs without a strictly higher score",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w = np.array(w0, copy=True)
    best_w, best_epoch, best_score = None, 0, -np.inf
    scores = []
    epochs_without_gain = 0
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(w)
        score = evaluate(w)
        scores.append(score)
        if best_w is None or score > best_score:
            best_w, best_epoch, best_score = np.array(w, copy=True), epoch, score
            epochs_without_gain = 0
        else:
            epochs_without_gain += 1
            if epochs_without_gain >= patience:
                break
    return best_w, best_epoch, np.array(scores)
'''},
    {"id": "nb11-early-c02", "exercise": "early_stopping", "name": "early_stopping",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "while loop; patience measured as the distance to the best epoch",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w = w0.copy()
    scores = []
    best_epoch = 0
    best_w = w0.copy()
    epoch = 0
    while epoch < max_epochs:
        w = run_epoch(w)
        epoch = epoch + 1
        s = evaluate(w)
        scores.append(s)
        if best_epoch == 0 or s > scores[best_epoch - 1]:
            best_epoch = epoch
            best_w = w.copy()
        if epoch - best_epoch >= patience:
            break
    return best_w, best_epoch, np.array(scores)
'''},
    {"id": "nb11-early-c03", "exercise": "early_stopping", "name": "early_stopping",
     "author": "terse", "correct": True, "mistake": "",
     "note": "np.argmax on the scores so far gives the first best; a snapshot is taken whenever the best epoch is the current one",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w, scores, best_w = np.copy(w0), [], None
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(w)
        scores.append(evaluate(w))
        best = int(np.argmax(scores)) + 1
        if best == epoch:
            best_w = np.copy(w)
        if epoch - best >= patience:
            break
    return best_w, best, np.asarray(scores)
'''},
    {"id": "nb11-early-w01", "exercise": "early_stopping", "name": "early_stopping",
     "author": "beginner", "correct": False,
     "mistake": "best_w = w without a copy: a run_epoch that trains in place changes the kept weights",
     "note": "assignment looks like saving",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w = w0.copy()
    best_w, best_epoch, best_score = w, 0, -np.inf
    scores = []
    bad = 0
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(w)
        score = evaluate(w)
        scores.append(score)
        if score > best_score:
            best_w, best_epoch, best_score = w, epoch, score
            bad = 0
        else:
            bad += 1
            if bad >= patience:
                break
    return best_w, best_epoch, np.array(scores)
'''},
    {"id": "nb11-early-w02", "exercise": "early_stopping", "name": "early_stopping",
     "author": "terse", "correct": False,
     "mistake": "a tie counts as an improvement (>=): the best epoch becomes the last of equal scores and the patience counter resets on ties",
     "note": "'not worse' treated as better",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w, scores, best, best_w, wait = np.copy(w0), [], -np.inf, None, 0
    best_epoch = 0
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(w)
        s = evaluate(w)
        scores.append(s)
        if s >= best:
            best, best_w, best_epoch, wait = s, np.copy(w), epoch, 0
        else:
            wait += 1
            if wait == patience:
                break
    return best_w, best_epoch, np.array(scores)
'''},
    {"id": "nb11-early-w03", "exercise": "early_stopping", "name": "early_stopping",
     "author": "careful", "correct": False,
     "mistake": "best_epoch counted from 0 (the index into scores) instead of from 1",
     "note": "Python indices start at 0",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w = np.array(w0, copy=True)
    scores = []
    best_epoch, best_w = -1, None
    for epoch in range(max_epochs):
        w = run_epoch(w)
        scores.append(evaluate(w))
        if best_epoch < 0 or scores[-1] > scores[best_epoch]:
            best_epoch, best_w = epoch, np.array(w, copy=True)
        if epoch - best_epoch >= patience:
            break
    return best_w, best_epoch, np.array(scores)
'''},
    {"id": "nb11-early-w04", "exercise": "early_stopping", "name": "early_stopping",
     "author": "beginner", "correct": False,
     "mistake": "patience off by one: stops only after patience + 1 epochs without improvement (counter > patience)",
     "note": "strict > on the counter",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w = w0.copy()
    best_score = -np.inf
    best_w = w0.copy()
    best_epoch = 0
    scores = []
    counter = 0
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(w)
        score = evaluate(w)
        scores.append(score)
        if score > best_score:
            best_score = score
            best_w = w.copy()
            best_epoch = epoch
            counter = 0
        else:
            counter += 1
        if counter > patience:
            break
    return best_w, best_epoch, np.array(scores)
'''},
    {"id": "nb11-early-w05", "exercise": "early_stopping", "name": "early_stopping",
     "author": "slides", "correct": False,
     "mistake": "hands w0 itself to run_epoch: an in-place run_epoch changes the caller's w0",
     "note": "the copy of w0 is forgotten, the copies of the best are not",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w = w0
    scores = []
    best_score, best_epoch, best_w = -np.inf, 0, None
    waited = 0
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(w)
        score = evaluate(w)
        scores.append(score)
        if score > best_score:
            best_score, best_epoch, best_w = score, epoch, w.copy()
            waited = 0
        else:
            waited += 1
            if waited >= patience:
                break
    return best_w, best_epoch, np.array(scores)
'''},
    {"id": "nb11-early-w06", "exercise": "early_stopping", "name": "early_stopping",
     "author": "careful", "correct": False,
     "mistake": "patience counts epochs whose score is not above the previous epoch's, instead of not above the best so far",
     "note": "compares with the last score, the usual 'is it still improving' reflex",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w = np.array(w0, copy=True)
    scores = []
    best_w, best_epoch = None, 0
    worse = 0
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(w)
        s = evaluate(w)
        if best_w is None or s > max(scores):
            best_w, best_epoch = w.copy(), epoch
        if scores and s <= scores[-1]:
            worse += 1
        else:
            worse = 0
        scores.append(s)
        if worse >= patience:
            break
    return best_w, best_epoch, np.array(scores)
'''},
    {"id": "nb11-early-w07", "exercise": "early_stopping", "name": "early_stopping",
     "author": "terse", "correct": False,
     "mistake": "returns the last weights instead of the best epoch's",
     "note": "keeps track of the best epoch number but forgets to keep its weights",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w, scores = np.copy(w0), []
    for epoch in range(1, max_epochs + 1):
        w = run_epoch(w)
        scores.append(evaluate(w))
        if epoch - (int(np.argmax(scores)) + 1) >= patience:
            break
    return w, int(np.argmax(scores)) + 1, np.array(scores)
'''},
    {"id": "nb11-early-w08", "exercise": "early_stopping", "name": "early_stopping",
     "author": "slides", "correct": False,
     "mistake": "evaluates the starting weights first and stores that score as epoch 1 (scores has one extra entry, epochs shifted)",
     "note": "wants a baseline before training",
     "source": r'''def early_stopping(run_epoch, evaluate, w0, max_epochs, patience):
    w = w0.copy()
    scores = [evaluate(w)]
    best_epoch, best_w = 1, w.copy()
    for epoch in range(2, max_epochs + 2):
        w = run_epoch(w)
        scores.append(evaluate(w))
        if scores[-1] > scores[best_epoch - 1]:
            best_epoch, best_w = epoch, w.copy()
        if epoch - best_epoch >= patience:
            break
    return best_w, best_epoch, np.array(scores)
'''},
    # ---------------- grid_search ----------------
    {"id": "nb11-grid-c01", "exercise": "grid_search", "name": "grid_search",
     "author": "careful", "correct": True, "mistake": "",
     "note": "nested loops, argmax on the C-ordered grid gives the first maximum in loop order",
     "source": r'''def grid_search(train_fn, learning_rates, regs):
    val_acc = np.zeros((len(learning_rates), len(regs)))
    for i, learning_rate in enumerate(learning_rates):
        for j, reg in enumerate(regs):
            val_acc[i, j] = train_fn(learning_rate, reg)
    i, j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, learning_rates[i], regs[j]
'''},
    {"id": "nb11-grid-c02", "exercise": "grid_search", "name": "grid_search",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "tracks the best while filling, strict > keeps the first on a tie",
     "source": r'''def grid_search(train_fn, learning_rates, regs):
    val_acc = np.zeros((len(learning_rates), len(regs)))
    best_acc = -1
    best_lr = None
    best_reg = None
    for i in range(len(learning_rates)):
        for j in range(len(regs)):
            acc = train_fn(learning_rates[i], regs[j])
            val_acc[i, j] = acc
            if acc > best_acc:
                best_acc = acc
                best_lr = learning_rates[i]
                best_reg = regs[j]
    return val_acc, best_lr, best_reg
'''},
    {"id": "nb11-grid-c03", "exercise": "grid_search", "name": "grid_search",
     "author": "terse", "correct": True, "mistake": "",
     "note": "comprehension, then divmod of the flat argmax by the number of regs",
     "source": r'''def grid_search(train_fn, learning_rates, regs):
    acc = np.array([[train_fn(lr, r) for r in regs] for lr in learning_rates], dtype=float)
    i, j = divmod(int(np.argmax(acc)), len(regs))
    return acc, learning_rates[i], regs[j]
'''},
    {"id": "nb11-grid-w01", "exercise": "grid_search", "name": "grid_search",
     "author": "beginner", "correct": False,
     "mistake": "regs in the outer loop and the grid stored with shape (R, L) (transposed)",
     "note": "thinks of lambda as the main hyperparameter",
     "source": r'''def grid_search(train_fn, learning_rates, regs):
    val_acc = np.zeros((len(regs), len(learning_rates)))
    for i, reg in enumerate(regs):
        for j, lr in enumerate(learning_rates):
            val_acc[i, j] = train_fn(lr, reg)
    i, j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, learning_rates[j], regs[i]
'''},
    {"id": "nb11-grid-w02", "exercise": "grid_search", "name": "grid_search",
     "author": "careful", "correct": False,
     "mistake": "right shape, but the loops are swapped (regs outer): the calls come in the wrong order and a tie picks a different pair",
     "note": "fills val_acc[i, j] correctly but iterates column by column",
     "source": r'''def grid_search(train_fn, learning_rates, regs):
    val_acc = np.empty((len(learning_rates), len(regs)))
    best = (-np.inf, None, None)
    for j, reg in enumerate(regs):
        for i, lr in enumerate(learning_rates):
            val_acc[i, j] = train_fn(lr, reg)
            if val_acc[i, j] > best[0]:
                best = (val_acc[i, j], lr, reg)
    return val_acc, best[1], best[2]
'''},
    {"id": "nb11-grid-w03", "exercise": "grid_search", "name": "grid_search",
     "author": "beginner", "correct": False,
     "mistake": ">= when tracking the best: on a tie the last pair wins, not the first",
     "note": "'at least as good' updates",
     "source": r'''def grid_search(train_fn, learning_rates, regs):
    val_acc = np.zeros((len(learning_rates), len(regs)))
    best_acc = 0
    best_lr, best_reg = learning_rates[0], regs[0]
    for i in range(len(learning_rates)):
        for j in range(len(regs)):
            val_acc[i][j] = train_fn(learning_rates[i], regs[j])
            if val_acc[i][j] >= best_acc:
                best_acc = val_acc[i][j]
                best_lr, best_reg = learning_rates[i], regs[j]
    return val_acc, best_lr, best_reg
'''},
    {"id": "nb11-grid-w04", "exercise": "grid_search", "name": "grid_search",
     "author": "terse", "correct": False,
     "mistake": "flat argmax divided by the number of learning rates instead of the number of regs",
     "note": "mixes up which dimension the row stride is",
     "source": r'''def grid_search(train_fn, learning_rates, regs):
    acc = np.array([[train_fn(lr, r) for r in regs] for lr in learning_rates])
    k = np.argmax(acc)
    return acc, learning_rates[k // len(learning_rates)], regs[k % len(learning_rates)]
'''},
    {"id": "nb11-grid-w05", "exercise": "grid_search", "name": "grid_search",
     "author": "slides", "correct": False,
     "mistake": "returns the indices of the best pair instead of the learning rate and lambda themselves",
     "note": "unravel_index result returned directly",
     "source": r'''def grid_search(train_fn, learning_rates, regs):
    val_acc = np.zeros((len(learning_rates), len(regs)))
    for i, lr in enumerate(learning_rates):
        for j, reg in enumerate(regs):
            val_acc[i, j] = train_fn(lr, reg)
    best_i, best_j = np.unravel_index(np.argmax(val_acc), val_acc.shape)
    return val_acc, best_i, best_j
'''},
    {"id": "nb11-grid-w06", "exercise": "grid_search", "name": "grid_search",
     "author": "terse", "correct": False,
     "mistake": "calls train_fn a second time for every pair to find the best (max with a key), so each pair is trained twice",
     "note": "max(..., key=) looks elegant",
     "source": r'''def grid_search(train_fn, learning_rates, regs):
    pairs = [(lr, r) for lr in learning_rates for r in regs]
    acc = np.array([train_fn(lr, r) for lr, r in pairs]).reshape(len(learning_rates), len(regs))
    best_lr, best_reg = max(pairs, key=lambda p: train_fn(*p))
    return acc, best_lr, best_reg
'''},
    {"id": "nb11-grid-w07", "exercise": "grid_search", "name": "grid_search",
     "author": "careful", "correct": False,
     "mistake": "best learning rate and best lambda chosen separately (best row by row-max, best column by column-max), which need not be the best pair",
     "note": "optimises one hyperparameter at a time",
     "source": r'''def grid_search(train_fn, learning_rates, regs):
    val_acc = np.zeros((len(learning_rates), len(regs)))
    for i, lr in enumerate(learning_rates):
        for j, reg in enumerate(regs):
            val_acc[i, j] = train_fn(lr, reg)
    best_lr = learning_rates[np.argmax(val_acc.mean(axis=1))]
    best_reg = regs[np.argmax(val_acc.mean(axis=0))]
    return val_acc, best_lr, best_reg
'''},
    # ---------------- capstone_recipe ----------------
    {"id": "nb11-recipe-c01", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "careful", "correct": True, "mistake": "",
     "note": "35 epochs of 2 batches = 70 steps; re-simulated on scikit-learn's digits with my own stratified splits (4 seeds): validation 0.961 to 0.969, test 0.961 to 0.975",
     "source": r'''capstone_recipe = {"loss": "softmax", "learning_rate": 0.2, "reg": 1e-4, "epochs": 35, "batch_size": 540, "centre": True}
'''},
    {"id": "nb11-recipe-c02", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "ceil(1077 / 216) = 5 steps per epoch, 14 epochs = 70 steps; re-simulated validation 0.958 to 0.972",
     "source": r'''capstone_recipe = {
    "loss": "softmax",
    "learning_rate": 0.3,
    "reg": 0.0001,
    "epochs": 14,
    "batch_size": 216,
    "centre": True,
}
'''},
    {"id": "nb11-recipe-c03", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "terse", "correct": True, "mistake": "",
     "note": "10 steps per epoch, 7 epochs = 70; dict() call; re-simulated validation 0.956 to 0.969",
     "source": r'''capstone_recipe = dict(loss="softmax", learning_rate=0.2, reg=1e-4, epochs=7, batch_size=108, centre=True)
'''},
    {"id": "nb11-recipe-w01", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "slides", "correct": False,
     "mistake": "the first model's recipe (15 epochs of 64 = 255 steps): far over the 70-step budget",
     "note": "reuses the settings that worked earlier in the notebook",
     "source": r'''capstone_recipe = {"loss": "softmax", "learning_rate": 0.01, "reg": 1e-3, "epochs": 15, "batch_size": 64, "centre": True}
'''},
    {"id": "nb11-recipe-w02", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "beginner", "correct": False,
     "mistake": "the example try of the cell (learning rate 0.01, 4 epochs of 64): within budget but too few effective steps, validation about 0.91",
     "note": "copies the tries cell's default without checking the accuracy it prints",
     "source": r'''capstone_recipe = {"loss": "softmax", "learning_rate": 0.01, "reg": 0.0, "epochs": 4, "batch_size": 64, "centre": True}
'''},
    {"id": "nb11-recipe-w03", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "careful", "correct": False,
     "mistake": "full-batch steps counted as 1 per epoch but 70 epochs: over the allowed 50 epochs",
     "note": "'one step per epoch, so 70 epochs' without reading the epoch limit",
     "source": r'''capstone_recipe = {"loss": "softmax", "learning_rate": 0.1, "reg": 0.0, "epochs": 70, "batch_size": 1077, "centre": True}
'''},
    {"id": "nb11-recipe-w04", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "terse", "correct": False,
     "mistake": "lambda = 1e-2, the grid's strongest penalty: costs several images, validation about 0.93",
     "note": "believes more regularisation generalises better to the test set",
     "source": r'''capstone_recipe = dict(loss="softmax", learning_rate=0.2, reg=1e-2, epochs=14, batch_size=216, centre=True)
'''},
    {"id": "nb11-recipe-w05", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "slides", "correct": False,
     "mistake": "loss named 'hinge' instead of 'svm'",
     "note": "the slides call it the hinge loss",
     "source": r'''capstone_recipe = {"loss": "hinge", "learning_rate": 0.2, "reg": 1e-4, "epochs": 14, "batch_size": 216, "centre": True}
'''},
    {"id": "nb11-recipe-w06", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "beginner", "correct": False,
     "mistake": "learning rate 3 (notebook 09's good plain-GD rate) with Adam: far too large, validation about 0.90",
     "note": "carries a plain gradient descent rate over to Adam",
     "source": r'''capstone_recipe = {"loss": "softmax", "learning_rate": 3.0, "reg": 1e-4, "epochs": 14, "batch_size": 216, "centre": True}
'''},
    {"id": "nb11-recipe-w07", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "careful", "correct": False,
     "mistake": "budget miscounted as floor(1077 / 64) = 16 steps per epoch: 4.4 -> 5 epochs of 64 are 85 steps, over 70",
     "note": "forgets the last, smaller batch is a step too",
     "source": r'''capstone_recipe = {"loss": "softmax", "learning_rate": 0.1, "reg": 1e-4, "epochs": 5, "batch_size": 64, "centre": True}
'''},
    {"id": "nb11-recipe-w08", "exercise": "capstone_recipe", "name": "capstone_recipe",
     "author": "terse", "correct": False,
     "mistake": "the 'centre' key is missing",
     "note": "centring is the default everywhere in the notebook, so the student leaves it out",
     "source": r'''capstone_recipe = {"loss": "softmax", "learning_rate": 0.2, "reg": 1e-4, "epochs": 7, "batch_size": 108}
'''},
]
