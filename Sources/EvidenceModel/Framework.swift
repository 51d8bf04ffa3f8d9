/// An Audit Manager framework as `describe-framework` prints it; it belongs to one account and Region.
public struct Framework: Hashable, Sendable {
    public var name: String
    public var arn: String
    public var description: String
    public var account: String
    public var region: String
    public var controls: [FrameworkControl]
    /// The file the framework was read from, for diagnostics.
    public var source: String

    public init(
        name: String,
        arn: String,
        description: String,
        account: String,
        region: String,
        controls: [FrameworkControl],
        source: String = ""
    ) {
        self.name = name
        self.arn = arn
        self.description = description
        self.account = account
        self.region = region
        self.controls = controls
        self.source = source
    }
}

/// One control of a framework, with its input parameters (strings, as in the API) and scope.
public struct FrameworkControl: Hashable, Sendable {
    public var name: String
    /// `ControlInputParameters` in the order given.
    public var parameters: [ControlParameter]
    public var scope: ControlScope

    public init(name: String, parameters: [ControlParameter] = [], scope: ControlScope = ControlScope()) {
        self.name = name
        self.parameters = parameters
        self.scope = scope
    }

    /// The value of the named parameter, if given.
    public func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }
}

/// A `ControlInputParameter`: both name and value are strings in the AWS API.
public struct ControlParameter: Hashable, Sendable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// A control's `ControlScope`; an empty scope evaluates every applicable resource.
public struct ControlScope: Hashable, Sendable {
    public var resourceIDs: [String]
    public var resourceTypes: [String]
    /// At most one tag; a nil value matches any value of the key.
    public var tags: [String: String?]

    public init(resourceIDs: [String] = [], resourceTypes: [String] = [], tags: [String: String?] = [:]) {
        self.resourceIDs = resourceIDs
        self.resourceTypes = resourceTypes
        self.tags = tags
    }

    public var isEmpty: Bool { resourceIDs.isEmpty && resourceTypes.isEmpty && tags.isEmpty }
}
