//! The tiers of agent pools and the compute each gives per instance.
//!
//! From learn.microsoft.com "Run an ACR task on a dedicated agent pool" (Pool tiers):
//!
//! | Tier | Type | CPU | Memory (GB) |
//! |---|---|---|---|
//! | S1 | standard | 2 | 3 |
//! | S2 | standard | 4 | 8 |
//! | S3 | standard | 8 | 16 |
//! | I6 | isolated | 64 | 216 |

arm_core::string_enum! {
    /// An agent pool tier (the spec's `tier` is a free string; these are the documented values,
    /// read case-insensitively; another value is kept in `Other`).
    pub enum Tier {
        /// Standard, 2 vCPU and 3 GB per instance.
        S1 = "S1",
        /// Standard, 4 vCPU and 8 GB per instance.
        S2 = "S2",
        /// Standard, 8 vCPU and 16 GB per instance.
        S3 = "S3",
        /// Isolated, 64 vCPU and 216 GB per instance.
        I6 = "I6",
    }
}

impl Tier {
    /// The vCPUs of one instance; `None` for a tier this crate does not know.
    pub fn vcpus(&self) -> Option<u32> {
        match self {
            Self::S1 => Some(2),
            Self::S2 => Some(4),
            Self::S3 => Some(8),
            Self::I6 => Some(64),
            Self::Other(_) => None,
        }
    }

    /// The memory of one instance in GiB (the documentation says GB); `None` for a tier this
    /// crate does not know.
    pub fn memory_gib(&self) -> Option<u32> {
        match self {
            Self::S1 => Some(3),
            Self::S2 => Some(8),
            Self::S3 => Some(16),
            Self::I6 => Some(216),
            Self::Other(_) => None,
        }
    }

    /// Whether the tier is isolated (`I6`), whose quota is separate from the standard tiers'
    /// (0 by default). A tier this crate does not know counts as standard.
    pub fn is_isolated(&self) -> bool {
        matches!(self, Self::I6)
    }
}
