//! What the container does when a render host reports that a page's web process ended:
//! reload once, close when it ends again soon after, and report both.

use std::sync::Arc;

use capsule_runtime::{
    App, Container, ContainerEvent, HeadlessHost, HostRecord, WebProcessGoneReason,
};
use serde_json::json;

fn h5_app(dir: &std::path::Path) -> App {
    let manifest = json!({
        "appId": "policy-app", "name": "policy", "version": "1.0.0",
        "kind": "h5", "entry": "index.html", "permissions": { "apis": [] },
    });
    std::fs::write(dir.join("manifest.json"), manifest.to_string()).expect("manifest");
    std::fs::write(dir.join("index.html"), "<p>page</p>").expect("page");
    App::open_dir(dir).expect("app")
}

#[test]
fn a_page_is_reloaded_once_then_closed_when_its_web_process_ends_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let host = Arc::new(HeadlessHost::new());
    let container = Container::builder()
        .data_dir(dir.path().join("data"))
        .build(host.clone());
    let events = container.subscribe();
    let page = container.open(h5_app(dir.path())).expect("opens");

    container.web_process_gone(page, WebProcessGoneReason::Crashed);
    assert_eq!(
        events.try_recv(),
        Ok(ContainerEvent::WebProcessGone {
            page,
            reason: WebProcessGoneReason::Crashed,
            reloaded: true
        })
    );
    assert_eq!(host.records().last(), Some(&HostRecord::Reloaded { page }));
    assert!(container.app_of(page).is_some());

    container.web_process_gone(page, WebProcessGoneReason::ExceededMemoryLimit);
    assert_eq!(
        events.try_recv(),
        Ok(ContainerEvent::WebProcessGone {
            page,
            reason: WebProcessGoneReason::ExceededMemoryLimit,
            reloaded: false
        })
    );
    assert_eq!(events.try_recv(), Ok(ContainerEvent::PageClosed(page)));
    assert_eq!(host.records().last(), Some(&HostRecord::Closed { page }));
    assert!(!container.has_pages());

    // A late report for a page already closed changes nothing.
    container.web_process_gone(page, WebProcessGoneReason::Crashed);
    assert!(events.try_recv().is_err());
}
