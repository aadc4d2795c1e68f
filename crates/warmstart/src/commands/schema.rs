use std::io::Write;

use crate::cli::{CmdResult, Status};
use crate::printer::Printer;
use crate::settings::schema_json;

pub fn run(_printer: &Printer) -> CmdResult {
    let _ = std::io::stdout().lock().write_all(schema_json().as_bytes());
    Ok(Status::Ok)
}
