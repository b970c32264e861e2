from common import add

C = "Web Development"

add(C, "Write a JavaScript `debounce(fn, wait)` function that delays calling `fn` until `wait` milliseconds have passed without another call.",
    """
    ```javascript
    function debounce(fn, wait) {
      let timer = null;
      return function debounced(...args) {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timer = null;
          fn.apply(this, args);
        }, wait);
      };
    }

    // Usage: only search after the user stops typing for 300 ms.
    const search = debounce((q) => console.log('searching', q), 300);
    ```
    """)

add(C, "How do I center a div horizontally and vertically inside its parent with CSS?",
    """
    With flexbox on the parent:

    ```css
    .parent {
      display: flex;
      justify-content: center; /* horizontal */
      align-items: center;     /* vertical */
      min-height: 100vh;       /* give the parent a height to center within */
    }
    ```

    Or with grid, even shorter:

    ```css
    .parent {
      display: grid;
      place-items: center;
      min-height: 100vh;
    }
    ```
    """)

add(C, "Write a Python function `parse_query(qs)` that turns a URL query string like `a=1&b=two&a=3` into a dict mapping each key to a list of values, decoding percent-escapes and `+` as space.",
    """
    ```python
    from urllib.parse import unquote_plus


    def parse_query(qs: str) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for part in qs.lstrip("?").split("&"):
            if not part:
                continue
            key, _, value = part.partition("=")
            result.setdefault(unquote_plus(key), []).append(unquote_plus(value))
        return result
    ```

    The standard library's `urllib.parse.parse_qs` does the same (with `keep_blank_values=True` to keep empty values).
    """, check="""
    assert parse_query('?a=1&b=two&a=3') == {'a': ['1', '3'], 'b': ['two']}
    assert parse_query('q=hello+world%21&empty=') == {'q': ['hello world!'], 'empty': ['']}
    assert parse_query('') == {}
    """)

add(C, "Create a minimal Flask app with a JSON endpoint `GET /api/health` that returns `{\"status\": \"ok\"}` and a `POST /api/echo` endpoint that returns the JSON body it received.",
    """
    ```python
    from flask import Flask, jsonify, request

    app = Flask(__name__)


    @app.get("/api/health")
    def health():
        return jsonify(status="ok")


    @app.post("/api/echo")
    def echo():
        data = request.get_json(silent=True)
        if data is None:
            return jsonify(error="expected a JSON body"), 400
        return jsonify(data)


    if __name__ == "__main__":
        app.run(debug=True)
    ```

    `get_json(silent=True)` returns None instead of raising when the body is not JSON, so the endpoint can answer with a clear 400 error.
    """)

add(C, "Write an Express.js route that returns a paginated list of items. It should read `page` and `limit` from the query string with sensible defaults and bounds.",
    """
    ```javascript
    const express = require('express');
    const app = express();

    const items = Array.from({ length: 95 }, (_, i) => ({ id: i + 1, name: `Item ${i + 1}` }));

    app.get('/items', (req, res) => {
      const page = Math.max(1, parseInt(req.query.page, 10) || 1);
      const limit = Math.min(100, Math.max(1, parseInt(req.query.limit, 10) || 20));
      const start = (page - 1) * limit;
      res.json({
        page,
        limit,
        total: items.length,
        pages: Math.ceil(items.length / limit),
        data: items.slice(start, start + limit),
      });
    });

    app.listen(3000, () => console.log('listening on http://localhost:3000'));
    ```

    Clamping `limit` protects the server from requests such as `?limit=1000000`.
    """)

add(C, "Write an HTML sign-up form with fields for name, e-mail and password (at least 8 characters), using built-in browser validation.",
    """
    ```html
    <form action="/signup" method="post">
      <label for="name">Name</label>
      <input id="name" name="name" type="text" autocomplete="name" required>

      <label for="email">E-mail</label>
      <input id="email" name="email" type="email" autocomplete="email" required>

      <label for="password">Password</label>
      <input id="password" name="password" type="password" autocomplete="new-password"
             minlength="8" required aria-describedby="password-help">
      <small id="password-help">At least 8 characters.</small>

      <button type="submit">Create account</button>
    </form>
    ```

    `type="email"`, `required` and `minlength` make the browser check the input before submitting; the server must still validate again, because client-side checks can be bypassed.
    """)

add(C, "Use the Fetch API to load JSON from `/api/users` and handle both network errors and non-2xx HTTP responses.",
    """
    ```javascript
    async function loadUsers() {
      let response;
      try {
        response = await fetch('/api/users', { headers: { Accept: 'application/json' } });
      } catch (err) {
        throw new Error(`network error: ${err.message}`);
      }
      if (!response.ok) {
        throw new Error(`server answered ${response.status} ${response.statusText}`);
      }
      return response.json();
    }

    loadUsers()
      .then((users) => console.log(`loaded ${users.length} users`))
      .catch((err) => console.error(err.message));
    ```

    `fetch` only rejects on network failures; an HTTP 404 or 500 still resolves, so `response.ok` must be checked explicitly.
    """)

add(C, "What is CORS and why does my browser block a request from http://localhost:3000 to http://localhost:8000?",
    """
    CORS (Cross-Origin Resource Sharing) is the mechanism that lets a server say which other origins may read its responses from browser JavaScript. An origin is scheme + host + port, so `localhost:3000` and `localhost:8000` are different origins.

    By default the browser's same-origin policy blocks a page from reading responses of another origin. The server at port 8000 must opt in by sending headers such as:

    ```
    Access-Control-Allow-Origin: http://localhost:3000
    Access-Control-Allow-Methods: GET, POST
    Access-Control-Allow-Headers: Content-Type
    ```

    For "non-simple" requests (for example JSON `POST` or custom headers) the browser first sends an `OPTIONS` preflight request, which must be answered with these headers too. Fix it on the server (e.g. the `cors` middleware in Express, `flask-cors` in Flask) or proxy API calls through the development server so both share one origin. Never "fix" it with `Access-Control-Allow-Origin: *` on endpoints that use cookies.
    """)

add(C, "Write a Python function `slugify(title)` that turns a page title into a URL slug: lower case, ASCII only, words separated by single hyphens.",
    """
    ```python
    import re
    import unicodedata


    def slugify(title: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
        words = re.findall(r"[a-z0-9]+", ascii_text.lower())
        return "-".join(words)
    ```

    NFKD normalization splits accented letters into a base letter plus an accent, so `é` becomes `e` once the non-ASCII accent is dropped.
    """, check="""
    assert slugify('Hello, World!') == 'hello-world'
    assert slugify('  Crème brûlée -- recipe 2 ') == 'creme-brulee-recipe-2'
    assert slugify('***') == ''
    """)

add(C, "Write a responsive CSS grid for a card layout: one column on phones, two on tablets (≥ 600px) and four on desktops (≥ 1024px).",
    """
    ```css
    .cards {
      display: grid;
      grid-template-columns: 1fr;
      gap: 1rem;
      padding: 1rem;
    }

    @media (min-width: 600px) {
      .cards { grid-template-columns: repeat(2, 1fr); }
    }

    @media (min-width: 1024px) {
      .cards { grid-template-columns: repeat(4, 1fr); }
    }
    ```

    If you do not need exact breakpoints, `grid-template-columns: repeat(auto-fill, minmax(240px, 1fr));` adapts the number of columns to the width by itself.
    """)

add(C, "Explain the difference between `localStorage`, `sessionStorage` and cookies.",
    """
    - **localStorage**: key/value strings stored per origin, about 5–10 MB, kept until cleared; readable by any script on the page; never sent to the server automatically.
    - **sessionStorage**: same API, but scoped to one browser tab and cleared when the tab closes.
    - **Cookies**: small (about 4 KB each), sent to the server with every matching request, with an expiry date; they can be marked `HttpOnly` (invisible to JavaScript), `Secure` (HTTPS only) and `SameSite` (limits cross-site sending).

    Keep session tokens in `HttpOnly`, `Secure`, `SameSite` cookies rather than in localStorage, where any injected script could read them.
    """)

add(C, "Write a JavaScript function that escapes a string for safe insertion into HTML text.",
    """
    ```javascript
    function escapeHtml(text) {
      return String(text)
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(/"/g, '&quot;')
        .replace(/'/g, '&#39;');
    }

    // Better still: avoid building HTML strings and set textContent instead.
    element.textContent = userInput;
    ```

    `&` must be replaced first, otherwise the `&` of the other entities would be escaped again.
    """)

add(C, "Write a FastAPI endpoint `POST /todos` that validates the body with a Pydantic model (title required, 1–200 characters; done defaults to false) and stores it in memory, plus `GET /todos` to list them.",
    """
    ```python
    from fastapi import FastAPI
    from pydantic import BaseModel, Field

    app = FastAPI()


    class TodoIn(BaseModel):
        title: str = Field(min_length=1, max_length=200)
        done: bool = False


    class Todo(TodoIn):
        id: int


    todos: list[Todo] = []


    @app.post("/todos", response_model=Todo, status_code=201)
    def create_todo(body: TodoIn) -> Todo:
        todo = Todo(id=len(todos) + 1, **body.model_dump())
        todos.append(todo)
        return todo


    @app.get("/todos", response_model=list[Todo])
    def list_todos() -> list[Todo]:
        return todos
    ```

    Invalid bodies are rejected automatically with a 422 response that lists the failing fields. Run it with `uvicorn main:app --reload`.
    """)

add(C, "What do the HTTP status codes 200, 201, 204, 301, 400, 401, 403, 404, 409 and 500 mean?",
    """
    - **200 OK** – success, with a response body.
    - **201 Created** – a resource was created (usually with a `Location` header).
    - **204 No Content** – success, no body (common for `DELETE`).
    - **301 Moved Permanently** – the resource has a new URL; clients and search engines should use it from now on.
    - **400 Bad Request** – the request is malformed or fails validation.
    - **401 Unauthorized** – not authenticated: credentials are missing or invalid.
    - **403 Forbidden** – authenticated, but not allowed to do this.
    - **404 Not Found** – no resource at this URL.
    - **409 Conflict** – the request conflicts with the current state (duplicate key, edit of an outdated version).
    - **500 Internal Server Error** – an unexpected error on the server.
    """)

add(C, "Write a Python function that extracts all absolute http(s) links from an HTML string using the standard library only.",
    """
    ```python
    from html.parser import HTMLParser


    class _LinkCollector(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.links: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag == "a":
                for name, value in attrs:
                    if name == "href" and value and value.startswith(("http://", "https://")):
                        self.links.append(value)


    def extract_links(html: str) -> list[str]:
        parser = _LinkCollector()
        parser.feed(html)
        return parser.links
    ```

    An HTML parser copes with attribute order, quoting styles and entities that a regular expression would get wrong.
    """, check="""
    html = '<p><a href="https://a.example/x">a</a> <a class=c href=http://b.example>b</a> <a href="/rel">r</a></p>'
    assert extract_links(html) == ['https://a.example/x', 'http://b.example']
    """)

add(C, "Make a button in plain JavaScript that toggles a `dark` class on the `<body>` and remembers the choice across page loads.",
    """
    ```html
    <button id="theme-toggle" type="button" aria-pressed="false">Dark mode</button>

    <script>
      const button = document.getElementById('theme-toggle');
      const apply = (dark) => {
        document.body.classList.toggle('dark', dark);
        button.setAttribute('aria-pressed', String(dark));
      };

      apply(localStorage.getItem('theme') === 'dark');

      button.addEventListener('click', () => {
        const dark = !document.body.classList.contains('dark');
        localStorage.setItem('theme', dark ? 'dark' : 'light');
        apply(dark);
      });
    </script>
    ```
    """)

add(C, "Write a simple HTTP server in Python (standard library only) that serves `GET /time` with the current UTC time as JSON and answers 404 for other paths.",
    """
    ```python
    import json
    from datetime import datetime, timezone
    from http.server import BaseHTTPRequestHandler, HTTPServer


    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path != "/time":
                self._send(404, {"error": "not found"})
                return
            self._send(200, {"utc": datetime.now(timezone.utc).isoformat()})

        def _send(self, status, payload):
            body = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)


    if __name__ == "__main__":
        HTTPServer(("127.0.0.1", 8000), Handler).serve_forever()
    ```
    """)

add(C, "Explain what REST means and list the conventions for a `books` resource.",
    """
    REST is an architectural style for web APIs: resources are identified by URLs, manipulated with the standard HTTP methods, and represented (usually) as JSON; each request carries all the information needed, so the server keeps no client session state.

    Conventional routes for `books`:

    | Method | URL | Meaning |
    |---|---|---|
    | GET | /books | list (with filters/pagination in the query string) |
    | POST | /books | create, returns 201 and the new book |
    | GET | /books/42 | read one |
    | PUT | /books/42 | replace |
    | PATCH | /books/42 | partial update |
    | DELETE | /books/42 | delete, returns 204 |

    Use nouns, not verbs, in URLs, plural collection names, and proper status codes for errors.
    """)

add(C, "Write a JavaScript function `groupBy(items, keyFn)` that groups an array into an object of arrays.",
    """
    ```javascript
    function groupBy(items, keyFn) {
      const groups = {};
      for (const item of items) {
        const key = keyFn(item);
        (groups[key] ??= []).push(item);
      }
      return groups;
    }

    groupBy([1, 2, 3, 4, 5], (n) => (n % 2 === 0 ? 'even' : 'odd'));
    // { odd: [1, 3, 5], even: [2, 4] }
    ```

    Recent JavaScript engines also provide `Object.groupBy(items, keyFn)` with the same behaviour.
    """)

add(C, "Build a small to-do list page with vanilla JavaScript: an input and an Add button, a list of items, a click on an item toggles it as done, and a Delete button removes it. Keep the state in an array and re-render from it.",
    """
    ```html
    <!doctype html>
    <html lang="en">
    <head>
      <meta charset="utf-8">
      <title>To-do</title>
      <style>
        .done { text-decoration: line-through; color: #888; }
        li { cursor: pointer; margin: .25rem 0; }
      </style>
    </head>
    <body>
      <form id="new-todo">
        <input id="title" placeholder="What needs doing?" required>
        <button>Add</button>
      </form>
      <ul id="list"></ul>

      <script>
        const todos = [];
        const list = document.getElementById('list');

        function render() {
          list.replaceChildren(...todos.map((todo, i) => {
            const li = document.createElement('li');
            li.textContent = todo.title;            // textContent: no HTML injection
            li.classList.toggle('done', todo.done);
            li.addEventListener('click', () => { todo.done = !todo.done; render(); });

            const del = document.createElement('button');
            del.textContent = 'Delete';
            del.addEventListener('click', (e) => {
              e.stopPropagation();                   // do not toggle the item as well
              todos.splice(i, 1);
              render();
            });
            li.append(' ', del);
            return li;
          }));
        }

        document.getElementById('new-todo').addEventListener('submit', (e) => {
          e.preventDefault();
          const input = document.getElementById('title');
          todos.push({ title: input.value.trim(), done: false });
          input.value = '';
          render();
        });
      </script>
    </body>
    </html>
    ```

    Rendering everything from the `todos` array keeps the page and the data in sync; for large lists you would update only the changed elements.
    """)

add(C, "What is the difference between `==` and `===` in JavaScript?",
    """
    `===` (strict equality) compares without type conversion: values are equal only if they have the same type and value. `==` (loose equality) first converts the operands to a common type, which gives surprising results:

    ```javascript
    0 == '0';          // true
    0 == '';           // true
    '0' == '';         // false
    null == undefined; // true
    0 === '0';         // false
    ```

    Use `===` and `!==` by default. The one common exception is `x == null`, which checks for both `null` and `undefined`.
    """)

add(C, "Write a Python function that validates a JSON request body for creating a user: `name` (non-empty string), `age` (integer 0–150) and optional `email` (string containing one @). Return a list of error messages (empty if valid).",
    """
    ```python
    def validate_user(body: object) -> list[str]:
        if not isinstance(body, dict):
            return ["body must be a JSON object"]
        errors = []
        name = body.get("name")
        if not isinstance(name, str) or not name.strip():
            errors.append("name: required, a non-empty string")
        age = body.get("age")
        if isinstance(age, bool) or not isinstance(age, int) or not 0 <= age <= 150:
            errors.append("age: required, an integer between 0 and 150")
        if "email" in body:
            email = body["email"]
            if not isinstance(email, str) or email.count("@") != 1 or email.startswith("@") or email.endswith("@"):
                errors.append("email: must look like name@domain")
        unknown = set(body) - {"name", "age", "email"}
        if unknown:
            errors.append(f"unknown fields: {', '.join(sorted(unknown))}")
        return errors
    ```

    `bool` is a subclass of `int` in Python, so `True` would otherwise pass as age 1.
    """, check="""
    assert validate_user({'name': 'Al', 'age': 30}) == []
    assert validate_user({'name': '', 'age': True, 'email': 'x'}) == ['name: required, a non-empty string', 'age: required, an integer between 0 and 150', 'email: must look like name@domain']
    assert validate_user([1]) == ['body must be a JSON object']
    assert validate_user({'name': 'a', 'age': 1, 'x': 1}) == ['unknown fields: x']
    """)
