extension Estate {
    /// The estate with a proposed framework deployed: it replaces every framework of the same name, in each account
    /// and Region that has one; when none has that name, it is added to every account and Region holding resources
    /// (ARCHITECTURE.md §4).
    ///
    /// - Parameter proposal: a framework whose account, Region and ARN are ignored; each deployment takes its folder's.
    public func deploying(_ proposal: Framework) -> Estate {
        var estate = self
        let existing = frameworks.indices.filter { frameworks[$0].name == proposal.name }
        if existing.isEmpty {
            let holding = Set(resources.map { AccountRegion(account: $0.account, region: $0.region) }).sorted()
            for location in holding {
                var deployed = proposal
                deployed.account = location.account
                deployed.region = location.region
                deployed.arn =
                    "arn:aws:backup:\(location.region):\(location.account):framework:\(proposal.name)-proposed"
                estate.frameworks.append(deployed)
            }
        } else {
            for index in existing {
                var deployed = proposal
                deployed.account = frameworks[index].account
                deployed.region = frameworks[index].region
                deployed.arn = frameworks[index].arn
                estate.frameworks[index] = deployed
            }
        }
        estate.frameworks.sort { ($0.account, $0.region, $0.name) < ($1.account, $1.region, $1.name) }
        return estate
    }

    /// The estate with a proposed plan replacing every plan of the same name.
    ///
    /// Each replaced plan keeps its own id, ARN and selections, and takes the proposal's rules and advanced
    /// settings. Returns nil when no plan has that name.
    public func replacingPlan(_ proposal: BackupPlan) -> Estate? {
        var estate = self
        var replaced = false
        for index in plans.indices where plans[index].name == proposal.name {
            estate.plans[index].rules = proposal.rules
            estate.plans[index].advancedBackupSettings = proposal.advancedBackupSettings
            estate.plans[index].versionID = proposal.versionID
            estate.plans[index].source = proposal.source
            replaced = true
        }
        return replaced ? estate : nil
    }
}
