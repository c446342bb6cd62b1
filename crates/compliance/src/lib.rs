//! carecount-compliance (placeholder).
