from common import add

C = "Database & SQL"

EMP = """
CREATE TABLE departments (id INTEGER PRIMARY KEY, name TEXT);
CREATE TABLE employees (id INTEGER PRIMARY KEY, name TEXT, department_id INTEGER, salary INTEGER, hired_on TEXT, manager_id INTEGER);
INSERT INTO departments VALUES (1,'Engineering'),(2,'Sales'),(3,'Support');
INSERT INTO employees VALUES
 (1,'Ana',1,120000,'2019-03-01',NULL),(2,'Ben',1,95000,'2021-06-15',1),(3,'Cleo',2,70000,'2020-01-10',1),
 (4,'Dev',2,72000,'2023-02-01',3),(5,'Eli',3,50000,'2022-09-30',1),(6,'Fay',1,99000,'2018-11-11',1);
"""

SHOP = """
CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT, country TEXT, created_at TEXT);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL, status TEXT, ordered_at TEXT);
CREATE TABLE products (id INTEGER PRIMARY KEY, name TEXT, category TEXT, price REAL, stock INTEGER);
CREATE TABLE order_items (order_id INTEGER, product_id INTEGER, quantity INTEGER, unit_price REAL);
INSERT INTO customers VALUES (1,'Ada','DE','2023-01-05'),(2,'Bo','US','2023-02-11'),(3,'Cy','US','2024-03-02'),(4,'Di','FR','2024-04-20');
INSERT INTO orders VALUES (1,1,120.0,'shipped','2024-01-03'),(2,1,35.5,'cancelled','2024-01-09'),(3,2,600.0,'shipped','2024-02-14'),
 (4,2,80.0,'pending','2024-03-01'),(5,3,15.0,'shipped','2024-03-05'),(6,1,220.0,'shipped','2024-03-20');
INSERT INTO products VALUES (1,'Desk','furniture',250.0,4),(2,'Lamp','lighting',40.0,0),(3,'Chair','furniture',120.0,12),(4,'Bulb','lighting',5.0,300),(5,'Shelf','furniture',80.0,2);
INSERT INTO order_items VALUES (1,3,1,120.0),(3,1,2,250.0),(3,5,1,80.0),(3,4,4,5.0),(4,5,1,80.0),(5,4,3,5.0),(6,3,1,120.0),(6,5,1,80.0),(6,4,4,5.0);
"""

add(C, "Write an SQL query that lists the names of all employees earning more than 90,000, highest salary first.",
    """
    ```sql
    SELECT name, salary
    FROM employees
    WHERE salary > 90000
    ORDER BY salary DESC;
    ```
    """, sql_setup=EMP)

add(C, "How many employees work in each department? Write a query that shows the department name and the head count, including departments with nobody in them.",
    """
    Use a LEFT JOIN from departments so that empty departments still appear with a count of 0:

    ```sql
    SELECT d.name AS department, COUNT(e.id) AS head_count
    FROM departments AS d
    LEFT JOIN employees AS e ON e.department_id = d.id
    GROUP BY d.id, d.name
    ORDER BY head_count DESC, d.name;
    ```

    `COUNT(e.id)` counts only matched rows, whereas `COUNT(*)` would count the NULL row of an empty department as 1.
    """, sql_setup=EMP)

add(C, "Find the second highest salary in the employees table. If there is no second highest salary, the query should return NULL.",
    """
    ```sql
    SELECT MAX(salary) AS second_highest_salary
    FROM employees
    WHERE salary < (SELECT MAX(salary) FROM employees);
    ```

    `MAX` over an empty set returns NULL, which covers the case where every employee has the same salary.
    """, sql_setup=EMP)

add(C, "Write a query that returns each employee together with the name of their manager. Employees without a manager should show NULL as the manager name.",
    """
    A self-join on the employees table:

    ```sql
    SELECT e.name AS employee, m.name AS manager
    FROM employees AS e
    LEFT JOIN employees AS m ON m.id = e.manager_id
    ORDER BY e.name;
    ```
    """, sql_setup=EMP)

add(C, "Rank employees by salary within each department (1 = best paid) using a window function.",
    """
    ```sql
    SELECT d.name AS department,
           e.name,
           e.salary,
           RANK() OVER (PARTITION BY e.department_id ORDER BY e.salary DESC) AS salary_rank
    FROM employees AS e
    JOIN departments AS d ON d.id = e.department_id
    ORDER BY d.name, salary_rank;
    ```

    `RANK()` gives equal salaries the same rank and leaves gaps afterwards; use `DENSE_RANK()` if you want no gaps, or `ROW_NUMBER()` for a strict ordering.
    """, sql_setup=EMP)

add(C, "List the employees who were hired in 2021 or later.",
    """
    ```sql
    SELECT name, hired_on
    FROM employees
    WHERE hired_on >= '2021-01-01'
    ORDER BY hired_on;
    ```
    """, sql_setup=EMP)

add(C, "Show, for every department, the average salary rounded to whole numbers, but only for departments whose average is above 60,000.",
    """
    Filter on an aggregate with `HAVING`, not `WHERE`:

    ```sql
    SELECT d.name, ROUND(AVG(e.salary)) AS avg_salary
    FROM employees AS e
    JOIN departments AS d ON d.id = e.department_id
    GROUP BY d.name
    HAVING AVG(e.salary) > 60000
    ORDER BY avg_salary DESC;
    ```
    """, sql_setup=EMP)

add(C, "Write a query returning the total revenue of shipped orders per customer, showing customers with the largest revenue first.",
    """
    ```sql
    SELECT c.name, SUM(o.total) AS revenue
    FROM customers AS c
    JOIN orders AS o ON o.customer_id = c.id
    WHERE o.status = 'shipped'
    GROUP BY c.id, c.name
    ORDER BY revenue DESC;
    ```
    """, sql_setup=SHOP)

add(C, "Which customers have never placed an order? Give two different queries.",
    """
    With an anti-join:

    ```sql
    SELECT c.name
    FROM customers AS c
    LEFT JOIN orders AS o ON o.customer_id = c.id
    WHERE o.id IS NULL;
    ```

    With `NOT EXISTS`:

    ```sql
    SELECT c.name
    FROM customers AS c
    WHERE NOT EXISTS (SELECT 1 FROM orders AS o WHERE o.customer_id = c.id);
    ```

    Avoid `NOT IN (SELECT customer_id FROM orders)` when that column can contain NULL: a single NULL makes `NOT IN` return no rows at all.
    """, sql_setup=SHOP)

add(C, "List products that are out of stock or have fewer than 5 units left, sorted by stock.",
    """
    ```sql
    SELECT name, stock
    FROM products
    WHERE stock < 5
    ORDER BY stock, name;
    ```
    """, sql_setup=SHOP)

add(C, "Compute the monthly number of orders and the monthly revenue (all statuses except cancelled) for 2024. The orders table stores `ordered_at` as an ISO date string.",
    """
    ```sql
    SELECT substr(ordered_at, 1, 7) AS month,
           COUNT(*)                 AS orders,
           SUM(total)               AS revenue
    FROM orders
    WHERE status <> 'cancelled'
      AND ordered_at >= '2024-01-01' AND ordered_at < '2025-01-01'
    GROUP BY month
    ORDER BY month;
    ```

    Taking the first seven characters of an ISO date (`YYYY-MM`) groups by month; in PostgreSQL you would write `date_trunc('month', ordered_at)` on a real date column instead.
    """, sql_setup=SHOP)

add(C, "Find the three best-selling products by quantity sold.",
    """
    ```sql
    SELECT p.name, SUM(oi.quantity) AS units_sold
    FROM order_items AS oi
    JOIN products AS p ON p.id = oi.product_id
    GROUP BY p.id, p.name
    ORDER BY units_sold DESC
    LIMIT 3;
    ```
    """, sql_setup=SHOP)

add(C, "For each customer, show each order with a running total of what the customer has spent so far (ordered by date).",
    """
    ```sql
    SELECT c.name,
           o.ordered_at,
           o.total,
           SUM(o.total) OVER (PARTITION BY o.customer_id ORDER BY o.ordered_at
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS spent_so_far
    FROM orders AS o
    JOIN customers AS c ON c.id = o.customer_id
    ORDER BY c.name, o.ordered_at;
    ```
    """, sql_setup=SHOP)

add(C, "Write a query that returns the most expensive product of every category.",
    """
    One way is to rank inside each category and keep rank 1:

    ```sql
    SELECT category, name, price
    FROM (
      SELECT category, name, price,
             ROW_NUMBER() OVER (PARTITION BY category ORDER BY price DESC) AS rn
      FROM products
    ) AS ranked
    WHERE rn = 1
    ORDER BY category;
    ```

    Use `RANK()` instead of `ROW_NUMBER()` if ties should all be returned.
    """, sql_setup=SHOP)

add(C, "Count the customers per country, but only list countries with at least two customers.",
    """
    ```sql
    SELECT country, COUNT(*) AS customers
    FROM customers
    GROUP BY country
    HAVING COUNT(*) >= 2;
    ```
    """, sql_setup=SHOP)

add(C, "Find the average order value of each customer and compare it with the overall average order value (shipped orders only).",
    """
    ```sql
    WITH shipped AS (
      SELECT customer_id, total FROM orders WHERE status = 'shipped'
    )
    SELECT c.name,
           ROUND(AVG(s.total), 2)                               AS customer_avg,
           ROUND((SELECT AVG(total) FROM shipped), 2)           AS overall_avg,
           ROUND(AVG(s.total) - (SELECT AVG(total) FROM shipped), 2) AS difference
    FROM shipped AS s
    JOIN customers AS c ON c.id = s.customer_id
    GROUP BY c.id, c.name
    ORDER BY difference DESC;
    ```
    """, sql_setup=SHOP)

add(C, "Design a table for blog posts and their tags. A post can have many tags and a tag can belong to many posts. Write the CREATE TABLE statements.",
    """
    A many-to-many relation needs a junction table:

    ```sql
    CREATE TABLE posts (
      id         INTEGER PRIMARY KEY,
      title      TEXT NOT NULL,
      body       TEXT NOT NULL,
      published  TIMESTAMP
    );

    CREATE TABLE tags (
      id   INTEGER PRIMARY KEY,
      name TEXT NOT NULL UNIQUE
    );

    CREATE TABLE post_tags (
      post_id INTEGER NOT NULL REFERENCES posts(id) ON DELETE CASCADE,
      tag_id  INTEGER NOT NULL REFERENCES tags(id)  ON DELETE CASCADE,
      PRIMARY KEY (post_id, tag_id)
    );

    CREATE INDEX post_tags_by_tag ON post_tags(tag_id);
    ```

    The composite primary key prevents tagging a post twice with the same tag, and the extra index makes "all posts with tag X" fast.
    """)

add(C, "What is the difference between WHERE and HAVING?",
    """
    `WHERE` filters individual rows *before* grouping, so it cannot refer to aggregates. `HAVING` filters groups *after* `GROUP BY`, so it can use aggregates such as `COUNT(*)` or `SUM(total)`.

    ```sql
    SELECT customer_id, SUM(total) AS spent
    FROM orders
    WHERE status = 'shipped'      -- row filter
    GROUP BY customer_id
    HAVING SUM(total) > 100;      -- group filter
    ```

    Put conditions that do not need aggregates in `WHERE`: fewer rows reach the grouping step, which is faster.
    """)

add(C, "Write a Python function `top_customers(conn, n)` that uses the sqlite3 module to return the names of the n customers with the highest total order amount. Use a parameterized query.",
    """
    ```python
    import sqlite3


    def top_customers(conn: sqlite3.Connection, n: int) -> list[str]:
        rows = conn.execute(
            '''
            SELECT c.name
            FROM customers AS c
            JOIN orders AS o ON o.customer_id = c.id
            GROUP BY c.id, c.name
            ORDER BY SUM(o.total) DESC
            LIMIT ?
            ''',
            (n,),
        ).fetchall()
        return [name for (name,) in rows]
    ```

    The `?` placeholder lets the driver pass `n` safely instead of formatting it into the SQL string.
    """, check="""
    import sqlite3
    db = sqlite3.connect(':memory:')
    db.executescript('''CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT);
    CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER, total REAL);
    INSERT INTO customers VALUES (1,'a'),(2,'b'),(3,'c');
    INSERT INTO orders VALUES (1,1,10),(2,2,50),(3,3,20),(4,1,15);''')
    assert top_customers(db, 2) == ['b', 'a']
    """)

add(C, "Write a SQL statement that raises the salary of every Support employee by 5%.",
    """
    ```sql
    UPDATE employees
    SET salary = ROUND(salary * 1.05)
    WHERE department_id = (SELECT id FROM departments WHERE name = 'Support');
    ```

    Run it inside a transaction and check the affected row count before committing.
    """)

add(C, "Delete duplicate rows from a `contacts(id, email)` table, keeping the row with the smallest id for each email.",
    """
    ```sql
    DELETE FROM contacts
    WHERE id NOT IN (
      SELECT MIN(id)
      FROM contacts
      GROUP BY email
    );
    ```

    Afterwards add `CREATE UNIQUE INDEX contacts_email ON contacts(email);` so duplicates cannot come back.
    """)

add(C, "Explain what a database index is and when adding one can make things slower.",
    """
    An index is an extra data structure (usually a B-tree) that keeps the values of one or more columns sorted together with pointers to the rows. A lookup such as `WHERE email = ?` can then find rows in O(log n) instead of scanning the whole table.

    Indexes are not free:
    - every `INSERT`, `UPDATE` of an indexed column and `DELETE` must also update the index, so write-heavy tables get slower;
    - they use disk and memory;
    - on low-selectivity columns (for example a boolean flag) the planner often ignores them, so they only cost;
    - too many overlapping indexes make the planner's choice harder.

    Index the columns you filter, join and sort on frequently, and check with `EXPLAIN` (or `EXPLAIN QUERY PLAN` in SQLite) that the index is used.
    """)

add(C, "Write a query that finds orders whose total does not match the sum of their order items (quantity × unit price).",
    """
    ```sql
    SELECT o.id, o.total, SUM(oi.quantity * oi.unit_price) AS items_total
    FROM orders AS o
    JOIN order_items AS oi ON oi.order_id = o.id
    GROUP BY o.id, o.total
    HAVING ABS(o.total - SUM(oi.quantity * oi.unit_price)) > 0.005;
    ```

    Comparing with a small tolerance avoids false alarms from floating-point rounding; storing money as integer cents avoids the problem entirely.
    """, sql_setup=SHOP.replace("(6,1,220.0,'shipped','2024-03-20')", "(6,1,230.0,'shipped','2024-03-20')"))

add(C, "Explain the difference between INNER JOIN, LEFT JOIN and FULL OUTER JOIN with a short example.",
    """
    Take `authors(id, name)` and `books(id, author_id, title)`.

    - `INNER JOIN` keeps only pairs that match: authors without books and books without a known author disappear.
    - `LEFT JOIN` keeps every row of the left table; where there is no match, the right side's columns are NULL. `authors LEFT JOIN books` lists every author, including those with no books.
    - `FULL OUTER JOIN` keeps unmatched rows from both sides.

    ```sql
    SELECT a.name, b.title
    FROM authors AS a
    LEFT JOIN books AS b ON b.author_id = a.id;
    ```
    """)
