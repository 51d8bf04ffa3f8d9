#!/usr/bin/env python3
"""Builds Tests/Fixtures/compare/aws: our reports of a month rewritten as AWS Backup Audit Manager delivers its own.

Usage: make-compare-fixtures.py REPORTS_DIR OUT_DIR, where REPORTS_DIR is `simulate --out`'s reports/ folder for
scenarios/untagged-neptune (2028-03). The files take AWS's S3 key layout (Docs/REPORTS.md, facts sheet section 1.6):
Backup/<account|crossaccount>/<region|crossregion>/yyyy/mm/dd/<report plan>/<TEMPLATE>_<plan>_<start>_<end>.<ext>,
keep AWS's columns only (ours after them are dropped), and hold the rows of each daily window: jobs created before
the window's end and not completed before its start; compliance reports whole, as the snapshot at the window's end.
JSON files wrap the rows in {"reportItems": [...]} with keys from ReportTemplate.swift, numbers and booleans typed.
Deterministic: the same reports give the same bytes.
"""

import csv
import io
import json
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NUMBERS = {"backupSizeInBytes", "deleteAfterDays", "moveToColdAfterDays", "numResourcesCompliant",
           "numResourcesNonCompliant"}
BOOLEANS = {"isParentJob", "isEncrypted", "enableArchive"}


def columns():
    """(template, [(key, header)]) of AWS's columns, read from the one column table."""
    text = open(os.path.join(ROOT, "Sources/EvidenceReports/ReportTemplate.swift"), encoding="utf-8").read()
    aws = text[text.index("public var awsColumns"):text.index("public var extraColumns")]
    names = {"backupJob": "BACKUP_JOB_REPORT", "copyJob": "COPY_JOB_REPORT", "restoreJob": "RESTORE_JOB_REPORT",
             "resourceCompliance": "RESOURCE_COMPLIANCE_REPORT", "controlCompliance": "CONTROL_COMPLIANCE_REPORT"}
    table = {}
    for case, body in re.findall(r"case \.(\w+):\s*\[(.*?)\]", aws, re.S):
        if case in names:
            table[names[case]] = re.findall(r'ReportColumn\("(\w+)", "([^"]+)"\)', body)
    return table


def read(reports, template):
    with open(os.path.join(reports, template + ".csv"), encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], [dict(zip(rows[0], row)) for row in rows[1:]]


def in_window(row, start, end):
    created = row["Creation Date"]
    completed = row["Completion Date"]
    return created[:19] < end[:19] and (completed == "" or completed[:19] >= start[:19])


def write_csv(path, header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row[name] for name in header])
    write(path, out.getvalue())


def write_json(path, keys, rows):
    items = []
    for row in rows:
        item = {}
        for key, header in keys:
            value = row[header]
            if key == "backupOptions":
                item[key] = json.loads(value) if value else {}
            elif value == "":
                item[key] = None
            elif key in NUMBERS:
                item[key] = int(value)
            elif key in BOOLEANS:
                item[key] = value == "true"
            else:
                item[key] = value
        items.append(item)
    write(path, json.dumps({"reportItems": items}, indent=2) + "\n")


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def main():
    reports, out = sys.argv[1], sys.argv[2]
    table = columns()
    days = [("2028-03-14T00:00:00Z", "2028-03-15T00:00:00Z"), ("2028-03-15T00:00:00Z", "2028-03-16T00:00:00Z")]

    # Backup jobs: an organization report plan, CSV only (facts 1.5), two daily files.
    header = [h for _, h in table["BACKUP_JOB_REPORT"]]
    _, rows = read(reports, "BACKUP_JOB_REPORT")
    for start, end in days:
        picked = [dict(row, **{"Report Time Period Start": start, "Report Time Period End": end})
                  for row in rows if in_window(row, start, end)]
        folder = f"Backup/crossaccount/crossregion/{end[:4]}/{end[5:7]}/{end[8:10]}/org_jobs"
        write_csv(os.path.join(out, folder, f"BACKUP_JOB_REPORT_org_jobs_{start}_{end}.csv"), header, picked)

    # Copy jobs: one account and Region, JSON, one day.
    start, end = days[1]
    _, rows = read(reports, "COPY_JOB_REPORT")
    picked = [dict(row, **{"Report Time Period Start": start, "Report Time Period End": end})
              for row in rows if in_window(row, start, end)]
    folder = f"Backup/123456789012/us-east-1/{end[:4]}/{end[5:7]}/{end[8:10]}/account_jobs"
    write_json(os.path.join(out, folder, f"COPY_JOB_REPORT_account_jobs_{start}_{end}.json"),
               table["COPY_JOB_REPORT"], picked)

    # Compliance: the snapshot at the month's end, JSON for one account and Region, CSV for the organization.
    start, end = "2028-03-31T00:00:00Z", "2028-04-01T00:00:00Z"
    _, rows = read(reports, "RESOURCE_COMPLIANCE_REPORT")
    folder = "Backup/123456789012/us-east-1/2028/04/01/account_compliance"
    write_json(os.path.join(out, folder, f"RESOURCE_COMPLIANCE_REPORT_account_compliance_{start}_{end}.json"),
               table["RESOURCE_COMPLIANCE_REPORT"], rows)
    _, rows = read(reports, "CONTROL_COMPLIANCE_REPORT")
    folder = "Backup/crossaccount/crossregion/2028/04/01/org_compliance"
    write_csv(os.path.join(out, folder, f"CONTROL_COMPLIANCE_REPORT_org_compliance_{start}_{end}.csv"),
              [h for _, h in table["CONTROL_COMPLIANCE_REPORT"]], rows)


if __name__ == "__main__":
    main()
