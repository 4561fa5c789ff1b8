//! Platform (marketplace) images: which versions of a publisher's offer and SKU a region has.
//! The marketplace cannot be known locally, so by default every publisher, offer and SKU exists
//! in every region with the versions [`DEFAULT_PLATFORM_VERSIONS`]; the configuration's
//! `[[platform_images]]` narrows it to the images it lists (then nothing else exists).

use std::cmp::Ordering;
use std::time::Instant;

use serde_json::{Value, json};

use crate::model::World;
use crate::model::store::{Store, Stored};

/// The versions every platform image has when the configuration lists none: `Major.Minor.Patch`
/// as the marketplace writes them (a year, a month, a day), oldest first.
pub(crate) const DEFAULT_PLATFORM_VERSIONS: &[&str] = &["2024.01.10", "2025.06.01", "2025.11.20"];

/// One version of a platform image.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PlatformImage {
    pub publisher: String,
    pub offer: String,
    pub sku: String,
    pub version: String,
    /// The regions that have it (lowercase); empty: every region.
    pub locations: Vec<String>,
    /// `Linux` or `Windows`.
    pub os_type: String,
    /// `V1` or `V2`.
    pub hyper_v_generation: String,
}

impl PlatformImage {
    /// The image a marketplace entry describes when it does not say more: Windows when the publisher's name says so (e.g.
    /// `MicrosoftWindowsServer`), else Linux; generation `V2` when the SKU's name says so (e.g.
    /// `22_04-lts-gen2`, `2022-datacenter-g2`), else `V1` (emulator choices).
    pub(crate) fn guess(publisher: &str, offer: &str, sku: &str, version: &str) -> PlatformImage {
        let sku_lower = sku.to_lowercase();
        let v2 = sku_lower.contains("gen2") || sku_lower.ends_with("-g2");
        PlatformImage {
            publisher: publisher.to_owned(),
            offer: offer.to_owned(),
            sku: sku.to_owned(),
            version: version.to_owned(),
            locations: Vec::new(),
            os_type: if publisher.to_lowercase().contains("windows") {
                "Windows"
            } else {
                "Linux"
            }
            .to_owned(),
            hyper_v_generation: if v2 { "V2" } else { "V1" }.to_owned(),
        }
    }

    /// Whether region `location` (any case) has it.
    fn in_location(&self, location: &str) -> bool {
        self.locations.is_empty() || self.locations.iter().any(|l| l.eq_ignore_ascii_case(location))
    }

    /// Its ARM id as Compute writes it in region `location` of `subscription`
    /// (learn.microsoft.com "Virtual Machine Images - Get").
    pub fn arm_id(&self, subscription: &str, location: &str) -> String {
        format!(
            "/Subscriptions/{subscription}/Providers/Microsoft.Compute/Locations/{location}/Publishers/{}/ArtifactTypes/VMImage/Offers/{}/Skus/{}/Versions/{}",
            self.publisher, self.offer, self.sku, self.version
        )
    }
}

/// The store key prefix of the versions of a SKU.
fn sku_key(publisher: &str, offer: &str, sku: &str) -> String {
    format!(
        "/providers/Microsoft.Compute/publishers/{publisher}/artifacttypes/vmimage/offers/{offer}/skus/{sku}/versions/"
    )
}

impl Stored for PlatformImage {
    fn id(&self) -> String {
        format!("{}{}", sku_key(&self.publisher, &self.offer, &self.sku), self.version)
    }

    /// The `VirtualMachineImage` of the version without `id` and `location`, which depend on the
    /// request (see [`PlatformImage::arm_id`]).
    fn to_json(&self, _now: Instant) -> Value {
        json!({
            "name": self.version,
            "properties": {
                "osDiskImage": { "operatingSystem": self.os_type },
                "dataDiskImages": [],
                "hyperVGeneration": self.hyper_v_generation,
                "architecture": "x64",
                "automaticOSUpgradeProperties": { "automaticOSUpgradeSupported": false },
                "imageDeprecationStatus": { "imageState": "Active" },
            },
        })
    }
}

/// The configured marketplace, if the configuration narrowed it.
fn narrowed(world: &World) -> Option<&Store<PlatformImage>> {
    world
        .resources
        .get::<PlatformImage>()
        .filter(|store| store.values().next().is_some())
}

/// Orders version names as numbers part by part (`2.10.0` after `2.9.0`), then as text.
fn compare_versions(a: &str, b: &str) -> Ordering {
    let numbers = |v: &str| {
        v.split('.')
            .map(|part| part.parse::<u64>().unwrap_or(0))
            .collect::<Vec<_>>()
    };
    numbers(a).cmp(&numbers(b)).then_with(|| a.cmp(b))
}

/// The versions of `publisher`/`offer`/`sku` (any case) in region `location`, oldest first:
/// `latest` is the last one.
pub(crate) fn platform_images(
    world: &World,
    location: &str,
    publisher: &str,
    offer: &str,
    sku: &str,
    now: Instant,
) -> Vec<PlatformImage> {
    let mut images: Vec<PlatformImage> = match narrowed(world) {
        Some(store) => store
            .under(&sku_key(publisher, offer, sku), now)
            .filter(|image| image.in_location(location))
            .cloned()
            .collect(),
        None => DEFAULT_PLATFORM_VERSIONS
            .iter()
            .map(|version| PlatformImage::guess(publisher, offer, sku, version))
            .collect(),
    };
    images.sort_by(|a, b| compare_versions(&a.version, &b.version));
    images
}

/// Version `version` (any case; `latest` is the newest) of `publisher`/`offer`/`sku` in region
/// `location`, if it exists.
pub(crate) fn platform_image(
    world: &World,
    location: &str,
    publisher: &str,
    offer: &str,
    sku: &str,
    version: &str,
    now: Instant,
) -> Option<PlatformImage> {
    let versions = platform_images(world, location, publisher, offer, sku, now);
    if version.eq_ignore_ascii_case("latest") {
        return versions.into_iter().last();
    }
    versions
        .into_iter()
        .find(|image| image.version.eq_ignore_ascii_case(version))
}

/// Narrows the marketplace of `world` to `images` (with none, every image exists again).
pub(crate) fn set_marketplace(world: &mut World, images: Vec<PlatformImage>) {
    let store = world.resources.get_mut::<PlatformImage>();
    *store = Store::default();
    for image in images {
        store.insert(image);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::{DEFAULT_PLATFORM_VERSIONS, PlatformImage, platform_image, platform_images, set_marketplace};
    use crate::model::World;

    fn image(version: &str, locations: &[&str]) -> PlatformImage {
        PlatformImage {
            publisher: "Canonical".into(),
            offer: "ubuntu-24_04-lts".into(),
            sku: "server".into(),
            version: version.into(),
            locations: locations.iter().map(|l| l.to_string()).collect(),
            os_type: "Linux".into(),
            hyper_v_generation: "V2".into(),
        }
    }

    #[test]
    fn by_default_everything_exists_and_latest_is_the_newest() {
        let (world, now) = (World::default(), Instant::now());
        let versions = platform_images(
            &world,
            "westus",
            "MicrosoftWindowsServer",
            "WindowsServer",
            "2022-datacenter-g2",
            now,
        );
        let names: Vec<&str> = versions.iter().map(|image| image.version.as_str()).collect();
        assert_eq!(names, DEFAULT_PLATFORM_VERSIONS);
        assert_eq!(versions[0].os_type, "Windows");
        assert_eq!(versions[0].hyper_v_generation, "V2");
        let latest = platform_image(&world, "eastus", "a", "b", "c", "LATEST", now).map(|image| image.version);
        assert_eq!(latest.as_deref(), DEFAULT_PLATFORM_VERSIONS.last().copied());
        assert!(platform_image(&world, "eastus", "a", "b", "c", "9.9.9", now).is_none());
    }

    #[test]
    fn a_narrowed_marketplace_orders_versions_as_numbers_and_honours_regions() {
        let (mut world, now) = (World::default(), Instant::now());
        set_marketplace(
            &mut world,
            vec![
                image("24.04.202409120", &[]),
                image("24.04.99", &[]),
                image("24.10.1", &["westeurope"]),
            ],
        );
        let here = |world: &World, loc: &str| -> Vec<String> {
            let images = platform_images(world, loc, "canonical", "UBUNTU-24_04-LTS", "Server", now);
            images.into_iter().map(|image| image.version).collect()
        };
        assert_eq!(here(&world, "eastus"), ["24.04.99", "24.04.202409120"]);
        assert_eq!(here(&world, "WestEurope"), ["24.04.99", "24.04.202409120", "24.10.1"]);
        assert!(platform_images(&world, "eastus", "Canonical", "other", "server", now).is_empty());
        set_marketplace(&mut world, Vec::new());
        assert_eq!(here(&world, "eastus"), DEFAULT_PLATFORM_VERSIONS);
    }
}
