//! IP address prefixes in CIDR notation (IPv4 and IPv6), as virtual networks, subnets, security
//! rules and routes carry them: parsing, the aligned form Network insists on, containment and
//! overlap.

use std::net::IpAddr;

/// A parsed `address/length` prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Cidr {
    /// The address as an integer (IPv4 in the low 32 bits).
    bits: u128,
    /// The prefix length.
    len: u8,
    /// Whether it is IPv6.
    v6: bool,
}

/// Why a text is not an aligned prefix.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CidrError {
    /// Not `address/length` with a valid address and a length within the family's width.
    Format,
    /// Host bits are set: the prefix should be the aligned one given.
    NotAligned { aligned: String },
}

impl Cidr {
    /// Parses `address/length`; host bits must be zero.
    pub fn parse(text: &str) -> Result<Cidr, CidrError> {
        let (address, len) = text.split_once('/').ok_or(CidrError::Format)?;
        let address: IpAddr = address.parse().map_err(|_| CidrError::Format)?;
        let len: u8 = len
            .parse()
            .ok()
            .filter(|_| !text.ends_with('/'))
            .ok_or(CidrError::Format)?;
        let (bits, width, v6) = match address {
            IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32, false),
            IpAddr::V6(v6) => (u128::from(v6), 128, true),
        };
        if len > width {
            return Err(CidrError::Format);
        }
        let cidr = Cidr { bits, len, v6 };
        let aligned = Cidr {
            bits: bits & cidr.mask(),
            ..cidr
        };
        if aligned.bits == bits {
            Ok(cidr)
        } else {
            Err(CidrError::NotAligned {
                aligned: aligned.to_string(),
            })
        }
    }

    /// The network mask over the family's width.
    fn mask(&self) -> u128 {
        let width = if self.v6 { 128 } else { 32 };
        let host_bits = u32::from(width - self.len);
        let all = if self.v6 { u128::MAX } else { u128::from(u32::MAX) };
        all.checked_shl(host_bits).map_or(0, |shifted| shifted & all)
    }

    /// The first and last address, as integers.
    fn range(&self) -> (u128, u128) {
        let mask = self.mask();
        let all = if self.v6 { u128::MAX } else { u128::from(u32::MAX) };
        (self.bits, self.bits | (!mask & all))
    }

    /// Whether `other` lies wholly inside this prefix (same family).
    pub fn contains(&self, other: &Cidr) -> bool {
        let ((start, end), (other_start, other_end)) = (self.range(), other.range());
        self.v6 == other.v6 && start <= other_start && other_end <= end
    }

    /// Whether the two prefixes share an address (same family).
    pub fn overlaps(&self, other: &Cidr) -> bool {
        let ((start, end), (other_start, other_end)) = (self.range(), other.range());
        self.v6 == other.v6 && start <= other_end && other_start <= end
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let address = if self.v6 {
            IpAddr::from(std::net::Ipv6Addr::from(self.bits))
        } else {
            IpAddr::from(std::net::Ipv4Addr::from(self.bits as u32))
        };
        write!(f, "{address}/{}", self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::{Cidr, CidrError};

    #[test]
    fn prefixes_parse_align_contain_and_overlap() {
        let vnet = Cidr::parse("10.0.0.0/16").unwrap();
        let a = Cidr::parse("10.0.1.0/24").unwrap();
        let b = Cidr::parse("10.0.0.0/23").unwrap();
        let outside = Cidr::parse("10.1.0.0/24").unwrap();
        assert!(vnet.contains(&a) && vnet.contains(&b) && !vnet.contains(&outside));
        assert!(a.overlaps(&b) && !a.overlaps(&outside));
        assert_eq!(
            Cidr::parse("10.0.3.5/24"),
            Err(CidrError::NotAligned {
                aligned: "10.0.3.0/24".into()
            })
        );
        for bad in ["10.0.0.0", "10.0.0.0/33", "10.0.0/8", "abc", "10.0.0.0/", "10.0.0.0/x"] {
            assert_eq!(Cidr::parse(bad), Err(CidrError::Format), "{bad}");
        }
        let all = Cidr::parse("0.0.0.0/0").unwrap();
        assert!(all.contains(&vnet));
        let v6 = Cidr::parse("fd00::/8").unwrap();
        assert!(v6.contains(&Cidr::parse("fd00:db8::/64").unwrap()));
        assert!(!v6.overlaps(&all), "families never overlap");
    }
}
