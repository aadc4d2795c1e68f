//! A versioned on-disk cache (L2) and an in-memory layer (L1): buckets named
//! with their format version, content-hash checks, atomic writes, a lock.

mod config;

pub use config::CacheConfig;
