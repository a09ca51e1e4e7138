//! The one table of TLV-TYPE numbers used by this library.
//!
//! Each constant names the specification section that assigns it:
//! - "PF" is the NDN Packet Format v0.3 (sections: Name 2, Interest 3, Data 4, Signature 5 (3.x in
//!   the current document), Certificate 6 and the TLV-TYPE number assignments table);
//! - "LP" is NDNLPv2 (the "TLV-TYPE number assignments" table of the NDNLPv2 wiki page);
//! - "MGMT" is the NFD Management Protocol (ControlCommand, Face Management, FIB, RIB, Strategy
//!   Choice, Content Store Management and Forwarder Status pages of the NFD wiki).

// ---- Packet types (PF, TLV-TYPE number assignments) ----
/// Interest packet (PF 3).
pub const INTEREST: u64 = 0x05;
/// Data packet (PF 4).
pub const DATA: u64 = 0x06;

// ---- Name and name components (PF 2) ----
/// Name (PF 2.1).
pub const NAME: u64 = 0x07;
/// ImplicitSha256DigestComponent (PF 2.1, 32-byte SHA-256 of the whole Data).
pub const IMPLICIT_SHA256_DIGEST_COMPONENT: u64 = 0x01;
/// ParametersSha256DigestComponent (PF 2.1, 32-byte digest of the Interest parameters).
pub const PARAMETERS_SHA256_DIGEST_COMPONENT: u64 = 0x02;
/// GenericNameComponent (PF 2.1).
pub const GENERIC_NAME_COMPONENT: u64 = 0x08;
/// KeywordNameComponent (PF 2.1, naming conventions rev 3).
pub const KEYWORD_NAME_COMPONENT: u64 = 0x20;
/// SegmentNameComponent (PF 2.1, naming conventions rev 3).
pub const SEGMENT_NAME_COMPONENT: u64 = 0x32;
/// ByteOffsetNameComponent (PF 2.1, naming conventions rev 3).
pub const BYTE_OFFSET_NAME_COMPONENT: u64 = 0x34;
/// VersionNameComponent (PF 2.1, naming conventions rev 3).
pub const VERSION_NAME_COMPONENT: u64 = 0x36;
/// TimestampNameComponent (PF 2.1, naming conventions rev 3).
pub const TIMESTAMP_NAME_COMPONENT: u64 = 0x38;
/// SequenceNumNameComponent (PF 2.1, naming conventions rev 3).
pub const SEQUENCE_NUM_NAME_COMPONENT: u64 = 0x3A;

// ---- Interest elements (PF 3.1) ----
/// CanBePrefix (PF 3.2.1).
pub const CAN_BE_PREFIX: u64 = 0x21;
/// MustBeFresh (PF 3.2.2).
pub const MUST_BE_FRESH: u64 = 0x12;
/// ForwardingHint (PF 3.2.3).
pub const FORWARDING_HINT: u64 = 0x1E;
/// Nonce (PF 3.2.4).
pub const NONCE: u64 = 0x0A;
/// InterestLifetime (PF 3.2.5).
pub const INTEREST_LIFETIME: u64 = 0x0C;
/// HopLimit (PF 3.2.6).
pub const HOP_LIMIT: u64 = 0x22;
/// ApplicationParameters (PF 3.2.7).
pub const APPLICATION_PARAMETERS: u64 = 0x24;
/// InterestSignatureInfo (PF 3.2.8, signed Interest).
pub const INTEREST_SIGNATURE_INFO: u64 = 0x2C;
/// InterestSignatureValue (PF 3.2.8, signed Interest).
pub const INTEREST_SIGNATURE_VALUE: u64 = 0x2E;

// ---- Data elements (PF 4.1) ----
/// MetaInfo (PF 4.2).
pub const META_INFO: u64 = 0x14;
/// Content (PF 4.3).
pub const CONTENT: u64 = 0x15;
/// SignatureInfo of a Data packet (PF 5.1).
pub const SIGNATURE_INFO: u64 = 0x16;
/// SignatureValue of a Data packet (PF 5.1).
pub const SIGNATURE_VALUE: u64 = 0x17;
/// ContentType inside MetaInfo (PF 4.2.1).
pub const CONTENT_TYPE: u64 = 0x18;
/// FreshnessPeriod inside MetaInfo (PF 4.2.2).
pub const FRESHNESS_PERIOD: u64 = 0x19;
/// FinalBlockId inside MetaInfo (PF 4.2.3).
pub const FINAL_BLOCK_ID: u64 = 0x1A;

// ---- Signature elements (PF 5) ----
/// SignatureType (PF 5.2.1).
pub const SIGNATURE_TYPE: u64 = 0x1B;
/// KeyLocator (PF 5.2.2).
pub const KEY_LOCATOR: u64 = 0x1C;
/// KeyDigest inside KeyLocator (PF 5.2.2).
pub const KEY_DIGEST: u64 = 0x1D;
/// SignatureNonce (PF 5.2.3, signed Interest).
pub const SIGNATURE_NONCE: u64 = 0x26;
/// SignatureTime (PF 5.2.3, signed Interest).
pub const SIGNATURE_TIME: u64 = 0x28;
/// SignatureSeqNum (PF 5.2.3, signed Interest).
pub const SIGNATURE_SEQ_NUM: u64 = 0x2A;

// ---- Certificate elements (PF 6, NDN certificate format v2) ----
/// ValidityPeriod (certificate v2).
pub const VALIDITY_PERIOD: u64 = 0xFD;
/// NotBefore inside ValidityPeriod, `YYYYMMDDThhmmss` (certificate v2).
pub const NOT_BEFORE: u64 = 0xFE;
/// NotAfter inside ValidityPeriod, `YYYYMMDDThhmmss` (certificate v2).
pub const NOT_AFTER: u64 = 0xFF;
/// AdditionalDescription (certificate v2).
pub const ADDITIONAL_DESCRIPTION: u64 = 0x0102;
/// DescriptionEntry (certificate v2).
pub const DESCRIPTION_ENTRY: u64 = 0x0200;
/// DescriptionKey (certificate v2).
pub const DESCRIPTION_KEY: u64 = 0x0201;
/// DescriptionValue (certificate v2).
pub const DESCRIPTION_VALUE: u64 = 0x0202;

// ---- NDNLPv2 (LP, TLV-TYPE number assignments) ----
/// LpPacket (LP).
pub const LP_PACKET: u64 = 0x64;
/// Fragment: the network-layer payload (LP).
pub const LP_FRAGMENT: u64 = 0x50;
/// Sequence, 8-byte fixed width (LP, fragmentation and reliability).
pub const LP_SEQUENCE: u64 = 0x51;
/// FragIndex (LP, fragmentation).
pub const LP_FRAG_INDEX: u64 = 0x52;
/// FragCount (LP, fragmentation).
pub const LP_FRAG_COUNT: u64 = 0x53;
/// PitToken (LP).
pub const LP_PIT_TOKEN: u64 = 0x62;
/// Nack header (LP, network Nack).
pub const LP_NACK: u64 = 0x0320;
/// NackReason inside Nack (LP).
pub const LP_NACK_REASON: u64 = 0x0321;
/// IncomingFaceId (LP, local fields).
pub const LP_INCOMING_FACE_ID: u64 = 0x032C;
/// NextHopFaceId (LP, local fields).
pub const LP_NEXT_HOP_FACE_ID: u64 = 0x0330;
/// CachePolicy (LP).
pub const LP_CACHE_POLICY: u64 = 0x0334;
/// CachePolicyType inside CachePolicy (LP).
pub const LP_CACHE_POLICY_TYPE: u64 = 0x0335;
/// CongestionMark (LP).
pub const LP_CONGESTION_MARK: u64 = 0x0340;
/// Ack (LP, reliability).
pub const LP_ACK: u64 = 0x0344;
/// TxSequence (LP, reliability).
pub const LP_TX_SEQUENCE: u64 = 0x0348;
/// NonDiscovery (LP, self-learning).
pub const LP_NON_DISCOVERY: u64 = 0x034C;
/// PrefixAnnouncement (LP, self-learning).
pub const LP_PREFIX_ANNOUNCEMENT: u64 = 0x0350;

// ---- NFD management (MGMT) ----
/// ControlParameters (MGMT, ControlCommand).
pub const CONTROL_PARAMETERS: u64 = 0x68;
/// ControlResponse (MGMT, ControlCommand).
pub const CONTROL_RESPONSE: u64 = 0x65;
/// StatusCode inside ControlResponse (MGMT).
pub const STATUS_CODE: u64 = 0x66;
/// StatusText inside ControlResponse (MGMT).
pub const STATUS_TEXT: u64 = 0x67;
/// FaceId (MGMT).
pub const FACE_ID: u64 = 0x69;
/// Cost (MGMT).
pub const COST: u64 = 0x6A;
/// Strategy (MGMT, strategy choice).
pub const STRATEGY: u64 = 0x6B;
/// Flags (MGMT).
pub const FLAGS: u64 = 0x6C;
/// ExpirationPeriod (MGMT).
pub const EXPIRATION_PERIOD: u64 = 0x6D;
/// Origin (MGMT, RIB).
pub const ORIGIN: u64 = 0x6F;
/// Mask (MGMT).
pub const MASK: u64 = 0x70;
/// Uri (MGMT, faces).
pub const URI: u64 = 0x72;
/// LocalUri (MGMT, faces).
pub const LOCAL_URI: u64 = 0x81;
/// Capacity (MGMT, content store).
pub const CAPACITY: u64 = 0x83;
/// Count (MGMT, content store erase).
pub const COUNT: u64 = 0x84;
/// FacePersistency (MGMT, faces).
pub const FACE_PERSISTENCY: u64 = 0x85;
/// BaseCongestionMarkingInterval (MGMT, faces).
pub const BASE_CONGESTION_MARKING_INTERVAL: u64 = 0x87;
/// DefaultCongestionThreshold (MGMT, faces).
pub const DEFAULT_CONGESTION_THRESHOLD: u64 = 0x88;
/// Mtu (MGMT, faces).
pub const MTU: u64 = 0x89;

// NFD management numbers below 0x90 are reused by different records: the meaning of 0x80..=0x89
// depends on the enclosing element (a FaceStatus, a CsInfo, the GeneralStatus Content, ...).
// Each name still gets its own constant so decoders read as the spec does; `type_name` maps
// only the numbers that have a single meaning.

// ---- Forwarder Status (MGMT "ForwarderStatus" page, General Status dataset) ----
/// NfdVersion in the General Status dataset (MGMT ForwarderStatus).
pub const NFD_VERSION: u64 = 0x80;
/// StartTimestamp, ms since the Unix epoch (MGMT ForwarderStatus).
pub const START_TIMESTAMP: u64 = 0x81;
/// CurrentTimestamp, ms since the Unix epoch (MGMT ForwarderStatus).
pub const CURRENT_TIMESTAMP: u64 = 0x82;
/// NNameTreeEntries (MGMT ForwarderStatus).
pub const N_NAME_TREE_ENTRIES: u64 = 0x83;
/// NFibEntries (MGMT ForwarderStatus).
pub const N_FIB_ENTRIES: u64 = 0x84;
/// NPitEntries (MGMT ForwarderStatus).
pub const N_PIT_ENTRIES: u64 = 0x85;
/// NMeasurementsEntries (MGMT ForwarderStatus).
pub const N_MEASUREMENTS_ENTRIES: u64 = 0x86;
/// NCsEntries (MGMT ForwarderStatus; also in CsInfo, MGMT CsMgmt).
pub const N_CS_ENTRIES: u64 = 0x87;

// ---- Packet counters (MGMT ForwarderStatus and FaceMgmt "Face Dataset") ----
/// NInInterests (MGMT ForwarderStatus, FaceMgmt).
pub const N_IN_INTERESTS: u64 = 0x90;
/// NInData (MGMT ForwarderStatus, FaceMgmt).
pub const N_IN_DATA: u64 = 0x91;
/// NOutInterests (MGMT ForwarderStatus, FaceMgmt).
pub const N_OUT_INTERESTS: u64 = 0x92;
/// NOutData (MGMT ForwarderStatus, FaceMgmt).
pub const N_OUT_DATA: u64 = 0x93;
/// NInBytes (MGMT FaceMgmt "Face Dataset").
pub const N_IN_BYTES: u64 = 0x94;
/// NOutBytes (MGMT FaceMgmt "Face Dataset").
pub const N_OUT_BYTES: u64 = 0x95;
/// NInNacks (MGMT ForwarderStatus, FaceMgmt).
pub const N_IN_NACKS: u64 = 0x97;
/// NOutNacks (MGMT ForwarderStatus, FaceMgmt).
pub const N_OUT_NACKS: u64 = 0x98;
/// NSatisfiedInterests (MGMT ForwarderStatus).
pub const N_SATISFIED_INTERESTS: u64 = 0x99;
/// NUnsatisfiedInterests (MGMT ForwarderStatus).
pub const N_UNSATISFIED_INTERESTS: u64 = 0x9A;

// ---- Face Management (MGMT "FaceMgmt" page) ----
/// FaceStatus, one record of the faces/list and faces/query datasets (MGMT FaceMgmt).
pub const FACE_STATUS: u64 = 0x80;
/// ChannelStatus, one record of the faces/channels dataset (MGMT FaceMgmt).
pub const CHANNEL_STATUS: u64 = 0x82;
/// UriScheme inside FaceQueryFilter (MGMT FaceMgmt "Query Operation").
pub const URI_SCHEME: u64 = 0x83;
/// FaceScope (MGMT FaceMgmt "Static Face Properties").
pub const FACE_SCOPE: u64 = 0x84;
/// LinkType (MGMT FaceMgmt "Static Face Properties").
pub const LINK_TYPE: u64 = 0x86;
/// FaceQueryFilter, the last name component of a faces/query Interest (MGMT FaceMgmt).
pub const FACE_QUERY_FILTER: u64 = 0x96;
/// FaceEventNotification, one item of the faces/events stream (MGMT FaceMgmt).
pub const FACE_EVENT_NOTIFICATION: u64 = 0xC0;
/// FaceEventKind inside FaceEventNotification (MGMT FaceMgmt).
pub const FACE_EVENT_KIND: u64 = 0xC1;

// ---- FIB Management (MGMT "FibMgmt" page) ----
/// FibEntry, one record of the fib/list dataset (MGMT FibMgmt).
pub const FIB_ENTRY: u64 = 0x80;
/// NextHopRecord inside FibEntry (MGMT FibMgmt).
pub const NEXT_HOP_RECORD: u64 = 0x81;

// ---- RIB Management (MGMT "RibMgmt" page) ----
/// RibEntry, one record of the rib/list dataset (MGMT RibMgmt).
pub const RIB_ENTRY: u64 = 0x80;
/// Route inside RibEntry (MGMT RibMgmt).
pub const ROUTE: u64 = 0x81;

// ---- Strategy Choice (MGMT "StrategyChoice" page) ----
/// StrategyChoice, one record of the strategy-choice/list dataset (MGMT StrategyChoice).
pub const STRATEGY_CHOICE: u64 = 0x80;

// ---- Content Store Management (MGMT "CsMgmt" page) ----
/// CsInfo, the record of the cs/info dataset (MGMT CsMgmt).
pub const CS_INFO: u64 = 0x80;
/// NHits inside CsInfo (MGMT CsMgmt).
pub const N_HITS: u64 = 0x81;
/// NMisses inside CsInfo (MGMT CsMgmt).
pub const N_MISSES: u64 = 0x82;

/// A human-readable name for a TLV-TYPE number, used by `ndn-dissect` and in error messages.
pub fn type_name(tlv_type: u64) -> Option<&'static str> {
    Some(match tlv_type {
        INTEREST => "Interest",
        DATA => "Data",
        NAME => "Name",
        IMPLICIT_SHA256_DIGEST_COMPONENT => "ImplicitSha256DigestComponent",
        PARAMETERS_SHA256_DIGEST_COMPONENT => "ParametersSha256DigestComponent",
        GENERIC_NAME_COMPONENT => "GenericNameComponent",
        KEYWORD_NAME_COMPONENT => "KeywordNameComponent",
        SEGMENT_NAME_COMPONENT => "SegmentNameComponent",
        BYTE_OFFSET_NAME_COMPONENT => "ByteOffsetNameComponent",
        VERSION_NAME_COMPONENT => "VersionNameComponent",
        TIMESTAMP_NAME_COMPONENT => "TimestampNameComponent",
        SEQUENCE_NUM_NAME_COMPONENT => "SequenceNumNameComponent",
        CAN_BE_PREFIX => "CanBePrefix",
        MUST_BE_FRESH => "MustBeFresh",
        FORWARDING_HINT => "ForwardingHint",
        NONCE => "Nonce",
        INTEREST_LIFETIME => "InterestLifetime",
        HOP_LIMIT => "HopLimit",
        APPLICATION_PARAMETERS => "ApplicationParameters",
        INTEREST_SIGNATURE_INFO => "InterestSignatureInfo",
        INTEREST_SIGNATURE_VALUE => "InterestSignatureValue",
        META_INFO => "MetaInfo",
        CONTENT => "Content",
        SIGNATURE_INFO => "SignatureInfo",
        SIGNATURE_VALUE => "SignatureValue",
        CONTENT_TYPE => "ContentType",
        FRESHNESS_PERIOD => "FreshnessPeriod",
        FINAL_BLOCK_ID => "FinalBlockId",
        SIGNATURE_TYPE => "SignatureType",
        KEY_LOCATOR => "KeyLocator",
        KEY_DIGEST => "KeyDigest",
        SIGNATURE_NONCE => "SignatureNonce",
        SIGNATURE_TIME => "SignatureTime",
        SIGNATURE_SEQ_NUM => "SignatureSeqNum",
        VALIDITY_PERIOD => "ValidityPeriod",
        NOT_BEFORE => "NotBefore",
        NOT_AFTER => "NotAfter",
        ADDITIONAL_DESCRIPTION => "AdditionalDescription",
        DESCRIPTION_ENTRY => "DescriptionEntry",
        DESCRIPTION_KEY => "DescriptionKey",
        DESCRIPTION_VALUE => "DescriptionValue",
        LP_PACKET => "LpPacket",
        LP_FRAGMENT => "Fragment",
        LP_SEQUENCE => "Sequence",
        LP_FRAG_INDEX => "FragIndex",
        LP_FRAG_COUNT => "FragCount",
        LP_PIT_TOKEN => "PitToken",
        LP_NACK => "Nack",
        LP_NACK_REASON => "NackReason",
        LP_INCOMING_FACE_ID => "IncomingFaceId",
        LP_NEXT_HOP_FACE_ID => "NextHopFaceId",
        LP_CACHE_POLICY => "CachePolicy",
        LP_CACHE_POLICY_TYPE => "CachePolicyType",
        LP_CONGESTION_MARK => "CongestionMark",
        LP_ACK => "Ack",
        LP_TX_SEQUENCE => "TxSequence",
        LP_NON_DISCOVERY => "NonDiscovery",
        LP_PREFIX_ANNOUNCEMENT => "PrefixAnnouncement",
        CONTROL_PARAMETERS => "ControlParameters",
        CONTROL_RESPONSE => "ControlResponse",
        STATUS_CODE => "StatusCode",
        STATUS_TEXT => "StatusText",
        FACE_ID => "FaceId",
        COST => "Cost",
        STRATEGY => "Strategy",
        FLAGS => "Flags",
        EXPIRATION_PERIOD => "ExpirationPeriod",
        ORIGIN => "Origin",
        MASK => "Mask",
        URI => "Uri",
        LOCAL_URI => "LocalUri",
        CAPACITY => "Capacity",
        COUNT => "Count",
        FACE_PERSISTENCY => "FacePersistency",
        BASE_CONGESTION_MARKING_INTERVAL => "BaseCongestionMarkingInterval",
        DEFAULT_CONGESTION_THRESHOLD => "DefaultCongestionThreshold",
        MTU => "Mtu",
        N_IN_INTERESTS => "NInInterests",
        N_IN_DATA => "NInData",
        N_OUT_INTERESTS => "NOutInterests",
        N_OUT_DATA => "NOutData",
        N_IN_BYTES => "NInBytes",
        N_OUT_BYTES => "NOutBytes",
        N_IN_NACKS => "NInNacks",
        N_OUT_NACKS => "NOutNacks",
        N_SATISFIED_INTERESTS => "NSatisfiedInterests",
        N_UNSATISFIED_INTERESTS => "NUnsatisfiedInterests",
        FACE_QUERY_FILTER => "FaceQueryFilter",
        FACE_EVENT_NOTIFICATION => "FaceEventNotification",
        FACE_EVENT_KIND => "FaceEventKind",
        _ => return None,
    })
}

/// The packet-format evolvability rule (PF "Considerations for TLV evolvability"): a TLV-TYPE is
/// critical when it is at most 31 or odd. An unrecognized critical element makes the enclosing
/// element invalid; an unrecognized non-critical element is ignored.
pub const fn is_critical(tlv_type: u64) -> bool {
    tlv_type <= 31 || tlv_type & 1 == 1
}

/// The NDNLPv2 rule for header fields: an unknown field whose TLV-TYPE is in 800..=959 and whose
/// two least significant bits are 0 may be ignored; any other unknown field is an error.
pub const fn is_lp_ignorable(tlv_type: u64) -> bool {
    tlv_type >= 800 && tlv_type <= 959 && tlv_type & 0b11 == 0
}
