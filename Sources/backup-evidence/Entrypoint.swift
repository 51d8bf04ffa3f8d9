import ArgumentParser  // MemberImportVisibility: main() is declared there
import EvidenceCLI

@main
struct Entrypoint {
    static func main() async {
        await BackupEvidenceCommand.main()
    }
}
