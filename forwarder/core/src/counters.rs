//! Forwarder-wide counters, kept as plain integers and read by drivers when they export them.

/// Packets dropped, by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DropCounters {
    /// Not a valid Interest, Data or Nack.
    pub malformed: u64,
    /// Received from a face the core does not know, or said to come from the internal face.
    pub unknown_face: u64,
    /// A `/localhost` packet on a non-local face.
    pub localhost_violation: u64,
    /// Interest with HopLimit 0 arriving, or about to leave on a non-local face.
    pub hop_limit_zero: u64,
    /// Interest loop: duplicate Nonce in the PIT or the Dead Nonce List.
    pub loop_detected: u64,
    /// No PIT entry could be created (the PIT is full).
    pub pit_full: u64,
    /// Data matching no PIT entry, not admitted by the unsolicited Data policy.
    pub unsolicited_data: u64,
    /// Nack not matching an out-record, or on a multi-access face.
    pub invalid_nack: u64,
    /// Nack that would go to a multi-access face.
    pub nack_not_sent: u64,
    /// Prefix announcement (self-learning) that is malformed, not in force, or announces a
    /// prefix that is not one of its Data's name: no route learned.
    pub invalid_prefix_announcement: u64,
}

/// Nacks by reason.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NackCounters {
    /// Congestion.
    pub congestion: u64,
    /// Duplicate.
    pub duplicate: u64,
    /// NoRoute.
    pub no_route: u64,
    /// None or another code.
    pub other: u64,
}

impl NackCounters {
    /// Count one Nack.
    pub fn add(&mut self, reason: ndn::lp::NackReason) {
        use ndn::lp::NackReason as R;
        match reason {
            R::Congestion => self.congestion += 1,
            R::Duplicate => self.duplicate += 1,
            R::NoRoute => self.no_route += 1,
            R::None | R::Other(_) => self.other += 1,
        }
    }
}

/// Forwarder-wide counters with NFD's names.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ForwarderCounters {
    /// Interests received.
    pub n_in_interests: u64,
    /// Data received.
    pub n_in_data: u64,
    /// Nacks received.
    pub n_in_nacks: u64,
    /// Interests sent.
    pub n_out_interests: u64,
    /// Data sent.
    pub n_out_data: u64,
    /// Nacks sent.
    pub n_out_nacks: u64,
    /// PIT entries satisfied by Data.
    pub n_satisfied_interests: u64,
    /// PIT entries that expired or were rejected without Data.
    pub n_unsatisfied_interests: u64,
    /// Drops by reason.
    pub drops: DropCounters,
    /// Nacks received, by reason.
    pub in_nacks: NackCounters,
    /// Nacks sent, by reason.
    pub out_nacks: NackCounters,
}
