#!/usr/bin/env python3
"""Writes, from AWS's own service models, documents of every AWS CLI output shape backup-evidence reads.

    python3 Tests/oracle/aws_shapes.py Tests/Fixtures/aws-shapes

needs botocore and awscli (python3 -m pip install botocore awscli). The output is committed; the Swift test
`AWSShapeModelTests` feeds it to the readers, so the test itself needs neither package.

For each command (get-backup-plan, get-backup-selection, list-backup-vaults, describe-framework,
describe-region-settings, list-backup-jobs, list-copy-jobs, list-restore-jobs, get-resources,
describe-effective-policy) it writes `<command>.json`: the operation's output shape with every member the model
defines present (those the tool does not use included), one list element per value of the enums of its members, maps
keyed by every value of an enum key, and one member no model defines (`ZzNotInModel`) in every structure. Values are
the model's types as the CLI prints them (timestamps as ISO 8601 with an offset, longs as numbers); strings are
filled by member name, and the model's string patterns are not applied (they are documentation: the ResourceType
pattern rejects "Storage Gateway", a value AWS returns).

`manifest.json` lists, per command, the file, the model's account and Region used in its ARNs, and the paths (as
lists of keys and indexes) of every enum member with the model's values, every member the model marks optional and
every member it marks required, so the test can remove each one, set each enum value, and set a value no model knows.

The awscli example outputs (`awscli/examples/backup/<command>.rst`, the `Output::` blocks) are written as they are to
`awscli-examples/<command>-<n>.json`.
"""

import json
import os
import re
import sys

try:
    import botocore.session
except ImportError:  # pragma: no cover
    sys.stderr.write("botocore is not installed (python3 -m pip install botocore awscli)\n")
    sys.exit(3)

ACCOUNT = "123456789012"
REGION = "us-east-1"
UNKNOWN_MEMBER = "ZzNotInModel"

COMMANDS = [
    ("get-backup-plan", "backup", "GetBackupPlan"),
    ("get-backup-selection", "backup", "GetBackupSelection"),
    ("list-backup-vaults", "backup", "ListBackupVaults"),
    ("describe-framework", "backup", "DescribeFramework"),
    ("describe-region-settings", "backup", "DescribeRegionSettings"),
    ("list-backup-jobs", "backup", "ListBackupJobs"),
    ("list-copy-jobs", "backup", "ListCopyJobs"),
    ("list-restore-jobs", "backup", "ListRestoreJobs"),
    ("get-resources", "resourcegroupstaggingapi", "GetResources"),
    ("describe-effective-policy", "organizations", "DescribeEffectivePolicy"),
]

# The resource types AWS Backup names (the tool's list, AWS Backup's "Supported services by resource type"); the
# model's ResourceType is a string with a pattern, not an enum.
RESOURCE_TYPES = [
    "Aurora", "CloudFormation", "DocumentDB", "DynamoDB", "EBS", "EC2", "EFS", "EKS", "FSx", "Neptune", "RDS",
    "Redshift", "S3", "SAP HANA on Amazon EC2", "Storage Gateway", "Timestream", "VirtualMachine",
]

# A policy AWS Organizations' "Backup policy syntax and examples" page would render as an effective policy.
POLICY = {"plans": {"pii_backup_plan": {
    "regions": [REGION],
    "rules": {"hourly": {
        "schedule_expression": "cron(0 5/1 ? * * *)", "start_backup_window_minutes": "60",
        "complete_backup_window_minutes": "480", "target_backup_vault_name": "FortKnox",
        "lifecycle": {"delete_after_days": "35"}}},
    "selections": {"tags": {"datatype": {
        "iam_role_arn": "arn:aws:iam::$account:role/MyIamRole", "tag_key": "dataType", "tag_value": ["PII"]}}}}}}


def arn(kind):
    return {
        "plan": f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-plan:plan-0001",
        "vault": f"arn:aws:backup:{REGION}:{ACCOUNT}:backup-vault:vault-0001",
        "recovery-point": f"arn:aws:backup:{REGION}:{ACCOUNT}:recovery-point:rp-0001",
        "resource": f"arn:aws:ec2:{REGION}:{ACCOUNT}:volume/vol-0123456789abcdef0",
        "role": f"arn:aws:iam::{ACCOUNT}:role/service-role/AWSBackupDefaultServiceRole",
        "key": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        "framework": f"arn:aws:backup:{REGION}:{ACCOUNT}:framework:framework-0001",
        "restore-testing-plan": f"arn:aws:backup:{REGION}:{ACCOUNT}:restore-testing-plan:rtp-0001",
    }[kind]


def string_value(name, shape):
    """A value for a string member, chosen by the member's name as a person filling the shape would."""
    if name in ("BackupPlanArn",):
        return arn("plan")
    if name.endswith("VaultArn"):
        return arn("vault")
    if name.endswith("RecoveryPointArn"):
        return arn("recovery-point")
    if name in ("ResourceArn", "ResourceARN", "SourceResourceArn", "CreatedResourceArn"):
        return arn("resource")
    if name.endswith("RoleArn"):
        return arn("role")
    if name.endswith("KeyArn"):
        return arn("key")
    if name == "FrameworkArn":
        return arn("framework")
    if name == "RestoreTestingPlanArn":
        return arn("restore-testing-plan")
    if shape.name == "ResourceType" or name == "ResourceType":
        return "EBS"
    if name in ("ScheduleExpression", "BackupRuleCron"):
        return "cron(0 5 ? * * *)"
    if name in ("ScheduleExpressionTimezone", "BackupRuleTimezone"):
        return "Europe/Berlin"
    if name in ("AccountId", "TargetId"):
        return ACCOUNT
    if name == "PolicyContent":
        return json.dumps(POLICY, separators=(",", ":"))
    if name == "ConditionKey":
        return "backup"
    if name == "ConditionValue":
        return "daily"
    if name == "ControlName":
        return "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK"
    if name == "ParameterName":
        return "requiredRetentionDays"
    if name == "ParameterValue":
        return "35"
    if name in ("PercentDone",):
        return "100.0"
    if name == "VaultLockState" or name == "DestinationVaultLockState":
        return "LOCKED"
    if name in ("VaultType", "DestinationVaultType"):
        return "BACKUP_VAULT"
    if name.endswith("Name") or name.endswith("Id") or name == "Key" or name == "Value":
        return f"{name[0].lower()}{name[1:]}-0001"
    return f"{name} text"


def scalar(name, shape):
    kind = shape.type_name
    if kind == "string":
        return shape.enum[0] if shape.enum else string_value(name, shape)
    if kind == "timestamp":
        return "2028-03-01T05:00:00.123000+00:00"
    if kind in ("long", "integer"):
        return {"StartWindowMinutes": 60, "CompletionWindowMinutes": 480, "MinRetentionDays": 7,
                "MaxRetentionDays": 365, "MoveToColdStorageAfterDays": 30, "DeleteAfterDays": 120}.get(name, 35)
    if kind == "boolean":
        return True
    if kind in ("double", "float"):
        return 1.5
    raise ValueError(f"no value for {name}: {kind}")


class Walker:
    def __init__(self):
        self.enums = []      # [(path, values)]
        self.optional = []   # [path]
        self.required = []   # [path]

    def value(self, name, shape, path):
        kind = shape.type_name
        if kind == "structure":
            out = {}
            for member, member_shape in shape.members.items():
                member_path = path + [member]
                (self.required if member in shape.required_members else self.optional).append(member_path)
                out[member] = self.value(member, member_shape, member_path)
            out[UNKNOWN_MEMBER] = {"nested": [1, "two"]}
            return out
        if kind == "list":
            element = shape.member
            count = 1
            if element.type_name == "structure":
                counts = [len(m.enum) for m in element.members.values() if m.type_name == "string" and m.enum]
                count = max([1] + counts)
            items = []
            for index in range(count):
                item = self.value(name, element, path + [index]) if index == 0 else self.quiet(name, element, path)
                if element.type_name == "structure":
                    for member, member_shape in element.members.items():
                        if member_shape.type_name == "string" and member_shape.enum:
                            item[member] = member_shape.enum[index % len(member_shape.enum)]
                items.append(item)
            if element.type_name == "string" and element.enum:
                self.enums.append((path + [0], list(element.enum)))
                items = list(element.enum)
            return items
        if kind == "map":
            key, value = shape.key, shape.value
            if key.enum:
                keys = list(key.enum)
            elif key.name == "ResourceType":
                keys = RESOURCE_TYPES
            elif name in ("RecoveryPointTags", "Tags", "stringMap"):
                keys = ["owner"]
            elif name == "BackupOptions":
                return {"WindowsVSS": "enabled"}
            else:
                keys = [f"{name}Key"]
            return {k: self.quiet(name, value, path) for k in keys}
        if kind == "string" and shape.enum:
            self.enums.append((path, list(shape.enum)))
        if name == "ConditionKey" and "Conditions" in path:
            return "aws:ResourceTag/backup"  # Conditions keys carry the prefix, ListOfTags keys do not
        return scalar(name, shape)

    def quiet(self, name, shape, path):
        """A value whose paths are not recorded (list elements after the first, map values)."""
        saved = (self.enums, self.optional, self.required)
        self.enums, self.optional, self.required = [], [], []
        try:
            return self.value(name, shape, path)
        finally:
            self.enums, self.optional, self.required = saved


def align(command, document):
    """Makes values the tool cross-checks agree with each other (a job's ResourceType with its ARN)."""
    if command == "describe-effective-policy":
        document["EffectivePolicy"]["PolicyType"] = "BACKUP_POLICY"
    return document


def examples(out):
    """The awscli example outputs for the commands read, as they are."""
    import awscli

    folder = os.path.join(os.path.dirname(awscli.__file__), "examples")
    written = []
    for command, service, _ in COMMANDS:
        path = os.path.join(folder, "backup" if service == "backup" else service, f"{command}.rst")
        if not os.path.exists(path):
            continue
        text = open(path, encoding="utf-8").read()
        blocks = re.findall(r"Output::\n\n((?:(?: {4}.*)?\n)+)", text)
        for index, block in enumerate(blocks, 1):
            body = "\n".join(line[4:] for line in block.splitlines()).strip() + "\n"
            json.loads(body)
            name = f"{command}-{index}.json"
            with open(os.path.join(out, "awscli-examples", name), "w", encoding="utf-8") as handle:
                handle.write(body)
            written.append({"command": command, "file": f"awscli-examples/{name}"})
    return written


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "Tests/Fixtures/aws-shapes"
    os.makedirs(os.path.join(out, "awscli-examples"), exist_ok=True)
    session = botocore.session.get_session()
    manifest = {"botocore": botocore.__version__, "account": ACCOUNT, "region": REGION, "commands": []}
    for command, service, operation in COMMANDS:
        model = session.get_service_model(service)
        shape = model.operation_model(operation).output_shape
        walker = Walker()
        document = align(command, walker.value(operation, shape, []))
        with open(os.path.join(out, f"{command}.json"), "w", encoding="utf-8") as handle:
            handle.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
        manifest["commands"].append({
            "command": command,
            "file": f"{command}.json",
            "service": f"{service} {model.api_version}",
            "enums": [{"path": p, "values": v} for p, v in walker.enums],
            "optional": walker.optional,
            "required": walker.required,
        })
    import awscli

    manifest["awscli"] = awscli.__version__
    manifest["examples"] = examples(out)
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
