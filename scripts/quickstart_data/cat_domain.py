from common import add

C = "Domain-Specific"

add(C, "Compute the monthly payment of a fixed-rate loan (annuity formula) given principal, annual interest rate and number of months.",
    """
    ```python
    def monthly_payment(principal: float, annual_rate: float, months: int) -> float:
        if months <= 0:
            raise ValueError("months must be positive")
        r = annual_rate / 12
        if r == 0:
            return principal / months
        return principal * r / (1 - (1 + r) ** -months)
    ```

    For 200,000 at 6% a year over 30 years (360 months) this gives about 1,199.10 per month.
    """, check="""
    assert abs(monthly_payment(200000, 0.06, 360) - 1199.10) < 0.01
    assert monthly_payment(1200, 0, 12) == 100
    """)

add(C, "Generate an amortization schedule for a loan: for every month, the payment, the interest part, the principal part and the remaining balance, rounded to cents.",
    """
    ```python
    def amortization(principal: float, annual_rate: float, months: int) -> list[dict]:
        r = annual_rate / 12
        payment = principal / months if r == 0 else principal * r / (1 - (1 + r) ** -months)
        payment = round(payment, 2)
        balance = principal
        schedule = []
        for month in range(1, months + 1):
            interest = round(balance * r, 2)
            principal_part = round(payment - interest, 2)
            if month == months:  # last payment absorbs the rounding differences
                principal_part = round(balance, 2)
                payment_this = round(principal_part + interest, 2)
            else:
                payment_this = payment
            balance = round(balance - principal_part, 2)
            schedule.append({"month": month, "payment": payment_this, "interest": interest,
                             "principal": principal_part, "balance": balance})
        return schedule
    ```

    Rounding each month to cents, as banks do, leaves a few cents of difference at the end; the final payment is adjusted so the balance reaches exactly zero.
    """, check="""
    s = amortization(1000, 0.12, 12)
    assert len(s) == 12 and s[-1]['balance'] == 0 and s[0]['interest'] == 10.0
    assert abs(sum(x['principal'] for x in s) - 1000) < 1e-6
    """)

add(C, "Compute compound interest: the future value of an investment with a yearly rate compounded n times per year, plus regular yearly contributions at year end.",
    """
    ```python
    def future_value(initial: float, annual_rate: float, years: int,
                     compounds_per_year: int = 12, yearly_contribution: float = 0.0) -> float:
        growth_per_year = (1 + annual_rate / compounds_per_year) ** compounds_per_year
        value = initial
        for _ in range(years):
            value = value * growth_per_year + yearly_contribution
        return value
    ```

    With 10,000 at 5% compounded monthly for 10 years and no contributions, the result is about 16,470.09.
    """, check="""
    assert abs(future_value(10000, 0.05, 10) - 16470.09) < 0.01
    assert future_value(100, 0.0, 3, yearly_contribution=10) == 130
    """)

add(C, "Calculate the GC content of a DNA sequence as a percentage.",
    """
    ```python
    def gc_content(sequence: str) -> float:
        seq = sequence.upper()
        valid = sum(seq.count(base) for base in "ACGT")
        if valid == 0:
            raise ValueError("no A, C, G or T bases in the sequence")
        return 100 * (seq.count("G") + seq.count("C")) / valid
    ```

    Ambiguous symbols such as `N` are left out of the denominator so they do not dilute the percentage.
    """, check="""
    assert gc_content('AGCTATAG') == 37.5 and gc_content('ggccNN') == 100
    """)

add(C, "Return the reverse complement of a DNA sequence.",
    """
    ```python
    _COMPLEMENT = str.maketrans("ACGTacgtNn", "TGCAtgcaNn")


    def reverse_complement(seq: str) -> str:
        return seq.translate(_COMPLEMENT)[::-1]
    ```

    A and T pair, C and G pair; the opposite strand is read in the reverse direction, hence the reversal.
    """, check="""
    assert reverse_complement('ATGCGT') == 'ACGCAT' and reverse_complement('aaNc') == 'gNtt'
    """)

add(C, "Translate an mRNA sequence into a protein string, starting at the first AUG and stopping at a stop codon. Include only the codon table entries needed for the example AUGGCCUUUUAA plus the stop codons, and raise an error for unknown codons.",
    """
    ```python
    CODONS = {
        "AUG": "M", "GCC": "A", "UUU": "F",
        "UAA": "*", "UAG": "*", "UGA": "*",
    }


    def translate(mrna: str, table: dict[str, str] = CODONS) -> str:
        start = mrna.find("AUG")
        if start < 0:
            return ""
        protein = []
        for i in range(start, len(mrna) - 2, 3):
            codon = mrna[i:i + 3]
            if codon not in table:
                raise KeyError(f"codon {codon} is not in the table")
            amino = table[codon]
            if amino == "*":
                break
            protein.append(amino)
        return "".join(protein)
    ```

    With the full 64-codon genetic code in `table` the same function translates any sequence; Biopython's `Seq.translate` does this in practice.
    """, check="""
    assert translate('GGAUGGCCUUUUAAGCC') == 'MAF' and translate('CCC') == ''
    """)

add(C, "Compute the great-circle distance in kilometres between two latitude/longitude points (haversine formula).",
    """
    ```python
    import math

    EARTH_RADIUS_KM = 6371.0


    def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
        phi1, phi2 = math.radians(lat1), math.radians(lat2)
        dphi = math.radians(lat2 - lat1)
        dlmb = math.radians(lon2 - lon1)
        a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
    ```

    Paris (48.8566, 2.3522) to London (51.5074, −0.1278) comes out at about 344 km. The Earth is not a perfect sphere, so for survey-grade accuracy use an ellipsoidal formula such as Vincenty's.
    """, check="""
    d = haversine_km(48.8566, 2.3522, 51.5074, -0.1278); assert 340 < d < 347
    assert haversine_km(10, 20, 10, 20) == 0
    """)

add(C, "Validate a credit card number with the Luhn checksum.",
    """
    ```python
    def luhn_valid(number: str) -> bool:
        digits = [int(c) for c in number if c.isdigit()]
        if len(digits) < 2 or any(not (c.isdigit() or c in " -") for c in number):
            return False
        total = 0
        for i, d in enumerate(reversed(digits)):
            if i % 2 == 1:
                d *= 2
                if d > 9:
                    d -= 9
            total += d
        return total % 10 == 0
    ```

    Every second digit from the right is doubled (subtracting 9 when the result has two digits), and the total must be a multiple of 10. The check catches typos; it says nothing about whether the card exists.
    """, check="""
    assert luhn_valid('4539 1488 0343 6467') and luhn_valid('79927398713')
    assert not luhn_valid('79927398710') and not luhn_valid('1') and not luhn_valid('12a4')
    """)

add(C, "Validate an ISBN-13 and convert a valid ISBN-10 to ISBN-13.",
    """
    ```python
    def isbn13_valid(isbn: str) -> bool:
        digits = [c for c in isbn if c not in "- "]
        if len(digits) != 13 or not all(c.isdigit() for c in digits):
            return False
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(digits))
        return total % 10 == 0


    def isbn10_to_13(isbn10: str) -> str:
        core = [c for c in isbn10 if c not in "- "]
        if len(core) != 10:
            raise ValueError("an ISBN-10 has 10 characters")
        body = "978" + "".join(core[:9])
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body))
        check = (10 - total % 10) % 10
        return body + str(check)
    ```

    The ISBN-10 check digit is dropped, the prefix 978 added, and a new check digit computed with the alternating 1/3 weights.
    """, check="""
    assert isbn13_valid('978-0-306-40615-7') and not isbn13_valid('978-0-306-40615-8')
    assert isbn10_to_13('0-306-40615-2') == '9780306406157'
    """)

add(C, "Count the business days (Monday to Friday) between two dates, excluding a given list of holidays. The start date is included and the end date excluded.",
    """
    ```python
    from datetime import date, timedelta


    def business_days(start: date, end: date, holidays: set[date] = frozenset()) -> int:
        count = 0
        day = start
        while day < end:
            if day.weekday() < 5 and day not in holidays:
                count += 1
            day += timedelta(days=1)
        return count
    ```

    `weekday()` is 0 for Monday and 6 for Sunday. For very long ranges, count whole weeks arithmetically (5 business days each) and loop only over the remainder.
    """, check="""
    from datetime import date
    assert business_days(date(2024, 1, 1), date(2024, 1, 8)) == 5
    assert business_days(date(2024, 1, 1), date(2024, 1, 8), {date(2024, 1, 1)}) == 4
    assert business_days(date(2024, 1, 6), date(2024, 1, 8)) == 0
    """)

add(C, "Compute the molar mass of a simple chemical formula such as H2O, C6H12O6 or NaCl (no parentheses).",
    """
    ```python
    import re

    ATOMIC_MASS = {"H": 1.008, "C": 12.011, "N": 14.007, "O": 15.999, "Na": 22.990, "Cl": 35.45, "S": 32.06}


    def molar_mass(formula: str) -> float:
        if not re.fullmatch(r"([A-Z][a-z]?\\d*)+", formula):
            raise ValueError(f"cannot parse formula {formula!r}")
        total = 0.0
        for element, count in re.findall(r"([A-Z][a-z]?)(\\d*)", formula):
            if element not in ATOMIC_MASS:
                raise KeyError(f"unknown element {element}")
            total += ATOMIC_MASS[element] * (int(count) if count else 1)
        return total
    ```

    An element symbol is one capital letter optionally followed by a lower-case letter, and a missing count means 1. Water comes out at about 18.015 g/mol.
    """, check="""
    assert abs(molar_mass('H2O') - 18.015) < 1e-3 and abs(molar_mass('C6H12O6') - 180.156) < 1e-3
    assert abs(molar_mass('NaCl') - 58.44) < 1e-3
    """)

add(C, "Write a function that computes the body mass index and returns the WHO category for adults.",
    """
    ```python
    def bmi(weight_kg: float, height_m: float) -> tuple[float, str]:
        if weight_kg <= 0 or height_m <= 0:
            raise ValueError("weight and height must be positive")
        value = weight_kg / height_m ** 2
        if value < 18.5:
            category = "underweight"
        elif value < 25:
            category = "normal weight"
        elif value < 30:
            category = "overweight"
        else:
            category = "obesity"
        return round(value, 1), category
    ```

    BMI is a screening measure for populations; it does not distinguish muscle from fat and is not a diagnosis for an individual.
    """, check="""
    assert bmi(70, 1.75) == (22.9, 'normal weight') and bmi(95, 1.75)[1] == 'obesity'
    """)

add(C, "Parse a simple CSV of bank transactions (date,description,amount) and return the total spent per month, ignoring incoming payments (positive amounts).",
    """
    ```python
    import csv
    import io
    from collections import defaultdict
    from decimal import Decimal


    def spending_per_month(csv_text: str) -> dict[str, Decimal]:
        totals: dict[str, Decimal] = defaultdict(Decimal)
        for row in csv.DictReader(io.StringIO(csv_text)):
            amount = Decimal(row["amount"])
            if amount < 0:
                totals[row["date"][:7]] += -amount
        return dict(sorted(totals.items()))
    ```

    `Decimal` keeps money exact (no 0.1 + 0.2 surprises), and the `csv` module handles quoted descriptions that contain commas.
    """, check="""
    from decimal import Decimal
    text = 'date,description,amount\\n2024-01-03,"Coffee, large",-3.40\\n2024-01-15,Salary,2500.00\\n2024-02-01,Rent,-900.10\\n2024-01-20,Books,-20.00\\n'
    assert spending_per_month(text) == {'2024-01': Decimal('23.40'), '2024-02': Decimal('900.10')}
    """)

add(C, "Convert between common units of length: write a function `convert_length(value, from_unit, to_unit)` supporting mm, cm, m, km, in, ft, yd and mi.",
    """
    ```python
    METRES_PER_UNIT = {
        "mm": 0.001, "cm": 0.01, "m": 1.0, "km": 1000.0,
        "in": 0.0254, "ft": 0.3048, "yd": 0.9144, "mi": 1609.344,
    }


    def convert_length(value: float, from_unit: str, to_unit: str) -> float:
        try:
            return value * METRES_PER_UNIT[from_unit] / METRES_PER_UNIT[to_unit]
        except KeyError as e:
            raise ValueError(f"unknown unit {e.args[0]!r}; use one of {', '.join(METRES_PER_UNIT)}") from None
    ```

    Converting through one base unit (metres) needs one factor per unit instead of one per pair of units. The imperial factors are exact by definition (1 in = 2.54 cm).
    """, check="""
    assert abs(convert_length(1, 'mi', 'km') - 1.609344) < 1e-12 and abs(convert_length(12, 'in', 'ft') - 1) < 1e-12
    try:
        convert_length(1, 'm', 'parsec'); raise SystemExit('no')
    except ValueError:
        pass
    """)

add(C, "Compute the net present value (NPV) and the internal rate of return (IRR) of a series of yearly cash flows (the first one at time 0).",
    """
    ```python
    def npv(rate: float, cash_flows: list[float]) -> float:
        return sum(cf / (1 + rate) ** t for t, cf in enumerate(cash_flows))


    def irr(cash_flows: list[float], low: float = -0.99, high: float = 10.0, tol: float = 1e-10) -> float:
        f_low, f_high = npv(low, cash_flows), npv(high, cash_flows)
        if f_low * f_high > 0:
            raise ValueError("NPV does not change sign in the search range; no IRR found")
        while high - low > tol:
            mid = (low + high) / 2
            f_mid = npv(mid, cash_flows)
            if f_low * f_mid <= 0:
                high = mid
            else:
                low, f_low = mid, f_mid
        return (low + high) / 2
    ```

    The IRR is the rate at which the NPV is zero; bisection is slower than Newton's method but cannot diverge. Cash flows that change sign several times can have more than one IRR.
    """, check="""
    assert abs(npv(0.1, [-100, 110])) < 1e-12
    assert abs(irr([-100, 110]) - 0.1) < 1e-8
    assert abs(irr([-1000, 300, 400, 500]) - 0.0889633947) < 1e-6
    """)

add(C, "Estimate the number of calories burned during a walk with the MET formula, given body weight, MET value and duration.",
    """
    ```python
    def calories_burned(weight_kg: float, met: float, minutes: float) -> float:
        # 1 MET is about 1 kcal per kg of body weight per hour.
        return met * weight_kg * minutes / 60
    ```

    Brisk walking is around 3.5–4.3 MET, so a 70 kg person walking briskly (4.0 MET) for 45 minutes burns about 4.0 × 70 × 0.75 = 210 kcal. MET values are population averages, so treat the result as an estimate.
    """, check="""
    assert calories_burned(70, 4.0, 45) == 210
    """)

add(C, "Model a simple inventory for a warehouse: stock levels per SKU, receiving goods, shipping orders (reject if insufficient stock), and a reorder report for SKUs below their reorder point.",
    """
    ```python
    class InsufficientStock(Exception):
        pass


    class Inventory:
        def __init__(self) -> None:
            self.stock: dict[str, int] = {}
            self.reorder_point: dict[str, int] = {}

        def add_sku(self, sku: str, reorder_point: int, initial: int = 0) -> None:
            self.stock[sku] = initial
            self.reorder_point[sku] = reorder_point

        def receive(self, sku: str, quantity: int) -> None:
            if quantity <= 0:
                raise ValueError("quantity must be positive")
            self.stock[sku] += quantity

        def ship(self, order: dict[str, int]) -> None:
            # Check every line first, so an order is shipped completely or not at all.
            missing = {sku: qty - self.stock.get(sku, 0) for sku, qty in order.items() if self.stock.get(sku, 0) < qty}
            if missing:
                raise InsufficientStock(", ".join(f"{sku} short by {n}" for sku, n in sorted(missing.items())))
            for sku, qty in order.items():
                self.stock[sku] -= qty

        def reorder_report(self) -> list[str]:
            return sorted(sku for sku, level in self.stock.items() if level < self.reorder_point[sku])
    ```
    """, check="""
    inv = Inventory(); inv.add_sku('A', 5, 10); inv.add_sku('B', 2, 1)
    inv.ship({'A': 6}); assert inv.stock['A'] == 4 and inv.reorder_report() == ['A', 'B']
    try:
        inv.ship({'A': 1, 'B': 3}); raise SystemExit('no')
    except InsufficientStock as e:
        assert 'B short by 2' in str(e) and inv.stock['A'] == 4
    inv.receive('B', 5); assert inv.reorder_report() == ['A']
    """)

add(C, "Compute a student's weighted grade from assignment scores and category weights (for example homework 30%, exams 50%, project 20%), and map it to a letter grade.",
    """
    ```python
    def weighted_grade(scores: dict[str, list[float]], weights: dict[str, float]) -> tuple[float, str]:
        if abs(sum(weights.values()) - 1) > 1e-9:
            raise ValueError("weights must sum to 1")
        total = 0.0
        for category, weight in weights.items():
            items = scores.get(category, [])
            if not items:
                raise ValueError(f"no scores for {category}")
            total += weight * sum(items) / len(items)
        for threshold, letter in ((90, "A"), (80, "B"), (70, "C"), (60, "D")):
            if total >= threshold:
                return round(total, 1), letter
        return round(total, 1), "F"
    ```
    """, check="""
    g = weighted_grade({'homework': [90, 100], 'exams': [80, 70], 'project': [95]}, {'homework': 0.3, 'exams': 0.5, 'project': 0.2})
    assert g == (85.0, 'B')
    """)

add(C, "Convert a time given in one IANA time zone to another, e.g. 09:30 in New York to Tokyo, handling daylight saving time.",
    """
    ```python
    from datetime import datetime
    from zoneinfo import ZoneInfo


    def convert_time(local: datetime, from_zone: str, to_zone: str) -> datetime:
        aware = local.replace(tzinfo=ZoneInfo(from_zone))
        return aware.astimezone(ZoneInfo(to_zone))


    meeting = convert_time(datetime(2024, 7, 1, 9, 30), "America/New_York", "Asia/Tokyo")
    print(meeting.isoformat())  # 2024-07-01T22:30:00+09:00
    ```

    `zoneinfo` (Python 3.9+) uses the IANA database, which knows when each zone switches to and from daylight saving time; fixed offsets like "UTC−5" would be wrong for half the year.
    """)

add(C, "Explain what a FHIR resource is in healthcare software and show a minimal Patient resource in JSON.",
    """
    FHIR (Fast Healthcare Interoperability Resources) is an HL7 standard for exchanging health data over REST APIs. Data is split into **resources** — Patient, Observation, Encounter, MedicationRequest and so on — each with a defined structure, identified by a URL such as `/Patient/123`, and exchanged as JSON or XML.

    A minimal Patient:

    ```json
    {
      "resourceType": "Patient",
      "id": "example",
      "identifier": [{ "system": "http://hospital.example/mrn", "value": "12345" }],
      "name": [{ "family": "Doe", "given": ["Jane"] }],
      "gender": "female",
      "birthDate": "1980-04-12"
    }
    ```

    Resources refer to each other by reference (an Observation has `"subject": {"reference": "Patient/example"}`), which is how a full record is assembled.
    """)

add(C, "Write a function that computes an electricity bill with tiered pricing: the first 100 kWh cost 0.10 per kWh, the next 200 kWh 0.15, and everything above 300 kWh 0.20, plus a fixed monthly fee of 8.",
    """
    ```python
    TIERS = [(100, 0.10), (200, 0.15), (float("inf"), 0.20)]  # (size of tier in kWh, price)
    FIXED_FEE = 8.0


    def electricity_bill(kwh: float) -> float:
        if kwh < 0:
            raise ValueError("consumption cannot be negative")
        remaining = kwh
        cost = FIXED_FEE
        for size, price in TIERS:
            used = min(remaining, size)
            cost += used * price
            remaining -= used
            if remaining <= 0:
                break
        return round(cost, 2)
    ```

    350 kWh costs 8 + 100·0.10 + 200·0.15 + 50·0.20 = 58.00.
    """, check="""
    assert electricity_bill(350) == 58.0 and electricity_bill(0) == 8.0 and electricity_bill(50) == 13.0
    """)

add(C, "Simulate the growth of a bacterial population with the logistic model over discrete time steps.",
    """
    ```python
    def logistic_growth(p0: float, rate: float, capacity: float, steps: int) -> list[float]:
        population = [p0]
        p = p0
        for _ in range(steps):
            p = p + rate * p * (1 - p / capacity)
            population.append(p)
        return population
    ```

    Growth is nearly exponential while the population is small and slows as it approaches the carrying capacity. With large `rate` values (above 2 in this discrete form) the model starts to oscillate instead of settling.
    """, check="""
    xs = logistic_growth(10, 0.5, 1000, 60)
    assert xs[0] == 10 and all(b >= a for a, b in zip(xs, xs[1:])) and abs(xs[-1] - 1000) < 1
    """)
