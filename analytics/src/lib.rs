//! What the runtime records about the apps it runs: app and page lifecycle, JSAPI calls,
//! performance, errors and the apps' own events, kept in an SQLite journal per data folder
//! and summarised in reports.
