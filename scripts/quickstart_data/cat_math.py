from common import add

C = "Mathematical & Computational"

add(C, "Write a function that returns all prime numbers up to n using the Sieve of Eratosthenes.",
    """
    ```python
    def primes_up_to(n: int) -> list[int]:
        if n < 2:
            return []
        is_prime = [True] * (n + 1)
        is_prime[0] = is_prime[1] = False
        p = 2
        while p * p <= n:
            if is_prime[p]:
                for multiple in range(p * p, n + 1, p):
                    is_prime[multiple] = False
            p += 1
        return [i for i, flag in enumerate(is_prime) if flag]
    ```

    Crossing out starts at p² because smaller multiples of p were already crossed out by smaller primes. Time O(n log log n).
    """, check="""
    assert primes_up_to(30) == [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
    assert primes_up_to(1) == [] and len(primes_up_to(1000)) == 168
    """)

add(C, "Compute the greatest common divisor and least common multiple of two integers.",
    """
    ```python
    def gcd(a: int, b: int) -> int:
        a, b = abs(a), abs(b)
        while b:
            a, b = b, a % b
        return a


    def lcm(a: int, b: int) -> int:
        if a == 0 or b == 0:
            return 0
        return abs(a // gcd(a, b) * b)
    ```

    Dividing before multiplying keeps the intermediate value small. Python also has `math.gcd` and `math.lcm`.
    """, check="""
    assert gcd(48, 18) == 6 and gcd(-12, 8) == 4 and gcd(0, 5) == 5
    assert lcm(4, 6) == 12 and lcm(0, 3) == 0 and lcm(-3, 5) == 15
    """)

add(C, "Implement fast modular exponentiation: compute (base ** exp) % mod without building the huge power.",
    """
    ```python
    def mod_pow(base: int, exp: int, mod: int) -> int:
        if mod == 1:
            return 0
        result = 1
        base %= mod
        while exp > 0:
            if exp & 1:
                result = result * base % mod
            base = base * base % mod
            exp >>= 1
        return result
    ```

    Square-and-multiply needs O(log exp) multiplications. The built-in `pow(base, exp, mod)` does the same.
    """, check="""
    assert mod_pow(2, 10, 1000) == 24 and mod_pow(3, 200, 13) == pow(3, 200, 13)
    assert mod_pow(7, 0, 5) == 1 and mod_pow(5, 3, 1) == 0
    """)

add(C, "Approximate the square root of a positive number with Newton's method to a given tolerance.",
    """
    ```python
    def newton_sqrt(x: float, tol: float = 1e-12) -> float:
        if x < 0:
            raise ValueError("square root of a negative number")
        if x == 0:
            return 0.0
        guess = x if x >= 1 else 1.0
        while True:
            better = (guess + x / guess) / 2
            if abs(better - guess) <= tol * better:
                return better
            guess = better
    ```

    Newton's iteration for f(g) = g² − x is g ← (g + x/g)/2; it converges quadratically, roughly doubling the number of correct digits per step.
    """, check="""
    import math
    for v in [2, 0.25, 1e6, 12345.678]:
        assert abs(newton_sqrt(v) - math.sqrt(v)) < 1e-9 * max(1, math.sqrt(v))
    assert newton_sqrt(0) == 0
    """)

add(C, "Multiply two matrices given as lists of lists, checking that their shapes are compatible.",
    """
    ```python
    def matmul(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
        if not a or not b or len(a[0]) != len(b):
            raise ValueError("shapes do not match: (n×k) · (k×m) needed")
        cols = list(zip(*b))
        return [[sum(x * y for x, y in zip(row, col)) for col in cols] for row in a]
    ```

    `zip(*b)` transposes `b`, so each result cell is the dot product of a row of `a` and a column of `b`.
    """, check="""
    assert matmul([[1, 2], [3, 4]], [[5, 6], [7, 8]]) == [[19, 22], [43, 50]]
    assert matmul([[1, 2, 3]], [[1], [1], [1]]) == [[6]]
    try:
        matmul([[1, 2]], [[1, 2]]); raise SystemExit('no')
    except ValueError:
        pass
    """)

add(C, "Compute the binomial coefficient C(n, k) exactly without computing large factorials.",
    """
    ```python
    def binomial(n: int, k: int) -> int:
        if k < 0 or k > n:
            return 0
        k = min(k, n - k)
        result = 1
        for i in range(1, k + 1):
            result = result * (n - k + i) // i  # always an exact integer at every step
        return result
    ```
    """, check="""
    import math
    assert all(binomial(n, k) == math.comb(n, k) for n in range(25) for k in range(0, n + 2))
    assert binomial(5, -1) == 0
    """)

add(C, "Write a function that returns the digits sum of a non-negative integer, and another one that repeatedly sums digits until a single digit remains.",
    """
    ```python
    def digit_sum(n: int) -> int:
        total = 0
        while n:
            n, digit = divmod(n, 10)
            total += digit
        return total


    def digital_root(n: int) -> int:
        while n >= 10:
            n = digit_sum(n)
        return n
    ```

    The digital root also has a closed form: `0 if n == 0 else 1 + (n - 1) % 9`.
    """, check="""
    assert digit_sum(9875) == 29 and digit_sum(0) == 0
    assert all(digital_root(n) == (0 if n == 0 else 1 + (n - 1) % 9) for n in range(2000))
    """)

add(C, "Convert a non-negative integer to a string in any base from 2 to 36, and back.",
    """
    ```python
    DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


    def to_base(n: int, base: int) -> str:
        if not 2 <= base <= 36:
            raise ValueError("base must be between 2 and 36")
        if n == 0:
            return "0"
        out = []
        while n:
            n, r = divmod(n, base)
            out.append(DIGITS[r])
        return "".join(reversed(out))


    def from_base(text: str, base: int) -> int:
        return int(text, base)
    ```
    """, check="""
    assert to_base(255, 16) == 'ff' and to_base(5, 2) == '101' and to_base(0, 7) == '0'
    assert all(from_base(to_base(n, b), b) == n for n in range(300) for b in (2, 8, 17, 36))
    """)

add(C, "Approximate the definite integral of a function with Simpson's rule using n subintervals.",
    """
    ```python
    from typing import Callable


    def simpson(f: Callable[[float], float], a: float, b: float, n: int = 100) -> float:
        if n % 2:
            raise ValueError("n must be even")
        h = (b - a) / n
        total = f(a) + f(b)
        for i in range(1, n):
            total += (4 if i % 2 else 2) * f(a + i * h)
        return total * h / 3
    ```

    Simpson's rule fits parabolas through pairs of subintervals; its error shrinks like h⁴, and it is exact for polynomials up to degree 3.
    """, check="""
    import math
    assert abs(simpson(lambda x: x ** 3, 0, 2, 2) - 4) < 1e-12
    assert abs(simpson(math.sin, 0, math.pi, 100) - 2) < 1e-6
    """)

add(C, "Write functions for the mean, median, population variance and sample standard deviation of a list of numbers, without the statistics module.",
    """
    ```python
    import math


    def mean(xs: list[float]) -> float:
        if not xs:
            raise ValueError("empty data")
        return sum(xs) / len(xs)


    def median(xs: list[float]) -> float:
        s = sorted(xs)
        n = len(s)
        if n == 0:
            raise ValueError("empty data")
        mid = n // 2
        return s[mid] if n % 2 else (s[mid - 1] + s[mid]) / 2


    def pvariance(xs: list[float]) -> float:
        m = mean(xs)
        return sum((x - m) ** 2 for x in xs) / len(xs)


    def sample_stdev(xs: list[float]) -> float:
        if len(xs) < 2:
            raise ValueError("need at least two values")
        m = mean(xs)
        return math.sqrt(sum((x - m) ** 2 for x in xs) / (len(xs) - 1))
    ```

    The sample standard deviation divides by n − 1 (Bessel's correction) because the mean was estimated from the same data.
    """, check="""
    import statistics as st
    xs = [2, 4, 4, 4, 5, 5, 7, 9]
    assert mean(xs) == 5 and median(xs) == 4.5 and pvariance(xs) == 4
    assert abs(sample_stdev(xs) - st.stdev(xs)) < 1e-12 and median([3, 1, 2]) == 2
    """)

add(C, "Check whether a number is a perfect number (equal to the sum of its proper divisors).",
    """
    ```python
    def is_perfect(n: int) -> bool:
        if n < 2:
            return False
        total = 1
        d = 2
        while d * d <= n:
            if n % d == 0:
                total += d
                if d != n // d:
                    total += n // d
            d += 1
        return total == n
    ```

    Divisors come in pairs (d, n/d), so checking up to √n is enough.
    """, check="""
    assert [n for n in range(1, 10000) if is_perfect(n)] == [6, 28, 496, 8128]
    """)

add(C, "Return the prime factorization of an integer as a dict {prime: exponent}.",
    """
    ```python
    def factorize(n: int) -> dict[int, int]:
        if n < 2:
            return {}
        factors: dict[int, int] = {}
        d = 2
        while d * d <= n:
            while n % d == 0:
                factors[d] = factors.get(d, 0) + 1
                n //= d
            d += 1 if d == 2 else 2
        if n > 1:
            factors[n] = factors.get(n, 0) + 1
        return factors
    ```

    After 2, only odd candidates are tried; whatever remains above 1 at the end is itself prime.
    """, check="""
    assert factorize(360) == {2: 3, 3: 2, 5: 1} and factorize(97) == {97: 1} and factorize(1) == {}
    import math
    for n in range(2, 3000):
        assert math.prod(p ** e for p, e in factorize(n).items()) == n
    """)

add(C, "Compute the n-th Fibonacci number in O(log n) time using fast doubling.",
    """
    ```python
    def fib(n: int) -> int:
        def pair(k: int) -> tuple[int, int]:
            # returns (F(k), F(k + 1))
            if k == 0:
                return (0, 1)
            a, b = pair(k // 2)
            c = a * (2 * b - a)      # F(2m)
            d = a * a + b * b        # F(2m + 1)
            return (d, c + d) if k % 2 else (c, d)

        if n < 0:
            raise ValueError("n must be non-negative")
        return pair(n)[0]
    ```

    The identities F(2m) = F(m)·(2F(m+1) − F(m)) and F(2m+1) = F(m)² + F(m+1)² halve n at each step.
    """, check="""
    a, b = 0, 1
    for i in range(200):
        assert fib(i) == a
        a, b = b, a + b
    """)

add(C, "Solve a quadratic equation ax² + bx + c = 0 and return its real roots in ascending order.",
    """
    ```python
    import math


    def real_roots(a: float, b: float, c: float) -> list[float]:
        if a == 0:
            if b == 0:
                raise ValueError("not an equation in x")
            return [-c / b]
        disc = b * b - 4 * a * c
        if disc < 0:
            return []
        if disc == 0:
            return [-b / (2 * a)]
        # Numerically stable form: avoid subtracting two nearly equal numbers.
        q = -0.5 * (b + math.copysign(math.sqrt(disc), b))
        return sorted([q / a, c / q])
    ```
    """, check="""
    assert real_roots(1, -3, 2) == [1.0, 2.0]
    assert real_roots(1, 2, 1) == [-1.0] and real_roots(1, 0, 1) == []
    r = real_roots(1, -1e8, 1); assert abs(r[0] - 1e-8) < 1e-20
    assert real_roots(0, 2, -4) == [2.0]
    """)

add(C, "Estimate π with a Monte Carlo simulation using a seeded random generator.",
    """
    ```python
    import random


    def estimate_pi(samples: int, seed: int = 0) -> float:
        rng = random.Random(seed)
        inside = 0
        for _ in range(samples):
            x, y = rng.random(), rng.random()
            if x * x + y * y <= 1.0:
                inside += 1
        return 4 * inside / samples
    ```

    The fraction of random points of the unit square that land inside the quarter circle approaches π/4. The error shrinks only like 1/√samples, so a million samples give about three correct digits.
    """, check="""
    assert abs(estimate_pi(200000, seed=1) - 3.14159) < 0.02
    assert estimate_pi(1000, 5) == estimate_pi(1000, 5)
    """)

add(C, "Write a function that returns the number of trailing zeros of n! without computing n!.",
    """
    ```python
    def factorial_trailing_zeros(n: int) -> int:
        count = 0
        power = 5
        while power <= n:
            count += n // power
            power *= 5
        return count
    ```

    Each trailing zero needs a factor 10 = 2·5, and factors of 2 are more plentiful, so we count the factors of 5: multiples of 5 contribute one, multiples of 25 another, and so on.
    """, check="""
    import math
    for n in range(0, 200):
        s = str(math.factorial(n)); assert factorial_trailing_zeros(n) == len(s) - len(s.rstrip('0'))
    """)

add(C, "Convert a Roman numeral string to an integer.",
    """
    ```python
    def roman_to_int(s: str) -> int:
        values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
        total = 0
        for i, ch in enumerate(s):
            v = values[ch]
            if i + 1 < len(s) and values[s[i + 1]] > v:
                total -= v  # a smaller numeral before a larger one is subtracted (IV, XC)
            else:
                total += v
        return total
    ```
    """, check="""
    assert roman_to_int('MCMXCIV') == 1994 and roman_to_int('LVIII') == 58 and roman_to_int('III') == 3
    """)

add(C, "Compute the area of a simple polygon from the coordinates of its vertices.",
    """
    Use the shoelace formula:

    ```python
    def polygon_area(points: list[tuple[float, float]]) -> float:
        n = len(points)
        if n < 3:
            return 0.0
        twice_area = 0.0
        for i in range(n):
            x1, y1 = points[i]
            x2, y2 = points[(i + 1) % n]
            twice_area += x1 * y2 - x2 * y1
        return abs(twice_area) / 2
    ```

    The signed sum is positive for counter-clockwise vertex order and negative for clockwise order; `abs` makes the result independent of orientation.
    """, check="""
    assert polygon_area([(0, 0), (4, 0), (4, 3), (0, 3)]) == 12
    assert polygon_area([(0, 0), (0, 3), (4, 0)]) == 6
    assert polygon_area([(0, 0), (1, 1)]) == 0
    """)

add(C, "Solve a system of linear equations with Gaussian elimination with partial pivoting.",
    """
    ```python
    def solve_linear(a: list[list[float]], b: list[float]) -> list[float]:
        n = len(a)
        m = [row[:] + [rhs] for row, rhs in zip(a, b)]  # augmented matrix
        for col in range(n):
            pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
            if abs(m[pivot][col]) < 1e-12:
                raise ValueError("matrix is singular")
            m[col], m[pivot] = m[pivot], m[col]
            for r in range(col + 1, n):
                factor = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= factor * m[col][c]
        x = [0.0] * n
        for r in range(n - 1, -1, -1):
            x[r] = (m[r][n] - sum(m[r][c] * x[c] for c in range(r + 1, n))) / m[r][r]
        return x
    ```

    Picking the row with the largest pivot keeps rounding errors from blowing up.
    """, check="""
    x = solve_linear([[2, 1, -1], [-3, -1, 2], [-2, 1, 2]], [8, -11, -3])
    assert all(abs(u - v) < 1e-9 for u, v in zip(x, [2, 3, -1]))
    try:
        solve_linear([[1, 2], [2, 4]], [1, 2]); raise SystemExit('no')
    except ValueError:
        pass
    """)

add(C, "Why does 0.1 + 0.2 != 0.3 in Python, and how should I compare floats?",
    """
    Floats are stored in binary, and 0.1, 0.2 and 0.3 have no exact binary representation, just as 1/3 has no exact decimal one. Each value is rounded to the nearest representable double, and the rounding errors do not cancel: `0.1 + 0.2` is `0.30000000000000004`.

    Compare with a tolerance instead of `==`:

    ```python
    import math
    math.isclose(0.1 + 0.2, 0.3)                # True (relative tolerance 1e-9)
    math.isclose(x, 0.0, abs_tol=1e-12)         # near zero, use an absolute tolerance
    ```

    For money, use integers (cents) or `decimal.Decimal`, which represents decimal fractions exactly.
    """)

add(C, "Generate Pascal's triangle with n rows.",
    """
    ```python
    def pascal(n: int) -> list[list[int]]:
        rows: list[list[int]] = []
        for i in range(n):
            row = [1] * (i + 1)
            for j in range(1, i):
                row[j] = rows[i - 1][j - 1] + rows[i - 1][j]
            rows.append(row)
        return rows
    ```
    """, check="""
    assert pascal(5) == [[1], [1, 1], [1, 2, 1], [1, 3, 3, 1], [1, 4, 6, 4, 1]] and pascal(0) == []
    """)

add(C, "Write a function that checks whether a positive integer is a power of two, using bit operations.",
    """
    ```python
    def is_power_of_two(n: int) -> bool:
        return n > 0 and n & (n - 1) == 0
    ```

    A power of two has exactly one bit set; subtracting 1 flips that bit and sets all lower bits, so the AND is zero only for powers of two.
    """, check="""
    assert [n for n in range(0, 70) if is_power_of_two(n)] == [1, 2, 4, 8, 16, 32, 64]
    """)

add(C, "Compute the Euclidean distance between two points in n dimensions, and the cosine similarity of two vectors.",
    """
    ```python
    import math


    def euclidean(p: list[float], q: list[float]) -> float:
        if len(p) != len(q):
            raise ValueError("points must have the same dimension")
        return math.sqrt(sum((a - b) ** 2 for a, b in zip(p, q)))


    def cosine_similarity(u: list[float], v: list[float]) -> float:
        dot = sum(a * b for a, b in zip(u, v))
        norm = math.sqrt(sum(a * a for a in u)) * math.sqrt(sum(b * b for b in v))
        if norm == 0:
            raise ValueError("cosine similarity is undefined for a zero vector")
        return dot / norm
    ```
    """, check="""
    assert euclidean([0, 0], [3, 4]) == 5
    assert abs(cosine_similarity([1, 0], [0, 1])) < 1e-12 and abs(cosine_similarity([1, 2], [2, 4]) - 1) < 1e-12
    """)
