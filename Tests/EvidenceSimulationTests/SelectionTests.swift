import EvidenceModel
import EvidenceSimulation
import Testing

@Suite("Selection semantics")
struct SelectionTests {
    static func resource(_ arn: String, _ tags: [String: String]) -> Resource {
        guard let parsed = ARN(arn), let type = BackupResourceType.of(parsed) else { fatalError("bad test ARN \(arn)") }
        return Resource(arn: parsed, type: type, account: "111122223333", region: "us-east-1", tags: tags)
    }

    static func selection(
        resources: [String] = [],
        not: [String] = [],
        tags: [TagCondition] = [],
        conditions: SelectionConditions = SelectionConditions()
    ) -> BackupSelection {
        BackupSelection(
            id: "s",
            name: "sel",
            planID: "p",
            iamRoleARN: "arn:aws:iam::111122223333:role/r",
            account: "111122223333",
            region: "us-east-1",
            resources: resources,
            notResources: not,
            listOfTags: tags,
            conditions: conditions
        )
    }

    static let fsx = resource("arn:aws:fsx:us-east-1:111122223333:file-system/fs-1", ["stage": "prod"])
    static let fsxTest = resource("arn:aws:fsx:us-east-1:111122223333:file-system/fs-2", ["stage": "test"])
    static let aurora = resource("arn:aws:rds:us-east-1:111122223333:cluster:pay", [:])
    static let tagged = resource("arn:aws:dynamodb:us-east-1:111122223333:table/t", ["backup": "true"])
    static let taggedTest = resource(
        "arn:aws:dynamodb:us-east-1:111122223333:table/u",
        ["backup": "true", "stage": "test"]
    )
    static let other = resource("arn:aws:ec2:us-east-1:111122223333:instance/i-1", [:])

    /// AWS's documented example: FSx ∪ one Aurora cluster ∪ tagged backup:true, minus stage:test.
    @Test("Resources OR ListOfTags, AND Conditions, NOT NotResources")
    func documentedExample() {
        let s = Self.selection(
            resources: ["arn:aws:fsx:*", "arn:aws:rds:us-east-1:111122223333:cluster:pay"],
            tags: [TagCondition(key: "backup", value: "true")],
            conditions: SelectionConditions(stringNotEquals: [TagCondition(key: "stage", value: "test")])
        )
        #expect(
            SelectionMatcher.match(s, Self.fsx)?.clause
                == "Resources[0] arn:aws:fsx:* and Conditions StringNotEquals stage=test"
        )
        #expect(SelectionMatcher.match(s, Self.fsxTest) == nil)
        #expect(SelectionMatcher.match(s, Self.aurora) != nil)
        #expect(SelectionMatcher.match(s, Self.tagged)?.clause.hasPrefix("ListOfTags[0] backup=true") == true)
        #expect(SelectionMatcher.match(s, Self.taggedTest) == nil)
        #expect(SelectionMatcher.match(s, Self.other) == nil)
    }

    @Test("NotResources excludes after inclusion")
    func notResources() {
        let s = Self.selection(resources: ["*"], not: ["arn:aws:fsx:*"])
        #expect(SelectionMatcher.match(s, Self.fsx) == nil)
        #expect(SelectionMatcher.match(s, Self.other)?.clause == "Resources[0] *")
    }

    @Test("Conditions: missing tags fail StringEquals and StringLike and pass the negations")
    func conditionOperators() {
        let like = SelectionConditions(stringLike: [TagCondition(key: "stage", value: "pr*")])
        #expect(SelectionMatcher.conditionsHold(like, tags: ["stage": "prod"]))
        #expect(!SelectionMatcher.conditionsHold(like, tags: ["stage": "test"]))
        #expect(!SelectionMatcher.conditionsHold(like, tags: [:]))
        let notLike = SelectionConditions(stringNotLike: [TagCondition(key: "stage", value: "*st")])
        #expect(SelectionMatcher.conditionsHold(notLike, tags: [:]))
        #expect(!SelectionMatcher.conditionsHold(notLike, tags: ["stage": "test"]))
        let equals = SelectionConditions(
            stringEquals: [TagCondition(key: "a", value: "1")],
            stringNotEquals: [TagCondition(key: "b", value: "2")]
        )
        #expect(SelectionMatcher.conditionsHold(equals, tags: ["a": "1"]))
        #expect(!SelectionMatcher.conditionsHold(equals, tags: ["a": "1", "b": "2"]))
        #expect(!SelectionMatcher.conditionsHold(equals, tags: ["b": "3"]))
    }

    @Test("A26: StringLike env=prod* selects env=prod_server, not env=prod server; StringNotLike the other way")
    func wildcardsAndWhitespace() {
        let server = Self.resource("arn:aws:ec2:us-east-1:111122223333:volume/vol-1", ["env": "prod server"])
        let underscore = Self.resource("arn:aws:ec2:us-east-1:111122223333:volume/vol-2", ["env": "prod_server"])
        let like = Self.selection(
            resources: ["arn:aws:ec2:*:*:volume/*"],
            conditions: SelectionConditions(stringLike: [TagCondition(key: "env", value: "prod*")])
        )
        #expect(SelectionMatcher.match(like, underscore) != nil)
        #expect(SelectionMatcher.match(like, server) == nil)
        let notLike = Self.selection(
            resources: ["arn:aws:ec2:*:*:volume/*"],
            conditions: SelectionConditions(stringNotLike: [TagCondition(key: "env", value: "prod*")])
        )
        #expect(SelectionMatcher.match(notLike, underscore) == nil)
        #expect(SelectionMatcher.match(notLike, server) != nil)
    }

    @Test("ListOfTags entries are OR'ed and case-sensitive")
    func listOfTags() {
        let s = Self.selection(tags: [
            TagCondition(key: "tier", value: "gold"), TagCondition(key: "backup", value: "true"),
        ])
        #expect(SelectionMatcher.match(s, Self.tagged)?.clause == "ListOfTags[1] backup=true")
        #expect(SelectionMatcher.match(s, Self.resource("arn:aws:s3:::b", ["backup": "True"])) == nil)
    }

    @Test("No Resources and no ListOfTags selects every resource, refined by Conditions")
    func conditionsOnly() {
        let s = Self.selection(
            conditions: SelectionConditions(stringEquals: [TagCondition(key: "stage", value: "prod")])
        )
        #expect(SelectionMatcher.match(s, Self.fsx) != nil)
        #expect(SelectionMatcher.match(s, Self.other) == nil)
    }

    @Test("Selections are regional: another account or Region is never selected")
    func regional() {
        var s = Self.selection(resources: ["*"])
        s.region = "us-west-2"
        #expect(SelectionMatcher.match(s, Self.fsx) == nil)
    }
}
