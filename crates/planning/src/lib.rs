//! carecount-planning (placeholder).
