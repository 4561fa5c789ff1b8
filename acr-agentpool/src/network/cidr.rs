//! IP prefixes (`10.0.0.0/24`, `10.0.0.4`, `fd00::/64`) as security rules and subnets write
//! them, and whether one holds another.

use std::net::IpAddr;

/// An IPv4 or IPv6 prefix: an address and the number of leading bits that count. A bare
/// address is a prefix of its full length (`/32` or `/128`), as Azure reads it in rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    address: IpAddr,
    length: u8,
}

impl Cidr {
    /// Parses `10.0.0.0/24` or `10.0.0.4`; `None` for anything else (a service tag, `*`).
    pub fn parse(text: &str) -> Option<Self> {
        let (address, length) = match text.trim().split_once('/') {
            Some((address, length)) => (address.parse::<IpAddr>().ok()?, Some(length.parse::<u8>().ok()?)),
            None => (text.trim().parse::<IpAddr>().ok()?, None),
        };
        let max = if address.is_ipv4() { 32 } else { 128 };
        let length = length.unwrap_or(max);
        (length <= max).then_some(Self { address, length })
    }

    /// Whether every address of `other` is in this prefix (same family only).
    pub fn contains(&self, other: &Cidr) -> bool {
        if self.length > other.length {
            return false;
        }
        match (self.address, other.address) {
            (IpAddr::V4(mine), IpAddr::V4(theirs)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.length)).unwrap_or(0);
                u32::from(mine) & mask == u32::from(theirs) & mask
            }
            (IpAddr::V6(mine), IpAddr::V6(theirs)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.length)).unwrap_or(0);
                u128::from(mine) & mask == u128::from(theirs) & mask
            }
            _ => false,
        }
    }

    /// Whether this is every IPv4 address (`0.0.0.0/0`), where Azure's public services are.
    pub fn is_all_ipv4(&self) -> bool {
        self.address.is_ipv4() && self.length == 0
    }
}

#[cfg(test)]
mod tests {
    use super::Cidr;

    #[test]
    fn prefixes_hold_the_prefixes_and_addresses_inside_them() {
        let vnet = Cidr::parse("10.0.0.0/16").unwrap();
        assert!(vnet.contains(&Cidr::parse("10.0.3.0/24").unwrap()));
        assert!(vnet.contains(&Cidr::parse("10.0.255.4").unwrap()));
        assert!(!vnet.contains(&Cidr::parse("10.1.0.0/24").unwrap()));
        assert!(!vnet.contains(&Cidr::parse("10.0.0.0/8").unwrap()), "a wider prefix");
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(&vnet));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().is_all_ipv4());
        assert!(!Cidr::parse("::/0").unwrap().contains(&vnet), "another family");
        assert!(
            Cidr::parse("fd00::/8")
                .unwrap()
                .contains(&Cidr::parse("fd12::/64").unwrap())
        );
        for bad in ["Storage", "*", "10.0.0.0/33", "10.0.0/24", ""] {
            assert_eq!(Cidr::parse(bad), None, "{bad}");
        }
    }
}
