internal import EvidenceIngest
internal import EvidenceModel

/// Reads proposed frameworks and plans from AWS CLI JSON.
enum Proposals {
    static func frameworks(file: String, parameters: [String: String]) throws -> [Framework] {
        [try ProposalReader.framework(file: file)]
    }

    static func plans(file: String, parameters: [String: String]) throws -> [BackupPlan] {
        [try ProposalReader.plan(file: file)]
    }
}
