//! The `[[platform_images]]` list: the marketplace images the emulator knows. Left empty (the
//! default), every publisher, offer and SKU exists in every region with the versions
//! `2024.01.10`, `2025.06.01` and `2025.11.20`; given, only the images it lists exist.

use serde::Deserialize;

use crate::error::Error;
use crate::model::compute::PlatformImage;
use crate::model::regions;

/// A platform image (publisher, offer, SKU) and its versions.
#[derive(Deserialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct PlatformImageSeed {
    /// E.g. `Canonical`.
    pub publisher: String,
    /// E.g. `ubuntu-24_04-lts`.
    pub offer: String,
    /// E.g. `server`.
    pub sku: String,
    /// `Major.Minor.Patch` version names (unsigned integers), e.g. `24.04.202409120`; `latest`
    /// resolves to the highest.
    pub versions: Vec<String>,
    /// The regions that have it; every region when left out.
    pub locations: Vec<String>,
    /// `Linux` or `Windows`; guessed from the publisher's name when left out (`Windows` when it
    /// contains "windows").
    pub os_type: Option<String>,
    /// `V1` or `V2`; guessed from the SKU's name when left out (`V2` when it contains `gen2` or
    /// ends with `-g2`).
    pub hyper_v_generation: Option<String>,
}

/// Whether `version` is three unsigned integers separated by periods.
fn is_version(version: &str) -> bool {
    let parts: Vec<&str> = version.split('.').collect();
    parts.len() == 3
        && parts
            .iter()
            .all(|part| part.parse::<u64>().is_ok() && !part.starts_with('+'))
}

/// `value` in the canonical spelling of one of `values` (any case).
fn canonical(value: &str, values: &[&'static str]) -> Option<&'static str> {
    values.iter().copied().find(|known| known.eq_ignore_ascii_case(value))
}

impl PlatformImageSeed {
    /// Checks the seed at `field` (e.g. `platform_images[0]`).
    pub(crate) fn validate(&self, field: &str) -> Result<(), Error> {
        for (name, value) in [
            ("publisher", &self.publisher),
            ("offer", &self.offer),
            ("sku", &self.sku),
        ] {
            if value.trim().is_empty() || value.contains('/') {
                return Err(Error::invalid(
                    format!("{field}.{name}"),
                    "must be a non-empty name without '/'",
                ));
            }
        }
        if self.versions.is_empty() {
            return Err(Error::invalid(
                format!("{field}.versions"),
                "must list at least one version",
            ));
        }
        if let Some((i, version)) = self.versions.iter().enumerate().find(|(_, v)| !is_version(v)) {
            return Err(Error::invalid(
                format!("{field}.versions[{i}]"),
                format!("'{version}' is not Major.Minor.Patch (three unsigned integers)"),
            ));
        }
        if let Some((i, location)) = self
            .locations
            .iter()
            .enumerate()
            .find(|(_, l)| regions::normalize(l).is_none())
        {
            return Err(Error::invalid(
                format!("{field}.locations[{i}]"),
                format!("'{location}' is not a known region"),
            ));
        }
        if let Some(os_type) = self
            .os_type
            .as_deref()
            .filter(|os| canonical(os, &["Linux", "Windows"]).is_none())
        {
            return Err(Error::invalid(
                format!("{field}.os_type"),
                format!("'{os_type}' is not Linux or Windows"),
            ));
        }
        if let Some(generation) = self
            .hyper_v_generation
            .as_deref()
            .filter(|g| canonical(g, &["V1", "V2"]).is_none())
        {
            return Err(Error::invalid(
                format!("{field}.hyper_v_generation"),
                format!("'{generation}' is not V1 or V2"),
            ));
        }
        Ok(())
    }

    /// One [`PlatformImage`] per version (call after [`Self::validate`]).
    fn images(&self) -> impl Iterator<Item = PlatformImage> + '_ {
        self.versions.iter().map(|version| {
            let mut image = PlatformImage::guess(&self.publisher, &self.offer, &self.sku, version);
            image.locations = self.locations.iter().filter_map(|l| regions::normalize(l)).collect();
            if let Some(os_type) = self
                .os_type
                .as_deref()
                .and_then(|os| canonical(os, &["Linux", "Windows"]))
            {
                image.os_type = os_type.to_owned();
            }
            if let Some(generation) = self
                .hyper_v_generation
                .as_deref()
                .and_then(|g| canonical(g, &["V1", "V2"]))
            {
                image.hyper_v_generation = generation.to_owned();
            }
            image
        })
    }
}

/// The marketplace `seeds` describe (empty: the default marketplace of every image).
pub(crate) fn marketplace(seeds: &[PlatformImageSeed]) -> Vec<PlatformImage> {
    seeds.iter().flat_map(PlatformImageSeed::images).collect()
}

#[cfg(test)]
mod tests {
    use super::{PlatformImageSeed, marketplace};

    fn seed() -> PlatformImageSeed {
        PlatformImageSeed {
            publisher: "MicrosoftWindowsServer".into(),
            offer: "WindowsServer".into(),
            sku: "2022-datacenter".into(),
            versions: vec!["20348.2700.240906".into(), "20348.2762.241009".into()],
            locations: vec!["West Europe".into()],
            os_type: None,
            hyper_v_generation: Some("v2".into()),
        }
    }

    #[test]
    fn seeds_become_one_image_per_version_with_guesses_and_overrides() {
        assert!(seed().validate("platform_images[0]").is_ok());
        let images = marketplace(&[seed()]);
        assert_eq!(images.len(), 2);
        assert_eq!(images[0].os_type, "Windows");
        assert_eq!(images[0].hyper_v_generation, "V2");
        assert_eq!(images[1].locations, ["westeurope"]);
    }

    /// A change that spoils a valid seed.
    type Spoil = fn(&mut PlatformImageSeed);

    #[test]
    fn bad_seeds_name_the_field() {
        let cases: [(Spoil, &str); 6] = [
            (|s| s.sku = String::new(), "platform_images[0].sku"),
            (|s| s.versions.clear(), "platform_images[0].versions"),
            (|s| s.versions.push("1.0".into()), "platform_images[0].versions[2]"),
            (|s| s.locations.push("moon".into()), "platform_images[0].locations[1]"),
            (|s| s.os_type = Some("BSD".into()), "platform_images[0].os_type"),
            (
                |s| s.hyper_v_generation = Some("V3".into()),
                "platform_images[0].hyper_v_generation",
            ),
        ];
        for (spoil, field) in cases {
            let mut bad = seed();
            spoil(&mut bad);
            let error = bad.validate("platform_images[0]").expect_err(field).to_string();
            assert!(error.contains(field), "{error}");
        }
    }
}
