internal import EvidenceModel

extension ReportLayout {
    /// Page one: what the month is, and its totals.
    mutating func overview(_ facts: ReportFacts) {
        let month = position.month
        let windows = facts.windowTotals
        let copies = facts.copyTotals
        let rows = facts.controls.reduce(0) { $0 + $1.total }
        let nonCompliant = facts.controls.reduce(0) { $0 + $1.nonCompliant }
        let failing = facts.controls.filter { $0.nonCompliant > 0 }.count
        let restoresCompleted = facts.restores.filter { $0.status == "COMPLETED" }.count
        var restores = "\(facts.restores.count): \(restoresCompleted) completed"
        let unfinished = facts.restores.filter { $0.status != "COMPLETED" }
        if !unfinished.isEmpty {
            // Named here up to a page-one's worth; section 5 lists every one of them first.
            let named = unfinished.prefix(Self.restoresNamed)
            restores += ", \(unfinished.count) not completed: "
            restores += named.map { "\($0.status) \($0.id) of \($0.key.id)" }.joined(separator: "; ")
            if unfinished.count > named.count { restores += "; and \(unfinished.count - named.count) more" }
            restores += " (section 5)"
        }
        let resources = facts.strips.count + facts.resourcesOnTime
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
                    + "\(windows.notCompleted) not completed; \(facts.strips.count) of \(resources) resources had a "
                    + "window not on time (section 3)"
            ),
            (
                "Copy jobs",
                "\(copies.total): \(copies.completed) completed, \(copies.failed) failed, \(copies.other) other"
            ),
            ("Restore jobs", restores),
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

    /// How many restore jobs that did not complete the first page names.
    static let restoresNamed = 10

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

    /// Section 1: every control, worst first, with a bar of its non-compliant and compliant rows and the counts.
    mutating func controlSummary(_ facts: ReportFacts) {
        section(
            "1. Summary by control",
            "Rows of RESOURCE_COMPLIANCE_REPORT per control, over every account, Region and framework; worst first "
                + "(most non-compliant rows, then the larger non-compliant share). Each bar is the control's rows: "
                + "the non-compliant share hatched on the left (at least 2 points wide when there is one), the "
                + "compliant share solid."
        )
        let columns = (bar: 232.0, barWidth: 160.0, nonCompliant: 440.0, compliant: 482.0, total: Self.width)
        // The control column is as wide as the numbers allow; the size makes the longest name fit on one line.
        let longest = facts.controls.map { PDFFont.courier.width(of: $0.name, size: 1) }.max() ?? 1
        let size = min(8, (columns.bar - 6) / longest)
        var legend: [(swatch: [PDFShape], label: String)] = [
            (
                [.rectangle(x: -3.5, y: -2.5, width: 7, height: 5, fill: ReportGraphics.nonCompliant, hatch: .white)],
                "non-compliant rows"
            ),
            ([.rectangle(x: -3.5, y: -2.5, width: 7, height: 5, fill: ReportGraphics.compliant)], "compliant rows"),
        ]
        if facts.controls.contains(where: { $0.compliant + $0.nonCompliant < $0.total }) {
            legend.append(
                (
                    [.rectangle(x: -3.5, y: -2.5, width: 7, height: 5, fill: ReportGraphics.otherStatus)],
                    "rows of another status"
                )
            )
        }
        var lines = [
            ReportGraphics.legend(legend, size: 7, height: 11),
            row(
                [(0, "Control"), (columns.bar, "Share of the control's rows")],
                numbers: [
                    (columns.nonCompliant, "Non-compliant"), (columns.compliant, "Compliant"), (columns.total, "Total"),
                ],
                font: .helveticaBold,
                size: 7.5,
                rule: true
            ),
        ]
        for control in facts.controls {
            var line = row(
                [(0, control.name)],
                numbers: [
                    (columns.nonCompliant, String(control.nonCompliant)),
                    (columns.compliant, String(control.compliant)),
                    (columns.total, String(control.total)),
                ],
                size: size
            )
            line.height = max(line.height, 10)
            line.shapes = ReportGraphics.bar(
                nonCompliant: control.nonCompliant,
                compliant: control.compliant,
                total: control.total,
                x: columns.bar,
                y: (line.height - 6.5) / 2,
                width: columns.barWidth,
                height: 6.5
            )
            lines.append(line)
        }
        flow.add(lines)
    }

    /// Section 2: the non-compliant rows by control, identical findings (one control, one reason) grouped, each
    /// group's resources in a compact table.
    mutating func nonCompliant(_ facts: ReportFacts) {
        section(
            "2. Non-compliant resources",
            "Each NON_COMPLIANT row of RESOURCE_COMPLIANCE_REPORT, by control (worst first). Rows with the same "
                + "Evaluation Reason are grouped: the reason and the number of rows, then the resources, with the "
                + "Evidence column once for rows that share it (a recovery point named by the Resource ID is not "
                + "repeated)."
        )
        if facts.findings.isEmpty {
            flow.add(paragraph("No resource is non-compliant this month."))
            return
        }
        let tallies = Dictionary(uniqueKeysWithValues: facts.controls.map { ($0.name, $0) })
        var index = 0
        while index < facts.findings.count {
            let control = facts.findings[index].control
            var end = index
            while end < facts.findings.count && facts.findings[end].control == control { end += 1 }
            let tally = tallies[control] ?? ReportFacts.ControlTally(name: control)
            let size = min(10, Self.width / max(PDFFont.helveticaBold.width(of: control, size: 1), 1))
            flow.space(6)
            flow.add(
                [
                    PDFLine(.helveticaBold, size, control, leading: 1.4),
                    PDFLine(.helvetica, 7.5, "\(tally.nonCompliant) non-compliant of \(tally.total) rows"),
                ],
                keepWithNext: 40
            )
            for group in Self.groups(facts.findings[index..<end]) { findingGroup(group, facts: facts) }
            index = end
        }
    }

    /// One control's findings with one reason, and within them the findings that share their evidence.
    struct FindingGroup {
        var reason: String
        var count: Int
        /// Evidence shared by two or more findings, with them; then each finding whose evidence is its own, with
        /// an empty evidence key.
        var byEvidence: [(evidence: String?, findings: [ReportFacts.Finding])]
    }

    /// The findings of one control grouped by reason (most rows first, then the reason), each group's findings by
    /// shared evidence (most first), then those with evidence of their own in Resource ID order.
    static func groups(_ findings: ArraySlice<ReportFacts.Finding>) -> [FindingGroup] {
        var byReason: [String: [ReportFacts.Finding]] = [:]
        for finding in findings { byReason[finding.reason, default: []].append(finding) }
        let reasons = byReason.keys.sorted { a, b in
            let (ca, cb) = (byReason[a]?.count ?? 0, byReason[b]?.count ?? 0)
            return ca != cb ? ca > cb : a < b
        }
        return reasons.map { reason in
            let members = byReason[reason] ?? []
            var byEvidence: [String: [ReportFacts.Finding]] = [:]
            for finding in members { byEvidence[finding.evidence, default: []].append(finding) }
            let shared = byEvidence.filter { $0.value.count > 1 }.sorted { a, b in
                a.value.count != b.value.count ? a.value.count > b.value.count : a.key < b.key
            }
            let own = members.filter { (byEvidence[$0.evidence]?.count ?? 0) < 2 }
            return FindingGroup(
                reason: reason,
                count: members.count,
                byEvidence: shared.map { (Optional($0.key), $0.value) } + (own.isEmpty ? [] : [(nil, own)])
            )
        }
    }

    private mutating func findingGroup(_ group: FindingGroup, facts: ReportFacts) {
        let head =
            [PDFLine(height: 4, runs: [])]
            + labelled(group.count == 1 ? "1 row" : "\(group.count) rows", group.reason)
        let tableHead = row(
            [
                (0, "Resource ID"), (Self.findingAccountX, "Account"), (Self.findingRegionX, "Region"),
                (Self.findingFrameworkX, "Framework"),
            ],
            numbers: [],
            font: .helveticaBold,
            size: 6.5,
            rule: true
        )
        let continued = note("\(group.reason) (continued)") + [tableHead]
        var first = true
        for (evidence, findings) in group.byEvidence {
            var lines: [PDFLine] = first ? head : []
            if let evidence {
                lines += note("Evidence of each of the \(findings.count) below: " + Self.evidence(evidence, of: nil))
            }
            lines.append(tableHead)
            flow.add(lines, keepWithNext: 20)
            first = false
            for finding in findings {
                var rows = findingRow(finding)
                var notes: [String] = []
                if evidence == nil { notes.append(Self.evidence(finding.evidence, of: finding.key)) }
                if let strip = facts.strips[finding.key] {
                    notes.append("windows: \(strip.tally.notOnTime) of \(strip.tally.total) not on time (section 3)")
                }
                let text = notes.filter { !$0.isEmpty }.joined(separator: "; ")
                if !text.isEmpty { rows += note(text, x: 10) }
                flow.add(rows, continued: continued)
            }
        }
    }

    /// A finding's table row: Resource ID, account, Region and framework, the ID on lines of its own when it is
    /// wider than its column, and the framework on a line of its own when wider than its.
    private func findingRow(_ finding: ReportFacts.Finding) -> [PDFLine] {
        let size = 6.5
        let key = finding.key
        var lines: [PDFLine] = []
        var cells: [(Double, String)] = [(Self.findingAccountX, key.account), (Self.findingRegionX, key.region)]
        if PDFFont.courier.width(of: key.id, size: size) <= Self.findingAccountX - 4 {
            cells.insert((0, key.id), at: 0)
        } else {
            lines += PDFFlow.wrap(key.id, font: .courier, size: size, width: Self.width).map {
                PDFLine(.courier, size, $0, leading: 1.35)
            }
        }
        let frameworkFits =
            PDFFont.courier.width(of: finding.framework, size: size) <= Self.width - Self.findingFrameworkX
        if frameworkFits { cells.append((Self.findingFrameworkX, finding.framework)) }
        lines.append(row(cells, numbers: [], size: size))
        if !frameworkFits { lines += note("framework " + finding.framework, x: 10) }
        return lines
    }

    /// The Evidence column's items joined, without a `recovery point` item naming the recovery point that is the
    /// resource itself (its Resource ID is on the row).
    static func evidence(_ text: String, of key: ResourceKey?) -> String {
        let items = text.split(separator: "; ").map(String.init).filter { item in
            guard let key, item.hasPrefix("recovery point ") else { return true }
            return key.id != "AWS::Backup::RecoveryPoint/" + item.dropFirst("recovery point ".count)
        }
        return items.joined(separator: "; ")
    }

    /// A small line of Courier wrapped from `x`: the notes under a table row.
    func note(_ text: String, x: Double = 0) -> [PDFLine] {
        PDFFlow.wrap(text, font: .courier, size: 6, width: Self.width - x).map {
            PDFLine(.courier, 6, x: x, $0, leading: 1.3)
        }
    }

    static let findingAccountX = 330.0
    static let findingRegionX = 382.0
    static let findingFrameworkX = 428.0

    /// Section 3: each resource with a window not on time, its counts and its calendar strip, then every window
    /// that was not on time.
    mutating func windows(_ facts: ReportFacts) {
        let resources = facts.strips.count + facts.resourcesOnTime
        let onTimeWindows = facts.windowTotals.total - facts.strips.values.reduce(0) { $0 + $1.tally.total }
        section(
            "3. Backup windows by resource",
            "From BACKUP_WINDOW_REPORT: each expected backup (resource x rule x scheduled time) and its outcome. "
                + "Each resource with a window not on time has its counts and a strip of the month, one mark per "
                + "expected window at its scheduled time (a line per day; the worst outcomes are drawn last, on top); "
                + "then every window that was not on time is listed. \(facts.resourcesOnTime) of \(resources) "
                + "resources had every window on time (\(onTimeWindows) windows) and are counted, not listed."
        )
        flow.add(
            [
                ReportGraphics.legend(
                    ReportFacts.Outcome.allCases.map {
                        (ReportGraphics.mark($0, x: 0, y: 0), ReportGraphics.label($0))
                    },
                    size: 7,
                    height: 11
                )
            ],
            keepWithNext: 30
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
        let keys = facts.strips.keys.sorted()
        if keys.isEmpty {
            flow.add(
                paragraph(
                    facts.windowTotals.total == 0
                        ? "No backup window was expected this month." : "Every expected window was on time."
                )
            )
            return
        }
        flow.add([head, dayAxis()], keepWithNext: 24)
        for key in keys {
            guard let strip = facts.strips[key] else { continue }
            let t = strip.tally
            let values = [t.total, t.onTime, t.late, t.missed, t.shortRetention, t.notCompleted]
            flow.add(
                resourceRow(key, numbers: zip(columns, values).map { ($0.0, String($1)) })
                    + [calendarStrip(strip)],
                continued: [head, dayAxis()]
            )
        }

        flow.space(8)
        flow.add([PDFLine(.helveticaBold, 10, "Windows not on time", leading: 1.5)], keepWithNext: 30)
        for key in keys {
            let windows = facts.strips[key]?.notOnTime ?? []
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

    /// The month's days in points across the text width.
    private var days: (count: Int, start: Int64, length: Int64) {
        let start = position.month.start.milliseconds
        let length = max(position.month.end.milliseconds - start, 1)
        return (Int(length / 86_400_000), start, length)
    }

    /// The strips' scale: the day of the month at the middle of days 1, 5, 10, 15, 20, 25 and 30.
    private func dayAxis() -> PDFLine {
        let days = self.days
        var runs: [PDFLine.Run] = []
        for day in [1, 5, 10, 15, 20, 25, 30] where day <= days.count {
            let middle = Self.width * (Double(day) - 0.5) / Double(days.count)
            let label = day == 1 ? "day 1" : String(day)
            let x = min(Self.width, middle - PDFFont.helvetica.width(of: label, size: 6) / 2)
            runs.append(PDFLine.Run(.helvetica, 6, x: max(0, x), label))
        }
        return PDFLine(height: 8, runs: runs)
    }

    /// A resource's month as one line: a band with a line at each day's start and a mark per expected window.
    private func calendarStrip(_ strip: ReportFacts.Strip) -> PDFLine {
        let days = self.days
        let height = 11.0
        let band = (bottom: 1.5, top: 9.5)
        var shapes = [
            PDFShape.rectangle(
                x: 0,
                y: band.bottom,
                width: Self.width,
                height: band.top - band.bottom,
                fill: ReportGraphics.stripBackground
            )
        ]
        for day in 1..<max(days.count, 1) {
            let x = Self.width * Double(day) / Double(days.count)
            shapes.append(
                PDFShape(
                    points: [PDFPoint(x, band.bottom), PDFPoint(x, band.top)],
                    closed: false,
                    stroke: ReportGraphics.dayLine,
                    lineWidth: 0.4
                )
            )
        }
        // Worst last, so that a failure among many on-time marks is never hidden; equal outcomes in time order.
        let marks = strip.marks.enumerated().sorted { a, b in
            a.element.outcome != b.element.outcome ? a.element.outcome < b.element.outcome : a.offset < b.offset
        }
        for (_, mark) in marks {
            guard let scheduled = mark.scheduled else { continue }
            let share = Double(scheduled.milliseconds - days.start) / Double(days.length)
            let x = Self.width * min(max(share, 0), 1)
            shapes += ReportGraphics.mark(mark.outcome, x: x, y: (band.bottom + band.top) / 2)
        }
        return PDFLine(height: height, runs: [], shapes: shapes)
    }

    /// Section 4: copy jobs by destination, and each copy job that did not complete.
    mutating func copies(_ facts: ReportFacts) {
        section(
            "4. Copy evidence",
            "From COPY_JOB_REPORT: copy jobs by destination vault; every copy job that did not complete is listed."
        )
        if facts.copyTotals.total == 0 {
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

    /// Section 5: every restore job, those that did not complete first.
    mutating func restores(_ facts: ReportFacts) {
        section(
            "5. Restore evidence",
            "From RESTORE_JOB_REPORT: every restore job of the month, those that did not complete first, then by "
                + "source resource."
        )
        if facts.restores.isEmpty { flow.add(paragraph("No restore job ran this month.")) }
        let ordered =
            facts.restores.filter { $0.status != "COMPLETED" }
            + facts.restores.filter {
                $0.status == "COMPLETED"
            }
        for job in ordered {
            var lines: [PDFLine] = [PDFLine(height: 3, runs: [])]
            lines += PDFFlow.wrap(job.key.id, font: .courier, size: Self.data, width: Self.width).map {
                PDFLine(.courier, Self.data, $0, leading: 1.4)
            }
            var text = "\(job.id) \(job.status), created \(job.created)"
            if !job.completed.isEmpty { text += ", completed \(job.completed)" }
            if let minutes = Self.minutes(from: job.created, to: job.completed) { text += " (\(minutes) min)" }
            let label = job.status == "COMPLETED" ? "Restore job" : "Not done"
            lines += labelled(label, text + ", account \(job.key.account), \(job.key.region)")
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
