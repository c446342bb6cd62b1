//! carecount-generate (placeholder).
