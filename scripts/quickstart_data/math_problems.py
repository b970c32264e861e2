"""About forty GSM8K-style word problems (question/answer, calculator annotations, '#### N'), each
generated from a hand-written template with the arithmetic computed, so every answer is right."""

MATH = []


def fmt(x):
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def calc(expr):
    value = eval(expr)  # templates below only use + - * / on numbers
    return f"{expr}=<<{expr}={fmt(value)}>>{fmt(value)}", value


def bakery(name, trays, per_tray, sold):
    total_s, total = calc(f"{trays}*{per_tray}")
    left_s, left = calc(f"{fmt(total)}-{sold}")
    q = f"{name} bakes {trays} trays of muffins with {per_tray} muffins on each tray. She sells {sold} muffins at the market. How many muffins does she have left?"
    a = f"{name} bakes {total_s} muffins.\nAfter the market she has {left_s} muffins left.\n#### {fmt(left)}"
    return q, a


def savings(name, weekly, weeks, price):
    saved_s, saved = calc(f"{weekly}*{weeks}")
    rest_s, rest = calc(f"{fmt(saved)}-{price}")
    q = f"{name} saves ${weekly} every week for {weeks} weeks. Then he buys a bike that costs ${price}. How much money does he have left?"
    a = f"{name} saves {saved_s} dollars.\nAfter buying the bike he has {rest_s} dollars left.\n#### {fmt(rest)}"
    return q, a


def trip(name, speed, hours, extra_km):
    d_s, d = calc(f"{speed}*{hours}")
    t_s, t = calc(f"{fmt(d)}+{extra_km}")
    q = f"{name} drives at {speed} km per hour for {hours} hours and then walks {extra_km} km to a lake. How many kilometres does {name} travel in total?"
    a = f"Driving covers {d_s} km.\nIn total {name} travels {t_s} km.\n#### {fmt(t)}"
    return q, a


def garden(name, rows, plants, dead_frac_num, dead_frac_den):
    total_s, total = calc(f"{rows}*{plants}")
    dead_s, dead = calc(f"{fmt(total)}*{dead_frac_num}/{dead_frac_den}")
    alive_s, alive = calc(f"{fmt(total)}-{fmt(dead)}")
    q = f"{name} plants {rows} rows of tomatoes with {plants} plants in each row. A late frost kills {dead_frac_num}/{dead_frac_den} of the plants. How many tomato plants survive?"
    a = f"{name} plants {total_s} tomato plants.\nThe frost kills {dead_s} plants.\nSo {alive_s} plants survive.\n#### {fmt(alive)}"
    return q, a


def shopping(name, n_shirts, shirt, n_pants, pants, paid):
    s_s, s = calc(f"{n_shirts}*{shirt}")
    p_s, p = calc(f"{n_pants}*{pants}")
    t_s, t = calc(f"{fmt(s)}+{fmt(p)}")
    c_s, c = calc(f"{paid}-{fmt(t)}")
    q = f"{name} buys {n_shirts} shirts for ${shirt} each and {n_pants} pairs of trousers for ${pants} each. She pays with ${paid}. How much change does she get?"
    a = f"The shirts cost {s_s} dollars.\nThe trousers cost {p_s} dollars.\nAltogether she spends {t_s} dollars.\nHer change is {c_s} dollars.\n#### {fmt(c)}"
    return q, a


def reading(name, pages, per_day, days_done):
    r_s, r = calc(f"{per_day}*{days_done}")
    left_s, left = calc(f"{pages}-{fmt(r)}")
    d_s, d = calc(f"{fmt(left)}/{per_day}")
    q = f"{name} is reading a book with {pages} pages. She reads {per_day} pages every day and has been reading for {days_done} days. How many more days will it take her to finish the book?"
    a = f"So far she has read {r_s} pages.\nShe has {left_s} pages left.\nAt {per_day} pages a day she needs {d_s} more days.\n#### {fmt(d)}"
    return q, a


def discount(item, price, percent):
    off_s, off = calc(f"{price}*{percent}/100")
    new_s, new = calc(f"{price}-{fmt(off)}")
    q = f"A {item} costs ${price}. During a sale the price is reduced by {percent}%. What is the sale price of the {item}?"
    a = f"The discount is {off_s} dollars.\nThe sale price is {new_s} dollars.\n#### {fmt(new)}"
    return q, a


def class_trip(students, per_bus, ticket):
    b = -(-students // per_bus)
    cost_s, cost = calc(f"{students}*{ticket}")
    q = f"A school takes {students} students on a trip. Each bus holds {per_bus} students, and each museum ticket costs ${ticket}. How many buses are needed, and how much do the tickets cost in total? Give the total ticket cost as the final answer."
    fewer_s, _ = calc(f"{b - 1}*{per_bus}")
    a = f"{b - 1} buses hold only {fewer_s} students, which is fewer than {students}, so they need {b} buses.\nThe tickets cost {cost_s} dollars.\n#### {fmt(cost)}"
    return q, a


def ages(name, other, age_now, diff, years):
    o_s, o = calc(f"{age_now}+{diff}")
    f_s, f = calc(f"{fmt(o)}+{years}")
    q = f"{name} is {age_now} years old. Her brother {other} is {diff} years older than she is. How old will {other} be in {years} years?"
    a = f"{other} is {o_s} years old now.\nIn {years} years he will be {f_s} years old.\n#### {fmt(f)}"
    return q, a


def paint(rooms, litres_per_room, can_size):
    need_s, need = calc(f"{rooms}*{litres_per_room}")
    cans = -(-int(need) // can_size)
    q = f"Painting one room takes {litres_per_room} litres of paint. Paint is sold in {can_size}-litre cans. How many cans are needed to paint {rooms} rooms?"
    fewer_s, _ = calc(f"{cans - 1}*{can_size}")
    a = f"The rooms need {need_s} litres of paint.\n{cans - 1} cans hold only {fewer_s} litres, which is less than {fmt(need)}, so {cans} cans are needed.\n#### {cans}"
    return q, a


PARAMS = [
    (bakery, [("Maria", 4, 12, 29), ("Aiko", 6, 8, 35), ("Lena", 3, 24, 50), ("Sofia", 5, 9, 17)]),
    (savings, [("Tom", 15, 8, 95), ("Ravi", 12, 10, 84), ("Jonas", 20, 6, 110), ("Mateo", 9, 12, 100)]),
    (trip, [("Nina", 60, 3, 4), ("Omar", 75, 2, 6), ("Chen", 90, 4, 3), ("Ivy", 50, 5, 7)]),
    (garden, [("Paul", 6, 10, 1, 4), ("Greta", 8, 15, 1, 3), ("Sam", 5, 12, 1, 6), ("Hana", 9, 10, 2, 5)]),
    (shopping, [("Emma", 3, 12, 2, 25, 100), ("Zara", 4, 9, 1, 30, 80), ("Lucy", 2, 18, 3, 22, 120), ("Mia", 5, 7, 2, 19, 90)]),
    (reading, [("Ana", 240, 15, 6), ("Bea", 300, 20, 9), ("Cara", 180, 12, 5), ("Dina", 420, 30, 4)]),
    (discount, [("jacket", 80, 25), ("lamp", 45, 20), ("backpack", 60, 15), ("kettle", 35, 40)]),
    (class_trip, [(130, 40, 6), (95, 30, 8), (210, 50, 5), (64, 20, 9)]),
    (ages, [("Julia", "Marco", 9, 4, 6), ("Elif", "Deniz", 12, 3, 10), ("Rosa", "Luis", 7, 5, 8), ("Kate", "Adam", 15, 2, 5)]),
    (paint, [(5, 3.5, 4), (3, 4, 5), (7, 2.5, 4), (4, 6, 10)]),
]

for template, cases in PARAMS:
    for args in cases:
        q, a = template(*args)
        MATH.append({"question": q, "answer": a})
