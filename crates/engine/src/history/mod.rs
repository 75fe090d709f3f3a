//! History in the engine: the events themselves are the model's (`model::history`, re-exported
//! here); the engine merges them into a timeline and attributes findings to the change that
//! introduced them.

pub mod attribute;
pub mod timeline;
pub mod touches;

pub use attribute::{Attribution, attribute};
pub use model::history::*;
pub use timeline::{TimelineEntry, merge};
pub use touches::{Attr, Touch, reads, touched};
