//! Output formats chosen on the command line, rendered by the engine's writers.

use crate::cli::Format;
use engine::formats::{self, Doc};

/// Render a report document in one of the CI formats.
pub fn render_doc(format: Format, doc: &Doc) -> Result<String, String> {
    match format {
        Format::Sarif => formats::sarif::to_string(doc),
        Format::Junit => formats::junit::to_string(doc),
        Format::Markdown => Ok(formats::markdown::to_string(doc)),
        Format::Table | Format::Json => Err("internal: table and json are rendered by their command".into()),
    }
}
