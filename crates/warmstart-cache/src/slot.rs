//! Values stored lazily. A loaded bucket keeps its file's body in memory
//! and decodes a value only when a lookup hits it: loading 5,000 entries
//! then costs decoding 5,000 keys and stamps, not 5,000 values (most of
//! which a narrow command never asks for), and decoding a hit costs about
//! what cloning it would. A save copies undecoded values byte for byte.

use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::format::Codec;

/// What [`encode_value`] reserves before encoding.
const ENCODE_CAPACITY: usize = 128;

/// A value as stored in memory: still encoded in the loaded file, or owned.
#[derive(Debug, Clone)]
pub(crate) enum Slot<V> {
    Raw(Arc<Vec<u8>>, Range<usize>),
    Owned(V),
}

impl<V: Serialize + DeserializeOwned + Clone> Slot<V> {
    /// The value; `Err` when stored bytes do not decode as `V` (the type
    /// cannot read what it wrote, see [`Codec`]).
    pub(crate) fn get(&self, codec: Codec) -> Result<V, String> {
        match self {
            Slot::Owned(v) => Ok(v.clone()),
            Slot::Raw(body, range) => decode_value(codec, &body[range.clone()]),
        }
    }

    /// The encoded bytes, for saving.
    pub(crate) fn bytes(&self, codec: Codec) -> Result<std::borrow::Cow<'_, [u8]>, String> {
        match self {
            Slot::Raw(body, range) => Ok(std::borrow::Cow::Borrowed(&body[range.clone()])),
            Slot::Owned(v) => encode_value(codec, v).map(std::borrow::Cow::Owned),
        }
    }
}

pub(crate) fn decode_value<V: DeserializeOwned>(codec: Codec, bytes: &[u8]) -> Result<V, String> {
    match codec {
        Codec::Postcard => postcard::from_bytes(bytes).map_err(|e| e.to_string()),
        Codec::Json => serde_json::from_slice(bytes).map_err(|e| e.to_string()),
    }
}

pub(crate) fn encode_value<V: Serialize>(codec: Codec, value: &V) -> Result<Vec<u8>, String> {
    match codec {
        // Room for a typical value up front (a resolution answer fits, a
        // parse entry grows once): grown from empty, each was reallocated
        // four to six times, ~12,000 values per fill on Cal.com.
        Codec::Postcard => postcard::to_extend(value, Vec::with_capacity(ENCODE_CAPACITY))
            .map_err(|e| e.to_string()),
        Codec::Json => serde_json::to_vec(value).map_err(|e| e.to_string()),
    }
}
