//! carecount-store (placeholder).
