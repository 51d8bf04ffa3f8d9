import EvidenceIngest
import EvidenceModel
import Testing

@Suite("CloudFormation templates")
struct CloudFormationTests {
    static let account = "123456789012"
    static let region = "us-east-1"

    /// A template using the YAML short forms: a locked vault, an air-gapped vault and a vault left out by its
    /// condition, a plan with two copy actions, a selection, a framework and a report plan.
    static let yamlTemplate = """
        AWSTemplateFormatVersion: "2010-09-09"
        Description: Backup estate
        Parameters:
          Environment:
            Type: String
            Default: prod
            AllowedValues: [prod, staging]
          MinRetention:
            Type: Number
            Default: 35
          MinFrequency:
            Type: Number
            Default: 1
          DrRegion:
            Type: String
            Default: us-west-2
        Mappings:
          Retention:
            prod:
              Days: 35
            staging:
              Days: 7
        Conditions:
          IsProd: !Equals [!Ref Environment, prod]
          IsStaging: !Not [!Condition IsProd]
        Resources:
          Vault:
            Type: AWS::Backup::BackupVault
            Properties:
              BackupVaultName: !Sub "${Environment}-vault"
              EncryptionKeyArn: !GetAtt VaultKey.Arn
              LockConfiguration:
                MinRetentionDays: 7
                MaxRetentionDays: 365
                ChangeableForDays: 3
              BackupVaultTags:
                Owner: platform
                CostCentre: 4711
          AirGapped:
            Type: AWS::Backup::LogicallyAirGappedBackupVault
            Condition: IsProd
            Properties:
              BackupVaultName: !Join ["-", [!Ref Environment, air, gapped]]
              MinRetentionDays: 7
              MaxRetentionDays: 35
          StagingVault:
            Type: AWS::Backup::BackupVault
            Condition: IsStaging
            Properties:
              BackupVaultName: staging-only
          VaultKey:
            Type: AWS::KMS::Key
            Properties:
              KeyPolicy: {}
          Plan:
            Type: AWS::Backup::BackupPlan
            Properties:
              BackupPlan:
                BackupPlanName: !Join ["-", [daily, !Ref Environment]]
                BackupPlanRule:
                  - RuleName: daily
                    TargetBackupVault: !Ref Vault
                    ScheduleExpression: cron(0 5 ? * * *)
                    ScheduleExpressionTimezone: Europe/Berlin
                    StartWindowMinutes: 60
                    Lifecycle:
                      DeleteAfterDays: !FindInMap [Retention, !Ref Environment, Days]
                    RecoveryPointTags:
                      Source: !Select [0, !Split [",", "plan,other"]]
                    CopyActions:
                      - DestinationBackupVaultArn: !Sub >-
                          arn:${AWS::Partition}:backup:${DrRegion}:${AWS::AccountId}:backup-vault:dr-vault
                        Lifecycle:
                          DeleteAfterDays: 90
                      - !If
                        - IsProd
                        - DestinationBackupVaultArn: !GetAtt [AirGapped, BackupVaultArn]
                        - !Ref AWS::NoValue
                  - RuleName: continuous
                    TargetBackupVault: !GetAtt Vault.BackupVaultName
                    EnableContinuousBackup: true
                    Lifecycle:
                      DeleteAfterDays: 35
                      OptInToArchiveForSupportedResources: false
                AdvancedBackupSettings:
                  - ResourceType: EC2
                    BackupOptions:
                      WindowsVSS: enabled
              BackupPlanTags:
                Team: !If [IsProd, core, sandbox]
                Unset: !If [IsStaging, staging, !Ref AWS::NoValue]
          Selection:
            Type: AWS::Backup::BackupSelection
            Properties:
              BackupPlanId: !Ref Plan
              BackupSelection:
                SelectionName: tagged
                IamRoleArn: !GetAtt BackupRole.Arn
                ListOfTags:
                  - ConditionType: STRINGEQUALS
                    ConditionKey: BackupTier
                    ConditionValue: gold
                Conditions:
                  StringNotEquals:
                    - ConditionKey: aws:ResourceTag/Env
                      ConditionValue: test
                NotResources:
                  - !Sub "arn:aws:ec2:${AWS::Region}:${AWS::AccountId}:instance/*"
          BackupRole:
            Type: AWS::IAM::Role
            Properties:
              RoleName: backup-role
              AssumeRolePolicyDocument: {}
          Framework:
            Type: AWS::Backup::Framework
            Properties:
              FrameworkName: Resilience
              FrameworkDescription: !Sub "Controls for ${AWS::StackName}"
              FrameworkControls:
                - ControlName: BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK
                  ControlInputParameters:
                    - ParameterName: requiredRetentionDays
                      ParameterValue: !Ref MinRetention
                - ControlName: BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK
                  ControlInputParameters:
                    - ParameterName: requiredFrequencyUnit
                      ParameterValue: hours
                    - ParameterName: requiredRetentionDays
                      ParameterValue: 35
                    - ParameterName: requiredFrequencyValue
                      ParameterValue: !Ref MinFrequency
                  ControlScope:
                    ComplianceResourceTypes: [EC2, RDS]
                    Tags:
                      - Key: BackupTier
                        Value: gold
          Report:
            Type: AWS::Backup::ReportPlan
            Properties:
              ReportPlanName: compliance
              ReportDeliveryChannel:
                S3BucketName: !Ref ReportBucket
                Formats: [CSV]
              ReportSetting:
                ReportTemplate: CONTROL_COMPLIANCE_REPORT
                FrameworkArns: [!Ref Framework]
          ReportBucket:
            Type: AWS::S3::Bucket
            Properties:
              BucketName: !Sub "reports-${AWS::AccountId}"
          Instance:
            Type: AWS::EC2::Instance
            Properties:
              AvailabilityZone: !Select [0, !GetAZs ""]
              ImageId: !ImportValue shared-ami
        """

    /// The same template in JSON with the long forms.
    static let jsonTemplate = #"""
        {
          "AWSTemplateFormatVersion": "2010-09-09",
          "Description": "Backup estate",
          "Parameters": {
            "Environment": {"Type": "String", "Default": "prod", "AllowedValues": ["prod", "staging"]},
            "MinRetention": {"Type": "Number", "Default": "35"},
            "MinFrequency": {"Type": "Number", "Default": 1},
            "DrRegion": {"Type": "String", "Default": "us-west-2"}
          },
          "Mappings": {"Retention": {"prod": {"Days": 35}, "staging": {"Days": 7}}},
          "Conditions": {
            "IsProd": {"Fn::Equals": [{"Ref": "Environment"}, "prod"]},
            "IsStaging": {"Fn::Not": [{"Condition": "IsProd"}]}
          },
          "Resources": {
            "Vault": {
              "Type": "AWS::Backup::BackupVault",
              "Properties": {
                "BackupVaultName": {"Fn::Sub": "${Environment}-vault"},
                "EncryptionKeyArn": {"Fn::GetAtt": ["VaultKey", "Arn"]},
                "LockConfiguration": {"MinRetentionDays": 7, "MaxRetentionDays": 365, "ChangeableForDays": 3},
                "BackupVaultTags": {"Owner": "platform", "CostCentre": "4711"}
              }
            },
            "AirGapped": {
              "Type": "AWS::Backup::LogicallyAirGappedBackupVault",
              "Condition": "IsProd",
              "Properties": {
                "BackupVaultName": {"Fn::Join": ["-", [{"Ref": "Environment"}, "air", "gapped"]]},
                "MinRetentionDays": 7,
                "MaxRetentionDays": 35
              }
            },
            "StagingVault": {
              "Type": "AWS::Backup::BackupVault",
              "Condition": "IsStaging",
              "Properties": {"BackupVaultName": "staging-only"}
            },
            "VaultKey": {"Type": "AWS::KMS::Key", "Properties": {"KeyPolicy": {}}},
            "Plan": {
              "Type": "AWS::Backup::BackupPlan",
              "Properties": {
                "BackupPlan": {
                  "BackupPlanName": {"Fn::Join": ["-", ["daily", {"Ref": "Environment"}]]},
                  "BackupPlanRule": [
                    {
                      "RuleName": "daily",
                      "TargetBackupVault": {"Ref": "Vault"},
                      "ScheduleExpression": "cron(0 5 ? * * *)",
                      "ScheduleExpressionTimezone": "Europe/Berlin",
                      "StartWindowMinutes": 60,
                      "Lifecycle": {
                        "DeleteAfterDays": {"Fn::FindInMap": ["Retention", {"Ref": "Environment"}, "Days"]}
                      },
                      "RecoveryPointTags": {"Source": {"Fn::Select": [0, {"Fn::Split": [",", "plan,other"]}]}},
                      "CopyActions": [
                        {
                          "DestinationBackupVaultArn": {
                            "Fn::Sub": [
                              "arn:${AWS::Partition}:backup:${Dr}:${AWS::AccountId}:backup-vault:dr-vault",
                              {"Dr": {"Ref": "DrRegion"}}
                            ]
                          },
                          "Lifecycle": {"DeleteAfterDays": 90}
                        },
                        {
                          "Fn::If": [
                            "IsProd",
                            {"DestinationBackupVaultArn": {"Fn::GetAtt": ["AirGapped", "BackupVaultArn"]}},
                            {"Ref": "AWS::NoValue"}
                          ]
                        }
                      ]
                    },
                    {
                      "RuleName": "continuous",
                      "TargetBackupVault": {"Fn::GetAtt": ["Vault", "BackupVaultName"]},
                      "EnableContinuousBackup": true,
                      "Lifecycle": {"DeleteAfterDays": 35, "OptInToArchiveForSupportedResources": false}
                    }
                  ],
                  "AdvancedBackupSettings": [{"ResourceType": "EC2", "BackupOptions": {"WindowsVSS": "enabled"}}]
                },
                "BackupPlanTags": {
                  "Team": {"Fn::If": ["IsProd", "core", "sandbox"]},
                  "Unset": {"Fn::If": ["IsStaging", "staging", {"Ref": "AWS::NoValue"}]}
                }
              }
            },
            "Selection": {
              "Type": "AWS::Backup::BackupSelection",
              "Properties": {
                "BackupPlanId": {"Ref": "Plan"},
                "BackupSelection": {
                  "SelectionName": "tagged",
                  "IamRoleArn": {"Fn::GetAtt": ["BackupRole", "Arn"]},
                  "ListOfTags": [
                    {"ConditionType": "STRINGEQUALS", "ConditionKey": "BackupTier", "ConditionValue": "gold"}
                  ],
                  "Conditions": {
                    "StringNotEquals": [{"ConditionKey": "aws:ResourceTag/Env", "ConditionValue": "test"}]
                  },
                  "NotResources": [
                    {
                      "Fn::Join": [
                        ":", ["arn:aws:ec2", {"Ref": "AWS::Region"}, {"Ref": "AWS::AccountId"}, "instance/*"]
                      ]
                    }
                  ]
                }
              }
            },
            "BackupRole": {
              "Type": "AWS::IAM::Role",
              "Properties": {"RoleName": "backup-role", "AssumeRolePolicyDocument": {}}
            },
            "Framework": {
              "Type": "AWS::Backup::Framework",
              "Properties": {
                "FrameworkName": "Resilience",
                "FrameworkDescription": {"Fn::Sub": "Controls for ${AWS::StackName}"},
                "FrameworkControls": [
                  {
                    "ControlName": "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
                    "ControlInputParameters": [
                      {"ParameterName": "requiredRetentionDays", "ParameterValue": {"Ref": "MinRetention"}}
                    ]
                  },
                  {
                    "ControlName": "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
                    "ControlInputParameters": [
                      {"ParameterName": "requiredFrequencyUnit", "ParameterValue": "hours"},
                      {"ParameterName": "requiredRetentionDays", "ParameterValue": "35"},
                      {"ParameterName": "requiredFrequencyValue", "ParameterValue": {"Ref": "MinFrequency"}}
                    ],
                    "ControlScope": {
                      "ComplianceResourceTypes": ["EC2", "RDS"],
                      "Tags": [{"Key": "BackupTier", "Value": "gold"}]
                    }
                  }
                ]
              }
            },
            "Report": {
              "Type": "AWS::Backup::ReportPlan",
              "Properties": {
                "ReportPlanName": "compliance",
                "ReportDeliveryChannel": {"S3BucketName": {"Ref": "ReportBucket"}, "Formats": ["CSV"]},
                "ReportSetting": {
                  "ReportTemplate": "CONTROL_COMPLIANCE_REPORT",
                  "FrameworkArns": [{"Fn::GetAtt": ["Framework", "FrameworkArn"]}]
                }
              }
            },
            "ReportBucket": {
              "Type": "AWS::S3::Bucket",
              "Properties": {"BucketName": {"Fn::Join": ["-", ["reports", {"Ref": "AWS::AccountId"}]]}}
            }
          }
        }
        """#

    static func read(
        _ template: String,
        file: String,
        parameters: [String: String] = [:]
    ) throws -> BackupDefinitions {
        try CloudFormationTemplate.read(
            bytes: Array(template.utf8),
            file: file,
            account: account,
            region: region,
            parameters: parameters
        )
    }

    /// The error text thrown for `template`, or "no error".
    static func failure(_ template: String, file: String, parameters: [String: String] = [:]) -> String {
        do {
            _ = try read(template, file: file, parameters: parameters)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    static func arn(_ text: String) throws -> ARN { try #require(ARN(text)) }

    /// What the template holds with `MinRetention` overridden to 90, read from `source`.
    static func expected(source: String) throws -> BackupDefinitions {
        let prefix = "arn:aws:backup:us-east-1:123456789012"
        return BackupDefinitions(
            vaults: [
                Vault(
                    name: "prod-air-gapped",
                    arn: try arn("\(prefix):backup-vault:prod-air-gapped"),
                    account: account,
                    region: region,
                    vaultType: "LOGICALLY_AIR_GAPPED_BACKUP_VAULT",
                    locked: true,
                    minRetentionDays: 7,
                    maxRetentionDays: 35
                ),
                Vault(
                    name: "prod-vault",
                    arn: try arn("\(prefix):backup-vault:prod-vault"),
                    account: account,
                    region: region,
                    encryptionKeyARN: "arn:aws:kms:us-east-1:123456789012:key/VaultKey",
                    locked: true,
                    minRetentionDays: 7,
                    maxRetentionDays: 365,
                    tags: ["Owner": "platform", "CostCentre": "4711"]
                ),
            ],
            plans: [
                BackupPlan(
                    id: "backup-Plan",
                    arn: "\(prefix):backup-plan:backup-Plan",
                    name: "daily-prod",
                    versionID: "",
                    account: account,
                    region: region,
                    rules: [
                        BackupRule(
                            name: "daily",
                            id: "backup-Plan-daily",
                            targetVaultName: "prod-vault",
                            scheduleExpression: "cron(0 5 ? * * *)",
                            scheduleTimezone: "Europe/Berlin",
                            startWindowMinutes: 60,
                            lifecycle: Lifecycle(deleteAfterDays: 35),
                            recoveryPointTags: ["Source": "plan"],
                            copyActions: [
                                CopyAction(
                                    destinationVaultARN: try arn(
                                        "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-vault"
                                    ),
                                    lifecycle: Lifecycle(deleteAfterDays: 90)
                                ),
                                CopyAction(destinationVaultARN: try arn("\(prefix):backup-vault:prod-air-gapped")),
                            ]
                        ),
                        BackupRule(
                            name: "continuous",
                            id: "backup-Plan-continuous",
                            targetVaultName: "prod-vault",
                            lifecycle: Lifecycle(deleteAfterDays: 35),
                            continuous: true
                        ),
                    ],
                    advancedBackupSettings: [.ec2: ["WindowsVSS": "enabled"]],
                    tags: ["Team": "core"],
                    source: source
                )
            ],
            selections: [
                BackupSelection(
                    id: "backup-Selection",
                    name: "tagged",
                    planID: "backup-Plan",
                    iamRoleARN: "arn:aws:iam::123456789012:role/backup-role",
                    account: account,
                    region: region,
                    notResources: ["arn:aws:ec2:us-east-1:123456789012:instance/*"],
                    listOfTags: [TagCondition(key: "BackupTier", value: "gold")],
                    conditions: SelectionConditions(stringNotEquals: [TagCondition(key: "Env", value: "test")])
                )
            ],
            frameworks: [
                Framework(
                    name: "Resilience",
                    arn: "\(prefix):framework:Resilience",
                    description: "Controls for backup",
                    account: account,
                    region: region,
                    controls: [
                        FrameworkControl(
                            name: "BACKUP_RECOVERY_POINT_MINIMUM_RETENTION_CHECK",
                            parameters: [ControlParameter(name: "requiredRetentionDays", value: "90")]
                        ),
                        FrameworkControl(
                            name: "BACKUP_PLAN_MIN_FREQUENCY_AND_MIN_RETENTION_CHECK",
                            parameters: [
                                ControlParameter(name: "requiredFrequencyUnit", value: "hours"),
                                ControlParameter(name: "requiredRetentionDays", value: "35"),
                                ControlParameter(name: "requiredFrequencyValue", value: "1"),
                            ],
                            scope: ControlScope(resourceTypes: ["EC2", "RDS"], tags: ["BackupTier": "gold"])
                        ),
                    ],
                    source: source
                )
            ],
            reportPlans: [
                CloudFormationReportPlan(
                    logicalID: "Report",
                    name: "compliance",
                    arn: "\(prefix):report-plan:compliance",
                    reportTemplate: "CONTROL_COMPLIANCE_REPORT",
                    frameworkARNs: ["\(prefix):framework:Resilience"],
                    s3BucketName: "reports-123456789012",
                    formats: ["CSV"],
                    account: account,
                    region: region,
                    source: source
                )
            ]
        )
    }

    @Test("A YAML template with short-form tags reads into model values")
    func readsYAML() throws {
        let file = "templates/backup.yaml"
        let found = try Self.read(Self.yamlTemplate, file: file, parameters: ["MinRetention": "90"])
        let expected = try Self.expected(source: file)
        #expect(found.vaults == expected.vaults)
        #expect(found.plans == expected.plans)
        #expect(found.selections == expected.selections)
        #expect(found.frameworks == expected.frameworks)
        #expect(found.reportPlans == expected.reportPlans)
    }

    @Test("The same template in JSON long form gives equal model values")
    func jsonMatchesYAML() throws {
        let file = "templates/backup.json"
        let found = try Self.read(Self.jsonTemplate, file: file, parameters: ["MinRetention": "90"])
        #expect(found == (try Self.expected(source: file)))
    }

    @Test("Parameter defaults and conditions follow the parameters given")
    func stagingParameters() throws {
        let found = try Self.read(
            Self.yamlTemplate,
            file: "templates/backup.yaml",
            parameters: ["Environment": "staging"]
        )
        #expect(found.vaults.map(\.name) == ["staging-only", "staging-vault"])
        let plan = try #require(found.plans.first)
        #expect(plan.name == "daily-staging")
        #expect(plan.tags == ["Team": "sandbox", "Unset": "staging"])
        #expect(plan.rules.first?.lifecycle.deleteAfterDays == 7)
        #expect(plan.rules.first?.copyActions.count == 1)
        let framework = try #require(found.frameworks.first)
        #expect(framework.controls.first?.parameter("requiredRetentionDays") == "35")
    }

    @Test("Fn::Sub escapes, variables, pseudo parameters and the other functions resolve")
    func functions() throws {
        let template = """
            Parameters:
              Names:
                Type: CommaDelimitedList
                Default: "alpha,beta"
            Resources:
              Vault:
                Type: AWS::Backup::BackupVault
                Properties:
                  BackupVaultName: !Select [1, !Ref Names]
                  BackupVaultTags:
                    Literal: !Sub "${!Literal}-${AWS::Region}"
                    Variables: !Sub ["${A}/${B}", {A: !Ref AWS::Partition, B: !Ref AWS::URLSuffix}]
                    Stack: !Sub "${AWS::StackName}|${AWS::StackId}"
                    Encoded: !Base64 "hello"
                    Joined: !Join [",", !Ref Names]
                    Number: 012345678901
                    Flag: true
                    Arn: !Sub "${Vault.BackupVaultArn}"
              Topic:
                Type: AWS::SNS::Topic
              Plan:
                Type: AWS::Backup::BackupPlan
                Properties:
                  BackupPlan:
                    BackupPlanName: !Select [0, !Split ["/", !GetAtt Topic.TopicArn]]
                    BackupPlanRule: []
            """
        let found = try CloudFormationTemplate.read(
            bytes: Array(template.utf8),
            file: "t.yaml",
            account: Self.account,
            region: "cn-north-1",
            stackName: "evidence"
        )
        let vault = try #require(found.vaults.first)
        #expect(vault.name == "beta")
        #expect(vault.arn.description == "arn:aws-cn:backup:cn-north-1:123456789012:backup-vault:beta")
        #expect(
            vault.tags == [
                "Literal": "${Literal}-cn-north-1",
                "Variables": "aws-cn/amazonaws.com.cn",
                "Stack":
                    "evidence|arn:aws-cn:cloudformation:cn-north-1:123456789012:stack/evidence/"
                    + "00000000-0000-0000-0000-000000000000",
                "Encoded": "aGVsbG8=",
                "Joined": "alpha,beta",
                "Number": "012345678901",
                "Flag": "true",
                "Arn": "arn:aws-cn:backup:cn-north-1:123456789012:backup-vault:beta",
            ]
        )
        #expect(found.plans.first?.name == "arn:aws-cn:sns:cn-north-1:123456789012:Topic")
    }

    @Test("A vault's access policy is read as an object or as JSON text")
    func accessPolicy() throws {
        let template = """
            Resources:
              ObjectVault:
                Type: AWS::Backup::BackupVault
                Properties:
                  BackupVaultName: object-vault
                  AccessPolicy:
                    Version: "2012-10-17"
                    Statement:
                      - Sid: DenyDelete
                        Effect: Deny
                        Principal: "*"
                        Action: backup:DeleteRecoveryPoint
                        Resource: "*"
              TextVault:
                Type: AWS::Backup::BackupVault
                Properties:
                  BackupVaultName: text-vault
                  AccessPolicy: >-
                    {"Statement": {"Effect": "Deny", "Principal": {"AWS": "*"},
                    "Action": ["backup:DeleteRecoveryPoint"], "Resource": "*"}}
            """
        let found = try Self.read(template, file: "t.yaml")
        let expected = AccessPolicy(statements: [
            PolicyStatement(
                sid: "DenyDelete",
                effect: "Deny",
                principals: ["*"],
                actions: ["backup:DeleteRecoveryPoint"],
                resources: ["*"]
            )
        ])
        #expect(found.vaults.map(\.name) == ["object-vault", "text-vault"])
        #expect(found.vaults.first?.accessPolicy == expected)
        var unnamed = expected
        unnamed.statements[0].sid = ""
        #expect(found.vaults.last?.accessPolicy == unnamed)
    }

    /// One broken template per failure kind, with the exact one-line message.
    @Test(
        "Unresolvable or malformed templates name the file, the path and the problem",
        arguments: [
            (
                """
                Resources:
                  Plan:
                    Type: AWS::Backup::BackupPlan
                    Properties:
                      BackupPlan:
                        BackupPlanName: daily
                        BackupPlanRule:
                          - RuleName: daily
                            TargetBackupVault: !Ref NoSuchVault
                """,
                "templates/plan.yaml: $.Resources.Plan.Properties.BackupPlan.BackupPlanRule[0].TargetBackupVault: "
                    + "Ref to unknown name 'NoSuchVault'"
            ),
            (
                """
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: primary
                  Plan:
                    Type: AWS::Backup::BackupPlan
                    Properties:
                      BackupPlan:
                        BackupPlanName: daily
                        BackupPlanRule:
                          - RuleName: daily
                            TargetBackupVault: !Ref Vault
                            CopyActions:
                              - DestinationBackupVaultArn: !GetAtt Vault.Arn
                """,
                "templates/plan.yaml: $.Resources.Plan.Properties.BackupPlan.BackupPlanRule[0].CopyActions[0]"
                    + ".DestinationBackupVaultArn: Fn::GetAtt to unknown attribute 'Arn' of AWS::Backup::BackupVault "
                    + "'Vault' (supported: BackupVaultArn, BackupVaultName)"
            ),
            (
                """
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: !Sub "${Missing.Name}-vault"
                """,
                "templates/plan.yaml: $.Resources.Vault.Properties.BackupVaultName: "
                    + "Fn::Sub reference to unknown resource 'Missing'"
            ),
            (
                """
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: [unclosed
                  Plan:
                    Type: AWS::Backup::BackupPlan
                """,
                "templates/plan.yaml: 6:7: invalid YAML: did not find expected ',' or ']' "
                    + "(while parsing a flow sequence at 5:24)"
            ),
            (
                """
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: !Reff primary
                """,
                "templates/plan.yaml: 5:24: unknown YAML tag '!Reff'"
            ),
            (
                """
                Resources:
                  Plan:
                    Type: AWS::Backup::BackupPlan
                    Properties:
                      BackupPlan:
                        BackupPlanRule: []
                """,
                "templates/plan.yaml: $.Resources.Plan.Properties.BackupPlan.BackupPlanName: missing required field"
            ),
            (
                """
                Resources:
                  Plan:
                    Type: AWS::Backup::BackupPlan
                    Properties:
                      BackupPlan:
                        BackupPlanName: daily
                        BackupPlanRule:
                          - RuleName: daily
                            TargetBackupVault: primary
                            StartWindowMinutes: soon
                """,
                "templates/plan.yaml: $.Resources.Plan.Properties.BackupPlan.BackupPlanRule[0].StartWindowMinutes: "
                    + "expected an integer, found \"soon\""
            ),
            (
                """
                Resources:
                  Plan:
                    Type: AWS::Backup::BackupPlan
                    Properties:
                      BackupPlan:
                        BackupPlanName: daily
                        BackupPlanRule:
                          RuleName: daily
                """,
                "templates/plan.yaml: $.Resources.Plan.Properties.BackupPlan.BackupPlanRule: "
                    + "expected an array, found an object"
            ),
            (
                """
                Parameters:
                  Retention:
                    Type: Number
                Resources:
                  Vault:
                    Type: AWS::Backup::LogicallyAirGappedBackupVault
                    Properties:
                      BackupVaultName: air
                      MinRetentionDays: !Ref Retention
                      MaxRetentionDays: 35
                """,
                "templates/plan.yaml: $.Resources.Vault.Properties.MinRetentionDays: "
                    + "parameter 'Retention' has no value: it has no Default and no value was given for it"
            ),
            (
                """
                Parameters:
                  Tier:
                    Type: String
                    Default: gold
                    AllowedValues: [silver, bronze]
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: !Sub "${Tier}-vault"
                """,
                "templates/plan.yaml: $.Resources.Vault.Properties.BackupVaultName: parameter 'Tier' has the value "
                    + "\"gold\", which is not one of its AllowedValues (silver, bronze)"
            ),
            (
                """
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: !Sub "${Vault}-copy"
                """,
                "templates/plan.yaml: $.Resources.Vault.Properties.BackupVaultName: "
                    + "circular reference: BackupVaultName of 'Vault' depends on itself"
            ),
            (
                """
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: !ImportValue shared-vault-name
                """,
                "templates/plan.yaml: $.Resources.Vault.Properties.BackupVaultName: "
                    + "Fn::ImportValue cannot be resolved offline: its value is another stack's export"
            ),
            (
                """
                Conditions:
                  Never: !Equals [a, b]
                Resources:
                  Optional:
                    Type: AWS::Backup::BackupVault
                    Condition: Never
                    Properties:
                      BackupVaultName: optional
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: !Sub "${Optional}-copy"
                """,
                "templates/plan.yaml: $.Resources.Vault.Properties.BackupVaultName: Fn::Sub reference to 'Optional', "
                    + "which the template does not create (condition 'Never' is false)"
            ),
            (
                """
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: !If [Missing, a, b]
                """,
                "templates/plan.yaml: $.Resources.Vault.Properties.BackupVaultName.Fn::If[0]: "
                    + "unknown condition 'Missing'"
            ),
            (
                """
                Resources:
                  Function:
                    Type: AWS::Lambda::Function
                  Selection:
                    Type: AWS::Backup::BackupSelection
                    Properties:
                      BackupPlanId: plan-1
                      BackupSelection:
                        SelectionName: all
                        IamRoleArn: !GetAtt Function.Arn
                """,
                "templates/plan.yaml: $.Resources.Selection.Properties.BackupSelection.IamRoleArn: "
                    + "Fn::GetAtt to 'Function' cannot be resolved offline: "
                    + "AWS::Lambda::Function is not a supported type"
            ),
            (
                """
                Resources:
                  Selection:
                    Type: AWS::Backup::BackupSelection
                    Properties:
                      BackupPlanId: plan-1
                      BackupSelection:
                        SelectionName: all
                        IamRoleArn: arn:aws:iam::123456789012:role/backup
                        Conditions:
                          StringEquals:
                            - ConditionKey: Env
                              ConditionValue: prod
                """,
                "templates/plan.yaml: $.Resources.Selection.Properties.BackupSelection.Conditions.StringEquals[0]"
                    + ".ConditionKey: expected a condition key of the form aws:ResourceTag/<key>, found \"Env\""
            ),
            (
                """
                {"Resources": {"Vault": {"Type": "AWS::Backup::BackupVault",
                  "Properties": {"BackupVaultName" "v"}}}}
                """,
                "templates/plan.yaml: 2:36: invalid JSON: expected ':'"
            ),
            (
                """
                {"Resources": {"Vault": {"Type": "AWS::Backup::BackupVault",
                  "Properties": {"BackupVaultName": {"Fn::GetAtt": "Key"}}}}}
                """,
                "templates/plan.yaml: $.Resources.Vault.Properties.BackupVaultName: "
                    + "Fn::GetAtt expects Resource.Attribute, found \"Key\""
            ),
            ("", "templates/plan.yaml: the template is empty"),
            ("Resources: []", "templates/plan.yaml: $.Resources: expected an object, found an array"),
            (
                """
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                  Vault:
                    Type: AWS::Backup::BackupPlan
                """,
                "templates/plan.yaml: 2:3: invalid YAML: duplicate key 'Vault'"
            ),
            (
                """
                Parameters:
                  VaultName:
                    Type: AWS::SSM::Parameter::Value<String>
                    Default: /backup/vault-name
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: !Ref VaultName
                """,
                "templates/plan.yaml: $.Resources.Vault.Properties.BackupVaultName: parameter 'VaultName' takes its "
                    + "value from Systems Manager (AWS::SSM::Parameter::Value<String>); give its value as an override"
            ),
            (
                """
                Resources:
                  Vault:
                    Type: AWS::Backup::BackupVault
                    Properties:
                      BackupVaultName: !Select [2, [a, b]]
                """,
                "templates/plan.yaml: $.Resources.Vault.Properties.BackupVaultName: "
                    + "Fn::Select index 2 is out of range for a list of 2 values"
            ),
        ]
    )
    func failures(template: String, message: String) {
        #expect(Self.failure(template, file: "templates/plan.yaml") == message)
    }

    @Test("A value for an undeclared parameter is an error, as in CloudFormation")
    func undeclaredParameter() {
        #expect(
            Self.failure(Self.yamlTemplate, file: "templates/backup.yaml", parameters: ["Retention": "7"])
                == "templates/backup.yaml: $.Parameters: a value is given for parameter 'Retention', "
                + "which the template does not declare"
        )
    }

    /// A template whose `Metadata` anchors nest ten aliases `depth` deep (10^depth leaves); nothing refers to them.
    static func aliasBomb(depth: Int) -> String {
        let names = "abcdefghijklmnopqrstuvwxyz".map(String.init)
        var lines = ["Metadata:", "  a: &a [" + Array(repeating: "\"lol\"", count: 10).joined(separator: ",") + "]"]
        for level in 1..<depth {
            let name = names[level]
            let alias = "*" + names[level - 1]
            lines.append("  \(name): &\(name) [" + Array(repeating: alias, count: 10).joined(separator: ",") + "]")
        }
        lines += [
            "Resources:", "  Vault:", "    Type: AWS::Backup::BackupVault", "    Properties:",
            "      BackupVaultName: lol-vault",
        ]
        return lines.joined(separator: "\n") + "\n"
    }

    static func failure(_ template: String, limits: ReadLimits) -> String {
        do {
            _ = try CloudFormationTemplate.read(
                bytes: Array(template.utf8),
                file: "templates/bomb.yaml",
                account: account,
                region: region,
                limits: limits
            )
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test("A YAML alias bomb is refused before it expands, though nothing refers to its anchors")
    func aliasBomb() {
        // 10^5 leaves against a limit of 10,000: `d` (11,111 nodes) is the first node over it.
        #expect(
            Self.failure(Self.aliasBomb(depth: 5), limits: ReadLimits(yamlNodes: 10_000))
                == "templates/bomb.yaml: 5:6: the YAML expands to more than 10000 nodes once its aliases are "
                + "expanded (limits.yaml_nodes in scenario.json raises the limit)"
        )
        // Within a raised limit the same template reads.
        #expect(Self.failure(Self.aliasBomb(depth: 5), limits: ReadLimits(yamlNodes: 200_000)) == "no error")
    }

    @Test("An alias used as a mapping key must name a plain value; it is refused before Yams hashes it")
    func aliasAsKey() {
        let template = Self.aliasBomb(depth: 5) + "Outputs:\n  ? *e\n  : x\n"
        #expect(
            Self.failure(template, limits: ReadLimits(yamlNodes: .max))
                == "templates/bomb.yaml: 13:5: a mapping key must be a plain value"
        )
    }

    @Test("Aliases resolve to the latest node anchored under their name, and are counted as it")
    func aliasesWithinLimit() throws {
        let template = """
            Metadata:
              Old: &tags {Owner: old}
              Tags: &tags {Owner: platform, Tier: gold}
            Resources:
              Vault:
                Type: AWS::Backup::BackupVault
                Properties:
                  BackupVaultName: tagged-vault
                  BackupVaultTags: *tags
              Other:
                Type: AWS::Backup::BackupVault
                Properties:
                  BackupVaultName: other-vault
                  BackupVaultTags: *tags
            """
        let found = try CloudFormationTemplate.read(
            bytes: Array(template.utf8),
            file: "templates/tags.yaml",
            account: Self.account,
            region: Self.region
        )
        #expect(
            found.vaults.map(\.tags) == [
                ["Owner": "platform", "Tier": "gold"], ["Owner": "platform", "Tier": "gold"],
            ]
        )
        // 1 (root) + 1 + 11 (Metadata) + 1 + 29 (Resources, each alias counted as the 5 nodes of Tags).
        #expect(Self.failure(template, limits: ReadLimits(yamlNodes: 43)) == "no error")
        #expect(Self.failure(template, limits: ReadLimits(yamlNodes: 42)).contains("more than 42 nodes"))
    }
}
