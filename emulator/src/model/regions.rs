//! Azure regions: the names ARM accepts for a location, and their normal form.

/// Region names as ARM returns them (lowercase, no spaces), public and national clouds.
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
    "centralusstage",
    "eastusstage",
    "eastus2stage",
    "northcentralusstage",
    "southcentralusstage",
    "westusstage",
    "westus2stage",
    "asia",
    "asiapacific",
    "australia",
    "brazil",
    "canada",
    "europe",
    "france",
    "germany",
    "global",
    "india",
    "japan",
    "korea",
    "norway",
    "singapore",
    "southafrica",
    "sweden",
    "switzerland",
    "uae",
    "uk",
    "unitedstates",
    "unitedstateseuap",
    "eastasiastage",
    "southeastasiastage",
    "brazilus",
    "eastusstg",
    "northcentralus",
    "westus",
    "japanwest",
    "jioindiawest",
    "centraluseuap",
    "eastus2euap",
    "southcentralusstg",
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

/// The known region names, comma separated, for error messages.
pub(crate) fn known_list() -> String {
    REGIONS.join(",")
}

#[cfg(test)]
mod tests {
    #[test]
    fn display_names_normalize() {
        assert_eq!(super::normalize("East US 2").as_deref(), Some("eastus2"));
        assert_eq!(super::normalize("westeurope").as_deref(), Some("westeurope"));
        assert_eq!(super::normalize("atlantis"), None);
    }
}
