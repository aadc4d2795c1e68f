//! Static assets: links app static files into the web app's `public/`
//! (directory symlink, file symlink, hardlink, reflink, copy; junctions on
//! Windows), records what it made, validates and cleans only that.

mod config;

pub use config::AssetsConfig;
