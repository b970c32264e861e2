from common import add

C = "System Design & Architecture"

add(C, "Implement a simple publish/subscribe event bus in Python. Subscribers register a callback for an event name; publishing an event calls every subscriber of that name with the payload.",
    """
    ```python
    from collections import defaultdict
    from typing import Any, Callable


    class EventBus:
        def __init__(self) -> None:
            self._subscribers: dict[str, list[Callable[[Any], None]]] = defaultdict(list)

        def subscribe(self, event: str, callback: Callable[[Any], None]) -> Callable[[], None]:
            self._subscribers[event].append(callback)

            def unsubscribe() -> None:
                self._subscribers[event].remove(callback)

            return unsubscribe

        def publish(self, event: str, payload: Any = None) -> int:
            # Copy the list so a callback may unsubscribe itself while we iterate.
            callbacks = list(self._subscribers.get(event, []))
            for callback in callbacks:
                callback(payload)
            return len(callbacks)
    ```

    `subscribe` returns a function that removes the subscription, which keeps callers from having to hold on to the callback object themselves.
    """, check="""
    bus = EventBus(); seen = []
    off = bus.subscribe('saved', seen.append)
    assert bus.publish('saved', 1) == 1
    off(); assert bus.publish('saved', 2) == 0
    assert seen == [1]
    """)

add(C, "What is the Singleton pattern, and why is it often considered an anti-pattern?",
    """
    A Singleton guarantees that a class has exactly one instance and provides a global access point to it (for example a configuration object or a connection pool).

    It is often criticised because:
    - it is global state in disguise, so any code can change it and behaviour depends on call order;
    - it hides dependencies: a function that calls `Config.instance()` does not say so in its signature;
    - it makes tests harder, because the instance survives between tests and is hard to replace with a fake;
    - in multi-threaded code the lazy creation must be synchronised.

    Usually it is better to create the object once at program start and pass it to whoever needs it (dependency injection). In Python a module-level object already behaves like a singleton when you really need one.
    """)

add(C, "Write a small factory function in Python that creates a storage backend from a configuration dictionary: `{'type': 'memory'}` gives an in-memory store and `{'type': 'file', 'path': ...}` a store that persists to a JSON file. Both stores offer `get(key)` and `set(key, value)`.",
    """
    ```python
    import json
    import os
    from typing import Any, Protocol


    class Store(Protocol):
        def get(self, key: str) -> Any: ...
        def set(self, key: str, value: Any) -> None: ...


    class MemoryStore:
        def __init__(self) -> None:
            self._data: dict[str, Any] = {}

        def get(self, key: str) -> Any:
            return self._data.get(key)

        def set(self, key: str, value: Any) -> None:
            self._data[key] = value


    class JsonFileStore:
        def __init__(self, path: str) -> None:
            self.path = path
            self._data: dict[str, Any] = {}
            if os.path.exists(path):
                with open(path, encoding="utf-8") as f:
                    self._data = json.load(f)

        def get(self, key: str) -> Any:
            return self._data.get(key)

        def set(self, key: str, value: Any) -> None:
            self._data[key] = value
            tmp = self.path + ".tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                json.dump(self._data, f)
            os.replace(tmp, self.path)  # atomic: readers never see half a file


    def create_store(config: dict) -> Store:
        kind = config.get("type")
        if kind == "memory":
            return MemoryStore()
        if kind == "file":
            return JsonFileStore(config["path"])
        raise ValueError(f"unknown store type: {kind!r}")
    ```
    """, check="""
    import tempfile, os
    s = create_store({'type': 'memory'}); s.set('a', 1); assert s.get('a') == 1
    d = tempfile.mkdtemp(); p = os.path.join(d, 's.json')
    f = create_store({'type': 'file', 'path': p}); f.set('k', [1, 2])
    assert create_store({'type': 'file', 'path': p}).get('k') == [1, 2]
    try:
        create_store({'type': 'x'}); raise SystemExit('no error')
    except ValueError:
        pass
    """)

add(C, "Implement a token-bucket rate limiter class in Python. It should allow bursts up to `capacity` requests and refill at `rate` tokens per second. Make the clock injectable so it can be tested.",
    """
    ```python
    import time
    from typing import Callable


    class TokenBucket:
        def __init__(self, capacity: float, rate: float, clock: Callable[[], float] = time.monotonic) -> None:
            if capacity <= 0 or rate <= 0:
                raise ValueError("capacity and rate must be positive")
            self.capacity = capacity
            self.rate = rate
            self._clock = clock
            self._tokens = capacity
            self._last = clock()

        def _refill(self) -> None:
            now = self._clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._last) * self.rate)
            self._last = now

        def allow(self, cost: float = 1.0) -> bool:
            self._refill()
            if self._tokens >= cost:
                self._tokens -= cost
                return True
            return False
    ```

    Each call first adds the tokens earned since the last call (capped at `capacity`), then spends `cost` tokens if there are enough. Passing a fake clock makes the behaviour deterministic in tests.
    """, check="""
    t = [0.0]
    b = TokenBucket(2, 1, clock=lambda: t[0])
    assert b.allow() and b.allow() and not b.allow()
    t[0] = 1.0; assert b.allow() and not b.allow()
    t[0] = 10.0; assert b.allow() and b.allow() and not b.allow()
    """)

add(C, "Design a URL shortener service. Describe the main components, the data model, how short codes are generated, and how the system scales for many more reads than writes.",
    """
    **API**
    - `POST /links {url}` → `{code, short_url}`
    - `GET /{code}` → HTTP 301/302 redirect to the long URL

    **Data model**
    `links(code PRIMARY KEY, long_url, created_at, owner_id, expires_at)`; optionally a separate `clicks` table or an analytics stream for statistics.

    **Generating codes**
    - Take a unique 64-bit id from a sequence or a distributed id generator (for example Snowflake-style ids) and encode it in base62 (`0-9a-zA-Z`). Seven base62 characters give about 3.5 trillion codes.
    - Alternatives: hash the URL and take a prefix (needs collision handling), or random codes with a uniqueness check on insert.

    **Read path (the hot path)**
    - Redirects dominate traffic, so put a cache (Redis/Memcached) in front of the database, keyed by code; links rarely change, so hit rates are high.
    - Serve redirects from stateless application servers behind a load balancer; scale them horizontally.
    - Replicate the database for reads, or use a key-value store partitioned by code.

    **Write path**
    - Validate the URL, optionally deduplicate per owner, write to the primary store, then populate the cache.

    **Other concerns**
    - 301 is cached by browsers (fewer hits, but you lose click counts); 302 keeps every click visible.
    - Rate-limit creation per user/IP and check URLs against malware lists.
    - Record click events asynchronously (a queue) so analytics never slow redirects down.
    """)

add(C, "Write a retry helper in Python that calls a function up to `attempts` times with exponential backoff (base delay doubled each time) and re-raises the last exception. Only retry the exception types given by the caller.",
    """
    ```python
    import time
    from typing import Callable, TypeVar

    T = TypeVar("T")


    def retry(fn: Callable[[], T], attempts: int = 3, base_delay: float = 0.1,
              retry_on: tuple[type[BaseException], ...] = (Exception,),
              sleep: Callable[[float], None] = time.sleep) -> T:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        for attempt in range(attempts):
            try:
                return fn()
            except retry_on:
                if attempt == attempts - 1:
                    raise
                sleep(base_delay * (2 ** attempt))
        raise AssertionError("unreachable")
    ```

    Exceptions that are not in `retry_on` propagate immediately: retrying a bug such as a `TypeError` only wastes time. In production also add random jitter to the delay so many clients do not retry in lockstep.
    """, check="""
    calls = []; waits = []
    def flaky():
        calls.append(1)
        if len(calls) < 3: raise ConnectionError('down')
        return 'ok'
    assert retry(flaky, attempts=3, retry_on=(ConnectionError,), sleep=waits.append) == 'ok'
    assert waits == [0.1, 0.2]
    try:
        retry(lambda: 1 / 0, retry_on=(ConnectionError,), sleep=waits.append); raise SystemExit('no')
    except ZeroDivisionError:
        pass
    """)

add(C, "Explain the difference between a monolith and microservices, and when you would choose each.",
    """
    A **monolith** is one deployable application containing all features; modules call each other in-process and usually share one database. A **microservice** architecture splits the system into small services, each owning its data and deployed independently, talking over the network (HTTP, gRPC, messages).

    Choose a monolith when the team is small, the domain is still changing, or you need to move fast: one codebase, simple deployment, easy refactoring, no network failures between modules. A well-structured "modular monolith" goes a long way.

    Choose microservices when several teams need to deploy independently, parts of the system have very different scaling or reliability needs, or the domain boundaries are stable and well understood. The price is operational complexity: service discovery, distributed tracing, versioned APIs, eventual consistency and partial failures.

    A common path is to start with a modular monolith and extract services where a real need appears.
    """)

add(C, "Implement the Observer pattern for a `Thermostat` class: observers are notified with the new temperature whenever it changes, but not when it is set to the same value again.",
    """
    ```python
    from typing import Callable


    class Thermostat:
        def __init__(self, temperature: float) -> None:
            self._temperature = temperature
            self._observers: list[Callable[[float], None]] = []

        def attach(self, observer: Callable[[float], None]) -> None:
            self._observers.append(observer)

        @property
        def temperature(self) -> float:
            return self._temperature

        @temperature.setter
        def temperature(self, value: float) -> None:
            if value == self._temperature:
                return
            self._temperature = value
            for observer in self._observers:
                observer(value)
    ```
    """, check="""
    t = Thermostat(20); got = []
    t.attach(got.append)
    t.temperature = 21; t.temperature = 21; t.temperature = 19
    assert got == [21, 19] and t.temperature == 19
    """)

add(C, "Write a circuit breaker class in Python. After `threshold` consecutive failures it opens and rejects calls immediately with a `CircuitOpenError` for `reset_after` seconds; then it lets one trial call through (half-open). A success closes it again.",
    """
    ```python
    import time
    from typing import Callable, TypeVar

    T = TypeVar("T")


    class CircuitOpenError(RuntimeError):
        pass


    class CircuitBreaker:
        def __init__(self, threshold: int = 5, reset_after: float = 30.0,
                     clock: Callable[[], float] = time.monotonic) -> None:
            self.threshold = threshold
            self.reset_after = reset_after
            self._clock = clock
            self._failures = 0
            self._opened_at: float | None = None

        @property
        def state(self) -> str:
            if self._opened_at is None:
                return "closed"
            if self._clock() - self._opened_at >= self.reset_after:
                return "half-open"
            return "open"

        def call(self, fn: Callable[[], T]) -> T:
            if self.state == "open":
                raise CircuitOpenError("circuit is open; not calling the dependency")
            try:
                result = fn()
            except Exception:
                self._failures += 1
                if self.state == "half-open" or self._failures >= self.threshold:
                    self._opened_at = self._clock()
                raise
            self._failures = 0
            self._opened_at = None
            return result
    ```

    While open, callers fail fast instead of piling up on a dependency that is down; the half-open trial call decides whether to close again or stay open for another period.
    """, check="""
    now = [0.0]
    cb = CircuitBreaker(threshold=2, reset_after=10, clock=lambda: now[0])
    def boom(): raise IOError('x')
    for _ in range(2):
        try: cb.call(boom)
        except IOError: pass
    assert cb.state == 'open'
    try:
        cb.call(lambda: 1); raise SystemExit('no')
    except CircuitOpenError:
        pass
    now[0] = 10.0
    assert cb.state == 'half-open'
    assert cb.call(lambda: 42) == 42 and cb.state == 'closed'
    """)

add(C, "What is dependency injection? Show a tiny before/after example in Python.",
    """
    Dependency injection means a component receives the objects it depends on from outside instead of creating them itself. This makes dependencies visible and lets tests pass in fakes.

    Before — the class builds its own collaborator, so a test would send real e-mails:

    ```python
    class SignupService:
        def __init__(self):
            self.mailer = SmtpMailer("smtp.example.com")

        def register(self, email):
            self.mailer.send(email, "Welcome!")
    ```

    After — the mailer is injected:

    ```python
    class SignupService:
        def __init__(self, mailer):
            self.mailer = mailer

        def register(self, email):
            self.mailer.send(email, "Welcome!")


    class FakeMailer:
        def __init__(self):
            self.sent = []

        def send(self, to, body):
            self.sent.append((to, body))


    fake = FakeMailer()
    SignupService(fake).register("a@example.com")
    assert fake.sent == [("a@example.com", "Welcome!")]
    ```
    """)

add(C, "Implement a thread-safe bounded job queue with worker threads in Python: `WorkerPool(n_workers).submit(fn, *args)` runs jobs in the background, and `close()` waits for all submitted jobs to finish and stops the workers.",
    """
    ```python
    import queue
    import threading
    from typing import Any, Callable

    _STOP = object()


    class WorkerPool:
        def __init__(self, n_workers: int, max_pending: int = 100) -> None:
            self._jobs: queue.Queue = queue.Queue(maxsize=max_pending)
            self.errors: list[BaseException] = []
            self._threads = [threading.Thread(target=self._work, daemon=True) for _ in range(n_workers)]
            for t in self._threads:
                t.start()

        def _work(self) -> None:
            while True:
                job = self._jobs.get()
                try:
                    if job is _STOP:
                        return
                    fn, args = job
                    fn(*args)
                except BaseException as e:  # keep the worker alive, remember the failure
                    self.errors.append(e)
                finally:
                    self._jobs.task_done()

        def submit(self, fn: Callable[..., Any], *args: Any) -> None:
            self._jobs.put((fn, args))  # blocks when max_pending jobs wait: back-pressure

        def close(self) -> None:
            self._jobs.join()
            for _ in self._threads:
                self._jobs.put(_STOP)
            for t in self._threads:
                t.join()
    ```

    The bounded queue gives back-pressure: producers block instead of filling memory when workers fall behind.
    """, check="""
    import threading
    out = []; lock = threading.Lock()
    def work(i):
        with lock: out.append(i * i)
    p = WorkerPool(3)
    for i in range(20): p.submit(work, i)
    p.close()
    assert sorted(out) == [i * i for i in range(20)] and p.errors == []
    """)

add(C, "Explain the CAP theorem in simple terms.",
    """
    The CAP theorem says that when a network partition happens (some nodes of a distributed data store cannot talk to others), the system must choose between:

    - **Consistency**: every read sees the most recent write, or gets an error;
    - **Availability**: every request gets a (non-error) answer, possibly with stale data.

    Partitions cannot be ruled out in real networks, so the practical choice is what to give up *during* a partition: a CP system (for example one built on a consensus protocol) refuses some requests to stay consistent; an AP system keeps answering and reconciles diverging copies later.

    When there is no partition a system can offer both; the PACELC extension adds that even then there is a trade-off between latency and consistency.
    """)

add(C, "Write a minimal in-process cache with time-to-live in Python: `TTLCache(ttl_seconds)` with `get(key)` returning None for missing or expired keys and `set(key, value)`.",
    """
    ```python
    import time
    from typing import Any, Callable


    class TTLCache:
        def __init__(self, ttl_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
            self.ttl = ttl_seconds
            self._clock = clock
            self._items: dict[Any, tuple[float, Any]] = {}

        def set(self, key: Any, value: Any) -> None:
            self._items[key] = (self._clock() + self.ttl, value)

        def get(self, key: Any) -> Any:
            item = self._items.get(key)
            if item is None:
                return None
            expires, value = item
            if self._clock() >= expires:
                del self._items[key]
                return None
            return value
    ```
    """, check="""
    now = [0.0]
    c = TTLCache(5, clock=lambda: now[0])
    c.set('a', 1); assert c.get('a') == 1
    now[0] = 5.0; assert c.get('a') is None and c.get('zz') is None
    """)

add(C, "Describe how you would design a notification system that sends e-mail, SMS and push notifications, where sending must not slow down the web requests that trigger it.",
    """
    1. **Producers** (the web application) do not send anything themselves: they write a notification request (`user_id`, `type`, template id, data, idempotency key) to a durable queue or log (RabbitMQ, SQS, Kafka) and return immediately.
    2. **A dispatcher** consumes requests, loads user preferences (channels enabled, quiet hours, language), renders templates, and fans out one message per channel onto channel-specific queues.
    3. **Channel workers** (e-mail, SMS, push) call the external providers. Each queue scales independently and has its own rate limits matching the provider's quotas.
    4. **Reliability:** retries with exponential backoff, a dead-letter queue for messages that keep failing, and idempotency keys so a retried message is not delivered twice.
    5. **Tracking:** store delivery status per message (queued, sent, delivered, failed) for support and analytics; providers' webhooks update it.
    6. **Priorities:** separate queues for urgent messages (one-time passwords) so a marketing campaign cannot delay them.
    """)

add(C, "Refactor this function to follow the single-responsibility principle.",
    """
    The function mixes three jobs: parsing, computing statistics and formatting. Split them so each can be tested and reused on its own:

    ```python
    def parse_scores(lines):
        scores = []
        for line in lines:
            name, score = line.strip().split(",")
            scores.append((name, int(score)))
        return scores


    def best_and_average(scores):
        best = max(scores, key=lambda s: s[1])
        average = sum(s for _, s in scores) / len(scores)
        return best, average


    def format_report(best, average):
        return f"best: {best[0]} ({best[1]}), average: {average:.1f}"


    def report(path):
        with open(path) as f:
            scores = parse_scores(f)
        return format_report(*best_and_average(scores))
    ```
    """, input="""
    def report(path):
        f = open(path)
        scores = []
        for line in f:
            name, score = line.strip().split(",")
            scores.append((name, int(score)))
        best = max(scores, key=lambda s: s[1])
        avg = sum(s for _, s in scores) / len(scores)
        return "best: %s (%d), average: %.1f" % (best[0], best[1], avg)
    """, check="""
    b, a = best_and_average(parse_scores(['x,3', 'y,5']))
    assert format_report(b, a) == 'best: y (5), average: 4.0'
    """)

add(C, "Implement a simple plugin registry in Python using a decorator: `@register('csv')` on a class adds it to a registry, and `get_plugin('csv')` returns an instance.",
    """
    ```python
    _REGISTRY: dict[str, type] = {}


    def register(name: str):
        def decorator(cls: type) -> type:
            if name in _REGISTRY:
                raise ValueError(f"plugin {name!r} is already registered")
            _REGISTRY[name] = cls
            return cls
        return decorator


    def get_plugin(name: str, *args, **kwargs):
        try:
            cls = _REGISTRY[name]
        except KeyError:
            known = ", ".join(sorted(_REGISTRY)) or "none"
            raise KeyError(f"no plugin {name!r} (known: {known})") from None
        return cls(*args, **kwargs)


    @register("csv")
    class CsvExporter:
        def export(self, rows):
            return "\\n".join(",".join(map(str, r)) for r in rows)
    ```
    """, check="""
    assert get_plugin('csv').export([[1, 2], [3, 4]]) == '1,2\\n3,4'
    try:
        get_plugin('xml'); raise SystemExit('no')
    except KeyError as e:
        assert 'known: csv' in str(e)
    """)

add(C, "What is the difference between horizontal and vertical scaling?",
    """
    **Vertical scaling** (scaling up) gives one machine more resources: more CPU cores, RAM or faster disks. It needs no code changes, but it has a hard ceiling, gets expensive, and the single machine stays a single point of failure.

    **Horizontal scaling** (scaling out) adds more machines and spreads the load between them, for example with a load balancer in front of stateless servers or by sharding a database. It can grow much further and tolerates the loss of a machine, but the application must be designed for it: no state kept in local memory, shared sessions or caches, and data partitioning.
    """)

add(C, "Write a Python `Result` type (success or error value) and a function `parse_port(text)` that returns a Result instead of raising, rejecting values outside 1–65535.",
    """
    ```python
    from dataclasses import dataclass
    from typing import Generic, TypeVar

    T = TypeVar("T")


    @dataclass(frozen=True)
    class Ok(Generic[T]):
        value: T


    @dataclass(frozen=True)
    class Err:
        message: str


    Result = Ok[T] | Err


    def parse_port(text: str) -> "Ok[int] | Err":
        text = text.strip()
        if not text.isdigit():
            return Err(f"not a number: {text!r}")
        port = int(text)
        if not 1 <= port <= 65535:
            return Err(f"port out of range: {port}")
        return Ok(port)
    ```

    Callers check `isinstance(result, Ok)` (or use `match`), which makes the error path explicit in the type.
    """, check="""
    assert parse_port(' 8080 ') == Ok(8080)
    assert isinstance(parse_port('0'), Err) and isinstance(parse_port('http'), Err)
    """)

add(C, "Explain what an idempotent API operation is and how to make a payment endpoint idempotent.",
    """
    An operation is idempotent when doing it several times has the same effect as doing it once. `GET`, `PUT` and `DELETE` are meant to be idempotent; `POST` usually is not. Idempotency matters because clients retry after timeouts without knowing whether the first request succeeded.

    For a payment endpoint:
    1. The client generates a unique **idempotency key** per logical payment and sends it in a header.
    2. The server stores the key with the request fingerprint and the response in a table with a unique constraint, inside the same transaction as the payment.
    3. When a request arrives with a known key, the server returns the stored response instead of charging again; if the stored fingerprint differs, it rejects the request.
    4. Keys expire after a retention period (for example 24 hours).
    """)

add(C, "Design the class structure for a parking lot with small, medium and large spots. Vehicles (motorcycle, car, bus) need a spot at least their size. Write the core classes in Python with `park(vehicle)` returning a spot id or None, and `leave(spot_id)`.",
    """
    ```python
    from enum import IntEnum


    class Size(IntEnum):
        SMALL = 1
        MEDIUM = 2
        LARGE = 3


    class Vehicle:
        size = Size.MEDIUM

        def __init__(self, plate: str) -> None:
            self.plate = plate


    class Motorcycle(Vehicle):
        size = Size.SMALL


    class Car(Vehicle):
        size = Size.MEDIUM


    class Bus(Vehicle):
        size = Size.LARGE


    class ParkingLot:
        def __init__(self, spots: dict[str, Size]) -> None:
            self._spots = spots
            self._occupied: dict[str, Vehicle] = {}

        def park(self, vehicle: Vehicle) -> str | None:
            # Smallest fitting spot first, so large spots stay free for large vehicles.
            free = [s for s, size in self._spots.items() if s not in self._occupied and size >= vehicle.size]
            if not free:
                return None
            spot = min(free, key=lambda s: (self._spots[s], s))
            self._occupied[spot] = vehicle
            return spot

        def leave(self, spot_id: str) -> Vehicle:
            return self._occupied.pop(spot_id)

        def free_spots(self) -> int:
            return len(self._spots) - len(self._occupied)
    ```
    """, check="""
    lot = ParkingLot({'s1': Size.SMALL, 'm1': Size.MEDIUM, 'l1': Size.LARGE})
    assert lot.park(Car('A')) == 'm1'
    assert lot.park(Motorcycle('B')) == 's1'
    assert lot.park(Car('C')) == 'l1'
    assert lot.park(Bus('D')) is None
    lot.leave('l1'); assert lot.park(Bus('D')) == 'l1' and lot.free_spots() == 0
    """)

add(C, "When should you use a message queue between two services instead of a direct HTTP call?",
    """
    Use a queue when the caller does not need the result right away, or when the two sides should not depend on each other's availability and speed:

    - **Decoupling in time:** the consumer can be down or slow; messages wait in the queue.
    - **Load levelling:** traffic spikes are absorbed and processed at the consumer's pace.
    - **Fan-out:** several consumers can react to the same event.
    - **Retries:** failed messages are redelivered or moved to a dead-letter queue without the producer's involvement.

    Prefer a direct call when the caller needs an immediate answer (reading a user's profile to render a page), when the interaction is a simple request/response, or when the extra infrastructure and eventual consistency are not worth it.
    """)
