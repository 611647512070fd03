//! Styles: ACSS/WXSS compiled to CSS.
