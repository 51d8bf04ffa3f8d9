public import EvidenceModel
internal import Foundation

#if canImport(Glibc)
internal import Glibc
#endif

/// Only regular files are read: a FIFO, socket or device could block a reader forever or never end.
public enum RegularFile {
    /// What the file at `path` is when it is not a regular file (`a FIFO`, `a folder`), following symbolic links;
    /// nil for a regular file or one that cannot be examined (its read reports that).
    public static func otherKind(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return nil
        case S_IFIFO: return "a FIFO"
        case S_IFDIR: return "a folder"
        case S_IFSOCK: return "a socket"
        case S_IFCHR, S_IFBLK: return "a device"
        default: return "a special file"
        }
    }

    /// Throws an `ImportError` naming `shown` when `path` is not a regular file.
    public static func require(_ path: String, shown: String) throws(ImportError) {
        if let kind = otherKind(path) {
            throw ImportError(file: shown, message: "is \(kind), not a regular file; only regular files are read")
        }
    }
}
