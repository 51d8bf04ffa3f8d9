internal import EvidenceModel
internal import EvidenceSimulation

/// A month's exported jobs, handed out by resource ARN: backup and copy jobs by the resource they protect,
/// restore jobs by their source. Each resource's lists keep the estate's order (creation date, then id).
struct ExportedJobSource {
    private var groups: [String: ExportedJobs] = [:]
    private var taken = Set<String>()

    init(estate: Estate) {
        for job in estate.backupJobs { groups[job.resourceARN, default: ExportedJobs()].backupJobs.append(job) }
        for job in estate.copyJobs { groups[job.resourceARN, default: ExportedJobs()].copyJobs.append(job) }
        for job in estate.restoreJobs {
            groups[job.sourceResourceARN, default: ExportedJobs()].restoreJobs.append(job)
        }
    }

    /// The jobs of the resource with that ARN.
    mutating func take(_ arn: String) -> ExportedJobs {
        taken.insert(arn)
        return groups[arn] ?? ExportedJobs()
    }

    /// The jobs of every ARN not taken, ARN by ARN in ARN order.
    func remaining() -> [ExportedJobs] {
        groups.keys.filter { !taken.contains($0) }.sorted().compactMap { groups[$0] }
    }
}
