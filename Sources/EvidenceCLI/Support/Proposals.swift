internal import EvidenceIngest
internal import EvidenceModel
internal import Foundation

/// Reads proposed frameworks and plans: AWS CLI JSON (describe-framework, get-backup-plan) or a CloudFormation
/// template (YAML or JSON) holding AWS::Backup::Framework or AWS::Backup::BackupPlan resources.
enum Proposals {
    /// Whether a file is a CloudFormation template: YAML, or JSON with a top-level `Resources`.
    static func isTemplate(_ file: String) throws -> Bool {
        if file.hasSuffix(".yaml") || file.hasSuffix(".yml") || file.hasSuffix(".template") { return true }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ImportError(file: file, message: "cannot read the file")
        }
        return String(decoding: data.prefix(4096), as: UTF8.self).contains("\"Resources\"")
    }

    static func template(
        _ file: String,
        _ estate: Estate,
        _ parameters: [String: String]
    ) throws -> BackupDefinitions {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw ImportError(file: file, message: "cannot read the file")
        }
        // Account and Region only shape the template's own ARNs; each deployment takes its folder's.
        let location = estate.locations.first ?? AccountRegion(account: "000000000000", region: "us-east-1")
        return try CloudFormationTemplate.read(
            bytes: [UInt8](data),
            file: file,
            account: location.account,
            region: location.region,
            parameters: parameters
        )
    }

    static func frameworks(file: String, estate: Estate, parameters: [String: String]) throws -> [Framework] {
        guard try isTemplate(file) else { return [try ProposalReader.framework(file: file)] }
        let frameworks = try template(file, estate, parameters).frameworks
        guard !frameworks.isEmpty else {
            throw ImportError(file: file, message: "the template holds no AWS::Backup::Framework resource")
        }
        return frameworks
    }

    static func plans(file: String, estate: Estate, parameters: [String: String]) throws -> [BackupPlan] {
        guard try isTemplate(file) else { return [try ProposalReader.plan(file: file)] }
        let plans = try template(file, estate, parameters).plans
        guard !plans.isEmpty else {
            throw ImportError(file: file, message: "the template holds no AWS::Backup::BackupPlan resource")
        }
        return plans
    }
}
