#!/usr/bin/env python3
"""Independent oracle for AWS Backup (EventBridge) cron schedules, built on the croniter library.

Reads a JSON list of cases from stdin:

    [{"id": 1, "cron": "17 5 ? * MON-FRI 2028", "tz": "UTC",
      "from": "2028-03-01T00:00:00Z", "to": "2028-03-09T00:00:00Z"}, ...]

and prints a JSON list of results, one per case, in the same order:

    [{"id": 1, "firings": ["2028-03-01T05:17:00Z", ...]}, ...]

with every firing in [from, to) as a UTC instant. A case that cannot be translated gets
{"id": n, "error": "..."} instead, so the caller fails loudly rather than comparing nothing.

The AWS fields are translated to croniter's five standard fields and all calendar arithmetic
(steps, ranges, names, L, nL, n#k, nW) is left to croniter, which walks the local wall clock.
Two things are applied here: the year field, because standard cron has none (firings whose
local year is outside it are dropped), and the time zone, with Python's zoneinfo, as EventBridge
Scheduler documents daylight saving time: "When the time shifts forward in Spring, your schedule
invocation gets skipped if the cron expression falls on a non-existent date and time. When the
time shifts back in the Fall, your schedule runs only once and doesn't repeat its invocation."
(https://repost.aws/knowledge-center/eventbridge-scheduler-adjust-dst). A local time that occurs
twice fires at its first occurrence (Docs/ASSUMPTIONS.md A27).

Exit status 3 means croniter is not installed (`Tools/setup test` installs it into the project's .venv/).
"""

import json
import re
import sys
from datetime import datetime, timedelta, timezone

try:
    from zoneinfo import ZoneInfo
except ImportError:  # pragma: no cover - Python < 3.9
    sys.stderr.write("cron_oracle.py needs Python 3.9 or later (zoneinfo)\n")
    sys.exit(2)

try:
    from croniter import CroniterBadDateError, croniter
except ImportError:
    sys.stderr.write(
        "cron_oracle.py: the croniter package is missing; run `Tools/setup test`, which installs it into the"
        " project's .venv/\n"
    )
    sys.exit(3)


class TranslationError(Exception):
    pass


DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]


def dow_number(text):
    """AWS day-of-week (1=SUN..7=SAT or a name) as croniter's 0=SUN..6=SAT, as text."""
    upper = text.upper()
    if upper in DAY_NAMES:
        return str(DAY_NAMES.index(upper))
    if re.fullmatch(r"[1-7]", text):
        return str(int(text) - 1)
    raise TranslationError(f"day-of-week value {text!r}")


def dow_value(text):
    """Like dow_number, but names stay names (croniter reads SUN..SAT itself)."""
    if text.upper() in DAY_NAMES:
        return text
    return dow_number(text)


def translate_dow_item(item):
    m = re.fullmatch(r"([A-Za-z]{3}|\d+)#(\d+)", item)
    if m:  # n#k: k-th weekday n of the month
        return f"{dow_value(m.group(1))}#{m.group(2)}"
    m = re.fullmatch(r"([A-Za-z]{3}|\d+)L", item)
    if m:  # nL: last weekday n of the month, croniter spells it L<n>
        return f"L{dow_number(m.group(1))}"
    if item == "L":
        raise TranslationError("a bare L in day-of-week is not supported by croniter")
    base, slash, step = item.partition("/")
    if slash and not re.fullmatch(r"\d+", step):
        raise TranslationError(f"day-of-week step {item!r}")
    if base == "*":
        out = "*"  # croniter's */s is 0-6/s, the same offsets as AWS's 1-7/s
    elif "-" in base:
        low, high = base.split("-", 1)
        out = f"{dow_value(low)}-{dow_value(high)}"
    else:  # a value, or n/s: croniter runs n/s to the end of its week (6 = SAT), as AWS runs it to 7 = SAT
        out = dow_value(base)
    return out + (slash + step if slash else "")


def translate_dow(field):
    if field == "?":
        return "*"
    return ",".join(translate_dow_item(item) for item in field.split(","))


def translate_dom(field):
    if field == "?":
        return "*"
    for item in field.split(","):
        if item.startswith("L") and item != "L":
            raise TranslationError(f"day-of-month {item!r} (L-n, LW) is not supported by croniter")
    return field  # numbers, ranges, steps, L and nW are spelled the same way


def year_set(field):
    """The years an AWS year field names (standard cron has no year field, so it is applied here)."""
    low_bound, high_bound = 1970, 2199
    if field == "*":
        return None
    years = set()
    for item in field.split(","):
        base, slash, step = item.partition("/")
        step = int(step) if slash else 1
        if base == "*":
            low, high = low_bound, high_bound
        elif "-" in base:
            low, high = (int(part) for part in base.split("-", 1))
        else:
            low = int(base)
            high = high_bound if slash else low
        if step <= 0 or low > high or low < low_bound or high > high_bound:
            raise TranslationError(f"year item {item!r}")
        years.update(range(low, high + 1, step))
    return years


def parse_instant(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def zone(name):
    return timezone.utc if name == "UTC" else ZoneInfo(name)


def to_utc(local, tz):
    """The UTC instant of a naive local time: the first when it occurs twice, None when it does not exist."""
    if tz is timezone.utc:
        return local.replace(tzinfo=timezone.utc)
    first = local.replace(tzinfo=tz, fold=0).astimezone(timezone.utc)
    if first.astimezone(tz).replace(tzinfo=None) != local:
        return None  # the clocks skip this wall-clock time
    return first


def firings(case):
    fields = case["cron"].split()
    if len(fields) != 6:
        raise TranslationError("expected 6 fields")
    minute, hour, dom, month, dow, year = fields
    expression = " ".join([minute, hour, translate_dom(dom), month, translate_dow(dow)])
    years = year_set(year)
    tz = zone(case["tz"])
    start = parse_instant(case["from"])
    end = parse_instant(case["to"])
    # croniter walks naive wall-clock times from a day before the window to a day after it (any offset fits);
    # croniter returns times strictly after its start.
    local_start = start.astimezone(tz).replace(tzinfo=None) - timedelta(days=1)
    local_end = end.astimezone(tz).replace(tzinfo=None) + timedelta(days=1)
    iterator = croniter(expression, local_start)
    out = []
    while True:
        try:
            local = iterator.get_next(datetime)
        except CroniterBadDateError:  # croniter's way of saying no date ever matches (31 FEB): no firings
            break
        if local >= local_end:
            break
        if years is not None and local.year not in years:
            continue
        utc = to_utc(local, tz)
        if utc is not None and start <= utc < end:
            out.append(utc.strftime("%Y-%m-%dT%H:%M:%SZ"))
    return out


def main():
    cases = json.load(sys.stdin)
    results = []
    for case in cases:
        try:
            results.append({"id": case["id"], "firings": firings(case)})
        except Exception as error:  # report per case; the caller treats any error as a failure
            results.append({"id": case["id"], "error": f"{type(error).__name__}: {error}"})
    json.dump(results, sys.stdout, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
