//! History in the engine: the events themselves are the model's (`model::history`, re-exported
//! here); the engine merges them into a timeline and attributes findings to the change that
//! introduced them, and for events from the queue, the kinds they changed and whether one
//! was seen already.

pub mod attribute;
pub mod seen;
pub mod timeline;
pub mod touches;

pub use attribute::{Attribution, attribute};
pub use model::history::*;
pub use seen::Seen;
pub use timeline::{TimelineEntry, merge};
pub use touches::{Attr, Repoll, Touch, changing_calls, kinds, reads, repoll, touched};
