internal import EvidenceModel

extension ReportLayout {
    /// Page one: what the month is, and its totals.
    mutating func overview(_ facts: ReportFacts) {
        let month = position.month
        let windows = facts.windowTallies.values.reduce(into: ReportFacts.WindowTally()) { sum, t in
            sum.total += t.total
            sum.onTime += t.onTime
            sum.late += t.late
            sum.missed += t.missed
            sum.shortRetention += t.shortRetention
            sum.notCompleted += t.notCompleted
        }
        let copies = facts.copyTallies.values.reduce(into: ReportFacts.CopyTally()) { sum, t in
            sum.total += t.total
            sum.completed += t.completed
            sum.failed += t.failed
        }
        let rows = facts.controls.reduce(0) { $0 + $1.total }
        let nonCompliant = facts.controls.reduce(0) { $0 + $1.nonCompliant }
        let failing = facts.controls.filter { $0.nonCompliant > 0 }.count
        let restoresCompleted = facts.restores.filter { $0.status == "COMPLETED" }.count
        var lines = [PDFLine(.helveticaBold, 16, "AWS Backup compliance report, month \(month)", leading: 1.6)]
        let facts: [(String, String)] = [
            ("Period", "\(month.start.iso8601) to \(month.end.iso8601) (UTC)"),
            ("Evaluated as of", facts.evaluatedAt),
            ("Chain", position.chainID),
            ("Previous seal", position.previousSeal ?? "none: first month of the chain"),
            ("Frameworks", facts.frameworks.joined(separator: ", ")),
            ("Accounts evaluated", "\(facts.accounts.count): \(facts.accounts.joined(separator: ", "))"),
            ("Regions", "\(facts.regions.count): \(facts.regions.joined(separator: ", "))"),
            (
                "Compliance rows",
                "\(rows) evaluated, \(nonCompliant) non-compliant, in \(failing) of \(facts.controls.count) controls"
            ),
            (
                "Backup windows",
                "\(windows.total) expected, \(windows.onTime) on time, \(windows.notOnTime) not on time: "
                    + "\(windows.late) late, \(windows.missed) missed, \(windows.shortRetention) short retention, "
                    + "\(windows.notCompleted) not completed"
            ),
            (
                "Copy jobs",
                "\(copies.total): \(copies.completed) completed, \(copies.failed) failed, \(copies.other) other"
            ),
            ("Restore jobs", "\(facts.restores.count): \(restoresCompleted) completed"),
        ]
        for (label, value) in facts { lines += labelledBody(label, value) }
        lines.append(PDFLine(height: 6, runs: []))
        lines += paragraph(
            "Every figure below is read from the CSV reports sealed with this file in the same month folder "
                + "(reports/*.csv). The folder's SHA256SUMS lists this PDF's SHA-256 beside theirs and is signed; "
                + "the previous seal above is the SHA-256 of the previous entry's SHA256SUMS, so each printed page "
                + "names the chain link it belongs to. Controls appear under their AWS control names and resources "
                + "under their Resource ID, as in RESOURCE_COMPLIANCE_REPORT.csv."
        )
        flow.add(lines)
    }

    /// A body-size label with its value wrapped in Helvetica beside it.
    private func labelledBody(_ label: String, _ value: String) -> [PDFLine] {
        let x = 90.0
        let font: PDFFont = label == "Previous seal" ? .courier : .helvetica
        let size = font == .courier ? 7.5 : Self.body
        return PDFFlow.wrap(value, font: font, size: size, width: Self.width - x).enumerated().map { index, text in
            var runs = [PDFLine.Run(font, size, x: x, text)]
            if index == 0 { runs.insert(PDFLine.Run(.helveticaBold, Self.body, label), at: 0) }
            return PDFLine(height: Self.body * 1.4, runs: runs)
        }
    }

    /// Section 1: every control, worst first, with its non-compliant and total rows.
    mutating func controlSummary(_ facts: ReportFacts) {
        section(
            "1. Summary by control",
            "Rows of RESOURCE_COMPLIANCE_REPORT per control, over every account, Region and framework; worst first "
                + "(most non-compliant rows, then the larger non-compliant share)."
        )
        let columns = (nonCompliant: 380.0, compliant: 450.0, total: Self.width)
        // The control column is as wide as the numbers allow; the size makes the longest name fit on one line.
        let longest = facts.controls.map { PDFFont.courier.width(of: $0.name, size: 1) }.max() ?? 1
        let size = min(8, (columns.nonCompliant - 60) / longest)
        var lines = [
            row(
                [(0, "Control")],
                numbers: [
                    (columns.nonCompliant, "Non-compliant"), (columns.compliant, "Compliant"), (columns.total, "Total"),
                ],
                font: .helveticaBold,
                size: 7.5,
                rule: true
            )
        ]
        for control in facts.controls {
            lines.append(
                row(
                    [(0, control.name)],
                    numbers: [
                        (columns.nonCompliant, String(control.nonCompliant)),
                        (columns.compliant, String(control.compliant)),
                        (columns.total, String(control.total)),
                    ],
                    size: size
                )
            )
        }
        flow.add(lines)
    }

    /// Section 2: each non-compliant row with its reason, evidence and the resource's backup windows.
    mutating func nonCompliant(_ facts: ReportFacts) {
        section(
            "2. Non-compliant resources",
            "Each NON_COMPLIANT row of RESOURCE_COMPLIANCE_REPORT, by control (worst first) and Resource ID, with its "
                + "Evaluation Reason and Evidence columns (job, recovery point, plan and vault references)."
        )
        if facts.findings.isEmpty {
            flow.add(paragraph("No resource is non-compliant this month."))
            return
        }
        let tallies = Dictionary(uniqueKeysWithValues: facts.controls.map { ($0.name, $0) })
        var current = ""
        for finding in facts.findings {
            if finding.control != current {
                current = finding.control
                let tally = tallies[current] ?? ReportFacts.ControlTally(name: current)
                let size = min(10, Self.width / max(PDFFont.helveticaBold.width(of: current, size: 1), 1))
                flow.space(6)
                flow.add(
                    [
                        PDFLine(.helveticaBold, size, current, leading: 1.4),
                        PDFLine(.helvetica, 7.5, "\(tally.nonCompliant) non-compliant of \(tally.total) rows"),
                    ],
                    keepWithNext: 40
                )
            }
            var lines: [PDFLine] = [PDFLine(height: 3, runs: [])]
            lines += PDFFlow.wrap(finding.key.id, font: .courier, size: Self.data, width: Self.width).map {
                PDFLine(.courier, Self.data, $0, leading: 1.4)
            }
            lines += paragraph(
                "account \(finding.key.account), \(finding.key.region), framework \(finding.framework), \(finding.type)",
                size: 7
            )
            lines += labelled("Reason", finding.reason)
            let evidence = finding.evidence.split(separator: "; ").map(String.init)
            if evidence.isEmpty { lines += labelled("Evidence", "(none)") }
            for (index, item) in evidence.enumerated() { lines += labelled(index == 0 ? "Evidence" : "", item) }
            if let windows = facts.windowTallies[finding.key] {
                lines += labelled(
                    "Windows",
                    "\(windows.total) expected, \(windows.onTime) on time, \(windows.notOnTime) not on time (section 3)"
                )
            }
            flow.add(lines)
        }
    }

    /// Section 3: per resource window counts, then every window that was not on time.
    mutating func windows(_ facts: ReportFacts) {
        section(
            "3. Backup windows by resource",
            "From BACKUP_WINDOW_REPORT: each expected backup (resource x rule x scheduled time) and its outcome. "
                + "Not completed counts FAILED, EXPIRED, ABORTED, PARTIAL and RUNNING. Every window that was not on "
                + "time is listed after the table; on-time windows are counted, not listed."
        )
        let columns: [(Double, String)] = [
            (378, "Windows"), (408, "On time"), (431, "Late"), (458, "Missed"), (491, "Short ret."),
            (Self.width, "Not done"),
        ]
        let head = row(
            [(0, "Resource ID"), (Self.accountX, "Account"), (Self.regionX, "Region")],
            numbers: columns,
            font: .helveticaBold,
            size: 6.5,
            rule: true
        )
        flow.add([head], keepWithNext: 10)
        let keys = facts.windowTallies.keys.sorted()
        for key in keys {
            guard let t = facts.windowTallies[key] else { continue }
            let values = [t.total, t.onTime, t.late, t.missed, t.shortRetention, t.notCompleted]
            flow.add(resourceRow(key, numbers: zip(columns, values).map { ($0.0, String($1)) }))
        }
        if keys.isEmpty { flow.add(paragraph("No backup window was expected this month.")) }

        flow.space(8)
        flow.add([PDFLine(.helveticaBold, 10, "Windows not on time", leading: 1.5)], keepWithNext: 30)
        let late = facts.windowsNotOnTime.keys.sorted()
        if late.isEmpty { flow.add(paragraph("Every expected window was on time.")) }
        for key in late {
            let windows = facts.windowsNotOnTime[key] ?? []
            flow.add(
                [PDFLine(height: 3, runs: [])]
                    + PDFFlow.wrap(key.id, font: .courier, size: Self.data, width: Self.width).map {
                        PDFLine(.courier, Self.data, $0, leading: 1.4)
                    }
                    + paragraph("account \(key.account), \(key.region): \(windows.count) not on time", size: 7),
                keepWithNext: 20
            )
            for window in windows {
                var text = "\(window.scheduled) \(window.plan)/\(window.rule) \(window.outcome)"
                text += window.jobID.isEmpty ? ", no job" : ", job \(window.jobID) \(window.jobStatus)"
                if window.outcome == "LATE" {
                    text += ", completed \(window.completion) after the window's end \(window.completeBy)"
                }
                if window.outcome == "RETENTION_SHORT" {
                    text += ", kept \(window.retentionTaken) days of the \(window.retentionRequired) required"
                }
                if !window.detail.isEmpty { text += ": \(window.detail)" }
                flow.add(labelled(window.outcome == "MISSED" ? "Missed" : "Window", text))
            }
        }
    }

    /// Section 4: copy jobs by destination and by resource, and each copy job that did not complete.
    mutating func copies(_ facts: ReportFacts) {
        section(
            "4. Copy evidence",
            "From COPY_JOB_REPORT: copy jobs by destination vault and by source resource; every copy job that did not "
                + "complete is listed."
        )
        if facts.copyTallies.isEmpty {
            flow.add(paragraph("No copy job ran this month."))
            return
        }
        let columns: [(Double, String)] = [
            (408, "Copy jobs"), (448, "Completed"), (485, "Failed"), (Self.width, "Other"),
        ]
        var lines = [row([(0, "Destination vault")], numbers: columns, font: .helveticaBold, size: 6.5, rule: true)]
        for destination in facts.copyDestinations.keys.sorted() {
            guard let t = facts.copyDestinations[destination] else { continue }
            let numbers = zip(columns, [t.total, t.completed, t.failed, t.other]).map { ($0.0, String($1)) }
            let wrapped = PDFFlow.wrap(destination, font: .courier, size: Self.data, width: columns[0].0 - 40)
            for (index, text) in wrapped.enumerated() {
                lines.append(row([(0, text)], numbers: index == wrapped.count - 1 ? numbers : []))
            }
        }
        flow.add(lines)
        flow.space(8)
        flow.add(
            [
                row(
                    [(0, "Resource ID"), (Self.accountX, "Account"), (Self.regionX, "Region")],
                    numbers: columns,
                    font: .helveticaBold,
                    size: 6.5,
                    rule: true
                )
            ],
            keepWithNext: 10
        )
        for key in facts.copyTallies.keys.sorted() {
            guard let t = facts.copyTallies[key] else { continue }
            flow.add(
                resourceRow(
                    key,
                    numbers: zip(columns, [t.total, t.completed, t.failed, t.other]).map { ($0.0, String($1)) }
                )
            )
        }
        flow.space(8)
        flow.add([PDFLine(.helveticaBold, 10, "Copy jobs not completed", leading: 1.5)], keepWithNext: 20)
        if facts.copiesNotCompleted.isEmpty { flow.add(paragraph("Every copy job completed.")) }
        for job in facts.copiesNotCompleted {
            var lines: [PDFLine] = [PDFLine(height: 3, runs: [])]
            lines += PDFFlow.wrap(job.key.id, font: .courier, size: Self.data, width: Self.width).map {
                PDFLine(.courier, Self.data, $0, leading: 1.4)
            }
            lines += labelled(
                "Copy job",
                "\(job.id) \(job.status), created \(job.created), account \(job.key.account), \(job.key.region)"
            )
            lines += labelled("To", job.destination)
            if !job.message.isEmpty { lines += labelled("Message", job.message) }
            flow.add(lines)
        }
    }

    /// Section 5: every restore job.
    mutating func restores(_ facts: ReportFacts) {
        section(
            "5. Restore evidence",
            "From RESTORE_JOB_REPORT: every restore job of the month, by source resource."
        )
        if facts.restores.isEmpty { flow.add(paragraph("No restore job ran this month.")) }
        for job in facts.restores {
            var lines: [PDFLine] = [PDFLine(height: 3, runs: [])]
            lines += PDFFlow.wrap(job.key.id, font: .courier, size: Self.data, width: Self.width).map {
                PDFLine(.courier, Self.data, $0, leading: 1.4)
            }
            var text = "\(job.id) \(job.status), created \(job.created)"
            if !job.completed.isEmpty { text += ", completed \(job.completed)" }
            if let minutes = Self.minutes(from: job.created, to: job.completed) { text += " (\(minutes) min)" }
            lines += labelled("Restore job", text + ", account \(job.key.account), \(job.key.region)")
            lines += labelled("From", job.recoveryPoint)
            if !job.message.isEmpty { lines += labelled("Message", job.message) }
            flow.add(lines)
        }
    }

    /// Whole minutes between two report instants, when both parse.
    static func minutes(from start: String, to end: String) -> Int64? {
        guard let a = Instant(iso8601: start), let b = Instant(iso8601: end), b >= a else { return nil }
        return (b.milliseconds - a.milliseconds) / 60_000
    }
}
