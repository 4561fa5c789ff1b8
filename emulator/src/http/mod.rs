//! The small HTTP server the endpoint families run on. Bodies stream both ways: a request body
//! is read whole only for the routes that ask for it (with a limit), and responses may be files
//! sent chunk by chunk.

mod body;
mod family;
pub(crate) mod listener;
mod pipeline;
mod reply;
mod request;
mod request_body;

pub(crate) use body::Body;
pub(crate) use family::Family;
pub(crate) use reply::Reply;
pub(crate) use request::Request;
pub(crate) use request_body::{BodyError, BodyPolicy, RequestBody};
