from common import add

C = "Data Science & Machine Learning"

add(C, "Fit a simple linear regression y = a + b·x with ordinary least squares in plain Python and return (a, b).",
    """
    ```python
    def fit_line(xs: list[float], ys: list[float]) -> tuple[float, float]:
        n = len(xs)
        if n != len(ys) or n < 2:
            raise ValueError("need at least two (x, y) pairs")
        mx, my = sum(xs) / n, sum(ys) / n
        sxx = sum((x - mx) ** 2 for x in xs)
        if sxx == 0:
            raise ValueError("all x values are equal; the slope is undefined")
        sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
        b = sxy / sxx
        a = my - b * mx
        return a, b
    ```

    The slope is the covariance of x and y divided by the variance of x, and the fitted line passes through the point of means.
    """, check="""
    a, b = fit_line([0, 1, 2, 3], [1, 3, 5, 7]); assert abs(a - 1) < 1e-12 and abs(b - 2) < 1e-12
    """)

add(C, "Implement k-means clustering for 2-D points in plain Python with a fixed number of iterations and a seed for the initial centroids.",
    """
    ```python
    import random


    def kmeans(points: list[tuple[float, float]], k: int, iterations: int = 20, seed: int = 0):
        rng = random.Random(seed)
        centroids = rng.sample(points, k)
        labels = [0] * len(points)
        for _ in range(iterations):
            # Assignment step: nearest centroid by squared distance.
            labels = [
                min(range(k), key=lambda c: (p[0] - centroids[c][0]) ** 2 + (p[1] - centroids[c][1]) ** 2)
                for p in points
            ]
            # Update step: each centroid moves to the mean of its points.
            new = []
            for c in range(k):
                members = [p for p, label in zip(points, labels) if label == c]
                if members:
                    new.append((sum(p[0] for p in members) / len(members), sum(p[1] for p in members) / len(members)))
                else:
                    new.append(centroids[c])  # keep an empty cluster's centroid where it is
            if new == centroids:
                break
            centroids = new
        return centroids, labels
    ```

    k-means only finds a local optimum; in practice run it from several seeds (or use k-means++ initialisation) and keep the result with the smallest within-cluster sum of squares.
    """, check="""
    pts = [(0, 0), (0, 1), (1, 0), (10, 10), (10, 11), (11, 10)]
    cents, labels = kmeans(pts, 2, seed=3)
    assert labels[0] == labels[1] == labels[2] and labels[3] == labels[4] == labels[5] and labels[0] != labels[3]
    """)

add(C, "Split a dataset into train and test sets reproducibly (shuffled with a seed), with a given test fraction.",
    """
    ```python
    import random


    def train_test_split(rows: list, test_fraction: float = 0.2, seed: int = 42):
        if not 0 < test_fraction < 1:
            raise ValueError("test_fraction must be between 0 and 1")
        shuffled = rows[:]
        random.Random(seed).shuffle(shuffled)
        n_test = round(len(rows) * test_fraction)
        return shuffled[n_test:], shuffled[:n_test]
    ```

    Using a dedicated `random.Random(seed)` instead of the global generator keeps the split reproducible even if other code also draws random numbers.
    """, check="""
    train, test = train_test_split(list(range(100)), 0.25, seed=1)
    assert len(train) == 75 and len(test) == 25 and sorted(train + test) == list(range(100))
    assert train_test_split(list(range(100)), 0.25, seed=1) == (train, test)
    """)

add(C, "Compute accuracy, precision, recall and F1 score for binary predictions.",
    """
    ```python
    def binary_metrics(y_true: list[int], y_pred: list[int]) -> dict[str, float]:
        tp = sum(1 for t, p in zip(y_true, y_pred) if t == 1 and p == 1)
        tn = sum(1 for t, p in zip(y_true, y_pred) if t == 0 and p == 0)
        fp = sum(1 for t, p in zip(y_true, y_pred) if t == 0 and p == 1)
        fn = sum(1 for t, p in zip(y_true, y_pred) if t == 1 and p == 0)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {
            "accuracy": (tp + tn) / len(y_true),
            "precision": precision,
            "recall": recall,
            "f1": f1,
        }
    ```

    On imbalanced data accuracy is misleading (predicting "0" always can score 99%); precision and recall show how the positive class is handled.
    """, check="""
    m = binary_metrics([1, 0, 1, 1, 0, 0], [1, 0, 0, 1, 1, 0])
    assert m['accuracy'] == 4 / 6 and m['precision'] == 2 / 3 and m['recall'] == 2 / 3 and abs(m['f1'] - 2 / 3) < 1e-12
    """)

add(C, "Write min-max normalisation and z-score standardisation for a list of numbers.",
    """
    ```python
    import math


    def min_max(xs: list[float]) -> list[float]:
        lo, hi = min(xs), max(xs)
        if hi == lo:
            return [0.0 for _ in xs]
        return [(x - lo) / (hi - lo) for x in xs]


    def z_scores(xs: list[float]) -> list[float]:
        n = len(xs)
        mean = sum(xs) / n
        std = math.sqrt(sum((x - mean) ** 2 for x in xs) / n)
        if std == 0:
            return [0.0 for _ in xs]
        return [(x - mean) / std for x in xs]
    ```

    Compute the minimum, maximum, mean and standard deviation on the training data only and reuse them for the test data; otherwise information from the test set leaks into training.
    """, check="""
    assert min_max([2, 4, 6]) == [0.0, 0.5, 1.0] and min_max([3, 3]) == [0.0, 0.0]
    z = z_scores([1, 2, 3]); assert abs(sum(z)) < 1e-12 and abs(z[2] - 1.224744871391589) < 1e-12
    """)

add(C, "One-hot encode a list of categorical values, returning the category order and the encoded rows.",
    """
    ```python
    def one_hot(values: list[str]) -> tuple[list[str], list[list[int]]]:
        categories = sorted(set(values))
        index = {c: i for i, c in enumerate(categories)}
        rows = []
        for v in values:
            row = [0] * len(categories)
            row[index[v]] = 1
            rows.append(row)
        return categories, rows
    ```
    """, check="""
    cats, rows = one_hot(['red', 'blue', 'red'])
    assert cats == ['blue', 'red'] and rows == [[0, 1], [1, 0], [0, 1]]
    """)

add(C, "With pandas, load `sales.csv` (columns: date, region, product, units, price), add a revenue column and show total revenue per region and month.",
    """
    ```python
    import pandas as pd

    df = pd.read_csv("sales.csv", parse_dates=["date"])
    df["revenue"] = df["units"] * df["price"]

    monthly = (
        df.groupby(["region", df["date"].dt.to_period("M")])["revenue"]
          .sum()
          .unstack("region", fill_value=0)
          .sort_index()
    )
    print(monthly)
    ```

    `to_period("M")` turns each date into its month, and `unstack` puts the regions into columns so the months can be compared side by side.
    """)

add(C, "How do I handle missing values in a pandas DataFrame?",
    """
    First look at how much is missing and where:

    ```python
    df.isna().sum()            # missing values per column
    df.isna().mean().round(3)  # share missing per column
    ```

    Then choose per column:

    ```python
    df = df.dropna(subset=["target"])                        # rows without a label are useless for training
    df["age"] = df["age"].fillna(df["age"].median())          # numeric: median is robust to outliers
    df["city"] = df["city"].fillna("unknown")                 # categorical: an explicit category
    df["age_missing"] = df["age"].isna()                      # (before filling) keep the fact that it was missing
    df["temperature"] = df["temperature"].interpolate()       # time series: interpolate between neighbours
    ```

    Compute fill values (such as the median) on the training split only and apply them to the test split, and remember that "missing" is sometimes informative in itself.
    """)

add(C, "Implement k-nearest-neighbours classification in plain Python.",
    """
    ```python
    import math
    from collections import Counter


    def knn_predict(train_x: list[list[float]], train_y: list[str], x: list[float], k: int = 3) -> str:
        distances = sorted(
            (math.dist(x, tx), i) for i, tx in enumerate(train_x)
        )
        votes = Counter(train_y[i] for _, i in distances[:k])
        top = max(votes.values())
        # Break ties in favour of the label of the closest neighbour among the tied labels.
        for _, i in distances[:k]:
            if votes[train_y[i]] == top:
                return train_y[i]
        raise AssertionError("unreachable")
    ```

    Scale features to comparable ranges first: otherwise the feature with the largest units dominates the distance.
    """, check="""
    X = [[0, 0], [0, 1], [1, 0], [5, 5], [5, 6], [6, 5]]; Y = ['a', 'a', 'a', 'b', 'b', 'b']
    assert knn_predict(X, Y, [0.2, 0.2]) == 'a' and knn_predict(X, Y, [5.5, 5.5]) == 'b'
    """)

add(C, "Compute a moving average with a window of size w over a time series, efficiently.",
    """
    ```python
    def moving_average(values: list[float], w: int) -> list[float]:
        if w <= 0:
            raise ValueError("window must be positive")
        out = []
        window_sum = 0.0
        for i, v in enumerate(values):
            window_sum += v
            if i >= w:
                window_sum -= values[i - w]
            if i >= w - 1:
                out.append(window_sum / w)
        return out
    ```

    Keeping a running sum makes this O(n) instead of O(n·w). (With very long series, floating-point drift can accumulate; recompute the sum from scratch every so often if that matters.)
    """, check="""
    assert moving_average([1, 2, 3, 4, 5], 2) == [1.5, 2.5, 3.5, 4.5]
    assert moving_average([1, 2], 3) == []
    """)

add(C, "Train a logistic regression classifier with scikit-learn on a CSV file and report cross-validated accuracy. Numeric features must be scaled and categorical features one-hot encoded.",
    """
    ```python
    import pandas as pd
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_score
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    df = pd.read_csv("customers.csv")
    y = df.pop("churned")
    numeric = ["age", "monthly_spend", "tenure_months"]
    categorical = ["plan", "country"]

    model = Pipeline([
        ("prep", ColumnTransformer([
            ("num", StandardScaler(), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ])),
        ("clf", LogisticRegression(max_iter=1000)),
    ])

    scores = cross_val_score(model, df[numeric + categorical], y, cv=5, scoring="accuracy")
    print(f"accuracy: {scores.mean():.3f} ± {scores.std():.3f}")
    ```

    Putting the preprocessing inside the pipeline means the scaler and encoder are fitted on each training fold only, so no information leaks from the validation folds.
    """)

add(C, "What is overfitting, and how can I detect and reduce it?",
    """
    Overfitting is when a model learns the noise and peculiarities of the training data instead of the general pattern: it scores very well on training data and noticeably worse on new data.

    **Detect it** by holding out data: compare training and validation scores (a large gap is the symptom), use cross-validation, and plot learning curves.

    **Reduce it** by:
    - getting more (or more varied) training data, or augmenting it;
    - using a simpler model or fewer features;
    - regularisation (L1/L2 penalties, dropout, weight decay);
    - early stopping on the validation loss;
    - limiting tree depth or requiring a minimum number of samples per leaf;
    - ensembling (bagging, random forests).
    """)

add(C, "Implement gradient descent to minimise mean squared error for a linear model y = w·x + b, in plain Python.",
    """
    ```python
    def gradient_descent(xs: list[float], ys: list[float], lr: float = 0.01, epochs: int = 1000) -> tuple[float, float]:
        w, b = 0.0, 0.0
        n = len(xs)
        for _ in range(epochs):
            grad_w = grad_b = 0.0
            for x, y in zip(xs, ys):
                error = (w * x + b) - y
                grad_w += 2 * error * x / n
                grad_b += 2 * error / n
            w -= lr * grad_w
            b -= lr * grad_b
        return w, b
    ```

    The gradients are the derivatives of the mean squared error with respect to w and b. If the loss grows instead of shrinking, the learning rate is too large.
    """, check="""
    w, b = gradient_descent([0, 1, 2, 3, 4], [1, 3, 5, 7, 9], lr=0.05, epochs=3000)
    assert abs(w - 2) < 1e-3 and abs(b - 1) < 1e-3
    """)

add(C, "Compute the Pearson correlation coefficient between two lists.",
    """
    ```python
    import math


    def pearson(xs: list[float], ys: list[float]) -> float:
        n = len(xs)
        if n != len(ys) or n < 2:
            raise ValueError("need two lists of the same length (at least 2)")
        mx, my = sum(xs) / n, sum(ys) / n
        cov = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
        sx = math.sqrt(sum((x - mx) ** 2 for x in xs))
        sy = math.sqrt(sum((y - my) ** 2 for y in ys))
        if sx == 0 or sy == 0:
            raise ValueError("correlation is undefined for a constant series")
        return cov / (sx * sy)
    ```

    It measures *linear* association only: y = x² on symmetric x values has a correlation of 0 despite a perfect relationship.
    """, check="""
    assert abs(pearson([1, 2, 3], [2, 4, 6]) - 1) < 1e-12 and abs(pearson([1, 2, 3], [3, 2, 1]) + 1) < 1e-12
    assert abs(pearson([-2, -1, 0, 1, 2], [4, 1, 0, 1, 4])) < 1e-12
    """)

add(C, "Build a confusion matrix for multi-class predictions.",
    """
    ```python
    def confusion_matrix(y_true: list[str], y_pred: list[str]) -> tuple[list[str], list[list[int]]]:
        labels = sorted(set(y_true) | set(y_pred))
        index = {label: i for i, label in enumerate(labels)}
        matrix = [[0] * len(labels) for _ in labels]
        for t, p in zip(y_true, y_pred):
            matrix[index[t]][index[p]] += 1  # rows: true class, columns: predicted class
        return labels, matrix
    ```
    """, check="""
    labels, m = confusion_matrix(['cat', 'dog', 'cat', 'bird'], ['cat', 'cat', 'cat', 'bird'])
    assert labels == ['bird', 'cat', 'dog'] and m == [[1, 0, 0], [0, 2, 0], [0, 1, 0]]
    """)

add(C, "Write a function that computes TF-IDF weights for a small list of documents (lists of words).",
    """
    ```python
    import math
    from collections import Counter


    def tf_idf(docs: list[list[str]]) -> list[dict[str, float]]:
        n = len(docs)
        df = Counter(word for doc in docs for word in set(doc))
        weights = []
        for doc in docs:
            counts = Counter(doc)
            weights.append({
                word: (count / len(doc)) * math.log(n / df[word])
                for word, count in counts.items()
            })
        return weights
    ```

    Words that appear in every document get an IDF of log(1) = 0, so very common words carry no weight. Libraries such as scikit-learn use a smoothed IDF, log((1 + n) / (1 + df)) + 1, which never reaches zero.
    """, check="""
    w = tf_idf([['the', 'cat'], ['the', 'dog'], ['the', 'cat', 'sat']])
    assert w[0]['the'] == 0 and w[1]['dog'] > w[0]['cat'] > 0
    """)

add(C, "Explain the difference between supervised, unsupervised and reinforcement learning, with one example each.",
    """
    - **Supervised learning** learns a mapping from inputs to known labels. Example: predicting house prices from size and location using past sales.
    - **Unsupervised learning** finds structure in data without labels. Example: clustering customers into segments by purchasing behaviour.
    - **Reinforcement learning** learns a policy by acting in an environment and receiving rewards. Example: a program learning to play a board game by playing many games and being rewarded for wins.

    Self-supervised learning, used to pre-train language models, sits in between: the labels are created from the data itself, such as predicting the next word.
    """)

add(C, "Calculate the entropy of a list of class labels and the information gain of splitting it into two groups.",
    """
    ```python
    import math
    from collections import Counter


    def entropy(labels: list) -> float:
        n = len(labels)
        if n == 0:
            return 0.0
        return -sum((c / n) * math.log2(c / n) for c in Counter(labels).values())


    def information_gain(parent: list, left: list, right: list) -> float:
        n = len(parent)
        weighted = len(left) / n * entropy(left) + len(right) / n * entropy(right)
        return entropy(parent) - weighted
    ```

    Decision-tree learners such as ID3 choose, at every node, the split with the largest information gain.
    """, check="""
    assert entropy(['a', 'a', 'b', 'b']) == 1.0 and entropy(['a', 'a']) == 0
    assert information_gain(['a', 'a', 'b', 'b'], ['a', 'a'], ['b', 'b']) == 1.0
    """)

add(C, "Perform stratified sampling: draw a fixed fraction of rows from each class so the class proportions are preserved.",
    """
    ```python
    import random
    from collections import defaultdict


    def stratified_sample(rows: list[dict], label_key: str, fraction: float, seed: int = 0) -> list[dict]:
        rng = random.Random(seed)
        by_class: dict = defaultdict(list)
        for row in rows:
            by_class[row[label_key]].append(row)
        sample = []
        for label in sorted(by_class):
            group = by_class[label]
            k = round(len(group) * fraction)
            sample.extend(rng.sample(group, k))
        return sample
    ```
    """, check="""
    rows = [{'y': 'a', 'i': i} for i in range(80)] + [{'y': 'b', 'i': i} for i in range(20)]
    s = stratified_sample(rows, 'y', 0.5, seed=1)
    assert sum(r['y'] == 'a' for r in s) == 40 and sum(r['y'] == 'b' for r in s) == 10
    """)

add(C, "Detect outliers in a list of numbers with the interquartile range (IQR) rule.",
    """
    ```python
    def quartiles(xs: list[float]) -> tuple[float, float]:
        s = sorted(xs)

        def at(p: float) -> float:
            pos = p * (len(s) - 1)
            lo = int(pos)
            hi = min(lo + 1, len(s) - 1)
            return s[lo] + (s[hi] - s[lo]) * (pos - lo)  # linear interpolation

        return at(0.25), at(0.75)


    def iqr_outliers(xs: list[float], k: float = 1.5) -> list[float]:
        q1, q3 = quartiles(xs)
        iqr = q3 - q1
        low, high = q1 - k * iqr, q3 + k * iqr
        return [x for x in xs if x < low or x > high]
    ```

    Values more than 1.5 IQR below the first quartile or above the third are flagged; unlike a mean ± 3σ rule, the quartiles are not themselves dragged by the outliers.
    """, check="""
    assert iqr_outliers([10, 12, 11, 13, 12, 11, 95, 12, -40]) == [95, -40]
    assert iqr_outliers([1, 2, 3, 4]) == []
    """)

add(C, "Explain what a learning rate is when training a neural network, and what happens when it is too high or too low.",
    """
    The learning rate is the step size of gradient descent: after computing the gradient of the loss, each weight moves by `learning_rate × gradient` in the direction that lowers the loss.

    - **Too high:** steps overshoot the minimum, so the loss oscillates or diverges (it may become NaN).
    - **Too low:** training is very slow and can stall in flat regions or poor local minima before the budget runs out.

    Common practice: try values on a log scale (1e-2, 1e-3, 1e-4, ...), use a warm-up followed by a decay schedule (cosine or linear), and rely on adaptive optimisers such as Adam, which scale the step per parameter — though they still need a sensible base learning rate.
    """)
