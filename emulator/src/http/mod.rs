//! The small HTTP server the endpoint families run on.

mod body;
mod family;
pub(crate) mod listener;
mod pipeline;
mod reply;
mod request;

pub(crate) use body::Body;
pub(crate) use family::Family;
pub(crate) use reply::Reply;
pub(crate) use request::Request;
