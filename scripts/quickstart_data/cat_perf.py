from common import add

C = "Performance Optimization"

add(C, "This function is slow for large inputs. Make it faster.",
    """
    `x in b` on a list scans the whole list, so the loop is O(len(a) · len(b)). Build a set once and each lookup becomes O(1):

    ```python
    def common_items(a: list, b: list) -> list:
        b_set = set(b)
        return [x for x in a if x in b_set]
    ```

    This keeps the order of `a` (and its duplicates), like the original, and runs in O(len(a) + len(b)).
    """, input="""
    def common_items(a, b):
        result = []
        for x in a:
            if x in b:
                result.append(x)
        return result
    """, check="""
    assert common_items([1, 2, 3, 2], [2, 3, 4]) == [2, 3, 2]
    """)

add(C, "Speed up this recursive Fibonacci function.",
    """
    The naive recursion recomputes the same values exponentially often. Cache the results:

    ```python
    from functools import lru_cache


    @lru_cache(maxsize=None)
    def fib(n: int) -> int:
        return n if n < 2 else fib(n - 1) + fib(n - 2)
    ```

    Or avoid recursion entirely, which also avoids the recursion limit for large n:

    ```python
    def fib_iter(n: int) -> int:
        a, b = 0, 1
        for _ in range(n):
            a, b = b, a + b
        return a
    ```
    """, input="""
    def fib(n):
        if n < 2:
            return n
        return fib(n - 1) + fib(n - 2)
    """, check="""
    assert fib(80) == 23416728348467685 and fib_iter(80) == 23416728348467685 and fib_iter(0) == 0
    """)

add(C, "Why is building a long string with `+=` in a loop slow in many languages, and what should I do instead in Python?",
    """
    Strings are immutable, so `s += piece` may create a new string and copy everything built so far; over n pieces that is O(n²) copying. (CPython sometimes optimises this in place, but you cannot rely on it, and other implementations do not.)

    Collect the pieces in a list and join once:

    ```python
    parts = []
    for row in rows:
        parts.append(f"{row.id},{row.name}")
    text = "\\n".join(parts)
    ```

    or use a generator expression: `"\\n".join(f"{r.id},{r.name}" for r in rows)`. For incremental writing, `io.StringIO` is also linear.
    """)

add(C, "Process a 20 GB log file in Python and count lines containing 'ERROR' without running out of memory.",
    """
    Iterate over the file object: it reads one buffered line at a time, so memory stays constant whatever the file size.

    ```python
    def count_errors(path: str) -> int:
        count = 0
        with open(path, "r", encoding="utf-8", errors="replace") as f:
            for line in f:
                if "ERROR" in line:
                    count += 1
        return count
    ```

    Avoid `f.read()` and `f.readlines()`, which load the whole file. If this is still too slow, read in binary (`"rb"`, search for `b"ERROR"`) to skip decoding, or split the file into byte ranges processed in parallel.
    """, check="""
    import tempfile, os
    d = tempfile.mkdtemp(); p = os.path.join(d, 'x.log')
    open(p, 'w').write('ok\\nERROR a\\nfine\\nan ERROR\\n')
    assert count_errors(p) == 2
    """)

add(C, "Answer many range-sum queries on a fixed array quickly.",
    """
    Precompute prefix sums once (O(n)); each query is then O(1):

    ```python
    from itertools import accumulate


    class RangeSum:
        def __init__(self, values: list[int]) -> None:
            self._prefix = [0, *accumulate(values)]

        def sum(self, i: int, j: int) -> int:
            # sum of values[i:j]
            return self._prefix[j] - self._prefix[i]
    ```

    Without it, every query would loop over its range, O(n) each. If the array also changes between queries, use a Fenwick tree (binary indexed tree) for O(log n) updates and queries.
    """, check="""
    r = RangeSum([3, 1, 4, 1, 5, 9])
    assert r.sum(0, 6) == 23 and r.sum(2, 4) == 5 and r.sum(3, 3) == 0
    """)

add(C, "My web page makes 1 query for a list of orders and then 1 query per order for its customer (the N+1 problem). How do I fix it?",
    """
    Fetch the related rows in one query instead of one per order.

    With a join:

    ```sql
    SELECT o.id, o.total, c.name
    FROM orders AS o
    JOIN customers AS c ON c.id = o.customer_id
    WHERE o.created_at >= :since;
    ```

    Or with a second batched query (useful when the ORM makes joins awkward):

    ```python
    orders = db.fetch_orders(since)
    ids = {o.customer_id for o in orders}
    customers = {c.id: c for c in db.fetch_customers(ids)}  # WHERE id IN (...)
    for o in orders:
        o.customer = customers[o.customer_id]
    ```

    ORMs provide this directly: `select_related` / `prefetch_related` in Django, `joinedload` / `selectinload` in SQLAlchemy, `include` in many others. 1 + N round trips become 1 or 2.
    """)

add(C, "How do I find out which part of my Python program is slow?",
    """
    Measure before optimising:

    1. **Profile the whole program** with the built-in profiler and sort by cumulative time:
       ```
       python -m cProfile -s cumtime my_script.py
       ```
       or save the profile (`-o out.prof`) and browse it with a viewer such as snakeviz.
    2. **Sample a running process** with a sampling profiler like py-spy (`py-spy top --pid 1234`), which needs no code changes and has little overhead.
    3. **Time small snippets** with `timeit`:
       ```
       python -m timeit -s "xs = list(range(10000))" "sum(x * x for x in xs)"
       ```
    4. **Line-level detail** for one hot function with line_profiler.
    5. **Memory**: `tracemalloc` from the standard library shows where allocations happen.

    Optimise the top entries only, and re-measure after each change.
    """)

add(C, "Use a generator to make this function memory-efficient.",
    """
    The original builds the full list of squares in memory. A generator yields values one at a time, so only one value exists at a time:

    ```python
    def squares(n: int):
        for i in range(n):
            yield i * i


    total = sum(squares(10_000_000))  # constant memory
    ```

    or inline: `sum(i * i for i in range(10_000_000))`. Keep a list only when you need to iterate more than once or index into it.
    """, input="""
    def squares(n):
        result = []
        for i in range(n):
            result.append(i * i)
        return result

    total = sum(squares(10_000_000))
    """, check="""
    assert sum(squares(10)) == 285 and list(squares(3)) == [0, 1, 4]
    """)

add(C, "Find, for each value in a list of queries, how many numbers in a large sorted list are smaller. Make it faster than scanning.",
    """
    Use binary search from the `bisect` module: O(log n) per query instead of O(n).

    ```python
    from bisect import bisect_left


    def count_smaller(sorted_values: list[int], queries: list[int]) -> list[int]:
        return [bisect_left(sorted_values, q) for q in queries]
    ```

    `bisect_left` returns the insertion position of `q`, which is exactly the number of elements strictly smaller than `q`.
    """, check="""
    assert count_smaller([1, 3, 3, 5, 8], [0, 3, 4, 9]) == [0, 1, 3, 5]
    """)

add(C, "Explain what caching is, and name three places where a web application can cache data.",
    """
    Caching keeps the result of expensive work (a computation, a database query, a network call) close at hand so repeated requests reuse it instead of redoing the work. The hard parts are deciding how long data stays valid (expiry) and removing stale entries when the source changes (invalidation).

    Where a web application can cache:
    1. **In the browser / CDN** with HTTP headers (`Cache-Control: max-age=3600`, `ETag`): static assets and public pages never reach your servers again.
    2. **In a shared cache service** such as Redis or Memcached: results of database queries, rendered fragments, sessions.
    3. **In process memory** (e.g. `functools.lru_cache`): configuration, small lookup tables; fastest, but per process and lost on restart.

    The database itself also caches pages in memory, which is why the same query is often faster the second time.
    """)

add(C, "Make this word-counting function faster and simpler.",
    """
    Use `collections.Counter`, which does the counting in optimised C code, and split once instead of calling `count` per word (which rescans the list every time, O(n²)):

    ```python
    from collections import Counter


    def word_counts(text: str) -> dict[str, int]:
        return dict(Counter(text.lower().split()))
    ```
    """, input="""
    def word_counts(text):
        words = text.lower().split()
        counts = {}
        for w in words:
            counts[w] = words.count(w)
        return counts
    """, check="""
    assert word_counts('a b A c b a') == {'a': 3, 'b': 2, 'c': 1}
    """)

add(C, "Speed up downloading 200 URLs in Python; currently they are fetched one after another.",
    """
    The work is I/O-bound (waiting for the network), so run the downloads concurrently. With a thread pool from the standard library:

    ```python
    from concurrent.futures import ThreadPoolExecutor, as_completed
    from urllib.request import urlopen


    def fetch(url: str) -> tuple[str, int]:
        with urlopen(url, timeout=10) as response:
            return url, len(response.read())


    def fetch_all(urls: list[str], workers: int = 16) -> dict[str, int | str]:
        results: dict[str, int | str] = {}
        with ThreadPoolExecutor(max_workers=workers) as pool:
            futures = {pool.submit(fetch, u): u for u in urls}
            for future in as_completed(futures):
                url = futures[future]
                try:
                    results[url] = future.result()[1]
                except Exception as e:  # keep going when one URL fails
                    results[url] = f"error: {e}"
        return results
    ```

    Limit `max_workers` so you do not overload the servers; `asyncio` with an HTTP client such as aiohttp or httpx scales to thousands of concurrent requests.
    """)

add(C, "Why is `SELECT * FROM orders WHERE YEAR(created_at) = 2024` slow even though `created_at` has an index, and how do I fix it?",
    """
    Applying a function to the indexed column makes the condition non-sargable: the database has to compute `YEAR(created_at)` for every row, so it cannot use the index's sort order.

    Rewrite it as a range on the bare column:

    ```sql
    SELECT id, customer_id, total
    FROM orders
    WHERE created_at >= '2024-01-01'
      AND created_at <  '2025-01-01';
    ```

    Now the index can seek to the start of 2024 and read only that range. Also select only the columns you need instead of `*`, which can let the database answer from a covering index.
    """)

add(C, "Replace this Python loop over a large numeric list with a NumPy vectorised version.",
    """
    ```python
    import numpy as np

    prices = np.asarray(prices, dtype=float)
    quantities = np.asarray(quantities, dtype=float)

    totals = prices * quantities * 1.2           # element-wise, in C
    totals[totals > 1000] *= 0.9                 # boolean mask instead of if/else
    ```

    Vectorised operations run in compiled code over contiguous memory, typically 10–100× faster than a Python loop on millions of elements.
    """, input="""
    totals = []
    for p, q in zip(prices, quantities):
        t = p * q * 1.2
        if t > 1000:
            t = t * 0.9
        totals.append(t)
    """)

add(C, "What does `__slots__` do in a Python class and when is it worth using?",
    """
    By default each instance stores its attributes in a per-instance `__dict__`. Declaring `__slots__` reserves fixed storage for the listed attributes instead and removes the `__dict__`:

    ```python
    class Point:
        __slots__ = ("x", "y")

        def __init__(self, x: float, y: float) -> None:
            self.x = x
            self.y = y
    ```

    Benefits: noticeably less memory per instance and slightly faster attribute access — worthwhile when you create millions of small objects. Costs: you cannot add other attributes at runtime, and multiple inheritance with slots needs care. `@dataclass(slots=True)` generates this for you.
    """, check="""
    p = Point(1, 2)
    try:
        p.z = 3; raise SystemExit('no')
    except AttributeError:
        pass
    assert not hasattr(p, '__dict__')
    """)

add(C, "Reduce the time of this function that checks whether any two numbers in a list sum to zero.",
    """
    The double loop is O(n²). Remember the numbers seen so far in a set; a pair exists when the negation of the current number has been seen:

    ```python
    def has_zero_pair(nums: list[int]) -> bool:
        seen = set()
        for x in nums:
            if -x in seen:
                return True
            seen.add(x)
        return False
    ```

    O(n) time and memory. Note that a single 0 does not form a pair with itself here, which matches the original (it requires i < j).
    """, input="""
    def has_zero_pair(nums):
        for i in range(len(nums)):
            for j in range(i + 1, len(nums)):
                if nums[i] + nums[j] == 0:
                    return True
        return False
    """, check="""
    assert has_zero_pair([3, 1, -3]) and not has_zero_pair([0, 1, 2]) and has_zero_pair([0, 0])
    """)

add(C, "Precompile a regular expression used in a hot loop and explain whether it matters in Python.",
    """
    ```python
    import re

    EMAIL = re.compile(r"[\\w.+-]+@[\\w-]+\\.[\\w.-]+")


    def find_emails(lines: list[str]) -> list[str]:
        found = []
        for line in lines:
            found.extend(EMAIL.findall(line))
        return found
    ```

    Python's `re` module caches recently used patterns, so `re.findall(pattern, line)` does not recompile every time, but it still pays a cache lookup per call, and the cache is limited in size. Compiling once at module level makes the cost explicit, documents the pattern, and is slightly faster in tight loops.
    """, check="""
    assert find_emails(['mail a.b@x.org now', 'none', 'c@d.io and e+f@g.co']) == ['a.b@x.org', 'c@d.io', 'e+f@g.co']
    """)

add(C, "Insert 100,000 rows into SQLite from Python efficiently.",
    """
    Use one transaction and `executemany` instead of committing every row:

    ```python
    import sqlite3


    def bulk_insert(path: str, rows: list[tuple[int, str]]) -> None:
        conn = sqlite3.connect(path)
        try:
            with conn:  # one transaction: commit at the end, rollback on error
                conn.execute("CREATE TABLE IF NOT EXISTS items (id INTEGER PRIMARY KEY, name TEXT)")
                conn.executemany("INSERT INTO items (id, name) VALUES (?, ?)", rows)
        finally:
            conn.close()
    ```

    Committing each row forces a disk sync per row; a single transaction turns minutes into well under a second. For huge loads, creating indexes after the insert is also faster than maintaining them during it.
    """, check="""
    import tempfile, os, sqlite3
    p = os.path.join(tempfile.mkdtemp(), 'db.sqlite')
    bulk_insert(p, [(i, f'n{i}') for i in range(1000)])
    assert sqlite3.connect(p).execute('SELECT COUNT(*) FROM items').fetchone()[0] == 1000
    """)

add(C, "Explain the difference between CPU-bound and I/O-bound work, and which Python concurrency tool fits each.",
    """
    - **I/O-bound** work spends most of its time waiting (network, disk, database). Threads (`ThreadPoolExecutor`) or `asyncio` help: while one task waits, another runs. The GIL is released during I/O, so threads work well here.
    - **CPU-bound** work keeps the processor busy (parsing, number crunching, compression). In CPython the GIL lets only one thread execute Python bytecode at a time, so use processes (`ProcessPoolExecutor`, `multiprocessing`) to use several cores — or libraries that do the heavy work in C and release the GIL (NumPy, many compression libraries).

    Measure first: if a job is 90% waiting, processes add overhead without benefit; if it is 90% computing, threads will not speed it up.
    """)

add(C, "Deduplicate a large list while preserving order, efficiently.",
    """
    ```python
    def dedupe(items: list) -> list:
        return list(dict.fromkeys(items))
    ```

    Dictionaries keep insertion order (Python 3.7+), and `fromkeys` drops repeated keys, so this is O(n) and keeps the first occurrence of each item. The common alternative `[x for x in items if x not in result]` is O(n²). Items must be hashable; for unhashable ones (lists, dicts) deduplicate on a hashable key such as a tuple or a JSON string.
    """, check="""
    assert dedupe([3, 1, 3, 2, 1]) == [3, 1, 2] and dedupe([]) == []
    """)

add(C, "Our API endpoint takes 2 seconds. Describe a systematic approach to make it faster.",
    """
    1. **Measure where the time goes.** Add timing around each step (database, external calls, serialisation) or use tracing/APM. Reproduce with realistic data.
    2. **Database first** (usually the culprit): look for N+1 queries, missing indexes (`EXPLAIN`), queries returning far more rows or columns than needed, and unbounded result sets — add pagination.
    3. **External calls:** run independent calls concurrently, add timeouts, cache responses that change rarely.
    4. **Do less per request:** move slow work that the client does not need to wait for (e-mails, reports, thumbnails) to a background queue.
    5. **Cache** computed results with a clear expiry and invalidation rule.
    6. **Payload:** compress responses, return only needed fields.
    7. **Verify** each change with the same measurement, and add a performance test or alert so it does not regress.
    """)

add(C, "Memoize an expensive pure function that takes a list argument (lists are not hashable).",
    """
    Convert the argument to a hashable form and cache on that:

    ```python
    from functools import lru_cache


    @lru_cache(maxsize=1024)
    def _score(values: tuple[float, ...]) -> float:
        # stands in for an expensive, deterministic computation
        return sum(v * v for v in values) ** 0.5


    def score(values: list[float]) -> float:
        return _score(tuple(values))
    ```

    The public function keeps its list-based signature, and the cache only ever sees immutable tuples. Memoize only pure functions: if the result depends on anything besides the arguments, the cache returns stale answers.
    """, check="""
    assert score([3, 4]) == 5.0 and score([3, 4]) == 5.0 and _score.cache_info().hits >= 1
    """)
