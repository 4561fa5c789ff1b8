//! Azure regions: the names ARM accepts for a resource group's location, and their normal form.

/// The physical regions (lowercase, no spaces) of the public and national clouds, where resource
/// groups can live. Geographies (`global`, `asia`, `unitedstates`, ...), staging and canary
/// (EUAP) regions are not among them, as ARM refuses them for resource groups.
const REGIONS: &[&str] = &[
    "eastus",
    "eastus2",
    "southcentralus",
    "westus2",
    "westus3",
    "australiaeast",
    "southeastasia",
    "northeurope",
    "swedencentral",
    "uksouth",
    "westeurope",
    "centralus",
    "southafricanorth",
    "centralindia",
    "eastasia",
    "japaneast",
    "koreacentral",
    "canadacentral",
    "francecentral",
    "germanywestcentral",
    "italynorth",
    "norwayeast",
    "polandcentral",
    "spaincentral",
    "switzerlandnorth",
    "mexicocentral",
    "uaenorth",
    "brazilsouth",
    "israelcentral",
    "qatarcentral",
    "newzealandnorth",
    "indonesiacentral",
    "malaysiawest",
    "austriaeast",
    "belgiumcentral",
    "chilecentral",
    "denmarkeast",
    "northcentralus",
    "westus",
    "japanwest",
    "jioindiawest",
    "westcentralus",
    "southafricawest",
    "australiacentral",
    "australiacentral2",
    "australiasoutheast",
    "jioindiacentral",
    "koreasouth",
    "southindia",
    "westindia",
    "canadaeast",
    "francesouth",
    "germanynorth",
    "norwaywest",
    "switzerlandwest",
    "ukwest",
    "uaecentral",
    "brazilsoutheast",
    "chinaeast",
    "chinaeast2",
    "chinaeast3",
    "chinanorth",
    "chinanorth2",
    "chinanorth3",
    "usgovvirginia",
    "usgovtexas",
    "usgovarizona",
    "usdodeast",
    "usdodcentral",
];

/// The normal form of a location (`East US` -> `eastus`) if it names a known region.
pub(crate) fn normalize(location: &str) -> Option<String> {
    let normal: String = location
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    REGIONS.contains(&normal.as_str()).then_some(normal)
}

/// The region names in alphabetical order, comma separated, as ARM lists them in errors.
pub(crate) fn known_list() -> String {
    let mut names = REGIONS.to_vec();
    names.sort_unstable();
    names.join(",")
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_names_normalize() {
        assert_eq!(super::normalize("East US 2").as_deref(), Some("eastus2"));
        assert_eq!(super::normalize("westeurope").as_deref(), Some("westeurope"));
        assert_eq!(super::normalize("atlantis"), None);
    }

    #[test]
    fn geographies_staging_and_canary_regions_are_not_resource_group_locations() {
        for name in [
            "global",
            "asia",
            "United States",
            "eastusstage",
            "eastus2euap",
            "brazilus",
            "europe",
        ] {
            assert_eq!(super::normalize(name), None, "{name}");
        }
        let list = super::known_list();
        assert!(list.starts_with("australiacentral,"), "{list}");
        assert!(list.contains(",westeurope,") && !list.contains("global"), "{list}");
    }
}
