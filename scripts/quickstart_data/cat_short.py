"""Short, easy tasks in every category, so the sample spans easy to hard."""
from common import add

add("Database & SQL", "Write a query to count the rows of the `products` table.",
    """
    ```sql
    SELECT COUNT(*) AS product_count FROM products;
    ```
    """, sql_setup="CREATE TABLE products (id INTEGER); INSERT INTO products VALUES (1), (2);")

add("Database & SQL", "How do I rename a column `fullname` to `full_name` in a PostgreSQL table called `people`?",
    """
    ```sql
    ALTER TABLE people RENAME COLUMN fullname TO full_name;
    ```
    """)

add("System Design & Architecture", "In one sentence, what is a load balancer?",
    "A load balancer is a component that spreads incoming requests across several servers, so no single server is overloaded and the service keeps working when one of them fails.")

add("System Design & Architecture", "Write a Python dataclass for an immutable `Money` value object with an amount in cents and a currency code.",
    """
    ```python
    from dataclasses import dataclass


    @dataclass(frozen=True)
    class Money:
        cents: int
        currency: str

        def __add__(self, other: "Money") -> "Money":
            if other.currency != self.currency:
                raise ValueError("cannot add different currencies")
            return Money(self.cents + other.cents, self.currency)
    ```
    """, check="""
    assert Money(150, 'EUR') + Money(50, 'EUR') == Money(200, 'EUR')
    """)

add("Web Development", "Write the HTML for a link that opens https://example.com in a new tab safely.",
    """
    ```html
    <a href="https://example.com" target="_blank" rel="noopener noreferrer">Example</a>
    ```

    `rel="noopener"` stops the new page from controlling the original tab through `window.opener`.
    """)

add("Web Development", "Convert a JavaScript object to a JSON string with two-space indentation.",
    """
    ```javascript
    const text = JSON.stringify({ name: 'Ada', langs: ['en', 'fr'] }, null, 2);
    ```
    """)

add("Algorithmic & Data Structure", "Write a Python function that returns the second largest distinct value in a list, or None if there is none.",
    """
    ```python
    def second_largest(nums: list[int]) -> int | None:
        distinct = sorted(set(nums))
        return distinct[-2] if len(distinct) >= 2 else None
    ```
    """, check="""
    assert second_largest([4, 1, 4, 3]) == 3 and second_largest([7, 7]) is None
    """)

add("Algorithmic & Data Structure", "Flatten a nested list of integers of arbitrary depth in Python.",
    """
    ```python
    def flatten(items: list) -> list[int]:
        out = []
        for item in items:
            if isinstance(item, list):
                out.extend(flatten(item))
            else:
                out.append(item)
        return out
    ```
    """, check="""
    assert flatten([1, [2, [3, [4]], 5], []]) == [1, 2, 3, 4, 5]
    """)

add("Mathematical & Computational", "Write a Python function that returns the factorial of n iteratively.",
    """
    ```python
    def factorial(n: int) -> int:
        if n < 0:
            raise ValueError("factorial is not defined for negative numbers")
        result = 1
        for i in range(2, n + 1):
            result *= i
        return result
    ```
    """, check="""
    assert factorial(0) == 1 and factorial(6) == 720
    """)

add("Mathematical & Computational", "Convert degrees to radians in Python without the math module's helper.",
    """
    ```python
    import math


    def to_radians(degrees: float) -> float:
        return degrees * math.pi / 180
    ```
    """, check="""
    import math
    assert abs(to_radians(180) - math.pi) < 1e-12
    """)

add("Data Science & Machine Learning", "Read a CSV file into a pandas DataFrame and show the first five rows and the column types.",
    """
    ```python
    import pandas as pd

    df = pd.read_csv("data.csv")
    print(df.head())
    print(df.dtypes)
    ```
    """)

add("Data Science & Machine Learning", "Compute the mean absolute error between two lists of numbers.",
    """
    ```python
    def mean_absolute_error(y_true: list[float], y_pred: list[float]) -> float:
        if len(y_true) != len(y_pred) or not y_true:
            raise ValueError("need two non-empty lists of the same length")
        return sum(abs(t - p) for t, p in zip(y_true, y_pred)) / len(y_true)
    ```
    """, check="""
    assert mean_absolute_error([1, 2, 3], [2, 2, 5]) == 1
    """)

add("Performance Optimization", "Which is faster in Python for checking membership many times: a list or a set?",
    "A set. Membership tests (`x in s`) on a set take constant time on average because sets are hash tables, while `x in list` scans the list element by element (linear time). Convert the list to a set once if you will test membership repeatedly.")

add("Performance Optimization", "Time a small Python snippet accurately from the command line.",
    """
    Use the `timeit` module, which runs the statement many times and reports the best timing:

    ```
    python -m timeit "sorted(range(1000), reverse=True)"
    ```
    """)

add("User Interface & Application Design", "Write a Python function that asks the user a yes/no question in the terminal and returns True or False, repeating the question on invalid input.",
    """
    ```python
    def ask_yes_no(question: str, read=input) -> bool:
        while True:
            answer = read(f"{question} [y/n] ").strip().lower()
            if answer in ("y", "yes"):
                return True
            if answer in ("n", "no"):
                return False
            print("Please answer y or n.")
    ```
    """, check="""
    answers = iter(['maybe', 'Y'])
    assert ask_yes_no('Continue?', read=lambda p: next(answers)) is True
    """)

add("User Interface & Application Design", "What is a good minimum size for touch targets such as buttons on mobile?",
    "Make touch targets at least about 44×44 points (Apple's guideline) or 48×48 density-independent pixels (Material Design), with some spacing between them, so they can be tapped reliably without hitting a neighbour.")

add("Domain-Specific", "Convert a temperature from Fahrenheit to Celsius in Python.",
    """
    ```python
    def fahrenheit_to_celsius(f: float) -> float:
        return (f - 32) * 5 / 9
    ```
    """, check="""
    assert fahrenheit_to_celsius(212) == 100 and fahrenheit_to_celsius(32) == 0
    """)

add("Domain-Specific", "Calculate the sales tax and the total for a price of 49.99 at a tax rate of 8.25%, rounded to cents.",
    """
    ```python
    from decimal import ROUND_HALF_UP, Decimal

    price = Decimal("49.99")
    tax = (price * Decimal("0.0825")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    total = price + tax
    print(tax, total)  # 4.12 54.11
    ```
    """, check="""
    from decimal import Decimal
    assert tax == Decimal('4.12') and total == Decimal('54.11')
    """)

add("Security & Cryptography", "Compute the MD5 and SHA-256 hashes of the string 'hello' in Python. Which one should I use?",
    """
    ```python
    import hashlib

    md5 = hashlib.md5(b"hello").hexdigest()        # 5d41402abc4b2a76b9719d911017c592
    sha256 = hashlib.sha256(b"hello").hexdigest()  # 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824
    ```

    Use SHA-256. MD5 is broken for security purposes (collisions can be produced cheaply); it is only acceptable as a non-security checksum.
    """, check="""
    assert md5 == '5d41402abc4b2a76b9719d911017c592'
    assert sha256 == '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'
    """)

add("Security & Cryptography", "Why should secrets like API keys not be committed to a Git repository?",
    "Anything committed stays in the repository's history even after the file is deleted, and repositories get cloned, forked and sometimes made public, so the key can leak to anyone with access. Keep secrets in environment variables or a secrets manager, add local secret files to `.gitignore`, and if a key was ever committed, revoke and rotate it — rewriting history is not enough.")
