//! The app store: discovers apps exactly as Cal.com's `app-store-cli build`
//! does, evaluates `_metadata.ts` statically with oxc, and prints the
//! registry files byte for byte as prettier would.

mod config;

pub use config::AppsConfig;
