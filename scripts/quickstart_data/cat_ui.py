from common import add

C = "User Interface & Application Design"

add(C, "Write a Python command-line tool with argparse that converts temperatures: `temp.py 100 --to f` converts 100 °C to Fahrenheit and `--to c` converts from Fahrenheit to Celsius.",
    """
    ```python
    import argparse


    def convert(value: float, to: str) -> float:
        if to == "f":
            return value * 9 / 5 + 32
        return (value - 32) * 5 / 9


    def main(argv: list[str] | None = None) -> int:
        parser = argparse.ArgumentParser(description="Convert temperatures between Celsius and Fahrenheit.")
        parser.add_argument("value", type=float, help="the temperature to convert")
        parser.add_argument("--to", choices=["c", "f"], required=True, help="target unit")
        args = parser.parse_args(argv)
        unit = "°F" if args.to == "f" else "°C"
        print(f"{convert(args.value, args.to):.1f} {unit}")
        return 0


    if __name__ == "__main__":
        raise SystemExit(main())
    ```

    `choices` makes argparse reject anything but `c` or `f` with a helpful message, and `--help` is generated automatically.
    """, check="""
    assert convert(100, 'f') == 212 and convert(212, 'c') == 100
    assert main(['37', '--to', 'f']) == 0
    """)

add(C, "Create a simple counter app with Tkinter: a label showing the count and buttons to increment, decrement and reset.",
    """
    ```python
    import tkinter as tk


    class CounterApp(tk.Tk):
        def __init__(self) -> None:
            super().__init__()
            self.title("Counter")
            self.count = tk.IntVar(value=0)

            tk.Label(self, textvariable=self.count, font=("Helvetica", 32)).pack(padx=20, pady=10)
            buttons = tk.Frame(self)
            buttons.pack(pady=(0, 10))
            tk.Button(buttons, text="−", width=4, command=lambda: self.count.set(self.count.get() - 1)).pack(side="left")
            tk.Button(buttons, text="Reset", command=lambda: self.count.set(0)).pack(side="left", padx=5)
            tk.Button(buttons, text="+", width=4, command=lambda: self.count.set(self.count.get() + 1)).pack(side="left")


    if __name__ == "__main__":
        CounterApp().mainloop()
    ```

    An `IntVar` bound to the label with `textvariable` updates the display automatically whenever the value changes.
    """)

add(C, "Write a React function component for a search box that filters a list of names as the user types.",
    """
    ```jsx
    import { useMemo, useState } from 'react';

    export function NameFilter({ names }) {
      const [query, setQuery] = useState('');

      const visible = useMemo(() => {
        const q = query.trim().toLowerCase();
        return q ? names.filter((n) => n.toLowerCase().includes(q)) : names;
      }, [names, query]);

      return (
        <div>
          <label htmlFor="name-filter">Filter names</label>
          <input
            id="name-filter"
            type="search"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            placeholder="Type to filter…"
          />
          <p aria-live="polite">{visible.length} of {names.length} shown</p>
          <ul>
            {visible.map((name) => <li key={name}>{name}</li>)}
          </ul>
        </div>
      );
    }
    ```

    The `aria-live` region announces the number of results to screen-reader users as they type.
    """)

add(C, "What are the most important accessibility checks for a web form?",
    """
    1. Every input has a visible `<label>` connected with `for`/`id` (placeholders are not labels).
    2. The form works with the keyboard alone: logical tab order, visible focus outline, no keyboard traps.
    3. Errors are shown in text next to the field, not only by colour, and linked with `aria-describedby`; focus moves to the first error after a failed submit.
    4. Required fields are marked in the label text and with `required`.
    5. Text and controls have enough colour contrast (WCAG: at least 4.5:1 for normal text).
    6. Related controls (radio buttons) are grouped in a `<fieldset>` with a `<legend>`.
    7. Use the correct input types and `autocomplete` attributes so browsers and assistive tools can help.
    8. Test with a screen reader (NVDA, VoiceOver) and an automated checker such as axe.
    """)

add(C, "Write a text-based progress bar function in Python for long-running loops in a terminal.",
    """
    ```python
    import sys


    def progress_bar(done: int, total: int, width: int = 30) -> str:
        fraction = 0 if total == 0 else min(1.0, done / total)
        filled = int(width * fraction)
        return f"[{'#' * filled}{'.' * (width - filled)}] {fraction * 100:5.1f}% ({done}/{total})"


    def show_progress(done: int, total: int) -> None:
        # \\r returns to the start of the line so the bar redraws in place.
        sys.stdout.write("\\r" + progress_bar(done, total))
        sys.stdout.flush()
        if done >= total:
            sys.stdout.write("\\n")
    ```
    """, check="""
    assert progress_bar(5, 10, 10) == '[#####.....]  50.0% (5/10)'
    assert progress_bar(0, 0, 4) == '[....]   0.0% (0/0)'
    """)

add(C, "Create an accessible modal dialog in HTML and JavaScript that opens with a button, closes with Escape or a Close button, and returns focus to the opening button.",
    """
    The native `<dialog>` element handles focus trapping, the Escape key and the backdrop for you:

    ```html
    <button id="open-settings" type="button">Settings</button>

    <dialog id="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <label><input type="checkbox" name="notifications"> Enable notifications</label>
      <form method="dialog">
        <button>Close</button>
      </form>
    </dialog>

    <script>
      const opener = document.getElementById('open-settings');
      const dialog = document.getElementById('settings');
      opener.addEventListener('click', () => dialog.showModal());
      dialog.addEventListener('close', () => opener.focus());
    </script>
    ```

    `showModal()` makes the rest of the page inert, Escape closes the dialog, a button inside `<form method="dialog">` closes it without submitting anything, and the `close` event returns focus to where the user was.
    """)

add(C, "Write client-side validation in JavaScript for a password field: show messages for 'at least 10 characters', 'contains a number' and 'contains a letter' as the user types.",
    """
    ```html
    <label for="pw">Password</label>
    <input id="pw" type="password" aria-describedby="pw-rules" autocomplete="new-password">
    <ul id="pw-rules">
      <li data-rule="length">At least 10 characters</li>
      <li data-rule="digit">Contains a number</li>
      <li data-rule="letter">Contains a letter</li>
    </ul>

    <script>
      const rules = {
        length: (v) => v.length >= 10,
        digit: (v) => /\\d/.test(v),
        letter: (v) => /[a-z]/i.test(v),
      };
      const input = document.getElementById('pw');
      input.addEventListener('input', () => {
        for (const [name, test] of Object.entries(rules)) {
          const item = document.querySelector(`[data-rule="${name}"]`);
          const ok = test(input.value);
          item.classList.toggle('ok', ok);
          item.textContent = `${ok ? '✓' : '✗'} ${item.textContent.replace(/^[✓✗] /, '')}`;
        }
      });
    </script>
    ```

    The check marks give text feedback (not only colour), and the server must still enforce the same rules.
    """)

add(C, "Design the screens and navigation of a simple mobile expense-tracking app. List the screens and what each contains.",
    """
    1. **Home / overview**: this month's total against the budget (progress bar), spending by category (small chart), the five latest expenses, and a prominent "+" button to add an expense.
    2. **Add expense** (a sheet over the home screen): amount with a numeric keypad first, then category (recent ones at the top), date (defaults to today), optional note and receipt photo; one "Save" button.
    3. **Expense list**: searchable, grouped by day, with filters for category and date range; swipe to edit or delete, with undo.
    4. **Expense detail / edit**: the same fields as "Add", plus delete.
    5. **Reports**: monthly totals over time, category breakdown, export to CSV.
    6. **Settings**: currency, monthly budget, categories, backup/sync, dark mode.

    Navigation: a bottom tab bar with Home, List and Reports; Settings from the Home header. The most frequent task — adding an expense — must take under ten seconds and be reachable from every tab.
    """)

add(C, "Write a Python function that formats a table of rows (lists of strings) as aligned plain text columns for a terminal.",
    """
    ```python
    def format_table(headers: list[str], rows: list[list[str]]) -> str:
        widths = [len(h) for h in headers]
        for row in rows:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], len(cell))

        def line(cells: list[str]) -> str:
            return "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip()

        separator = "  ".join("-" * w for w in widths)
        return "\\n".join([line(headers), separator, *(line(r) for r in rows)])
    ```
    """, check="""
    t = format_table(['name', 'qty'], [['apple', '3'], ['kiwi', '12']])
    assert t == 'name   qty\\n-----  ---\\napple  3\\nkiwi   12'
    """)

add(C, "Implement an undo/redo history for a text editor model in Python using the command pattern.",
    """
    ```python
    class Document:
        def __init__(self) -> None:
            self.text = ""


    class Insert:
        def __init__(self, position: int, content: str) -> None:
            self.position = position
            self.content = content

        def do(self, doc: Document) -> None:
            doc.text = doc.text[: self.position] + self.content + doc.text[self.position :]

        def undo(self, doc: Document) -> None:
            doc.text = doc.text[: self.position] + doc.text[self.position + len(self.content) :]


    class History:
        def __init__(self, doc: Document) -> None:
            self.doc = doc
            self._undo: list = []
            self._redo: list = []

        def run(self, command) -> None:
            command.do(self.doc)
            self._undo.append(command)
            self._redo.clear()  # a new edit invalidates the redo branch

        def undo(self) -> bool:
            if not self._undo:
                return False
            command = self._undo.pop()
            command.undo(self.doc)
            self._redo.append(command)
            return True

        def redo(self) -> bool:
            if not self._redo:
                return False
            command = self._redo.pop()
            command.do(self.doc)
            self._undo.append(command)
            return True
    ```
    """, check="""
    d = Document(); h = History(d)
    h.run(Insert(0, 'world')); h.run(Insert(0, 'hello '))
    assert d.text == 'hello world'
    h.undo(); assert d.text == 'world'
    h.redo(); assert d.text == 'hello world'
    h.undo(); h.run(Insert(5, '!')); assert d.text == 'world!' and not h.redo()
    """)

add(C, "What makes a good error message in an application?",
    """
    A good error message tells the user:
    1. **What happened**, in plain words ("The file could not be saved"), not a code or a stack trace.
    2. **Why**, if known ("the disk is full").
    3. **What to do next** ("Free some space or choose another folder"), ideally with a button that does it.

    Also:
    - Put it where the problem is (next to the form field), not only in a generic banner.
    - Do not blame the user, and do not be vague ("Something went wrong").
    - Keep the user's input; never make them re-type a form because of one invalid field.
    - Log the technical details (and give a reference id) for support, rather than showing them.
    """)

add(C, "Write a CSS component for a notification 'toast' that slides in at the bottom right and respects users who prefer reduced motion.",
    """
    ```css
    .toast {
      position: fixed;
      right: 1rem;
      bottom: 1rem;
      max-width: 22rem;
      padding: .75rem 1rem;
      border-radius: .5rem;
      background: #1f2937;
      color: #fff;
      box-shadow: 0 4px 12px rgb(0 0 0 / .25);
      animation: toast-in .25s ease-out;
    }

    @keyframes toast-in {
      from { transform: translateY(1rem); opacity: 0; }
      to   { transform: translateY(0);    opacity: 1; }
    }

    @media (prefers-reduced-motion: reduce) {
      .toast { animation: none; }
    }
    ```

    In the HTML, give the container `role="status"` (or `aria-live="polite"`) so screen readers announce the message.
    """)

add(C, "Build an interactive command-line menu in Python that lets the user add, list and remove notes until they choose to quit. Keep the logic testable by separating input/output from the note operations.",
    """
    ```python
    class Notes:
        def __init__(self) -> None:
            self.items: list[str] = []

        def add(self, text: str) -> str:
            text = text.strip()
            if not text:
                return "Nothing to add."
            self.items.append(text)
            return f"Added note {len(self.items)}."

        def remove(self, number: str) -> str:
            if not number.isdigit() or not 1 <= int(number) <= len(self.items):
                return f"Choose a number between 1 and {len(self.items)}." if self.items else "There are no notes."
            removed = self.items.pop(int(number) - 1)
            return f"Removed: {removed}"

        def listing(self) -> str:
            if not self.items:
                return "No notes yet."
            return "\\n".join(f"{i}. {text}" for i, text in enumerate(self.items, start=1))


    def main(read=input, write=print) -> None:
        notes = Notes()
        actions = {"a": "add", "l": "list", "r": "remove", "q": "quit"}
        while True:
            choice = read("[a]dd, [l]ist, [r]emove, [q]uit: ").strip().lower()
            action = actions.get(choice[:1])
            if action == "quit":
                write("Bye!")
                return
            if action == "add":
                write(notes.add(read("Note: ")))
            elif action == "list":
                write(notes.listing())
            elif action == "remove":
                write(notes.remove(read("Number: ").strip()))
            else:
                write("Unknown choice.")


    if __name__ == "__main__":
        main()
    ```

    Passing `read` and `write` in makes the loop testable with scripted input, and the `Notes` class can be tested without any I/O at all.
    """, check="""
    answers = iter(['a', 'buy milk', 'a', 'call Bo', 'r', '1', 'l', 'x', 'q']); out = []
    main(read=lambda prompt: next(answers), write=out.append)
    assert out == ['Added note 1.', 'Added note 2.', 'Removed: buy milk', '1. call Bo', 'Unknown choice.', 'Bye!']
    """)

add(C, "Explain the Model-View-Controller (MVC) pattern for user interfaces.",
    """
    MVC splits an interactive application into three roles:

    - **Model**: the data and the rules that act on it (a shopping cart and its total). It knows nothing about the screen.
    - **View**: presents the model to the user (the cart page) and updates when the model changes.
    - **Controller**: turns user actions into operations on the model (a click on "remove" calls `cart.remove(item)`).

    The separation lets you test business rules without a UI, show the same model in several views, and change the look without touching the logic. Variants such as MVP and MVVM move the boundaries around — in MVVM, for example, a view model exposes bindable state that the view observes.
    """)

add(C, "Write a Python function that wraps long text to a given width for display in a terminal, keeping paragraphs separate.",
    """
    ```python
    import textwrap


    def wrap_paragraphs(text: str, width: int = 72) -> str:
        paragraphs = [p for p in text.split("\\n\\n")]
        wrapped = [textwrap.fill(" ".join(p.split()), width=width) for p in paragraphs if p.strip()]
        return "\\n\\n".join(wrapped)
    ```

    `" ".join(p.split())` first collapses the line breaks and repeated spaces inside each paragraph, so `textwrap.fill` can re-flow it.
    """, check="""
    out = wrap_paragraphs('one two three four five\\nsix\\n\\nseven', 10)
    assert out == 'one two\\nthree four\\nfive six\\n\\nseven'
    """)

add(C, "Make a responsive navigation bar: horizontal links on wide screens, and a 'Menu' button that shows and hides the links on narrow screens.",
    """
    ```html
    <nav class="nav">
      <a class="brand" href="/">Acme</a>
      <button class="menu-toggle" aria-expanded="false" aria-controls="nav-links">Menu</button>
      <ul id="nav-links" class="links">
        <li><a href="/products">Products</a></li>
        <li><a href="/pricing">Pricing</a></li>
        <li><a href="/about">About</a></li>
      </ul>
    </nav>

    <style>
      .nav { display: flex; align-items: center; justify-content: space-between; flex-wrap: wrap; padding: .5rem 1rem; }
      .links { display: flex; gap: 1rem; list-style: none; margin: 0; padding: 0; }
      .menu-toggle { display: none; }

      @media (max-width: 640px) {
        .menu-toggle { display: block; }
        .links { display: none; flex-basis: 100%; flex-direction: column; }
        .links.open { display: flex; }
      }
    </style>

    <script>
      const toggle = document.querySelector('.menu-toggle');
      const links = document.getElementById('nav-links');
      toggle.addEventListener('click', () => {
        const open = links.classList.toggle('open');
        toggle.setAttribute('aria-expanded', String(open));
      });
    </script>
    ```

    `aria-expanded` tells assistive technology whether the menu is currently open.
    """)

add(C, "Give five principles for designing a clear settings page.",
    """
    1. **Group related settings** under short, scannable headings (Account, Notifications, Privacy), with the most used groups first.
    2. **Use sensible defaults** so most people never need the page.
    3. **Say what each option does** in plain language, with the consequence ("Others can find you by e-mail address"), not internal jargon.
    4. **Pick the right control**: a switch for an immediate on/off, radio buttons for a few exclusive choices, a select for long lists; apply instantly or have one clear Save button — not a mix.
    5. **Make dangerous actions hard to trigger by accident**: put "Delete account" in a separate danger zone and ask for confirmation that names what will be lost.
    """)

add(C, "Write a small state machine in Python for a traffic-light UI that cycles green → yellow → red → green and reports how long each light stays on.",
    """
    ```python
    from dataclasses import dataclass


    @dataclass(frozen=True)
    class Light:
        name: str
        seconds: int


    CYCLE = {
        "green": (Light("green", 30), "yellow"),
        "yellow": (Light("yellow", 4), "red"),
        "red": (Light("red", 25), "green"),
    }


    class TrafficLight:
        def __init__(self, start: str = "red") -> None:
            if start not in CYCLE:
                raise ValueError(f"unknown light {start!r}")
            self.state = start

        @property
        def duration(self) -> int:
            return CYCLE[self.state][0].seconds

        def next(self) -> str:
            self.state = CYCLE[self.state][1]
            return self.state
    ```

    Keeping the transitions in one table makes invalid states impossible and the cycle easy to change.
    """, check="""
    t = TrafficLight('green')
    assert [t.next(), t.next(), t.next()] == ['yellow', 'red', 'green'] and t.duration == 30
    """)

add(C, "Write a Vue 3 component (Composition API) for a star rating input from 1 to 5 that emits the chosen value.",
    """
    ```vue
    <script setup>
    import { ref } from 'vue';

    const props = defineProps({ modelValue: { type: Number, default: 0 } });
    const emit = defineEmits(['update:modelValue']);
    const hover = ref(0);

    function choose(value) {
      emit('update:modelValue', value);
    }
    </script>

    <template>
      <div class="stars" role="radiogroup" aria-label="Rating">
        <button
          v-for="n in 5"
          :key="n"
          type="button"
          role="radio"
          :aria-checked="n === props.modelValue"
          :aria-label="`${n} star${n > 1 ? 's' : ''}`"
          @click="choose(n)"
          @mouseenter="hover = n"
          @mouseleave="hover = 0"
        >
          {{ n <= (hover || props.modelValue) ? '★' : '☆' }}
        </button>
      </div>
    </template>
    ```

    Use it with `v-model`: `<StarRating v-model="rating" />`.
    """)

add(C, "Write a function that returns a human-friendly relative time string such as 'just now', '5 minutes ago', 'yesterday' or '3 days ago' for a timestamp.",
    """
    ```python
    from datetime import datetime, timedelta


    def time_ago(then: datetime, now: datetime) -> str:
        seconds = int((now - then).total_seconds())
        if seconds < 0:
            return "in the future"
        if seconds < 45:
            return "just now"
        minutes = seconds // 60
        if minutes < 60:
            minutes = max(1, minutes)
            return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
        hours = minutes // 60
        if hours < 24:
            return f"{hours} hour{'s' if hours != 1 else ''} ago"
        days = hours // 24
        if days == 1:
            return "yesterday"
        if days < 30:
            return f"{days} days ago"
        return then.strftime("%d %b %Y")
    ```

    Passing `now` in (instead of calling `datetime.now()` inside) keeps the function easy to test.
    """, check="""
    from datetime import datetime, timedelta
    n = datetime(2024, 5, 10, 12, 0)
    assert time_ago(n - timedelta(seconds=10), n) == 'just now'
    assert time_ago(n - timedelta(seconds=50), n) == '1 minute ago'
    assert time_ago(n - timedelta(minutes=5), n) == '5 minutes ago'
    assert time_ago(n - timedelta(hours=2), n) == '2 hours ago'
    assert time_ago(n - timedelta(days=1, hours=1), n) == 'yesterday'
    assert time_ago(n - timedelta(days=3), n) == '3 days ago'
    assert time_ago(n - timedelta(days=90), n) == '10 Feb 2024'
    """)

add(C, "How should a desktop or mobile app behave when the network connection is lost?",
    """
    - **Tell the user clearly but calmly**: a small "Offline" banner rather than a blocking error dialog.
    - **Keep working where possible**: show cached data (marked as possibly outdated), let the user keep creating and editing.
    - **Queue changes locally** and sync them automatically when the connection returns, with a visible "pending" state per item.
    - **Handle conflicts** when the same item changed elsewhere: merge when safe, otherwise ask the user which version to keep.
    - **Retry with backoff** instead of hammering the network, and let the user trigger a manual retry.
    - **Never lose input**: a form being submitted while offline must be saved, not discarded.
    """)
