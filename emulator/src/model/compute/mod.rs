//! `Microsoft.Compute` as far as Image Builder's distributors need it: managed images, galleries
//! with their image definitions and image versions, and the platform (marketplace) images whose
//! versions resolve `latest`. The ARM providers write this state; the image template provider
//! reads definitions and writes images and versions through the functions here.

mod galleries;
mod images;
mod lifecycle;
mod platform;
mod versions;

use std::time::Instant;

use crate::model::World;
use crate::model::store::Store;

pub(crate) use galleries::{GALLERY_TYPE, Gallery, GalleryImage, IMAGE_DEFINITION_TYPE, ImageIdentifier};
pub(crate) use images::{IMAGE_TYPE, ImageSource, ManagedImage};
pub(crate) use lifecycle::{ComputeResource, Lifecycle};
pub(crate) use platform::{PlatformImage, platform_image, platform_images, set_marketplace};
pub(crate) use versions::{GalleryImageVersion, IMAGE_VERSION_TYPE, TargetRegion, version_name_error};

/// The galleries of `world`, if any was ever stored.
pub(crate) fn galleries(world: &World) -> Option<&Store<Gallery>> {
    world.resources.get()
}

/// The image definitions of `world`, if any was ever stored.
pub(crate) fn gallery_images(world: &World) -> Option<&Store<GalleryImage>> {
    world.resources.get()
}

/// The gallery image versions of `world`, if any was ever stored.
pub(crate) fn gallery_image_versions(world: &World) -> Option<&Store<GalleryImageVersion>> {
    world.resources.get()
}

/// The managed images of `world`, if any was ever stored.
pub(crate) fn managed_images(world: &World) -> Option<&Store<ManagedImage>> {
    world.resources.get()
}

/// The gallery with ARM id `id` (any case).
pub(crate) fn gallery<'w>(world: &'w World, id: &str, now: Instant) -> Option<&'w Gallery> {
    galleries(world)?.get(id, now)
}

/// The image definition with ARM id `id` (any case), e.g.
/// `/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Compute/galleries/{gallery}/images/{name}`.
pub(crate) fn gallery_image<'w>(world: &'w World, id: &str, now: Instant) -> Option<&'w GalleryImage> {
    gallery_images(world)?.get(id, now)
}

/// The gallery image version with ARM id `id` (any case), e.g.
/// `/subscriptions/{s}/resourceGroups/{g}/providers/Microsoft.Compute/galleries/{gallery}/images/{image}/versions/1.0.0`.
pub(crate) fn gallery_image_version<'w>(world: &'w World, id: &str, now: Instant) -> Option<&'w GalleryImageVersion> {
    gallery_image_versions(world)?.get(id, now)
}

/// The managed image with ARM id `id` (any case).
pub(crate) fn managed_image<'w>(world: &'w World, id: &str, now: Instant) -> Option<&'w ManagedImage> {
    managed_images(world)?.get(id, now)
}

/// Adds a managed image, or replaces the one with the same id.
pub(crate) fn insert_managed_image(world: &mut World, image: ManagedImage) {
    world.resources.get_mut::<ManagedImage>().insert(image);
}

/// Adds a gallery, or replaces the one with the same id.
pub(crate) fn insert_gallery(world: &mut World, gallery: Gallery) {
    world.resources.get_mut::<Gallery>().insert(gallery);
}

/// Adds an image definition, or replaces the one with the same id.
pub(crate) fn insert_gallery_image(world: &mut World, image: GalleryImage) {
    world.resources.get_mut::<GalleryImage>().insert(image);
}

/// Adds a gallery image version, or replaces the one with the same id. Its image definition
/// should exist (see [`gallery_image`]): Azure refuses a version of a definition it does not
/// know.
pub(crate) fn insert_gallery_image_version(world: &mut World, version: GalleryImageVersion) {
    world.resources.get_mut::<GalleryImageVersion>().insert(version);
}

/// The live versions of the image definition with id `image_id`, in key order.
pub(crate) fn versions_of<'w>(world: &'w World, image_id: &str, now: Instant) -> Vec<&'w GalleryImageVersion> {
    gallery_image_versions(world)
        .map(|store| store.under(&format!("{image_id}/versions/"), now).collect())
        .unwrap_or_default()
}

/// The live image definitions of the gallery with id `gallery_id`, in key order.
pub(crate) fn images_of<'w>(world: &'w World, gallery_id: &str, now: Instant) -> Vec<&'w GalleryImage> {
    gallery_images(world)
        .map(|store| store.under(&format!("{gallery_id}/images/"), now).collect())
        .unwrap_or_default()
}

/// Removes every gallery, image definition, image version and managed image whose id starts
/// with `prefix` (a resource group's scope, ending in `/`).
pub(crate) fn remove_under(world: &mut World, prefix: &str) {
    world.resources.get_mut::<GalleryImageVersion>().remove_under(prefix);
    world.resources.get_mut::<GalleryImage>().remove_under(prefix);
    world.resources.get_mut::<Gallery>().remove_under(prefix);
    world.resources.get_mut::<ManagedImage>().remove_under(prefix);
}
