//! carecount-reports (placeholder).
