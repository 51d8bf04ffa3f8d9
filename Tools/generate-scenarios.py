#!/usr/bin/env python3
"""Generates scenarios/org-estate, scenarios/untagged-neptune and the estates of scenarios/event-streams and
scenarios/job-lists deterministically.

The output is committed so the scenarios read as data; run this again only to change them:
    python3 Tools/generate-scenarios.py
Every file is written in the shape the AWS CLI prints with --output json.

With --out it writes only an organization in org-estate's shapes, of any size, for measurements (nothing of it is
committed); the same arguments give the same bytes, and the defaults give org-estate itself:
    python3 Tools/generate-scenarios.py --out DIR --resources 10000 --accounts 30 [--name NAME]
"""
import argparse
import base64
import json
import os
import random
import shutil
import uuid

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scenarios")
ROLE = "arn:aws:iam::{acct}:role/service-role/AWSBackupDefaultServiceRole"
TYPES = ["EC2", "EBS", "RDS", "Aurora", "DynamoDB", "EFS", "S3", "Neptune"]


class Gen:
    def __init__(self, seed):
        self.rng = random.Random(seed)

    def hex(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def uuid(self):
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))


def write(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=4, ensure_ascii=False)
        f.write("\n")


def vault(g, acct, region, name, locked=None):
    v = {
        "BackupVaultName": name,
        "BackupVaultArn": f"arn:aws:backup:{region}:{acct}:backup-vault:{name}",
        "VaultType": "BACKUP_VAULT",
        "VaultState": "AVAILABLE",
        "CreationDate": "2027-06-01T09:00:00.000000+00:00",
        "EncryptionKeyArn": f"arn:aws:kms:{region}:{acct}:key/{g.uuid()}",
        "CreatorRequestId": g.uuid(),
        "NumberOfRecoveryPoints": 0,
        "Locked": False,
        "EncryptionKeyType": "CUSTOMER_MANAGED_KMS_KEY",
    }
    if locked:
        v.update(
            {
                "Locked": True,
                "MinRetentionDays": locked[0],
                "MaxRetentionDays": locked[1],
                "LockDate": "2027-07-01T00:00:00.000000+00:00",
            }
        )
    return v


def plan(g, acct, region, name, rules):
    plan_id = g.uuid()
    version = base64.b64encode(g.uuid().encode()).decode()
    for r in rules:
        r["RuleId"] = g.uuid()
    return {
        "BackupPlan": {"BackupPlanName": name, "Rules": rules},
        "BackupPlanId": plan_id,
        "BackupPlanArn": f"arn:aws:backup:{region}:{acct}:backup-plan:{plan_id}",
        "VersionId": version,
        "CreationDate": "2027-06-01T09:05:00.000000+00:00",
    }


def selection(g, plan_obj, acct, name, **body):
    s = {"SelectionName": name, "IamRoleArn": ROLE.format(acct=acct)}
    s.update(body)
    return {
        "BackupSelection": s,
        "SelectionId": g.uuid(),
        "BackupPlanId": plan_obj["BackupPlanId"],
        "CreationDate": "2027-06-01T09:10:00.000000+00:00",
        "CreatorRequestId": g.uuid(),
    }


def standard_plans(g, acct, region, other_region, critical_vault="critical-vault"):
    dr = f"arn:aws:backup:{other_region}:{acct}:backup-vault:central-dr"
    plans = {
        "daily-7-day": plan(
            g, acct, region, "daily-7-day",
            [{
                "RuleName": "daily",
                "TargetBackupVaultName": "standard-vault",
                "ScheduleExpression": "cron(0 5 ? * * *)",
                "ScheduleExpressionTimezone": "UTC",
                "StartWindowMinutes": 60,
                "CompletionWindowMinutes": 720,
                "Lifecycle": {"DeleteAfterDays": 7},
                "RecoveryPointTags": {"BackupPlan": "daily-7-day"},
            }],
        ),
        "daily-35-day": plan(
            g, acct, region, "daily-35-day",
            [{
                "RuleName": "daily-critical",
                "TargetBackupVaultName": critical_vault,
                "ScheduleExpression": "cron(0 3 ? * * *)",
                "ScheduleExpressionTimezone": "UTC",
                "StartWindowMinutes": 60,
                "CompletionWindowMinutes": 720,
                "Lifecycle": {"DeleteAfterDays": 35},
                "RecoveryPointTags": {"BackupPlan": "daily-35-day"},
                "CopyActions": [{"Lifecycle": {"DeleteAfterDays": 35}, "DestinationBackupVaultArn": dr}],
            }],
        ),
        "monthly-1yr": plan(
            g, acct, region, "monthly-1yr",
            [{
                "RuleName": "monthly",
                "TargetBackupVaultName": "standard-vault",
                "ScheduleExpression": "cron(0 7 1 * ? *)",
                "ScheduleExpressionTimezone": "UTC",
                "StartWindowMinutes": 480,
                "CompletionWindowMinutes": 10080,
                "Lifecycle": {"MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 365},
                "RecoveryPointTags": {"BackupPlan": "monthly-1yr"},
            }],
        ),
        "hourly-continuous-rds": plan(
            g, acct, region, "hourly-continuous-rds",
            [{
                "RuleName": "hourly-pitr",
                "TargetBackupVaultName": critical_vault,
                "ScheduleExpression": "cron(30 * ? * * *)",
                "ScheduleExpressionTimezone": "UTC",
                "StartWindowMinutes": 60,
                "CompletionWindowMinutes": 120,
                "Lifecycle": {"DeleteAfterDays": 35},
                "EnableContinuousBackup": True,
                "RecoveryPointTags": {"BackupPlan": "hourly-continuous-rds"},
            }],
        ),
    }
    sels = {
        "standard-tier": selection(
            g, plans["daily-7-day"], acct, "standard-tier",
            Resources=[], NotResources=[],
            ListOfTags=[{"ConditionType": "STRINGEQUALS", "ConditionKey": "BackupTier", "ConditionValue": "standard"}],
            Conditions={"StringEquals": [], "StringNotEquals": [], "StringLike": [], "StringNotLike": []},
        ),
        "critical-tier": selection(
            g, plans["daily-35-day"], acct, "critical-tier",
            Resources=[], NotResources=[],
            ListOfTags=[{"ConditionType": "STRINGEQUALS", "ConditionKey": "BackupTier", "ConditionValue": "critical"}],
            Conditions={"StringEquals": [], "StringNotEquals": [], "StringLike": [], "StringNotLike": []},
        ),
        "all-tiers-monthly": selection(
            g, plans["monthly-1yr"], acct, "all-tiers-monthly",
            Resources=["*"], NotResources=[], ListOfTags=[],
            Conditions={
                "StringEquals": [], "StringNotEquals": [],
                "StringLike": [{"ConditionKey": "aws:ResourceTag/BackupTier", "ConditionValue": "*"}],
                "StringNotLike": [],
            },
        ),
        "critical-rds-pitr": selection(
            g, plans["hourly-continuous-rds"], acct, "critical-rds-pitr",
            Resources=["arn:aws:rds:*:*:db:*"], NotResources=["arn:aws:rds:*:*:db:*-replica*"], ListOfTags=[],
            Conditions={
                "StringEquals": [{"ConditionKey": "aws:ResourceTag/BackupTier", "ConditionValue": "critical"}],
                "StringNotEquals": [], "StringLike": [],
                "StringNotLike": [{"ConditionKey": "aws:ResourceTag/PointInTimeRecovery", "ConditionValue": "disabled"}],
            },
        ),
    }
    return plans, sels


def framework(g, acct, region, controls, name="OrgBackupPolicy",
              description="Organization backup policy: coverage, frequency, retention, encryption, cross-Region copy"):
    fid = g.uuid()
    return {
        "FrameworkName": name,
        "FrameworkArn": f"arn:aws:backup:{region}:{acct}:framework:{name}-{fid}",
        "FrameworkDescription": description,
        "FrameworkControls": controls,
        "CreationTime": "2027-06-01T10:00:00.000000+00:00",
        "DeploymentStatus": "COMPLETED",
        "FrameworkStatus": "ACTIVE",
        "IdempotencyToken": g.uuid(),
    }


def org_controls():
    return [
        {
            "ControlName": "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
            "ControlInputParameters": [],
            "ControlScope": {"ComplianceResourceTypes": TYPES},
        },
        {
            "ControlName": "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
            "ControlInputParameters": [
                {"ParameterName": "requiredFrequencyUnit", "ParameterValue": "hours"},
                {"ParameterName": "requiredRetentionDays", "ParameterValue": "7"},
                {"ParameterName": "requiredFrequencyValue", "ParameterValue": "24"},
            ],
            "ControlScope": {"Tags": {"BackupTier": ""}},
        },
        {
            "ControlName": "BACKUP_RECOVERY_POINT_ENCRYPTED",
            "ControlInputParameters": [],
            "ControlScope": {"Tags": {"BackupTier": ""}},
        },
        {
            "ControlName": "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
            "ControlInputParameters": [{"ParameterName": "requiredRetentionDays", "ParameterValue": "7"}],
            "ControlScope": {"Tags": {"BackupTier": "standard"}},
        },
        {
            "ControlName": "BACKUP_RESOURCES_PROTECTED_BY_CROSS_REGION",
            "ControlInputParameters": [],
            "ControlScope": {"Tags": {"BackupTier": "critical"}},
        },
    ]


def resilience_controls():
    return [
        {"ControlName": "BACKUP_RECOVERY_POINT_MANUAL_DELETION_DISABLED",
         "ControlInputParameters": [{"ParameterName": "principalArnList",
                                     "ParameterValue": "arn:aws:iam::111122223333:role/BackupBreakGlass"}]},
        {"ControlName": "BACKUP_RESOURCES_PROTECTED_BY_BACKUP_VAULT_LOCK",
         "ControlInputParameters": [{"ParameterName": "minRetentionDays", "ParameterValue": "7"}],
         "ControlScope": {"Tags": {"BackupTier": "critical"}}},
        {"ControlName": "BACKUP_LAST_RECOVERY_POINT_CREATED",
         "ControlInputParameters": [{"ParameterName": "recoveryPointAgeUnit", "ParameterValue": "days"},
                                    {"ParameterName": "recoveryPointAgeValue", "ParameterValue": "1"}],
         "ControlScope": {"ComplianceResourceTypes": TYPES}},
        {"ControlName": "RESTORE_TIME_FOR_RESOURCES_MEET_TARGET",
         "ControlInputParameters": [{"ParameterName": "maxRestoreTime", "ParameterValue": "30"}],
         "ControlScope": {"ComplianceResourceTypes": ["RDS", "EBS"]}},
    ]


def deny_policy(acct, region, name, complete=True):
    actions = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"]
    if complete:
        actions.append("backup:PutBackupVaultAccessPolicy")
    policy = {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyManualDeletion",
            "Effect": "Deny",
            "Principal": {"AWS": "*"},
            "Action": actions,
            "Resource": "*",
            "Condition": {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/BackupBreakGlass"}},
        }],
    }
    return {
        "BackupVaultName": name,
        "BackupVaultArn": f"arn:aws:backup:{region}:{acct}:backup-vault:{name}",
        "Policy": json.dumps(policy, separators=(",", ":"), sort_keys=True),
    }


APPS = ["orders", "payments", "catalog", "search", "billing", "identity", "analytics", "inventory", "shipping", "reports"]


def make_resources(g, acct, region, env, counts, critical_share, rds_critical_max):
    out = []
    rds_critical = 0
    for service, n in counts.items():
        for i in range(1, n + 1):
            app = g.rng.choice(APPS)
            tier = "critical" if g.rng.random() < critical_share else "standard"
            name = f"{app}-{env}-{service.lower()}-{i:02d}"
            if service == "EC2":
                arn = f"arn:aws:ec2:{region}:{acct}:instance/i-{g.hex(17)}"
            elif service == "EBS":
                arn = f"arn:aws:ec2:{region}:{acct}:volume/vol-{g.hex(17)}"
            elif service == "RDS":
                if tier == "critical":
                    if rds_critical >= rds_critical_max:
                        tier = "standard"
                    else:
                        rds_critical += 1
                arn = f"arn:aws:rds:{region}:{acct}:db:{app}-{env}-db-{i:02d}"
            elif service == "Aurora":
                arn = f"arn:aws:rds:{region}:{acct}:cluster:{app}-{env}-aurora-{i:02d}"
            elif service == "Neptune":
                arn = f"arn:aws:rds:{region}:{acct}:cluster:{app}-{env}-neptune-{i:02d}"
            elif service == "DynamoDB":
                arn = f"arn:aws:dynamodb:{region}:{acct}:table/{app}-{env}-table-{i:02d}"
            elif service == "EFS":
                arn = f"arn:aws:elasticfilesystem:{region}:{acct}:file-system/fs-{g.hex(8)}"
            elif service == "S3":
                arn = f"arn:aws:s3:::{acct}-{app}-{env}-{region}-bucket-{i:02d}"
            tags = [
                {"Key": "Name", "Value": name},
                {"Key": "Environment", "Value": env},
                {"Key": "Application", "Value": app},
                {"Key": "BackupTier", "Value": tier},
            ]
            out.append({"ResourceARN": arn, "Tags": tags, "_service": service})
    return out


AUDIT_ACCOUNT = ("111122223333", {"name": "audit", "path_to_root": "r-a1b2/ou-a1b2-security1"})

# org-estate's member accounts, in order: (account id, account name, environment, path to root, rows), a row being
# (Region, resources per service, share of critical resources, most critical RDS instances). A larger organization
# repeats them (prod, staging, shared-services, prod, ...) under further account ids, scaled to its resources.
MEMBER_TEMPLATES = [
    ("222233334444", "prod", "prod", "r-a1b2/ou-a1b2-workload1/ou-a1b2-prod0001", [
        ("us-east-1", {"EC2": 40, "EBS": 50, "RDS": 14, "Aurora": 8, "DynamoDB": 22, "EFS": 10, "S3": 24, "Neptune": 3},
         0.45, 4),
        ("us-west-2", {"EC2": 10, "EBS": 12, "RDS": 4, "Aurora": 2, "DynamoDB": 6, "EFS": 3, "S3": 6, "Neptune": 1},
         0.45, 1),
    ]),
    ("333344445555", "staging", "staging", "r-a1b2/ou-a1b2-workload1/ou-a1b2-stag0001", [
        ("us-east-1", {"EC2": 25, "EBS": 28, "RDS": 8, "Aurora": 4, "DynamoDB": 12, "EFS": 5, "S3": 14, "Neptune": 2},
         0.2, 1),
    ]),
    ("444455556666", "shared-services", "shared", "r-a1b2/ou-a1b2-infra001", [
        ("us-east-1", {"EC2": 22, "EBS": 24, "RDS": 6, "Aurora": 3, "DynamoDB": 10, "EFS": 6, "S3": 12, "Neptune": 1},
         0.3, 1),
    ]),
]


def member_accounts(count):
    """The first `count` member accounts: org-estate's three, then copies of them in turn under new account ids."""
    out = []
    for index in range(count):
        acct, name, env, path, rows = MEMBER_TEMPLATES[index % len(MEMBER_TEMPLATES)]
        if index >= len(MEMBER_TEMPLATES):
            acct = f"5{index:011d}"
            name = f"{name}-{index // len(MEMBER_TEMPLATES) + 1:03d}"
        out.append((acct, name, env, path, rows))
    return out


def scaled_layout(members, resources):
    """org-estate's layout rows for `members`, with resource counts scaled to `resources` in all (None: as they are).

    Each (account, Region, service) count is its template count times resources / (sum of template counts), rounded
    by largest remainder (ties in layout order), so the total is exact and the proportions are org-estate's. Every
    staging account also holds the untagged Neptune cluster, which counts towards the total.
    """
    rows = [(acct, env, region, counts, share, rds_crit)
            for acct, _, env, _, template_rows in members
            for region, counts, share, rds_crit in template_rows]
    if resources is None:
        return rows
    extras = sum(1 for _, _, env, _, _ in members if env == "staging")
    target = resources - extras
    cells = [(r, service, n) for r, (_, _, _, counts, _, _) in enumerate(rows) for service, n in counts.items()]
    weight = sum(n for _, _, n in cells)
    if target < len(cells):
        raise SystemExit(f"--resources: at least {len(cells) + extras} for {len(members) + 1} accounts")
    scaled = [target * n // weight for _, _, n in cells]
    order = sorted(range(len(cells)), key=lambda i: (-(target * cells[i][2] % weight), i))
    for i in order[:target - sum(scaled)]:
        scaled[i] += 1
    out = []
    for r, (acct, env, region, counts, share, rds_crit) in enumerate(rows):
        new = {service: scaled[i] for i, (row, service, _) in enumerate(cells) if row == r}
        crit = max(1, (rds_crit * new["RDS"] + counts["RDS"] // 2) // counts["RDS"])
        out.append((acct, env, region, new, share, crit))
    return out


def org_estate(root=os.path.join(ROOT, "org-estate"), resources=None, accounts=4, name="org-estate"):
    """Writes org-estate, or with `resources` and `accounts` an organization of that size in org-estate's shapes.

    `accounts` counts the audit account, which holds no resources, and the member accounts (prod, staging,
    shared-services, then copies of them in turn). Each member account has org-estate's vaults, four plans, their
    selections, both frameworks and its vault access policy, in org-estate's Regions; each copy keeps its template's
    exceptions (the decommissioned, stopped and restore-tested resources of prod, staging's untagged Neptune cluster,
    unencrypted volume and incomplete vault policy); the faults are org-estate's. The defaults write org-estate
    itself, byte for byte; the same arguments always give the same bytes.
    """
    g = Gen(20280301)
    shutil.rmtree(os.path.join(root, "accounts"), ignore_errors=True)
    members = member_accounts(accounts - 1)
    names = {AUDIT_ACCOUNT[0]: AUDIT_ACCOUNT[1]}
    for acct, acct_name, _, path, _ in members:
        names[acct] = {"name": acct_name, "path_to_root": path}
    layout = scaled_layout(members, resources)
    overrides = {}
    tags = {}
    missed_name = None
    restore_tests = []
    # A generator of its own, so adding this framework leaves every other identifier as it was.
    g_resilience = Gen(20280302)
    total = 0
    for acct, env, region, counts, share, rds_crit in layout:
        other = "us-west-2" if region == "us-east-1" else "us-east-1"
        base = os.path.join(root, "accounts", acct, region)
        res = make_resources(g, acct, region, env, counts, share, rds_crit)
        for r in res:
            if r["_service"] == "Neptune":
                overrides[r["ResourceARN"]] = {"engine": "neptune"}
        if env == "staging":
            # The seed's exception: a Neptune cluster created mid-March without a BackupTier tag.
            neptune = f"arn:aws:rds:{region}:{acct}:cluster:recommendations-staging-neptune-graph"
            res.append({
                "ResourceARN": neptune,
                "Tags": [
                    {"Key": "Name", "Value": "recommendations-staging-neptune-graph"},
                    {"Key": "Environment", "Value": "staging"},
                    {"Key": "Application", "Value": "recommendations"},
                ],
                "_service": "Neptune",
            })
            overrides[neptune] = {"engine": "neptune", "created": "2028-03-14T09:30:00Z"}
            # A critical volume whose source is not encrypted: its recovery points are not encrypted either.
            vol = next((r for r in res
                        if r["_service"] == "EBS" and {"Key": "BackupTier", "Value": "critical"} in r["Tags"]), None)
            if vol:
                overrides[vol["ResourceARN"]] = {"encrypted": False}
        if env == "prod" and region == "us-east-1":
            ec2 = [r for r in res if r["_service"] == "EC2"]
            # An instance decommissioned on the 20th, and one stopped from the 25th (not evaluated at month end).
            if len(ec2) > 2:
                overrides[ec2[1]["ResourceARN"]] = {"deleted": "2028-03-20T12:00:00Z"}
                overrides[ec2[2]["ResourceARN"]] = {
                    "stopped": [{"from": "2028-03-25T18:00:00Z", "to": "2028-04-10T09:00:00Z"}]}
            rds = next((r for r in res if r["_service"] == "RDS"), None)
            ebs = next((r for r in res if r["_service"] == "EBS"), None)
            if rds and ebs:
                restore_tests += [
                    {"resource": rds["ResourceARN"], "at": "2028-03-15T10:00:00Z", "minutes": 42},
                    {"resource": ebs["ResourceARN"], "at": "2028-03-22T14:30:00Z", "minutes": 9},
                    {"resource": ebs["ResourceARN"], "at": "2028-03-29T14:30:00Z", "minutes": 3, "status": "FAILED",
                     "message": "Volume creation failed: the requested Availability Zone is not available."},
                ]
        if env == "shared" and missed_name is None:
            # One resource misses its windows for three days: its jobs expire without starting.
            missed_name = next((t["Value"] for r in res if r["_service"] == "EC2" for t in r["Tags"]
                                if t["Key"] == "Name"), None)
        total += len(res)
        write(os.path.join(base, "resources.json"),
              {"ResourceTagMappingList": [{k: v for k, v in r.items() if not k.startswith("_")} for r in res]})
        locked = (7, 400) if env == "prod" and region == "us-east-1" else None
        write(os.path.join(base, "backup-vaults.json"), {"BackupVaultList": [
            vault(g, acct, region, "central-dr"),
            vault(g, acct, region, "critical-vault", locked),
            vault(g, acct, region, "standard-vault"),
        ]})
        plans, sels = standard_plans(g, acct, region, other)
        for plan_name, p in plans.items():
            write(os.path.join(base, "backup-plans", f"{plan_name}.json"), p)
        tags[plans["daily-7-day"]["BackupPlanArn"]] = {"BackupTier": "standard"}
        tags[plans["daily-35-day"]["BackupPlanArn"]] = {"BackupTier": "critical"}
        tags[plans["hourly-continuous-rds"]["BackupPlanArn"]] = {"BackupTier": "critical"}
        for selection_name, s in sels.items():
            write(os.path.join(base, "backup-selections", f"{selection_name}.json"), s)
        write(os.path.join(base, "frameworks", "OrgBackupPolicy.json"), framework(g, acct, region, org_controls()))
        write(os.path.join(base, "frameworks", "OrgResiliencePolicy.json"), framework(
            g_resilience, acct, region, resilience_controls(), name="OrgResiliencePolicy",
            description="Vault immutability, recovery-point freshness and restore time"))
        # Critical vaults deny manual deletion; staging's policy forgets PutBackupVaultAccessPolicy.
        write(os.path.join(base, "backup-vault-access-policies", "critical-vault.json"),
              deny_policy(acct, region, "critical-vault", complete=env != "staging"))
    # Copy destinations in the second Region of accounts that hold no resources there.
    for acct, _, _, _, rows in members:
        if all(region != "us-west-2" for region, _, _, _ in rows):
            base = os.path.join(root, "accounts", acct, "us-west-2")
            write(os.path.join(base, "resources.json"), {"ResourceTagMappingList": []})
            write(os.path.join(base, "backup-vaults.json"),
                  {"BackupVaultList": [vault(g, acct, "us-west-2", "central-dr")]})
    write(os.path.join(root, "accounts", AUDIT_ACCOUNT[0], "us-east-1", "resources.json"),
          {"ResourceTagMappingList": []})
    faults = [
        {"kind": "FAILED", "rate": 0.01, "service": "EC2",
         "message": "Unable to create a snapshot: the instance's volumes are busy. Retry later."},
        {"kind": "EXPIRED", "rate": 0.005, "service": "EFS"},
        {"kind": "PARTIAL", "rate": 0.004, "service": "S3",
         "message": "Backup job completed with some objects not backed up."},
        {"kind": "LATE_START", "rate": 0.01, "service": "DynamoDB"},
    ]
    if missed_name:
        faults.append({"kind": "EXPIRED", "tag": {"Key": "Name", "Value": missed_name},
                       "from": "2028-03-10T00:00:00Z", "to": "2028-03-13T00:00:00Z"})
    scenario = {
        "name": name,
        "month": "2028-03",
        "seed": 20280301,
        "chain_id": name,
        "accounts": names,
        "resources": dict(sorted(overrides.items())),
        "tags": dict(sorted(tags.items())),
        "restore_tests": restore_tests,
        "faults": faults,
    }
    write(os.path.join(root, "scenario.json"), scenario)
    # The seed's what-if question: the standard tier's minimum retention goes from 7 to 35 days.
    controls = org_controls()
    for control in controls:
        if control["ControlName"] == "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK":
            control["ControlInputParameters"] = [{"ParameterName": "requiredRetentionDays", "ParameterValue": "35"}]
    proposal = {
        "FrameworkName": "OrgBackupPolicy",
        "FrameworkDescription": "Organization backup policy: coverage, frequency, retention, encryption, cross-Region copy",
        "FrameworkControls": controls,
    }
    write(os.path.join(root, "proposals", "OrgBackupPolicy-standard-35-days.json"), proposal)
    return total


def untagged_neptune():
    g = Gen(7)
    acct, region = "123456789012", "us-east-1"
    root = os.path.join(ROOT, "untagged-neptune")
    shutil.rmtree(os.path.join(root, "accounts"), ignore_errors=True)
    base = os.path.join(root, "accounts", acct, region)
    neptune = f"arn:aws:rds:{region}:{acct}:cluster:graph-neptune-exception"
    res = [
        {"ResourceARN": f"arn:aws:ec2:{region}:{acct}:instance/i-0a1b2c3d4e5f60718",
         "Tags": [{"Key": "Name", "Value": "web-01"}, {"Key": "BackupTier", "Value": "standard"}]},
        {"ResourceARN": f"arn:aws:rds:{region}:{acct}:db:orders-db",
         "Tags": [{"Key": "Name", "Value": "orders-db"}, {"Key": "BackupTier", "Value": "critical"}]},
        {"ResourceARN": f"arn:aws:rds:{region}:{acct}:cluster:graph-neptune-tagged",
         "Tags": [{"Key": "BackupTier", "Value": "critical"}]},
        {"ResourceARN": neptune, "Tags": [{"Key": "Name", "Value": "graph-neptune-exception"}]},
        {"ResourceARN": "arn:aws:s3:::example-untagged-neptune-assets",
         "Tags": [{"Key": "BackupTier", "Value": "standard"}]},
    ]
    write(os.path.join(base, "resources.json"), {"ResourceTagMappingList": res})
    write(os.path.join(base, "backup-vaults.json"), {"BackupVaultList": [
        vault(g, acct, region, "critical-vault"), vault(g, acct, region, "standard-vault")]})
    plans, sels = standard_plans(g, acct, region, "us-west-2")
    for name in ["daily-7-day", "daily-35-day"]:
        write(os.path.join(base, "backup-plans", f"{name}.json"), plans[name])
    for name in ["standard-tier", "critical-tier"]:
        write(os.path.join(base, "backup-selections", f"{name}.json"), sels[name])
    write(os.path.join(base, "frameworks", "OrgBackupPolicy.json"), framework(g, acct, region, [
        org_controls()[0], org_controls()[4]]))
    west = os.path.join(root, "accounts", acct, "us-west-2")
    write(os.path.join(west, "resources.json"), {"ResourceTagMappingList": []})
    write(os.path.join(west, "backup-vaults.json"), {"BackupVaultList": [vault(g, acct, "us-west-2", "central-dr")]})
    write(os.path.join(root, "scenario.json"), {
        "name": "untagged-neptune",
        "month": "2028-03",
        "seed": 7,
        "resources": {
            neptune: {"engine": "neptune", "created": "2028-03-14T09:30:00Z"},
            f"arn:aws:rds:{region}:{acct}:cluster:graph-neptune-tagged": {"engine": "neptune"},
        },
    })


def event_streams():
    """Two accounts whose jobs arrive as event streams: CloudTrail (an organization trail) and EventBridge.

    Only the estate is written here. The streams under AWSLogs/ and events/ are the jobs the simulator makes for
    this estate without them, written by JobEventExport; `RECORD_GOLDEN=1 swift test --filter EventStreamScenario`
    writes them again.
    """
    g = Gen(20280303)
    root = os.path.join(ROOT, "event-streams")
    shutil.rmtree(os.path.join(root, "accounts"), ignore_errors=True)
    layout = [
        ("555566667777", "payments", {"EC2": 4, "EBS": 4, "RDS": 2, "DynamoDB": 2, "S3": 2}),
        ("666677778888", "analytics", {"EC2": 3, "EBS": 3, "Aurora": 1, "DynamoDB": 2, "EFS": 2}),
    ]
    overrides = {}
    restore_tests = []
    for acct, env, counts in layout:
        region = "us-east-1"
        base = os.path.join(root, "accounts", acct, region)
        res = make_resources(g, acct, region, env, counts, 0.5, 1)
        write(os.path.join(base, "resources.json"),
              {"ResourceTagMappingList": [{k: v for k, v in r.items() if not k.startswith("_")} for r in res]})
        write(os.path.join(base, "backup-vaults.json"), {"BackupVaultList": [
            vault(g, acct, region, "critical-vault"), vault(g, acct, region, "standard-vault")]})
        plans, sels = standard_plans(g, acct, region, "us-west-2")
        for name in ["daily-7-day", "daily-35-day", "monthly-1yr"]:
            write(os.path.join(base, "backup-plans", f"{name}.json"), plans[name])
        for name, s in sels.items():
            if s["BackupPlanId"] in {plans[n]["BackupPlanId"] for n in ["daily-7-day", "daily-35-day", "monthly-1yr"]}:
                write(os.path.join(base, "backup-selections", f"{name}.json"), s)
        write(os.path.join(base, "frameworks", "OrgBackupPolicy.json"), framework(g, acct, region, org_controls()))
        west = os.path.join(root, "accounts", acct, "us-west-2")
        write(os.path.join(west, "resources.json"), {"ResourceTagMappingList": []})
        write(os.path.join(west, "backup-vaults.json"), {"BackupVaultList": [vault(g, acct, "us-west-2", "central-dr")]})
        ebs = next(r for r in res if r["_service"] == "EBS")
        restore_tests.append({"resource": ebs["ResourceARN"], "at": "2028-03-18T11:00:00Z", "minutes": 12})
    write(os.path.join(root, "scenario.json"), {
        "name": "event-streams",
        "month": "2028-03",
        "seed": 20280303,
        "restore_tests": restore_tests,
        "faults": [
            {"kind": "FAILED", "rate": 0.03, "service": "EC2",
             "message": "Unable to create a snapshot: the instance's volumes are busy. Retry later."},
            {"kind": "EXPIRED", "rate": 0.02, "service": "EFS"},
        ],
        "streams": {"cloudtrail_accounts": ["555566667777"], "organization_id": "o-a1b2c3d4e5"},
    })


def job_lists():
    """Two accounts whose jobs arrive as the AWS CLI's job lists: backup-jobs.json, copy-jobs.json, restore-jobs.json.

    Only the estate is written here. The job lists are the jobs the simulator makes for this estate without them,
    written by JobListExport; `RECORD_GOLDEN=1 swift test --filter JobListScenario` writes them again.
    """
    g = Gen(20280404)
    root = os.path.join(ROOT, "job-lists")
    shutil.rmtree(os.path.join(root, "accounts"), ignore_errors=True)
    layout = [
        ("777788889999", "eu-west-1", "eu-central-1", "ledger",
         {"EC2": 3, "EBS": 3, "RDS": 2, "Aurora": 1, "DynamoDB": 2, "S3": 1}),
        ("888899990000", "us-east-2", "us-west-2", "portal",
         {"EC2": 2, "EBS": 2, "DynamoDB": 2, "EFS": 2}),
    ]
    restore_tests = []
    for acct, region, dr_region, env, counts in layout:
        base = os.path.join(root, "accounts", acct, region)
        res = make_resources(g, acct, region, env, counts, 0.5, 1)
        write(os.path.join(base, "resources.json"),
              {"ResourceTagMappingList": [{k: v for k, v in r.items() if not k.startswith("_")} for r in res]})
        write(os.path.join(base, "backup-vaults.json"), {"BackupVaultList": [
            vault(g, acct, region, "critical-vault", locked=(7, 400)), vault(g, acct, region, "standard-vault")]})
        plans, sels = standard_plans(g, acct, region, dr_region)
        names = ["daily-7-day", "daily-35-day", "monthly-1yr"]
        for name in names:
            write(os.path.join(base, "backup-plans", f"{name}.json"), plans[name])
        for name, s in sels.items():
            if s["BackupPlanId"] in {plans[n]["BackupPlanId"] for n in names}:
                write(os.path.join(base, "backup-selections", f"{name}.json"), s)
        write(os.path.join(base, "frameworks", "OrgBackupPolicy.json"), framework(g, acct, region, org_controls()))
        dr = os.path.join(root, "accounts", acct, dr_region)
        write(os.path.join(dr, "resources.json"), {"ResourceTagMappingList": []})
        write(os.path.join(dr, "backup-vaults.json"), {"BackupVaultList": [vault(g, acct, dr_region, "central-dr")]})
        for service, at, minutes in [("EBS", "2028-03-12T10:00:00Z", 9), ("DynamoDB", "2028-03-19T10:00:00Z", 21)]:
            target = next(r for r in res if r["_service"] == service)
            restore_tests.append({"resource": target["ResourceARN"], "at": at, "minutes": minutes})
    restore_tests[-1]["status"] = "FAILED"
    restore_tests[-1]["message"] = "Restore failed: the restore role cannot use the vault's KMS key."
    write(os.path.join(root, "scenario.json"), {
        "name": "job-lists",
        "month": "2028-03",
        "seed": 20280404,
        "restore_tests": restore_tests,
        "faults": [
            {"kind": "FAILED", "rate": 0.04, "service": "EC2",
             "message": "Unable to create a snapshot: the instance's volumes are busy. Retry later."},
            {"kind": "EXPIRED", "rate": 0.03, "service": "EFS"},
            {"kind": "PARTIAL", "rate": 0.05, "service": "S3",
             "message": "Some objects could not be backed up: access denied."},
        ],
    })


def main():
    parser = argparse.ArgumentParser(description="Generate the bundled scenarios, or (--out) an organization of any "
                                     "size in org-estate's shapes.")
    parser.add_argument("--out", help="write only an org-estate-shaped organization into this folder")
    parser.add_argument("--resources", type=int, help="with --out: resources in all (default: org-estate's 398)")
    parser.add_argument("--accounts", type=int, default=4,
                        help="with --out: accounts, the audit account included (default: 4, as org-estate)")
    parser.add_argument("--name", help="with --out: the scenario's name and chain id (default: org-scale-<resources>)")
    args = parser.parse_args()
    if args.out is None:
        if args.resources is not None or args.name is not None:
            parser.error("--resources and --name go with --out")
        n = org_estate()
        untagged_neptune()
        event_streams()
        job_lists()
        print(f"org-estate: {n} resources")
        return
    if args.accounts < 2:
        parser.error("--accounts: at least 2 (the audit account and one member account)")
    name = args.name or f"org-scale-{args.resources if args.resources is not None else 398}"
    n = org_estate(root=os.path.abspath(args.out), resources=args.resources, accounts=args.accounts, name=name)
    print(f"{name}: {n} resources in {args.accounts} accounts")


if __name__ == "__main__":
    main()
