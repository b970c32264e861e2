from common import add

C = "Security & Cryptography"

add(C, "Hash a password for storage in Python using only the standard library, and verify it later.",
    """
    ```python
    import hashlib
    import hmac
    import os

    ITERATIONS = 600_000


    def hash_password(password: str) -> str:
        salt = os.urandom(16)
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), salt, ITERATIONS)
        return f"pbkdf2_sha256${ITERATIONS}${salt.hex()}${digest.hex()}"


    def verify_password(password: str, stored: str) -> bool:
        algorithm, iterations, salt_hex, digest_hex = stored.split("$")
        if algorithm != "pbkdf2_sha256":
            raise ValueError("unsupported hash format")
        digest = hashlib.pbkdf2_hmac("sha256", password.encode("utf-8"), bytes.fromhex(salt_hex), int(iterations))
        return hmac.compare_digest(digest.hex(), digest_hex)
    ```

    A random salt per password defeats precomputed tables, the high iteration count slows down brute force, storing the parameters lets you raise them later, and `compare_digest` avoids timing leaks. Dedicated libraries for argon2 or bcrypt are even better choices when you can add a dependency.
    """, check="""
    h = hash_password('correct horse')
    assert verify_password('correct horse', h) and not verify_password('wrong', h)
    assert hash_password('x') != hash_password('x')
    """)

add(C, "Fix the SQL injection vulnerability in this code.",
    """
    The query is built by string formatting, so a name such as `x' OR '1'='1` changes the SQL itself. Pass the value as a parameter; the driver sends it separately from the SQL text:

    ```python
    def find_user(conn, name):
        cur = conn.execute("SELECT id, name FROM users WHERE name = ?", (name,))
        return cur.fetchall()
    ```

    The placeholder syntax depends on the driver (`?` for sqlite3, `%s` for psycopg and MySQL drivers), but the rule is the same: never put user input into the SQL string. Table or column names cannot be parameters; check them against an allow-list instead.
    """, input="""
    def find_user(conn, name):
        cur = conn.execute(f"SELECT id, name FROM users WHERE name = '{name}'")
        return cur.fetchall()
    """, check="""
    import sqlite3
    db = sqlite3.connect(':memory:'); db.executescript("CREATE TABLE users (id INTEGER, name TEXT); INSERT INTO users VALUES (1, 'ann'), (2, 'bob');")
    assert find_user(db, 'ann') == [(1, 'ann')] and find_user(db, "x' OR '1'='1") == []
    """)

add(C, "Generate a secure random token for a password-reset link in Python.",
    """
    ```python
    import secrets


    def reset_token() -> str:
        return secrets.token_urlsafe(32)  # 32 random bytes ≈ 43 URL-safe characters
    ```

    Use the `secrets` module, not `random`: `random` is a predictable pseudo-random generator meant for simulations. Store only a hash of the token on the server, make it single-use, and let it expire after a short time (for example 30 minutes).
    """, check="""
    t = reset_token(); assert len(t) >= 43 and t != reset_token()
    """)

add(C, "Sign and verify a message with HMAC-SHA256 so that a webhook receiver can check the payload was not tampered with.",
    """
    ```python
    import hashlib
    import hmac


    def sign(secret: bytes, payload: bytes) -> str:
        return hmac.new(secret, payload, hashlib.sha256).hexdigest()


    def verify(secret: bytes, payload: bytes, signature: str) -> bool:
        expected = sign(secret, payload)
        return hmac.compare_digest(expected, signature)
    ```

    The sender computes the signature over the raw request body with a shared secret and sends it in a header; the receiver recomputes it over the exact bytes it received. Include a timestamp in the signed data and reject old messages to prevent replays.
    """, check="""
    s = sign(b'k', b'{"a":1}')
    assert verify(b'k', b'{"a":1}', s) and not verify(b'k', b'{"a":2}', s) and not verify(b'other', b'{"a":1}', s)
    """)

add(C, "Compute the SHA-256 checksum of a large file without loading it into memory.",
    """
    ```python
    import hashlib


    def sha256_file(path: str, chunk_size: int = 1 << 20) -> str:
        digest = hashlib.sha256()
        with open(path, "rb") as f:
            while chunk := f.read(chunk_size):
                digest.update(chunk)
        return digest.hexdigest()
    ```

    Reading 1 MiB at a time keeps memory constant. Python 3.11+ also offers `hashlib.file_digest(f, "sha256")`.
    """, check="""
    import tempfile, os, hashlib
    p = os.path.join(tempfile.mkdtemp(), 'f'); open(p, 'wb').write(b'abc' * 1000000)
    assert sha256_file(p, 4096) == hashlib.sha256(b'abc' * 1000000).hexdigest()
    """)

add(C, "Implement a Caesar cipher (encrypt and decrypt) and explain why it is not secure.",
    """
    ```python
    def caesar(text: str, shift: int) -> str:
        out = []
        for ch in text:
            if "a" <= ch <= "z":
                out.append(chr((ord(ch) - 97 + shift) % 26 + 97))
            elif "A" <= ch <= "Z":
                out.append(chr((ord(ch) - 65 + shift) % 26 + 65))
            else:
                out.append(ch)
        return "".join(out)


    def caesar_decrypt(text: str, shift: int) -> str:
        return caesar(text, -shift)
    ```

    It is a teaching example only: there are just 25 possible keys, so trying them all takes microseconds, and letter frequencies survive encryption. Use an authenticated modern cipher (such as AES-GCM or ChaCha20-Poly1305 from a vetted library) for real data.
    """, check="""
    assert caesar('Attack at dawn!', 3) == 'Dwwdfn dw gdzq!' and caesar_decrypt(caesar('Hello, World', 11), 11) == 'Hello, World'
    """)

add(C, "Encrypt and decrypt data with AES-GCM in Python using the `cryptography` package.",
    """
    ```python
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


    def encrypt(key: bytes, plaintext: bytes, associated_data: bytes = b"") -> bytes:
        nonce = os.urandom(12)  # never reuse a nonce with the same key
        return nonce + AESGCM(key).encrypt(nonce, plaintext, associated_data)


    def decrypt(key: bytes, blob: bytes, associated_data: bytes = b"") -> bytes:
        nonce, ciphertext = blob[:12], blob[12:]
        return AESGCM(key).decrypt(nonce, ciphertext, associated_data)  # raises InvalidTag if tampered


    key = AESGCM.generate_key(bit_length=256)
    blob = encrypt(key, b"secret report", b"user:42")
    assert decrypt(key, blob, b"user:42") == b"secret report"
    ```

    GCM authenticates as well as encrypts: any change to the ciphertext, nonce or associated data makes decryption fail. Keep the key in a secrets manager or KMS, not in the code.
    """)

add(C, "What is cross-site scripting (XSS) and how do you prevent it?",
    """
    XSS happens when an attacker gets their JavaScript to run in other users' browsers on your site — for example a comment containing `<script>` that is stored and shown to everyone. The script runs with the victim's session and can read data, act as the user or show fake forms.

    Prevention:
    1. **Escape output for its context**: HTML-escape text placed in HTML, use proper encoding for attributes, URLs and JavaScript. Template engines (Jinja2, React's JSX) escape by default — do not bypass them (`|safe`, `dangerouslySetInnerHTML`) with user data.
    2. **Use safe DOM APIs**: `textContent` instead of `innerHTML`.
    3. **Sanitise** user HTML that must be allowed (rich text) with a maintained sanitiser such as DOMPurify.
    4. **Content Security Policy** header to block inline scripts and unknown sources as a second line of defence.
    5. **HttpOnly cookies** so a script cannot read the session cookie.
    """)

add(C, "Write a Python function that checks password strength: at least 12 characters, not in a small list of common passwords, and containing at least three of: lower case, upper case, digits, symbols. Return a list of problems.",
    """
    ```python
    import string

    COMMON = {"password", "123456789012", "qwertyuiop12", "letmein12345", "iloveyou1234"}


    def password_problems(password: str) -> list[str]:
        problems = []
        if len(password) < 12:
            problems.append("use at least 12 characters")
        if password.lower() in COMMON:
            problems.append("this password is too common")
        classes = [
            any(c in string.ascii_lowercase for c in password),
            any(c in string.ascii_uppercase for c in password),
            any(c in string.digits for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            problems.append("mix at least three of: lower case, upper case, digits, symbols")
        return problems
    ```

    Current guidance (NIST SP 800-63B) puts length and blocking known-breached passwords first; in production check against a large breached-password list rather than a handful of examples.
    """, check="""
    assert password_problems('Tr0ub4dor&3-horse') == []
    assert password_problems('short') == ['use at least 12 characters', 'mix at least three of: lower case, upper case, digits, symbols']
    assert 'this password is too common' in password_problems('Password')
    """)

add(C, "Explain the difference between encoding, encryption and hashing.",
    """
    - **Encoding** changes the representation of data so it can be stored or transmitted (Base64, UTF-8, URL encoding). It uses no key and anyone can reverse it. It provides no security.
    - **Encryption** transforms data with a key so only key holders can read it, and it is reversible with the right key. Symmetric (AES) uses one shared key; asymmetric (RSA, elliptic curves) uses a public key to encrypt and a private key to decrypt.
    - **Hashing** maps data to a fixed-size digest (SHA-256) and is one-way: you cannot get the input back, and a small change gives a completely different digest. Used for integrity checks and — with a slow, salted algorithm such as argon2, bcrypt or PBKDF2 — for storing passwords.
    """)

add(C, "Prevent path traversal in a Python web handler that serves files from an `uploads` directory by name.",
    """
    ```python
    from pathlib import Path

    UPLOAD_DIR = Path("uploads").resolve()


    def safe_upload_path(filename: str) -> Path:
        candidate = (UPLOAD_DIR / filename).resolve()
        if not candidate.is_relative_to(UPLOAD_DIR):
            raise PermissionError(f"refusing to serve {filename!r}: outside the upload folder")
        return candidate
    ```

    A name such as `../../etc/passwd` or an absolute path would otherwise escape the folder. Resolving first (which also follows symlinks) and then checking the result is more reliable than searching the name for `..`. Better still, store uploads under generated ids and keep the original names in the database.
    """, check="""
    p = safe_upload_path('report.pdf'); assert p.name == 'report.pdf'
    for bad in ['../secret.txt', '/etc/passwd', 'a/../../x']:
        try:
            safe_upload_path(bad); raise SystemExit('no')
        except PermissionError:
            pass
    """)

add(C, "What is a JSON Web Token (JWT), and what are common mistakes when using JWTs for authentication?",
    """
    A JWT is a compact token of three Base64URL parts: a header (algorithm), a payload of claims (`sub`, `exp`, roles...) and a signature over both. The server verifies the signature to trust the claims without a database lookup. The payload is **signed, not encrypted**: anyone can read it.

    Common mistakes:
    - accepting `alg: none` or letting the token choose the algorithm — always pin the expected algorithm when verifying;
    - weak HMAC secrets that can be brute-forced offline;
    - putting secrets or personal data in the payload;
    - long-lived tokens with no way to revoke them — use short expiry (`exp`) plus refresh tokens, or a deny-list;
    - not checking `exp`, `aud` and `iss`;
    - storing tokens in localStorage, where injected scripts can steal them.
    """)

add(C, "Write a constant-time comparison function for two byte strings and explain why it matters.",
    """
    ```python
    def constant_time_equal(a: bytes, b: bytes) -> bool:
        if len(a) != len(b):
            return False
        diff = 0
        for x, y in zip(a, b):
            diff |= x ^ y
        return diff == 0
    ```

    A normal `==` stops at the first differing byte, so the time it takes reveals how many leading bytes of a guess are right; an attacker can then recover a secret token byte by byte. This version always looks at every byte. In real code use `hmac.compare_digest`, which is implemented carefully in C.
    """, check="""
    assert constant_time_equal(b'abc', b'abc') and not constant_time_equal(b'abc', b'abd') and not constant_time_equal(b'a', b'ab')
    """)

add(C, "Explain Cross-Site Request Forgery (CSRF) and how to protect a form-based web application against it.",
    """
    In CSRF, a malicious site makes the victim's browser send a request to your site — for example an auto-submitting form that posts to `/transfer`. Because the browser attaches your site's cookies automatically, the request runs as the logged-in user.

    Protection:
    1. **SameSite cookies**: `SameSite=Lax` (or `Strict`) stops browsers from sending the session cookie on cross-site POSTs.
    2. **CSRF tokens**: include a random per-session token in every form as a hidden field and reject requests whose token does not match. Most frameworks do this for you (Django's `{% csrf_token %}`, Rails' authenticity token).
    3. **Never change state with GET requests.**
    4. For JSON APIs, require a custom header or a non-form content type, which cross-site forms cannot send without a CORS preflight, and check the `Origin` header.
    """)

add(C, "Write a Python function that masks sensitive data before logging: e-mail addresses keep the first letter and the domain, and all but the last four digits of card-like numbers (13–19 digits) are replaced with *.",
    """
    ```python
    import re

    EMAIL = re.compile(r"\\b([A-Za-z0-9])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\\.[A-Za-z]{2,})\\b")
    CARD = re.compile(r"\\b\\d{13,19}\\b")


    def mask_sensitive(text: str) -> str:
        text = EMAIL.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text)
        return CARD.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text)
    ```

    Masking at the logging layer is a safety net; it is better still not to pass such data to the logger at all.
    """, check="""
    assert mask_sensitive('user jane.doe@example.com paid with 4111111111111111') == 'user j***@example.com paid with ************1111'
    assert mask_sensitive('order 12345') == 'order 12345'
    """)

add(C, "Describe how TLS protects an HTTPS connection.",
    """
    TLS gives three guarantees between a browser and a server:

    1. **Authentication**: the server presents a certificate binding its domain name to a public key, signed by a certificate authority the browser trusts. The browser checks the signature chain, the domain name and the validity period.
    2. **Key exchange**: client and server run an (elliptic-curve) Diffie-Hellman exchange, signed with the server's key, to agree on fresh session keys. Because the keys are ephemeral, recorded traffic stays safe even if the server's private key leaks later (forward secrecy).
    3. **Confidentiality and integrity**: all application data is encrypted and authenticated with those keys using an AEAD cipher such as AES-GCM or ChaCha20-Poly1305, so eavesdroppers cannot read it and any modification is detected.

    TLS 1.3 simplified the handshake to one round trip and removed older, weaker algorithms.
    """)

add(C, "Implement a simple login attempt limiter: after 5 failed attempts for a username within 15 minutes, further attempts are refused until the window passes.",
    """
    ```python
    import time
    from collections import defaultdict, deque
    from typing import Callable


    class LoginLimiter:
        def __init__(self, max_failures: int = 5, window_seconds: float = 900,
                     clock: Callable[[], float] = time.monotonic) -> None:
            self.max_failures = max_failures
            self.window = window_seconds
            self._clock = clock
            self._failures: dict[str, deque] = defaultdict(deque)

        def _recent(self, username: str) -> deque:
            q = self._failures[username]
            cutoff = self._clock() - self.window
            while q and q[0] <= cutoff:
                q.popleft()
            return q

        def allowed(self, username: str) -> bool:
            return len(self._recent(username)) < self.max_failures

        def record_failure(self, username: str) -> None:
            self._recent(username).append(self._clock())

        def record_success(self, username: str) -> None:
            self._failures.pop(username, None)
    ```

    Key the limiter by username *and* by client IP in production, so one attacker cannot lock out a user and a botnet cannot spread guesses across accounts unnoticed.
    """, check="""
    now = [0.0]
    lim = LoginLimiter(clock=lambda: now[0])
    for _ in range(5): lim.record_failure('ann')
    assert not lim.allowed('ann') and lim.allowed('bob')
    now[0] = 901; assert lim.allowed('ann')
    """)

add(C, "Base64-encode and decode data in Python, and explain why Base64 is not encryption.",
    """
    ```python
    import base64

    encoded = base64.b64encode("héllo".encode("utf-8")).decode("ascii")   # 'aMOpbGxv'
    decoded = base64.b64decode(encoded).decode("utf-8")                  # 'héllo'

    token = base64.urlsafe_b64encode(b"\\xfb\\xff").decode("ascii")        # '-_8=' : safe in URLs
    ```

    Base64 just represents bytes with 64 printable characters so binary data can travel through text-only channels (e-mail, JSON, URLs). There is no key: anyone can decode it, so it hides nothing.
    """, check="""
    import base64
    assert encoded == 'aMOpbGxv' and decoded == 'héllo' and token == '-_8='
    """)

add(C, "Audit this Flask snippet for security problems and rewrite it.",
    """
    Problems:
    1. `debug=True` exposes the Werkzeug debugger, which allows running arbitrary code on the server.
    2. The secret key is hard-coded in the source.
    3. The query is built with string formatting: SQL injection.
    4. The user-controlled `name` is inserted into HTML without escaping: XSS.

    Fixed version:

    ```python
    import os
    import sqlite3

    from flask import Flask, render_template_string, request

    app = Flask(__name__)
    app.secret_key = os.environ["FLASK_SECRET_KEY"]


    @app.get("/hello")
    def hello():
        name = request.args.get("name", "")
        with sqlite3.connect("app.db") as conn:
            row = conn.execute("SELECT greeting FROM users WHERE name = ?", (name,)).fetchone()
        greeting = row[0] if row else "Hello"
        # Jinja2 escapes {{ }} values automatically.
        return render_template_string("<h1>{{ greeting }}, {{ name }}!</h1>", greeting=greeting, name=name)


    if __name__ == "__main__":
        app.run(debug=os.environ.get("FLASK_DEBUG") == "1")
    ```
    """, input="""
    from flask import Flask, request
    import sqlite3

    app = Flask(__name__)
    app.secret_key = "dev-secret-123"

    @app.get("/hello")
    def hello():
        name = request.args.get("name", "")
        conn = sqlite3.connect("app.db")
        row = conn.execute(f"SELECT greeting FROM users WHERE name = '{name}'").fetchone()
        greeting = row[0] if row else "Hello"
        return f"<h1>{greeting}, {name}!</h1>"

    app.run(debug=True)
    """)

add(C, "What is the principle of least privilege? Give examples for a web application's database user and cloud permissions.",
    """
    Every user, process or service gets only the permissions it needs for its job, and nothing more, so a compromised or buggy component can do limited damage.

    Examples:
    - **Database**: the web application connects as a user that may `SELECT`, `INSERT`, `UPDATE` and `DELETE` on its own tables, but cannot `DROP` tables, create users or read other schemas. Migrations run with a separate, more powerful account. Reporting uses a read-only user.
    - **Cloud**: the service that uploads thumbnails may write only to `bucket/thumbnails/*`, not read every bucket in the account; CI deploy credentials can deploy one service, not administer billing.
    - **Operating system**: the app runs as an unprivileged user, not root, in a container without extra capabilities.

    Review permissions regularly: they tend to accumulate.
    """)

add(C, "Generate a random, memorable passphrase of N words from a word list, using a cryptographically secure generator.",
    """
    ```python
    import secrets


    def passphrase(words: list[str], n: int = 5, separator: str = "-") -> str:
        if len(set(words)) < 1000:
            raise ValueError("use a word list with at least 1000 distinct words")
        return separator.join(secrets.choice(words) for _ in range(n))
    ```

    The strength comes from the size of the list and the number of words, not from secrecy of the method: with a 7,776-word list (such as the EFF diceware list), each word adds about 12.9 bits, so five words give about 64 bits of entropy.
    """, check="""
    ws = [f'w{i}' for i in range(2000)]
    p = passphrase(ws, 4); assert len(p.split('-')) == 4 and all(w in ws for w in p.split('-'))
    try:
        passphrase(['a', 'b']); raise SystemExit('no')
    except ValueError:
        pass
    """)

add(C, "Explain public-key cryptography in simple terms, including how digital signatures work.",
    """
    Each party has a key pair: a **public key** they can share with anyone and a **private key** they keep secret. The two are mathematically linked, but the private key cannot practically be derived from the public one.

    - **Encryption**: anyone can encrypt a message with your public key; only your private key can decrypt it. (In practice this protects a random symmetric key, which then encrypts the actual data.)
    - **Signatures**: you compute a signature over a message (its hash) with your private key; anyone can check it with your public key. A valid signature proves the message came from the private key's holder and was not changed.

    The remaining problem is trusting that a public key really belongs to someone — solved by certificates signed by trusted authorities (as in HTTPS) or by verifying fingerprints directly.
    """)
