// The libFuzzer entry point of the `joblist` target; Tools/fuzz builds it (Docs/FUZZING.md).
import EvidenceFuzz

private let target = FuzzTarget.named("joblist")

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    target?.run(data, count: size)
    return 0
}
