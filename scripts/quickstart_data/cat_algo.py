from common import add

C = "Algorithmic & Data Structure"

add(C, "Write a Python function that performs binary search on a sorted list and returns the index of the target, or -1 if it is not present.",
    """
    ```python
    def binary_search(items: list[int], target: int) -> int:
        lo, hi = 0, len(items) - 1
        while lo <= hi:
            mid = (lo + hi) // 2
            if items[mid] == target:
                return mid
            if items[mid] < target:
                lo = mid + 1
            else:
                hi = mid - 1
        return -1
    ```

    Each step halves the search range, so it takes O(log n) comparisons.
    """, check="""
    xs = [1, 3, 5, 7, 9, 11]
    assert [binary_search(xs, x) for x in xs] == list(range(6))
    assert binary_search(xs, 4) == -1 and binary_search([], 1) == -1
    """)

add(C, "Given a list of integers and a target, return the indices of the two numbers that add up to the target. Do it in linear time.",
    """
    ```python
    def two_sum(nums: list[int], target: int) -> tuple[int, int] | None:
        seen: dict[int, int] = {}
        for i, n in enumerate(nums):
            j = seen.get(target - n)
            if j is not None:
                return (j, i)
            seen[n] = i
        return None
    ```

    The dictionary remembers the index of every number seen so far, so each complement lookup is O(1) and the whole scan is O(n).
    """, check="""
    assert two_sum([2, 7, 11, 15], 9) == (0, 1)
    assert two_sum([3, 2, 4], 6) == (1, 2)
    assert two_sum([1, 2], 7) is None
    """)

add(C, "Merge overlapping intervals. For example [[1,3],[2,6],[8,10],[15,18]] becomes [[1,6],[8,10],[15,18]].",
    """
    ```python
    def merge_intervals(intervals: list[list[int]]) -> list[list[int]]:
        merged: list[list[int]] = []
        for start, end in sorted(intervals):
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return merged
    ```

    After sorting by start, an interval overlaps the previous merged one exactly when it starts before that one ends. Sorting dominates: O(n log n).
    """, check="""
    assert merge_intervals([[1,3],[2,6],[8,10],[15,18]]) == [[1,6],[8,10],[15,18]]
    assert merge_intervals([[1,4],[4,5]]) == [[1,5]]
    assert merge_intervals([[5,7],[1,2]]) == [[1,2],[5,7]]
    assert merge_intervals([]) == []
    """)

add(C, "Implement a stack-based function that checks whether a string of brackets `()[]{}` is balanced.",
    """
    ```python
    def balanced(text: str) -> bool:
        pairs = {")": "(", "]": "[", "}": "{"}
        stack: list[str] = []
        for ch in text:
            if ch in "([{":
                stack.append(ch)
            elif ch in pairs:
                if not stack or stack.pop() != pairs[ch]:
                    return False
        return not stack
    ```
    """, check="""
    assert balanced('([]{()})') and balanced('') and balanced('a(b)c')
    assert not balanced('(]') and not balanced('((') and not balanced(')(')
    """)

add(C, "Write a function that returns the length of the longest substring without repeating characters.",
    """
    A sliding window that remembers the last position of each character:

    ```python
    def longest_unique_substring(s: str) -> int:
        last_seen: dict[str, int] = {}
        start = best = 0
        for i, ch in enumerate(s):
            if ch in last_seen and last_seen[ch] >= start:
                start = last_seen[ch] + 1
            last_seen[ch] = i
            best = max(best, i - start + 1)
        return best
    ```

    Each character enters and leaves the window once, so this runs in O(n).
    """, check="""
    assert longest_unique_substring('abcabcbb') == 3
    assert longest_unique_substring('bbbbb') == 1
    assert longest_unique_substring('pwwkew') == 3
    assert longest_unique_substring('') == 0
    assert longest_unique_substring('abba') == 2
    """)

add(C, "Find the maximum sum of a contiguous subarray (Kadane's algorithm).",
    """
    ```python
    def max_subarray_sum(nums: list[int]) -> int:
        if not nums:
            raise ValueError("nums must not be empty")
        best = current = nums[0]
        for n in nums[1:]:
            current = max(n, current + n)
            best = max(best, current)
        return best
    ```

    `current` is the best sum of a subarray ending at the current position: either extend the previous one or start fresh.
    """, check="""
    assert max_subarray_sum([-2, 1, -3, 4, -1, 2, 1, -5, 4]) == 6
    assert max_subarray_sum([-3, -1, -2]) == -1
    assert max_subarray_sum([5]) == 5
    """)

add(C, "Implement breadth-first search to find the shortest path (fewest edges) between two nodes in an unweighted graph given as an adjacency dict. Return the path as a list, or None.",
    """
    ```python
    from collections import deque


    def shortest_path(graph: dict[str, list[str]], start: str, goal: str) -> list[str] | None:
        if start == goal:
            return [start]
        parent: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for nxt in graph.get(node, []):
                if nxt in parent:
                    continue
                parent[nxt] = node
                if nxt == goal:
                    path = [nxt]
                    while parent[path[-1]] is not None:
                        path.append(parent[path[-1]])
                    return path[::-1]
                queue.append(nxt)
        return None
    ```

    BFS explores nodes in order of distance, so the first time it reaches the goal it has found a shortest path.
    """, check="""
    g = {'a': ['b', 'c'], 'b': ['d'], 'c': ['d', 'e'], 'd': ['f'], 'e': ['f'], 'f': []}
    p = shortest_path(g, 'a', 'f'); assert len(p) == 4 and p[0] == 'a' and p[-1] == 'f'
    assert shortest_path(g, 'f', 'a') is None and shortest_path(g, 'a', 'a') == ['a']
    """)

add(C, "Implement Dijkstra's algorithm for a weighted directed graph with non-negative weights. Return the distance from the source to every reachable node.",
    """
    ```python
    import heapq


    def dijkstra(graph: dict[str, list[tuple[str, float]]], source: str) -> dict[str, float]:
        dist = {source: 0.0}
        heap = [(0.0, source)]
        while heap:
            d, node = heapq.heappop(heap)
            if d > dist[node]:
                continue  # a stale entry: a shorter path was already found
            for nxt, weight in graph.get(node, []):
                nd = d + weight
                if nd < dist.get(nxt, float("inf")):
                    dist[nxt] = nd
                    heapq.heappush(heap, (nd, nxt))
        return dist
    ```

    With a binary heap this runs in O((V + E) log V).
    """, check="""
    g = {'s': [('a', 1), ('b', 4)], 'a': [('b', 2), ('c', 6)], 'b': [('c', 3)], 'c': []}
    assert dijkstra(g, 's') == {'s': 0, 'a': 1, 'b': 3, 'c': 6}
    assert dijkstra({'x': []}, 'x') == {'x': 0}
    """)

add(C, "Write a topological sort for tasks with dependencies. `deps` maps each task to the tasks it depends on. Raise an error on cycles.",
    """
    Kahn's algorithm:

    ```python
    from collections import deque


    def topo_sort(deps: dict[str, list[str]]) -> list[str]:
        nodes = set(deps) | {d for ds in deps.values() for d in ds}
        indegree = {n: 0 for n in nodes}
        dependents: dict[str, list[str]] = {n: [] for n in nodes}
        for task, ds in deps.items():
            for d in ds:
                indegree[task] += 1
                dependents[d].append(task)
        ready = deque(sorted(n for n in nodes if indegree[n] == 0))
        order = []
        while ready:
            n = ready.popleft()
            order.append(n)
            for t in sorted(dependents[n]):
                indegree[t] -= 1
                if indegree[t] == 0:
                    ready.append(t)
        if len(order) != len(nodes):
            raise ValueError("dependency cycle among: " + ", ".join(sorted(n for n in nodes if indegree[n] > 0)))
        return order
    ```
    """, check="""
    order = topo_sort({'build': ['compile'], 'compile': ['fetch'], 'test': ['build'], 'fetch': []})
    assert order == ['fetch', 'compile', 'build', 'test']
    try:
        topo_sort({'a': ['b'], 'b': ['a']}); raise SystemExit('no')
    except ValueError as e:
        assert 'a, b' in str(e)
    """)

add(C, "Implement an LRU cache class with `get(key)` and `put(key, value)` in O(1), evicting the least recently used entry when the capacity is exceeded.",
    """
    ```python
    from collections import OrderedDict


    class LRUCache:
        def __init__(self, capacity: int) -> None:
            if capacity <= 0:
                raise ValueError("capacity must be positive")
            self.capacity = capacity
            self._data: OrderedDict = OrderedDict()

        def get(self, key, default=None):
            if key not in self._data:
                return default
            self._data.move_to_end(key)
            return self._data[key]

        def put(self, key, value) -> None:
            if key in self._data:
                self._data.move_to_end(key)
            self._data[key] = value
            if len(self._data) > self.capacity:
                self._data.popitem(last=False)
    ```

    `OrderedDict` keeps insertion order in a linked list, so moving a key to the end and removing the oldest entry are both O(1).
    """, check="""
    c = LRUCache(2); c.put('a', 1); c.put('b', 2); c.get('a'); c.put('c', 3)
    assert c.get('b') is None and c.get('a') == 1 and c.get('c') == 3
    """)

add(C, "Implement a trie (prefix tree) with `insert(word)`, `contains(word)` and `starts_with(prefix)` that returns all stored words with that prefix in sorted order.",
    """
    ```python
    class Trie:
        def __init__(self) -> None:
            self.children: dict[str, "Trie"] = {}
            self.is_word = False

        def insert(self, word: str) -> None:
            node = self
            for ch in word:
                node = node.children.setdefault(ch, Trie())
            node.is_word = True

        def _find(self, prefix: str) -> "Trie | None":
            node = self
            for ch in prefix:
                node = node.children.get(ch)
                if node is None:
                    return None
            return node

        def contains(self, word: str) -> bool:
            node = self._find(word)
            return node is not None and node.is_word

        def starts_with(self, prefix: str) -> list[str]:
            node = self._find(prefix)
            if node is None:
                return []
            words: list[str] = []
            stack = [(node, prefix)]
            while stack:
                current, text = stack.pop()
                if current.is_word:
                    words.append(text)
                for ch, child in current.children.items():
                    stack.append((child, text + ch))
            return sorted(words)
    ```
    """, check="""
    t = Trie()
    for w in ['car', 'cart', 'care', 'dog']: t.insert(w)
    assert t.contains('car') and not t.contains('ca')
    assert t.starts_with('car') == ['car', 'care', 'cart'] and t.starts_with('x') == []
    """)

add(C, "Implement union-find (disjoint set union) with path compression and union by size, and use it to count connected components of an undirected graph with n nodes and a list of edges.",
    """
    ```python
    class DisjointSet:
        def __init__(self, n: int) -> None:
            self.parent = list(range(n))
            self.size = [1] * n

        def find(self, x: int) -> int:
            root = x
            while self.parent[root] != root:
                root = self.parent[root]
            while self.parent[x] != root:  # path compression
                self.parent[x], x = root, self.parent[x]
            return root

        def union(self, a: int, b: int) -> bool:
            ra, rb = self.find(a), self.find(b)
            if ra == rb:
                return False
            if self.size[ra] < self.size[rb]:
                ra, rb = rb, ra
            self.parent[rb] = ra
            self.size[ra] += self.size[rb]
            return True


    def count_components(n: int, edges: list[tuple[int, int]]) -> int:
        ds = DisjointSet(n)
        return n - sum(ds.union(a, b) for a, b in edges)
    ```

    Every successful union merges two components into one, so the count is n minus the number of successful unions.
    """, check="""
    assert count_components(5, [(0, 1), (1, 2), (3, 4)]) == 2
    assert count_components(3, []) == 3
    assert count_components(4, [(0, 1), (1, 0), (2, 3), (0, 3)]) == 1
    """)

add(C, "Rotate an n×n matrix by 90 degrees clockwise in place.",
    """
    Transpose, then reverse every row:

    ```python
    def rotate_clockwise(matrix: list[list[int]]) -> None:
        n = len(matrix)
        for i in range(n):
            for j in range(i + 1, n):
                matrix[i][j], matrix[j][i] = matrix[j][i], matrix[i][j]
        for row in matrix:
            row.reverse()
    ```
    """, check="""
    m = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]; rotate_clockwise(m)
    assert m == [[7, 4, 1], [8, 5, 2], [9, 6, 3]]
    """)

add(C, "Write merge sort in Python.",
    """
    ```python
    def merge_sort(items: list) -> list:
        if len(items) <= 1:
            return list(items)
        mid = len(items) // 2
        left, right = merge_sort(items[:mid]), merge_sort(items[mid:])
        merged = []
        i = j = 0
        while i < len(left) and j < len(right):
            if left[i] <= right[j]:  # <= keeps equal elements in order: a stable sort
                merged.append(left[i]); i += 1
            else:
                merged.append(right[j]); j += 1
        merged.extend(left[i:])
        merged.extend(right[j:])
        return merged
    ```

    O(n log n) time in every case, O(n) extra memory.
    """, check="""
    import random
    xs = [random.randint(-50, 50) for _ in range(200)]
    assert merge_sort(xs) == sorted(xs) and merge_sort([]) == []
    """)

add(C, "Group a list of words into anagram groups.",
    """
    ```python
    from collections import defaultdict


    def group_anagrams(words: list[str]) -> list[list[str]]:
        groups: dict[str, list[str]] = defaultdict(list)
        for word in words:
            groups["".join(sorted(word))].append(word)
        return list(groups.values())
    ```

    Two words are anagrams exactly when their sorted letters are equal, so the sorted string is a natural key.
    """, check="""
    got = group_anagrams(['eat', 'tea', 'tan', 'ate', 'nat', 'bat'])
    assert sorted(sorted(g) for g in got) == [['ate', 'eat', 'tea'], ['bat'], ['nat', 'tan']]
    """)

add(C, "Reverse a singly linked list iteratively. Define a small Node class too.",
    """
    ```python
    class Node:
        def __init__(self, value, next=None):
            self.value = value
            self.next = next


    def reverse_list(head: Node | None) -> Node | None:
        prev = None
        while head is not None:
            head.next, prev, head = prev, head, head.next
        return prev


    def to_list(head: Node | None) -> list:
        out = []
        while head:
            out.append(head.value)
            head = head.next
        return out
    ```
    """, check="""
    h = Node(1, Node(2, Node(3)))
    assert to_list(reverse_list(h)) == [3, 2, 1] and reverse_list(None) is None
    """)

add(C, "Compute the length of the longest common subsequence of two strings with dynamic programming.",
    """
    ```python
    def lcs_length(a: str, b: str) -> int:
        # prev[j] = LCS of the processed prefix of a and b[:j]; one row at a time keeps memory O(len(b)).
        prev = [0] * (len(b) + 1)
        for ch in a:
            cur = [0] * (len(b) + 1)
            for j, other in enumerate(b, start=1):
                cur[j] = prev[j - 1] + 1 if ch == other else max(prev[j], cur[j - 1])
            prev = cur
        return prev[-1]
    ```

    Time O(len(a)·len(b)).
    """, check="""
    assert lcs_length('ABCBDAB', 'BDCABA') == 4
    assert lcs_length('', 'abc') == 0 and lcs_length('abc', 'abc') == 3
    """)

add(C, "Given coin denominations and an amount, return the minimum number of coins that make up the amount, or -1 if impossible.",
    """
    ```python
    def min_coins(coins: list[int], amount: int) -> int:
        INF = amount + 1
        best = [0] + [INF] * amount
        for value in range(1, amount + 1):
            for coin in coins:
                if coin <= value and best[value - coin] + 1 < best[value]:
                    best[value] = best[value - coin] + 1
        return best[amount] if best[amount] != INF else -1
    ```

    A greedy "largest coin first" strategy fails for denominations like [1, 3, 4] and amount 6 (greedy gives 4+1+1, the optimum is 3+3); dynamic programming is always correct.
    """, check="""
    assert min_coins([1, 3, 4], 6) == 2
    assert min_coins([2], 3) == -1 and min_coins([1, 5, 10], 0) == 0
    assert min_coins([1, 5, 10, 25], 63) == 6
    """)

add(C, "Find the k most frequent elements of a list.",
    """
    ```python
    from collections import Counter


    def top_k_frequent(items: list, k: int) -> list:
        return [item for item, _ in Counter(items).most_common(k)]
    ```

    `most_common` uses a heap when k is smaller than the number of distinct items, so this is O(n log k).
    """, check="""
    assert top_k_frequent([1, 1, 1, 2, 2, 3], 2) == [1, 2]
    assert top_k_frequent([], 3) == []
    """)

add(C, "Implement a min-heap priority queue class from scratch (no heapq) with `push`, `pop` and `__len__`.",
    """
    ```python
    class MinHeap:
        def __init__(self) -> None:
            self._a: list = []

        def __len__(self) -> int:
            return len(self._a)

        def push(self, item) -> None:
            a = self._a
            a.append(item)
            i = len(a) - 1
            while i > 0:
                parent = (i - 1) // 2
                if a[i] >= a[parent]:
                    break
                a[i], a[parent] = a[parent], a[i]
                i = parent

        def pop(self):
            a = self._a
            if not a:
                raise IndexError("pop from an empty heap")
            top = a[0]
            last = a.pop()
            if a:
                a[0] = last
                i = 0
                while True:
                    smallest = i
                    for child in (2 * i + 1, 2 * i + 2):
                        if child < len(a) and a[child] < a[smallest]:
                            smallest = child
                    if smallest == i:
                        break
                    a[i], a[smallest] = a[smallest], a[i]
                    i = smallest
            return top
    ```

    Both operations move an element along one root-to-leaf path, so they are O(log n).
    """, check="""
    import random
    h = MinHeap(); xs = [random.randint(0, 100) for _ in range(100)]
    for x in xs: h.push(x)
    assert [h.pop() for _ in range(len(xs))] == sorted(xs) and len(h) == 0
    """)

add(C, "Count the number of islands in a grid of '1' (land) and '0' (water), where land cells connect horizontally and vertically.",
    """
    ```python
    def count_islands(grid: list[list[str]]) -> int:
        rows, cols = len(grid), len(grid[0]) if grid else 0
        seen = set()
        islands = 0
        for r in range(rows):
            for c in range(cols):
                if grid[r][c] != "1" or (r, c) in seen:
                    continue
                islands += 1
                stack = [(r, c)]
                seen.add((r, c))
                while stack:
                    y, x = stack.pop()
                    for ny, nx in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                        if 0 <= ny < rows and 0 <= nx < cols and grid[ny][nx] == "1" and (ny, nx) not in seen:
                            seen.add((ny, nx))
                            stack.append((ny, nx))
        return islands
    ```

    An explicit stack instead of recursion avoids Python's recursion limit on large grids.
    """, check="""
    g = [list('11000'), list('11000'), list('00100'), list('00011')]
    assert count_islands(g) == 3 and count_islands([]) == 0
    """)

add(C, "Return all permutations of a list of distinct elements, without using itertools.",
    """
    ```python
    def permutations(items: list) -> list[list]:
        if len(items) <= 1:
            return [list(items)]
        result = []
        for i, first in enumerate(items):
            for rest in permutations(items[:i] + items[i + 1:]):
                result.append([first] + rest)
        return result
    ```

    There are n! permutations, so the output alone makes this O(n·n!).
    """, check="""
    assert permutations([1, 2, 3]) == [[1,2,3],[1,3,2],[2,1,3],[2,3,1],[3,1,2],[3,2,1]]
    assert permutations([]) == [[]]
    """)

add(C, "Check whether a binary tree is a valid binary search tree.",
    """
    ```python
    class TreeNode:
        def __init__(self, val, left=None, right=None):
            self.val = val
            self.left = left
            self.right = right


    def is_valid_bst(root: TreeNode | None) -> bool:
        stack = [(root, float("-inf"), float("inf"))]
        while stack:
            node, low, high = stack.pop()
            if node is None:
                continue
            if not low < node.val < high:
                return False
            stack.append((node.left, low, node.val))
            stack.append((node.right, node.val, high))
        return True
    ```

    Comparing a node only with its direct children is not enough: every node must lie within the bounds set by *all* its ancestors.
    """, check="""
    assert is_valid_bst(TreeNode(5, TreeNode(3, TreeNode(1), TreeNode(4)), TreeNode(8)))
    assert not is_valid_bst(TreeNode(5, TreeNode(3, None, TreeNode(6)), TreeNode(8)))
    assert is_valid_bst(None)
    """)

add(C, "Move all zeros in a list to the end while keeping the order of the other elements, in place.",
    """
    ```python
    def move_zeros(nums: list[int]) -> None:
        write = 0
        for x in nums:
            if x != 0:
                nums[write] = x
                write += 1
        for i in range(write, len(nums)):
            nums[i] = 0
    ```
    """, check="""
    xs = [0, 1, 0, 3, 12]; move_zeros(xs); assert xs == [1, 3, 12, 0, 0]
    ys = [0, 0]; move_zeros(ys); assert ys == [0, 0]
    """)

add(C, "Implement a queue using two stacks, with amortized O(1) `enqueue` and `dequeue`.",
    """
    ```python
    class TwoStackQueue:
        def __init__(self) -> None:
            self._in: list = []
            self._out: list = []

        def enqueue(self, item) -> None:
            self._in.append(item)

        def dequeue(self):
            if not self._out:
                while self._in:
                    self._out.append(self._in.pop())
            if not self._out:
                raise IndexError("dequeue from an empty queue")
            return self._out.pop()

        def __len__(self) -> int:
            return len(self._in) + len(self._out)
    ```

    Each element is moved from the input stack to the output stack at most once, so a sequence of n operations costs O(n).
    """, check="""
    q = TwoStackQueue()
    for i in range(3): q.enqueue(i)
    assert q.dequeue() == 0; q.enqueue(3)
    assert [q.dequeue() for _ in range(3)] == [1, 2, 3] and len(q) == 0
    """)

add(C, "Explain the time complexity of common operations on a Python list, dict and set.",
    """
    | Operation | list | dict / set |
    |---|---|---|
    | index `a[i]` / lookup `d[k]`, `k in s` | O(1) | O(1) average |
    | `x in a` (membership) | O(n) | O(1) average |
    | append / add | O(1) amortized | O(1) average |
    | insert or delete at the front | O(n) | – |
    | pop from the end | O(1) | – |
    | delete by key | – | O(1) average |
    | sort | O(n log n) | – |

    Practical consequence: if you test membership in a loop, convert the list to a set first; if you pop from the front, use `collections.deque`, whose `popleft` is O(1).
    """)
